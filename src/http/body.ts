/**
 * Request bodies: which encoding a call uses, and the bytes it sends. The body is first read
 * once into plain data ({@link toPlain}), under one rule for every encoding, so that JSON,
 * multipart and msgpack carry the same values and refuse the same ones. Every refusal is an
 * `InvalidParameterError` naming the value's path (`audio`, `voices[1]`, `prosody.speed`),
 * thrown before a request exists. msgpack is loaded only when a body needs it.
 *
 * **Values** (JSON, multipart and msgpack alike):
 * - strings, booleans, `null` and finite numbers are sent as they are. `NaN` and `±Infinity`
 *   are refused (JSON would silently send `null`); so is a string with an unpaired UTF-16
 *   surrogate, which has no UTF-8 form (each encoder would replace it differently).
 * - plain objects and arrays are walked. A property whose value is `undefined` is left out, as
 *   JSON does; `undefined` (or a hole) in a list is refused, since JSON would send `null` and
 *   multipart nothing. An object inside itself is refused; one shared by two fields is not.
 * - a `Date` is sent as its ISO 8601 string (`toISOString()`) in every encoding, which is what
 *   JSON always sent; an invalid `Date` is refused.
 * - bytes: a `Blob` (or `File`), an `ArrayBuffer`, or any `ArrayBufferView` (`Uint8Array`,
 *   `Buffer`, `Int16Array`, `DataView`…), sent as exactly the bytes the view covers
 *   (`byteOffset`/`byteLength` respected).
 * - everything else is refused rather than guessed at: a BigInt (pass a number; no integer of
 *   the spec needs more than 2^53, and JSON.stringify throws on one), functions, symbols, a
 *   Promise (a missing `await`), streams, and other objects that are not plain (`Map`, `Set`,
 *   class instances…), which JSON would send as `{}`.
 *
 * **Binary fields**, the top-level properties the manifest marks binary (`audio`, `voices`,
 * `cover_image`, `source`), take bytes or a list of bytes, or `null` (left to the server: the
 * manifest does not record which are nullable). A string is refused, not read as a path; so
 * is a Node stream (an `fs.ReadStream` carries its local path, which must not be sent). A web
 * `ReadableStream` is refused too, with the advice to read it into a Blob first: a multipart
 * part and a msgpack body need every byte before sending, and a retry must send them again,
 * which a stream read once cannot; buffering it here would hide that cost. It is left unread.
 *
 * **Encoding**, from what the spec offers and what the body holds: multipart when offered,
 * unless the body holds what multipart cannot express (an empty list, which as zero parts
 * reads as "not given"; `null` in a list; bytes inside an object), then msgpack when offered
 * (it carries all of these exactly), else refused. Otherwise msgpack when the body holds bytes
 * and the spec offers it, else JSON. In multipart a list is repeated parts under one name, bytes
 * are file parts, an object is its JSON text, and a `null` field is left out (multipart has no
 * null; the spec's nullable fields default to `null`).
 */
import { InvalidParameterError } from '../errors.js';
import type { BodyEncoding, RequestBodyEntry } from '../operations.js';

/** Bytes a caller may upload: a `Blob` (or `File`), an `ArrayBuffer`, or any view on one. */
export type Uploadable = Blob | ArrayBuffer | ArrayBufferView;

/** What `fetch` sends, and the content type to declare (none for FormData: fetch adds it). */
export interface EncodedBody {
  body: string | Uint8Array | FormData;
  contentType: string | undefined;
}

/** Bytes as held in the plain tree: a Blob, or a Uint8Array over exactly the caller's bytes. */
type Bytes = Blob | Uint8Array;

/** A body read into plain data by {@link toPlain}. */
interface PlainBody {
  /** Plain objects and arrays of strings, finite numbers, booleans, null and {@link Bytes}. */
  value: Record<string, unknown>;
  /** Where the first bytes are, if any (JSON cannot carry them). */
  firstBytes: string | undefined;
  /** The first thing multipart cannot express, if any. */
  notMultipart: { path: string; what: string } | undefined;
  /** Each Blob, where it sits and its path, to be read for msgpack. */
  blobs: Array<{
    holder: Record<string | number, unknown>;
    key: string | number;
    blob: Blob;
    path: string;
  }>;
}

const ACCEPTS =
  'a Blob or File, an ArrayBuffer, or an ArrayBufferView (Uint8Array, Buffer, Int16Array, DataView…)';

/** Encodes `value` for the wire under the rule above; anything it cannot send is refused. */
export async function encodeBody(entry: RequestBodyEntry, value: unknown): Promise<EncodedBody> {
  const plain = toPlain(value, entry.binary);
  const encoding = chooseEncoding(entry, plain);
  switch (encoding) {
    case 'multipart':
      return { body: toFormData(plain.value), contentType: undefined };
    case 'msgpack': {
      const { encode } = await import('@msgpack/msgpack');
      await Promise.all(
        plain.blobs.map(async ({ holder, key, blob, path }) => {
          try {
            holder[key] = new Uint8Array(await blob.arrayBuffer());
          } catch (error) {
            // A file's Blob (fs.openAsBlob) whose file changed or went away cannot be read: the
            // runtime's NotReadableError is no FishAudioError, and names no field.
            const what = error instanceof Error ? ` (${error.name})` : '';
            throw new InvalidParameterError(
              path,
              `"${path}" is a Blob that could not be read${what}: a file's Blob must not change after it is opened; open it again.`,
            );
          }
        }),
      );
      return {
        body: refuseUnencodable(() => encode(plain.value)),
        contentType: 'application/msgpack',
      };
    }
    case 'form':
    case 'json': {
      if (plain.firstBytes !== undefined) {
        throw new InvalidParameterError(
          plain.firstBytes,
          `"${plain.firstBytes}" holds bytes, but this operation takes ${encoding === 'json' ? 'JSON' : 'a form'}, which cannot carry bytes: pass text or base64.`,
        );
      }
      if (encoding === 'json') {
        return {
          body: refuseUnencodable(() => JSON.stringify(plain.value)),
          contentType: 'application/json',
        };
      }
      if (plain.notMultipart) {
        const { path, what } = plain.notMultipart;
        throw new InvalidParameterError(path, `"${path}" is ${what}, which a form cannot express.`);
      }
      const form = new URLSearchParams();
      for (const [name, item] of Object.entries(plain.value)) {
        for (const one of Array.isArray(item) ? item : [item]) {
          if (one !== null) form.append(name, formText(one));
        }
      }
      return { body: form.toString(), contentType: 'application/x-www-form-urlencoded' };
    }
  }
}

/** The encoding a body is sent in, by the rule above. */
function chooseEncoding(entry: RequestBodyEntry, plain: PlainBody): BodyEncoding {
  const offered = entry.encodings;
  if (offered.includes('multipart')) {
    if (!plain.notMultipart) return 'multipart';
    if (offered.includes('msgpack')) return 'msgpack';
    const { path, what } = plain.notMultipart;
    throw new InvalidParameterError(
      path,
      `"${path}" is ${what}, which multipart/form-data cannot express, and this operation offers no other encoding.`,
    );
  }
  if (offered.includes('msgpack') && plain.firstBytes !== undefined) return 'msgpack';
  if (offered.includes('json')) return 'json';
  return offered[0]!;
}

/** `value` as bytes to send (exactly the bytes a view covers), or `undefined` if it is not bytes. */
function asBytes(value: unknown): Bytes | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (typeof Blob !== 'undefined' && value instanceof Blob) return value;
  if (ArrayBuffer.isView(value)) {
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  // By tag as well as by class, so a buffer from another realm (a vm context) is bytes too.
  const tag = Object.prototype.toString.call(value);
  if (tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]') {
    return new Uint8Array(value as ArrayBufferLike);
  }
  return undefined;
}

// A lone UTF-16 surrogate, which UTF-8 cannot encode.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Where a value goes in the copy, and what its position asks of it. */
interface Frame {
  source: unknown;
  path: string;
  holder: Record<string | number, unknown>;
  key: string | number;
  /** In a list: `undefined` cannot be left out there. */
  inList: boolean;
  /** A binary field ('field'), or an item of one ('item'). */
  binary: 'field' | 'item' | undefined;
  /** Sent as a multipart part of its own: a top-level field, or an item of a top-level list. */
  part: boolean;
}

/**
 * Reads `body` into plain data under the rule in this module's comment, refusing the first
 * value it cannot carry. Iterative, so depth is no danger; a copy, so the caller's objects are
 * never changed (and a Blob read for msgpack replaces nothing of theirs).
 */
function toPlain(body: unknown, binary: readonly string[]): PlainBody {
  if (body === undefined) body = {};
  if (!isPlainObject(body)) {
    throw new InvalidParameterError(
      'body',
      `The request body must be an object, got ${describe(body)}.`,
    );
  }
  const root: { body?: Record<string, unknown> } = {};
  const out: PlainBody = { value: {}, firstBytes: undefined, notMultipart: undefined, blobs: [] };
  const onPath = new WeakSet<object>();
  const LEAVE = Symbol('leave');
  const work: Array<Frame | typeof LEAVE | object> = [
    {
      source: body,
      path: '',
      holder: root,
      key: 'body',
      inList: false,
      binary: undefined,
      part: false,
    },
  ];
  const cannotMultipart = (path: string, what: string) => {
    out.notMultipart ??= { path, what };
  };

  while (work.length > 0) {
    const frame = work.pop()!;
    if (frame === LEAVE) {
      onPath.delete(work.pop() as object);
      continue;
    }
    const { source: value, path, holder, key, inList, binary: isBinary, part } = frame as Frame;
    const name = path || 'body';
    const refuse = (message: string): never => {
      throw new InvalidParameterError(name, `"${name}" ${message}`);
    };

    let bytes: Bytes | undefined;
    try {
      bytes = asBytes(value);
    } catch {
      // A view on a buffer that was transferred away (postMessage, structuredClone) throws a
      // runtime TypeError when read: it has no bytes left to send.
      refuse(
        'is a detached ArrayBuffer (or a view on one): it was transferred and holds no bytes.',
      );
    }
    if (bytes !== undefined) {
      holder[key] = bytes;
      out.firstBytes ??= name;
      if (bytes instanceof Blob) out.blobs.push({ holder, key, blob: bytes, path: name });
      if (!part) cannotMultipart(name, 'bytes inside an object');
      continue;
    }
    const notBytes =
      isBinary === 'item' ||
      (isBinary === 'field' && value !== undefined && value !== null && !Array.isArray(value));
    if (notBytes) {
      refuse(`takes bytes: ${ACCEPTS}; got ${describe(value)}. ${adviceFor(value)}`.trimEnd());
    }

    if (value === undefined) {
      if (inList) {
        refuse(
          'is undefined, which a list cannot hold (JSON would send null, multipart nothing): remove it or pass null.',
        );
      }
      continue; // A property left out, as JSON does.
    }
    if (value === null) {
      holder[key] = null;
      if (inList && part) cannotMultipart(name, 'null in a list');
      continue;
    }
    switch (typeof value) {
      case 'string':
        if (LONE_SURROGATE.test(value)) {
          refuse('contains an unpaired UTF-16 surrogate, which has no UTF-8 form.');
        }
        holder[key] = value;
        continue;
      case 'boolean':
        holder[key] = value;
        continue;
      case 'number':
        if (!Number.isFinite(value)) {
          refuse(
            `is ${value}, which a request body cannot carry (JSON would send null): pass a finite number.`,
          );
        }
        holder[key] = value;
        continue;
      case 'bigint':
        refuse('is a BigInt, which a request body does not carry: pass a number.');
        break;
      case 'function':
      case 'symbol':
        refuse(`is ${describe(value)}, which a request body cannot carry.`);
        break;
    }

    const object = value as object;
    if (object instanceof Date) {
      if (Number.isNaN(object.getTime())) refuse('is an invalid Date.');
      holder[key] = object.toISOString();
      continue;
    }
    const list = Array.isArray(object);
    if (!list && !isPlainObject(object)) {
      refuse(
        `is ${describe(object)}, which a request body cannot carry: pass plain data (objects, arrays, strings, numbers, booleans, null) or bytes. ${adviceFor(object)}`.trimEnd(),
      );
    }
    if (onPath.has(object)) refuse('is an object that contains it (a circular reference).');

    const copy = (list ? [] : {}) as Record<string | number, unknown>;
    holder[key] = copy;
    onPath.add(object);
    work.push(object, LEAVE);
    const top = path === '';
    // A top-level field: a list there is repeated parts, one per item.
    const field = part && !inList;
    if (list) {
      const items = object as unknown[];
      if (items.length === 0 && field) cannotMultipart(name, 'an empty list');
      // Pushed last to first, so that the first problem found is the first in the body.
      for (let i = items.length - 1; i >= 0; i--) {
        work.push({
          source: items[i],
          path: `${path}[${i}]`,
          holder: copy,
          key: i,
          inList: true,
          binary: isBinary && 'item',
          part: field,
        });
      }
    } else {
      const keys = Object.keys(object);
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i]!;
        work.push({
          source: (object as Record<string, unknown>)[k],
          path: top ? k : `${path}.${k}`,
          holder: copy,
          key: k,
          inList: false,
          binary: top && binary.includes(k) ? 'field' : undefined,
          part: top,
        });
      }
    }
  }
  out.value = root.body as Record<string, unknown>;
  return out;
}

/** Own-data objects: a prototype of `Object.prototype` (of any realm) or none. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function isReadableStream(value: object): boolean {
  return (
    (typeof ReadableStream !== 'undefined' && value instanceof ReadableStream) ||
    typeof (value as { getReader?: unknown }).getReader === 'function'
  );
}

function isNodeStream(value: object): boolean {
  const stream = value as { pipe?: unknown; on?: unknown };
  return typeof stream.pipe === 'function' && typeof stream.on === 'function';
}

function isThenable(value: object): boolean {
  return typeof (value as { then?: unknown }).then === 'function';
}

/** What a value is, for a message. A string is described, never shown: it may be a secret. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'string':
      return `a string of ${value.length} characters`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return `${value}`;
    case 'bigint':
      return 'a BigInt';
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
  }
  const object = value as object;
  if (isReadableStream(object)) return 'a ReadableStream';
  if (isNodeStream(object)) return 'a Node.js stream';
  if (isThenable(object)) return 'a Promise';
  if (isPlainObject(object)) return 'a plain object';
  const name = (object as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && /^[A-Za-z_$][\w$]*$/.test(name)
    ? `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`
    : 'an object';
}

/** What to do instead, for the values a caller most often passes by mistake. */
function adviceFor(value: unknown): string {
  if (typeof value === 'string') {
    return 'A string is not read as a file path: pass `await fs.openAsBlob(path)` or `await readFile(path)`.';
  }
  if (typeof value !== 'object' || value === null) return '';
  if (isReadableStream(value)) {
    return 'A ReadableStream is not uploaded as it is (a part needs all its bytes before sending, and a retry must send them again): read it into a Blob first, `await new Response(stream).blob()`.';
  }
  if (isNodeStream(value)) {
    return 'A Node.js stream is not read: for a file pass `await fs.openAsBlob(path)`, otherwise collect the stream into a Buffer first.';
  }
  if (isThenable(value)) return 'Await it first.';
  return '';
}

/**
 * A multipart body. Arrays become repeated parts under the same name (the API expects
 * `voices` twice, not `voices=a,b`); bytes become file parts; objects are sent as JSON text; a
 * `null` field is left out. Only called on a body multipart can express (see chooseEncoding).
 */
function toFormData(value: Record<string, unknown>): FormData {
  const form = new FormData();
  for (const [name, item] of Object.entries(value)) {
    for (const one of Array.isArray(item) ? item : [item]) {
      if (one === null) continue;
      if (typeof Blob !== 'undefined' && one instanceof Blob) {
        form.append(
          name,
          one,
          typeof File !== 'undefined' && one instanceof File ? one.name : name,
        );
      } else if (one instanceof Uint8Array) {
        form.append(name, new Blob([one as Uint8Array<ArrayBuffer>]), name);
      } else form.append(name, formText(one));
    }
  }
  return form;
}

/** Runs an encoder, turning its complaint (a body nested too deep, say) into a typed error. */
function refuseUnencodable<T>(encode: () => T): T {
  try {
    return encode();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidParameterError('body', `The request body cannot be encoded: ${reason}.`);
  }
}

/** A plain value as the text of a form field: a string as is, anything else as its JSON. */
function formText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
