/**
 * Request bodies: which encoding a call uses, and the bytes it sends. One fixed rule picks the
 * encoding from what the spec offers and what the body holds: multipart when offered (uploads),
 * msgpack only when the body holds bytes and the spec offers it, otherwise JSON. msgpack is
 * loaded only when a body needs it, so apps that never send bytes do not ship it.
 */
import { InvalidParameterError } from '../errors.js';
import type { BodyEncoding, RequestBodyEntry } from '../operations.js';

/** Bytes a caller may upload: a `Blob` (or `File`), a `Uint8Array` or an `ArrayBuffer`. */
export type Uploadable = Blob | Uint8Array | ArrayBuffer;

/** What `fetch` sends, and the content type to declare (none for FormData: fetch adds it). */
export interface EncodedBody {
  body: string | Uint8Array | FormData;
  contentType: string | undefined;
}

/** Whether `value` is bytes the client can upload. */
export function isUploadable(value: unknown): value is Uploadable {
  return (
    value instanceof Uint8Array ||
    value instanceof ArrayBuffer ||
    (typeof Blob !== 'undefined' && value instanceof Blob)
  );
}

/**
 * Whether bytes appear anywhere inside `value`. Iterative, so depth is no danger, and each
 * object is visited once; a body that contains itself cannot be sent and is refused.
 */
export function holdsBytes(value: unknown): boolean {
  const seen = new WeakSet<object>();
  const path = new WeakSet<object>();
  let found = false;
  // Depth-first with an explicit "leave" marker, so that a cycle (an object inside itself) can
  // be told from an object that is merely shared by two properties.
  const LEAVE = Symbol('leave');
  const work: unknown[] = [value];
  while (work.length > 0) {
    const node = work.pop();
    if (node === LEAVE) {
      path.delete(work.pop() as object);
      continue;
    }
    if (isUploadable(node)) found = true;
    if (typeof node !== 'object' || node === null || isUploadable(node)) continue;
    if (path.has(node)) {
      throw new InvalidParameterError(
        'body',
        'The request body contains itself (a circular reference).',
      );
    }
    if (seen.has(node)) continue;
    seen.add(node);
    path.add(node);
    work.push(node, LEAVE, ...Object.values(node));
  }
  return found;
}

/** The encoding a body is sent in, by the one rule above. */
export function chooseEncoding(entry: RequestBodyEntry, value: unknown): BodyEncoding {
  const offered = entry.encodings;
  if (offered.includes('multipart')) return 'multipart';
  if (offered.includes('msgpack') && holdsBytes(value)) return 'msgpack';
  if (offered.includes('json')) return 'json';
  return offered[0]!;
}

/** Encodes `value` for the wire. Bytes where the encoding cannot carry them are refused. */
export async function encodeBody(entry: RequestBodyEntry, value: unknown): Promise<EncodedBody> {
  const encoding = chooseEncoding(entry, value);
  switch (encoding) {
    case 'multipart':
      return { body: toFormData(value as Record<string, unknown>), contentType: undefined };
    case 'msgpack': {
      const { encode } = await import('@msgpack/msgpack');
      const plain = await bytesToUint8Arrays(value);
      return {
        body: refuseUnencodable(() => encode(plain, { ignoreUndefined: true })),
        contentType: 'application/msgpack',
      };
    }
    case 'form':
    case 'json': {
      if (holdsBytes(value)) {
        throw new InvalidParameterError(
          'body',
          `This operation takes ${encoding === 'json' ? 'JSON' : 'a form'}, which cannot carry bytes: pass text or base64.`,
        );
      }
      if (encoding === 'json') {
        return {
          body: refuseUnencodable(() => JSON.stringify(value)),
          contentType: 'application/json',
        };
      }
      const form = new URLSearchParams();
      for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
        for (const one of Array.isArray(item) ? item : [item]) {
          if (one !== undefined && one !== null) form.append(name, formText(one));
        }
      }
      return { body: form.toString(), contentType: 'application/x-www-form-urlencoded' };
    }
  }
}

/**
 * A multipart body. Arrays become repeated parts under the same name (the API expects
 * `voices` twice, not `voices=a,b`); bytes become file parts; objects are sent as JSON text.
 */
function toFormData(value: Record<string, unknown>): FormData {
  const form = new FormData();
  for (const [name, item] of Object.entries(value)) {
    for (const one of Array.isArray(item) ? item : [item]) {
      if (one === undefined || one === null) continue;
      if (isUploadable(one)) {
        const blob = one instanceof Blob ? one : new Blob([one as BlobPart]);
        const filename = typeof File !== 'undefined' && one instanceof File ? one.name : name;
        form.append(name, blob, filename);
      } else form.append(name, formText(one));
    }
  }
  return form;
}

/** Runs an encoder, turning its complaint (a BigInt, say) into a typed error. */
function refuseUnencodable<T>(encode: () => T): T {
  try {
    return encode();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidParameterError('body', `The request body cannot be encoded: ${reason}.`);
  }
}

function formText(value: unknown): string {
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A copy of `value` with every Blob and ArrayBuffer read into a Uint8Array, for msgpack. */
async function bytesToUint8Arrays(value: unknown): Promise<unknown> {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (typeof Blob !== 'undefined' && value instanceof Blob) {
    return new Uint8Array(await value.arrayBuffer());
  }
  if (Array.isArray(value)) return Promise.all(value.map(bytesToUint8Arrays));
  if (typeof value === 'object' && value !== null) {
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await bytesToUint8Arrays(v)] as const),
    );
    return Object.fromEntries(entries);
  }
  return value;
}
