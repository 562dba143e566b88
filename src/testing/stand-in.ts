/**
 * A local stand-in for the Fish Audio API, driven by the checked-in spec: it routes by the
 * operation manifest (`src/generated/operations.ts`), refuses requests the spec would not
 * accept, and checks every body it serves against the generated response validators. When the
 * spec gains an operation, a parameter or a status, the stand-in follows without an edit: the
 * default bodies are built from the validators (`bodies.ts`), and only speech (audio, events,
 * transcripts) is answered by code of its own.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { decode as decodeMsgpack } from '@msgpack/msgpack';
import { isDecimal } from '../decimal.js';
import { formatMismatches, InvalidOptionError } from '../errors.js';
import {
  operationFor,
  operationKeys,
  documentedStatuses,
  isOperationKey,
  loadAllValidators,
  validatorFor,
  type BodyEncoding,
  type OperationEntry,
  type OperationKey,
} from '../operations.js';
import { isPlainObject, isUsableApiKey } from '../options.js';
import { validateLoadedResponse as validateResponse } from '../validate.js';
import {
  API_CREDIT,
  ASR,
  defaultBodies,
  defaultErrorBody,
  DESIGN,
  TTS,
  TTS_TIMESTAMPS,
} from './bodies.js';
import { buildValidBody } from './minimal.js';
import { VOICE_GET, VOICE_KEYS, VoiceStore } from './voices.js';
import { requestSchemas } from './request-schemas.js';
import { liveEndpoint, type LiveStandIn, type LiveStandInOptions } from './live.js';
import { checkValue, type Issue, type Mode } from './schema-check.js';
import {
  AUDIO_FORMATS,
  audioChunks,
  designCandidates,
  timestampEvents,
  transcriptOf,
  TTS_SAMPLE_RATE,
} from './speech.js';

/** What the stand-in's live endpoint shows a test; see {@link StandIn.live}. */
export type LiveSide = Pick<LiveStandIn, 'connections' | 'refused' | 'until'>;

/** Options for {@link startStandIn}. */
export interface StandInOptions {
  /** The bearer token the stand-in accepts. Default `'test-key'`. */
  apiKey?: string;
  /** The initial API credit, a decimal string. Default `'100.0000'`. */
  credit?: string;
  /**
   * How many chunks `POST /v1/tts` sends its audio in, and at most how many events
   * `POST /v1/tts/stream/with-timestamp` sends. An integer from 1 to 1000. Default `4`.
   */
  ttsChunks?: number;
  /**
   * The pause before each chunk or event after the first, in milliseconds, so a test can
   * watch audio arrive while the rest is still being sent. 0 to 60000. Default `0`.
   */
  ttsChunkDelayMs?: number;
  /**
   * How many reads (`GET /model/{id}`) of a voice created with `POST /model` still answer
   * `state: 'created'` before it answers `'trained'`, so a test can watch a wait-until-ready
   * loop. An integer from 0 to 1000. Default `0`: trained at once, as a `train_mode: 'fast'`
   * voice is.
   */
  voiceTrainingReads?: number;
  /**
   * How the live endpoint (`/v1/tts/live`, served on the same port, as the API serves it)
   * behaves; see {@link LiveStandInOptions}. It takes the stand-in's `apiKey`. Served only
   * where the `ws` package is installed; without it a handshake gets a 501 that says so.
   */
  live?: Omit<LiveStandInOptions, 'apiKey'>;
}

/** One request the stand-in received, whatever it answered. */
export interface RecordedRequest {
  /** The HTTP method, such as `'GET'`. */
  method: string;
  /** The path exactly as received, still percent-encoded, without the query string. */
  path: string;
  /** The query parameters, decoded; a repeated name keeps its last value. */
  query: Record<string, string>;
  /** The request headers with lower-case names; repeated headers are joined with `', '`. */
  headers: Record<string, string | undefined>;
  /** The request body exactly as received; empty when there was none. */
  rawBody: Uint8Array;
  /**
   * The body decoded by its `Content-Type`: JSON and msgpack as values; multipart and form
   * bodies as an object of fields, a file part as a `Uint8Array` of its exact bytes, a
   * repeated field as an array. `undefined` when there was no body or it could not be decoded.
   */
  body?: unknown;
}

/** A running stand-in; see {@link startStandIn}. */
export interface StandIn {
  /** Where it listens, `http://127.0.0.1:<port>`: pass it as the client's `baseUrl`. */
  readonly url: string;
  /** The bearer token it accepts. */
  readonly apiKey: string;
  /** Every request received since the start or the last {@link StandIn.reset}, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /**
   * The live endpoint on the same address: its connections, refusals and `until`, as
   * {@link startLiveStandIn} gives them; `undefined` where `ws` is not installed.
   */
  readonly live: LiveSide | undefined;
  /**
   * Sets the API credit that `GET /wallet/{user_id}/api-credit` reports.
   * @param credit A decimal string such as `'12.3400'` (the rule `--min` uses too); anything
   *   else throws a `TypeError`.
   */
  setBalance(credit: string): void;
  /**
   * Merges `body` over the success body a JSON operation currently serves (a property set to
   * `undefined` is removed). Throws when the result would not match the spec, so a test can
   * never be built on a body the real API is not documented to send, and throws an
   * `InvalidOptionError` (`option: 'body'`) for a body JSON cannot carry (a BigInt, a cycle),
   * or (`option: 'operationKey'`) for an operation whose success has no JSON body. After
   * `setResponse`, `POST /v1/asr` serves the stored body instead of describing the upload.
   * @param operationKey A manifest key such as `'GET /wallet/{user_id}/api-credit'`.
   */
  setResponse(operationKey: string, body: Record<string, unknown>): void;
  /**
   * Queues a failure: the next request that reaches an operation gets `status` (400–599)
   * instead of being checked and answered. Several calls queue several failures.
   * @param body Sent as JSON. When omitted: a body that matches the spec when the spec
   *   documents the status (such as `{status, message}`), otherwise `{status, message}`.
   *   A string is sent as is, as `text/plain`, like the network edge's plain-text 401 or
   *   HTML 502. A JSON body is checked when it is served, against what the spec documents
   *   for `status` of the operation that serves it (operations differ: most 422s are
   *   `[{loc, type, msg}]`, the agents' are objects). When it does not match, that request
   *   gets a 500 naming the mismatch instead, and `close()` rejects.
   * @param headers Extra response headers, such as `{ 'Retry-After': '2' }`.
   * @throws InvalidOptionError naming the argument (`status`, `body` or `headers`) for what
   *   cannot be sent: a status outside 400–599, a body JSON cannot carry (a BigInt, a cycle),
   *   a header name HTTP does not allow, a value with a line break, or a framing header
   *   (`Content-Length`, `Transfer-Encoding`), which the stand-in sets itself. Nothing is
   *   queued then, and the server goes on serving.
   */
  failNext(status: number, body?: unknown, headers?: Record<string, string>): void;
  /**
   * Restores the default bodies, the initial credit and the seeded voice catalogue (created
   * voices, reads and deletions forgotten), drops queued failures, clears requests.
   */
  reset(): void;
  /**
   * Closes the server and every open connection. Rejects when a served body failed the
   * stand-in's own check against the spec (or a queued failure's body did not fit the
   * operation that served it), so that such a bug cannot go unnoticed.
   */
  close(): Promise<void>;
}

/** How TTS is paced; see {@link StandInOptions}. */
interface Pace {
  chunks: number;
  delayMs: number;
}

/**
 * Starts a stand-in for the Fish Audio API on 127.0.0.1 (an ephemeral port), so code that
 * uses the client can be tested without network or credit.
 *
 * ```ts
 * import { FishAudio, PaymentRequiredError } from 'fish-audio-api';
 * import { startStandIn } from 'fish-audio-api/testing';
 *
 * const api = await startStandIn({ credit: '3.5000' });
 * const client = new FishAudio({ apiKey: api.apiKey, baseUrl: api.url });
 * await client.wallet.getApiCredit(); // { credit: '3.5000', ... }
 * api.failNext(402);
 * await client.wallet.getApiCredit(); // throws PaymentRequiredError
 * await api.close();
 * ```
 *
 * It serves every operation of the spec: JSON operations with a body built to match their
 * schema, `empty` ones with no body, `POST /v1/tts` with streamed audio, the timestamp stream
 * with server-sent events and `POST /v1/asr` with a transcript of the upload. It answers 404
 * for a path the spec does not have, 405 for a method it does not document, 401 without
 * `Authorization: Bearer <apiKey>`, 422 (`[{loc, type, msg}]`) for a parameter the spec does
 * not list, a missing required one, a value of the wrong type, or a missing required body,
 * and 415 for a body in an encoding the operation does not offer.
 */
export async function startStandIn(options: StandInOptions = {}): Promise<StandIn> {
  const apiKey = options.apiKey ?? 'test-key';
  const initialCredit = options.credit ?? '100.0000';
  if (typeof apiKey !== 'string' || !isUsableApiKey(apiKey)) {
    throw new TypeError('apiKey must be a non-empty string of printable ASCII without spaces.');
  }
  checkDecimal('credit', initialCredit);
  const pace: Pace = {
    chunks: checkCount('ttsChunks', options.ttsChunks ?? 4, 1, 1000),
    delayMs: checkCount('ttsChunkDelayMs', options.ttsChunkDelayMs ?? 0, 0, 60_000),
  };
  await loadAllValidators(); // so that every check below can stay synchronous
  const trainingReads = checkCount('voiceTrainingReads', options.voiceTrainingReads ?? 0, 0, 1000);
  let bodies = defaultBodies(initialCredit);
  selfCheckDefaults(initialCredit, bodies);
  const voices = new VoiceStore(bodies.get(VOICE_GET) ?? {}, trainingReads);
  /** JSON operations whose body a test set, which then wins over a computed one. */
  const customised = new Set<string>();
  const failures: Failure[] = [];
  const requests: RecordedRequest[] = [];
  const selfCheckFailures: string[] = [];

  const answer = async (res: http.ServerResponse, reply: Reply): Promise<void> => {
    const problem = reply.key && checkServed(reply.key, reply.status, reply.body);
    if (problem) {
      // A bug in the stand-in, a spec it no longer matches, or a queued body that does not fit
      // this operation: fail this call and close().
      const message = reply.queued
        ? `failNext: the queued ${reply.status} body does not fit ${reply.key}: ${problem}`
        : `stand-in self-check: ${problem}`;
      selfCheckFailures.push(message);
      return write(res, { status: 500, body: { status: 500, message } });
    }
    if (reply.pieces) return writePaced(res, reply, pace.delayMs);
    write(res, reply);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    try {
      const raw = await readRequestBody(req);
      const request = await record(req, raw);
      requests.push(withoutForeignKey(request, apiKey));
      const context = { apiKey, bodies, customised, failures, pace, voices };
      await answer(res, respond(request, req.method ?? '', context, repeatedQuery(req.url)));
    } catch (error) {
      if (error instanceof Abandoned) return void res.destroy();
      if (error instanceof TooLarge) {
        return write(res, { status: 413, body: { status: 413, message: error.message } });
      }
      // What the setters let through is sendable, so this is a stand-in bug: the client gets a
      // 500 at once instead of waiting for its timeout, and close() reports it.
      const problem = `stand-in failure: ${error instanceof Error ? error.message : String(error)}`;
      selfCheckFailures.push(problem);
      if (!res.headersSent) write(res, { status: 500, body: { status: 500, message: problem } });
      else res.destroy();
    }
  };

  // The live endpoint, where `ws` (an optional peer) is installed: the HTTP side needs none.
  const live = await liveEndpoint({ ...options.live, apiKey }).catch(() => undefined);
  const server = http.createServer((req, res) => void handle(req, res));
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (live) return live.upgrade(req, socket, head);
    const message = 'The stand-in serves /v1/tts/live only where the ws package is installed.';
    socket.end(
      `HTTP/1.1 501 Not Implemented\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
        `Content-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`,
    );
  });
  // Idle connections stay open until the client closes them: a server that timed one out just
  // as the client reused it would turn a request into a reset on a busy machine.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  const setResponse = (operationKey: string, body: Record<string, unknown>): void => {
    if (!isOperationKey(operationKey)) {
      throw new Error(
        `setResponse: the spec has no operation ${JSON.stringify(operationKey)} (it has: ${operationKeys.join(', ')}).`,
      );
    }
    const { success } = operationFor(operationKey);
    if (success.kind !== 'json') {
      throw new InvalidOptionError(
        'operationKey',
        `setResponse: ${operationKey} answers ${success.kind === 'empty' ? 'with no body' : `a ${success.kind} stream`}, not a JSON body.`,
      );
    }
    if (!isRecord(body)) throw new TypeError('setResponse: body must be a plain object.');
    checkJson('setResponse', body);
    const merged = Object.fromEntries(
      Object.entries({ ...bodies.get(operationKey), ...body }).filter(([, v]) => v !== undefined),
    );
    const mismatches = validateResponse(operationKey as OperationKey, success.status, merged);
    if (mismatches.length > 0) {
      throw new TypeError(
        `setResponse: the ${success.status} body of ${operationKey} would not match the spec: ${formatMismatches(mismatches)}`,
      );
    }
    bodies.set(operationKey, merged);
    customised.add(operationKey);
  };

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    live,
    setBalance(credit) {
      checkDecimal('setBalance', credit);
      setResponse(API_CREDIT, { credit });
    },
    setResponse,
    failNext(status, body, headers = {}) {
      if (!Number.isInteger(status) || status < 400 || status > 599) {
        throw new InvalidOptionError(
          'status',
          `failNext: status must be an integer from 400 to 599, got ${String(status)}.`,
        );
      }
      if (body !== undefined && typeof body !== 'string') {
        checkJson('failNext', body);
      }
      failures.push({ status, body, headers: checkResponseHeaders(headers) });
    },
    reset() {
      bodies = defaultBodies(initialCredit);
      customised.clear();
      voices.reset();
      failures.length = 0;
      // Emptied in place: callers may hold on to `requests`.
      requests.length = 0;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      live?.closeAll();
      server.closeAllConnections();
      await closed;
      if (selfCheckFailures.length > 0) {
        throw new Error(
          `The stand-in served bodies that do not match the spec:\n${selfCheckFailures.join('\n')}`,
        );
      }
    },
  };
}

interface Failure {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** An answer; `key` names the operation whose documented bodies it must match, if any. */
interface Reply {
  key?: string;
  status: number;
  /** JSON (or, as a string, plain text); `undefined` sends no body at all. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Whether the body came from `failNext`, so a mismatch is reported as the caller's. */
  queued?: boolean;
  /** Sent instead of `body`, piece by piece at the configured pace. */
  pieces?: { contentType: string; chunks: (Uint8Array | string)[] };
}

interface Context {
  apiKey: string;
  bodies: ReadonlyMap<string, Record<string, unknown>>;
  customised: ReadonlySet<string>;
  failures: Failure[];
  pace: Pace;
  voices: VoiceStore;
}

/** Decides the answer to one request, in the order the checks are documented. */
function respond(
  request: RecordedRequest,
  method: string,
  context: Context,
  repeated: Record<string, string[]>,
): Reply {
  const candidates = matchPath(request.path);
  if (candidates.length === 0) {
    return errorReply(404, `No operation in the spec has the path ${request.path}`);
  }
  const match = candidates.find((c) => operationFor(c.key).method === method);
  if (!match) {
    const allowed = candidates.map((c) => operationFor(c.key).method);
    const reply = errorReply(
      405,
      `${method} is not allowed here; the spec has ${allowed.join(', ')}`,
    );
    return { ...reply, headers: { Allow: allowed.join(', ') } };
  }
  const { key } = match;
  const operation = operationFor(key);
  const failure = context.failures.shift();
  if (failure) {
    const queued = failure.body !== undefined;
    const body = queued ? failure.body : defaultErrorBody(key, failure.status);
    return { key, status: failure.status, body, headers: failure.headers, queued };
  }
  if (operation.auth === 'bearer') {
    const auth = checkAuthorization(request.headers.authorization, context.apiKey);
    if (auth) return { key, ...errorReply(401, auth) };
  }
  const { issues, pathValues } = checkParameters(
    key,
    operation,
    match.rawParams,
    request,
    repeated,
  );
  if (issues.length > 0) return refusal(key, issues);
  const refused = checkBody(key, operation, request);
  if (refused) return refused;

  const { status, kind } = operation.success;
  if (key === TTS) return speech(key, request, context.pace.chunks);
  if (key === TTS_TIMESTAMPS) return timestamps(key, request, context.pace.chunks);
  if (key === ASR && !context.customised.has(key)) return transcript(key, request);
  if (key === DESIGN && !context.customised.has(key)) return design(key, request);
  if (VOICE_KEYS.includes(key) && !context.customised.has(key)) {
    const answer = context.voices.answer(key, pathValues, repeated, request.body, status);
    if (answer) return { key, ...answer };
  }
  if (kind === 'empty') return { key, status };
  const body = context.bodies.get(key);
  if (!body) {
    // Only a binary or event stream of an operation the stand-in has no code for ends here.
    return errorReply(501, `The stand-in cannot serve the ${kind} answer of ${key} yet`);
  }
  return { key, status, body: echoPathValues(operation, body, pathValues) };
}

/** The 415 or 422 for a request body the operation would not take, or `undefined`. */
function checkBody(
  key: string,
  operation: OperationEntry,
  request: RecordedRequest,
): Reply | undefined {
  const spec = operation.body;
  if (!spec) return undefined;
  const contentType = request.headers['content-type'];
  if (request.rawBody.byteLength === 0 && contentType === undefined) {
    if (!spec.required) return undefined;
    return refusal(key, [{ loc: ['body'], type: 'missing', msg: 'Field required' }]);
  }
  const encoding = encodingOf(contentType);
  if (!encoding || !spec.encodings.includes(encoding)) {
    const offered = spec.encodings.map((e) => MEDIA_TYPES[e]).join(', ');
    return errorReply(415, `Unsupported Content-Type ${contentType ?? '(none)'}; send ${offered}`);
  }
  if (request.body === undefined) {
    const msg = `The body is not valid ${MEDIA_TYPES[encoding]}`;
    return refusal(key, [{ loc: ['body'], type: 'value_error', msg }]);
  }
  const schema = requestSchemas.operations[key]?.body[encoding];
  if (!schema) return undefined;
  const issues = checkValue(schema, request.body, ['body'], BODY_MODES[encoding], resolveRef);
  return issues.length > 0 ? refusal(key, issues) : undefined;
}

/** How each encoding's decoded values are read: multipart and form fields are text. */
const BODY_MODES: Record<BodyEncoding, Mode> = {
  json: 'json',
  msgpack: 'msgpack',
  multipart: 'text',
  form: 'text',
};

function resolveRef(ref: string) {
  const name = ref.slice(ref.lastIndexOf('/') + 1);
  return Object.hasOwn(requestSchemas.components, name)
    ? requestSchemas.components[name]
    : undefined;
}

/**
 * The API's refusal of a request, in the shape the operation documents: the agent operations
 * that document a 422 get their `{status, message}` (the message names each place and
 * problem, never a sent value); every other operation documents none, and gets the 422 list
 * `[{loc, type, msg}]` that the API's framework sends (and the spec documented until 2026-07).
 */
function refusal(key: string, issues: Issue[]): Reply {
  if (documentedStatuses(key).includes(422)) {
    const problems = issues.map((issue) => `${issue.loc.join('.')}: ${issue.msg}`);
    const message = `Invalid request: ${problems.join('; ')}`;
    return { key, status: 422, body: { status: 422, message } };
  }
  return { key, status: 422, body: issues };
}

const MEDIA_TYPES: Record<BodyEncoding, string> = {
  json: 'application/json',
  multipart: 'multipart/form-data',
  msgpack: 'application/msgpack',
  form: 'application/x-www-form-urlencoded',
};

/** The body encoding a `Content-Type` names, or `undefined` for one the spec never offers. */
function encodingOf(contentType: string | undefined): BodyEncoding | undefined {
  const type = contentType?.split(';')[0]!.trim().toLowerCase() ?? '';
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  if (type === 'multipart/form-data') return 'multipart';
  if (/^application\/(x-|vnd\.)?msgpack$/.test(type)) return 'msgpack';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  return undefined;
}

/** See {@link RecordedRequest.body}. */
async function decodeBody(contentType: string | undefined, raw: Uint8Array): Promise<unknown> {
  if (raw.byteLength === 0) return undefined;
  try {
    switch (encodingOf(contentType)) {
      case 'json':
        return JSON.parse(new TextDecoder().decode(raw)) as unknown;
      case 'msgpack':
        return decodeMsgpack(raw);
      case 'form':
        return fields(new URLSearchParams(new TextDecoder().decode(raw)));
      case 'multipart': {
        // The platform's own parser, so the stand-in reads uploads exactly as a server would.
        const form = await new Response(new Uint8Array(raw), {
          headers: { 'content-type': contentType! },
        }).formData();
        const entries: [string, string | Uint8Array][] = [];
        for (const [name, value] of form) {
          entries.push([
            name,
            typeof value === 'string' ? value : new Uint8Array(await value.arrayBuffer()),
          ]);
        }
        return fields(entries);
      }
    }
  } catch {
    // Recorded as undecodable; checkBody answers 422 when the operation takes a body.
  }
  return undefined;
}

/** Fields by name; a repeated name keeps every value, in order, as an array. */
function fields<T>(entries: Iterable<[string, T]>): Record<string, T | T[]> {
  const out: Record<string, T | T[]> = {};
  for (const [name, value] of entries) {
    const seen = out[name];
    if (!Object.hasOwn(out, name)) out[name] = value;
    else out[name] = Array.isArray(seen) ? [...seen, value] : [seen as T, value];
  }
  return out;
}

/** The requested `format` of a speech request, or a 422 for one the spec does not list. */
function audioFormat(request: RecordedRequest): string | Reply {
  const body = isRecord(request.body) ? request.body : {};
  const format = body.format ?? 'mp3';
  if (typeof format === 'string' && Object.hasOwn(AUDIO_FORMATS, format)) return format;
  const msg = `Input should be ${Object.keys(AUDIO_FORMATS).join(', ')}`;
  return refusal(TTS, [{ loc: ['body', 'format'], type: 'enum', msg }]);
}

function textOf(request: RecordedRequest): string {
  const text = isRecord(request.body) ? request.body.text : undefined;
  return typeof text === 'string' ? text : '';
}

/** `POST /v1/tts`: audio made from the text, streamed in the configured number of chunks. */
function speech(key: string, request: RecordedRequest, chunks: number): Reply {
  const format = audioFormat(request);
  if (typeof format !== 'string') return format;
  const rate = sampleRateOf(request);
  if (typeof rate !== 'number') return rate;
  const { contentType } = AUDIO_FORMATS[format]!;
  return {
    key,
    status: operationFor(key).success.status,
    pieces: { contentType, chunks: audioChunks(textOf(request), format, chunks, rate) },
  };
}

/**
 * The highest `sample_rate` the stand-in takes. The spec sets no bound, but no audio is
 * sampled faster (384 kHz is studio equipment's ceiling), and a WAV header cannot declare a
 * rate whose byte rate passes 32 bits: a bound, refused with a 422, rather than a header that
 * silently wraps (2**32 Hz would declare 0).
 */
export const MAX_SAMPLE_RATE = 384_000;

/** The requested `sample_rate`, the stand-in's own when none is given, or the 422 for a bad one. */
function sampleRateOf(request: RecordedRequest): number | Reply {
  const rate = isRecord(request.body) ? request.body.sample_rate : undefined;
  if (rate === undefined || rate === null) return TTS_SAMPLE_RATE;
  if (typeof rate === 'number' && Number.isInteger(rate) && rate >= 1 && rate <= MAX_SAMPLE_RATE) {
    return rate;
  }
  const msg = `Input should be a sample rate from 1 to ${MAX_SAMPLE_RATE} Hz`;
  return refusal(TTS, [{ loc: ['body', 'sample_rate'], type: 'range', msg }]);
}

/** The timestamp stream: one checked server-sent event per chunk of words. */
function timestamps(key: string, request: RecordedRequest, chunks: number): Reply {
  const format = audioFormat(request);
  if (typeof format !== 'string') return format;
  const { status } = operationFor(key).success;
  const events = timestampEvents(textOf(request), format, chunks);
  for (const event of events) {
    // Checked before the first byte goes out: a 500 can still be sent instead.
    const problem = checkServed(key, status, event);
    if (problem) return { key, status, body: event };
  }
  const texts = events.map((event) => `data: ${JSON.stringify(event)}\n\n`);
  return { key, status, pieces: { contentType: 'text/event-stream', chunks: texts } };
}

/** `POST /v1/asr`: a transcript naming the size of the `audio` part, or 422 without one. */
function transcript(key: string, request: RecordedRequest): Reply {
  const body = isRecord(request.body) ? request.body : {};
  const audio = body.audio;
  if (!(audio instanceof Uint8Array)) {
    const msg = 'Field required: an audio file part';
    return refusal(key, [{ loc: ['body', 'audio'], type: 'missing', msg }]);
  }
  const { status } = operationFor(key).success;
  const ignore = body.ignore_timestamps === true || body.ignore_timestamps === 'true';
  const seed = transcriptOf(audio, ignore);
  const validate = validatorFor(key, status);
  // Completed from the validator, so a property the spec adds later is there too.
  return { key, status, body: validate ? buildValidBody(validate, seed) : seed };
}

/** `POST /v1/voice-design`: `n` candidates (default 2), each a real WAV of a short tone. */
function design(key: string, request: RecordedRequest): Reply {
  const body = isRecord(request.body) ? request.body : {};
  const { status } = operationFor(key).success;
  const seed = { candidates: designCandidates(body) };
  const validate = validatorFor(key, status);
  // Completed from the validator, so a property the spec adds later is there too.
  return { key, status, body: validate ? buildValidBody(validate, seed) : seed };
}

/** Sends `reply.pieces` one at a time, `delayMs` apart; stops when the client goes away. */
async function writePaced(res: http.ServerResponse, reply: Reply, delayMs: number): Promise<void> {
  const { contentType, chunks } = reply.pieces!;
  res.writeHead(reply.status, { 'content-type': contentType, ...reply.headers });
  for (const [i, chunk] of chunks.entries()) {
    if (i > 0 && delayMs > 0) await pause(res, delayMs);
    if (res.destroyed) return;
    res.write(chunk);
  }
  res.end();
}

/** Waits `ms`, or less when the client goes away first, so no timer outlives its response. */
function pause(res: http.ServerResponse, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.once('close', done);
  });
}

function errorReply(status: number, message: string): Reply {
  return { status, body: { status, message } };
}

/** Operations whose path template matches `rawPath`, the most literal template first. */
function matchPath(rawPath: string): { key: string; rawParams: Record<string, string> }[] {
  const found = [];
  for (const key of operationKeys) {
    const operation = operationFor(key);
    const names: string[] = [];
    const pattern = operation.path.replace(/\{([^}]+)\}|[^{]+/g, (part, name?: string) => {
      if (name === undefined) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(name);
      // One parameter is exactly one non-empty path segment.
      return '([^/]+)';
    });
    const values = new RegExp(`^${pattern}$`).exec(rawPath);
    if (!values) continue;
    const rawParams = Object.fromEntries(names.map((name, i) => [name, values[i + 1]!]));
    found.push({ key, rawParams, params: names.length });
  }
  // `/wallet/self/x` beats `/wallet/{user_id}/x` should the spec ever have both.
  return found.sort((a, b) => a.params - b.params);
}

/** Why the request is not authorized, or `undefined` when it is. Never repeats the token. */
function checkAuthorization(header: string | undefined, apiKey: string): string | undefined {
  if (!header) return 'Missing API key: send Authorization: Bearer <key>';
  const token = /^Bearer +(\S+) *$/i.exec(header)?.[1];
  if (token === undefined) return 'Malformed Authorization header: expected Bearer <key>';
  return token === apiKey ? undefined : 'Invalid API key';
}

/** Every value of each query parameter, in order (`RecordedRequest.query` keeps the last). */
function repeatedQuery(target: string | undefined): Record<string, string[]> {
  const mark = (target ?? '').indexOf('?');
  const out: Record<string, string[]> = {};
  if (mark === -1) return out;
  for (const [name, value] of new URLSearchParams(target!.slice(mark + 1))) {
    (out[name] ??= []).push(value);
  }
  return out;
}

/** Checks path, query and header values against the operation's parameter list and schemas. */
function checkParameters(
  key: string,
  operation: OperationEntry,
  rawParams: Record<string, string>,
  { query, headers }: RecordedRequest,
  repeated: Record<string, string[]>,
): { issues: Issue[]; pathValues: Record<string, string> } {
  const issues: Issue[] = [];
  const pathValues: Record<string, string> = {};
  for (const name of Object.keys(query)) {
    if (operation.parameters[name]?.in !== 'query') {
      issues.push({
        loc: ['query', name],
        type: 'extra_forbidden',
        msg: 'Unknown query parameter',
      });
    }
  }
  for (const [name, spec] of Object.entries(operation.parameters)) {
    // Header parameters keep their wire name in the manifest; Node lower-cases header names.
    let value =
      spec.in === 'path'
        ? rawParams[name]
        : spec.in === 'header'
          ? headers[name.toLowerCase()]
          : query[name];
    if (value === undefined) {
      if (spec.required)
        issues.push({ loc: [spec.in, name], type: 'missing', msg: 'Field required' });
      continue;
    }
    if (spec.in === 'path') {
      try {
        value = decodeURIComponent(value);
      } catch {
        issues.push({ loc: ['path', name], type: 'value_error', msg: 'Invalid percent-encoding' });
        continue;
      }
      pathValues[name] = value;
    }
    const issue = checkText(spec.types, value);
    if (issue) {
      issues.push({ loc: [spec.in, name], ...issue });
      continue;
    }
    // Then what the spec says beyond the type: an enum, a const, a range, a length.
    const schema = requestSchemas.operations[key]?.parameters[name];
    const values = spec.in === 'query' ? repeated[name] : undefined;
    const sent = values && values.length > 1 ? values : value;
    if (schema) issues.push(...checkValue(schema, sent, [spec.in, name], 'text', resolveRef));
  }
  return { issues, pathValues };
}

// How a value of each JSON type is spelled in a URL. Strings, arrays and objects are not
// checked: any text can be a string, and the spec has no array or object parameters.
const SPELLINGS: Record<string, { pattern: RegExp; type: string; msg: string }> = {
  boolean: {
    pattern: /^(true|false)$/,
    type: 'bool_parsing',
    msg: 'Input should be true or false',
  },
  integer: { pattern: /^-?\d+$/, type: 'int_parsing', msg: 'Input should be a valid integer' },
  number: {
    pattern: /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/,
    type: 'float_parsing',
    msg: 'Input should be a valid number',
  },
};

/** The issue with a URL value that must have one of `types`, or `undefined` when it fits. */
function checkText(
  types: readonly string[] | undefined,
  text: string,
): Omit<Issue, 'loc'> | undefined {
  if (!types) return undefined;
  const checked = types.filter((type) => type !== 'null');
  if (checked.some((type) => !SPELLINGS[type] || SPELLINGS[type].pattern.test(text))) {
    return undefined;
  }
  const spelling = SPELLINGS[checked[0] ?? ''];
  // A parameter that is only `null` cannot be sent at all.
  if (!spelling) return { type: 'value_error', msg: 'Input should be absent' };
  return { type: spelling.type, msg: spelling.msg };
}

/**
 * Path values the body also names are echoed, as the API echoes `user_id`, except the
 * parameter's default, which is an alias (`self`) rather than a value.
 */
function echoPathValues(
  operation: OperationEntry,
  body: Record<string, unknown>,
  pathValues: Record<string, string>,
): Record<string, unknown> {
  const echoed = { ...body };
  for (const [name, value] of Object.entries(pathValues)) {
    const spec = operation.parameters[name];
    if (Object.hasOwn(body, name) && value !== spec?.default) {
      // A number in the path is a number in the body (an agent's `version_number`).
      const numeric = spec?.types?.some((t) => t === 'integer' || t === 'number');
      echoed[name] = numeric && SPELLINGS.number!.pattern.test(value) ? Number(value) : value;
    }
  }
  return echoed;
}

/** A description of how a served body fails its documented schema, or `undefined`. */
function checkServed(key: string, status: number, body: unknown): string | undefined {
  // A string body is the edge's non-JSON answer; the spec documents JSON bodies only. No
  // body at all is an `empty` success, or a stream whose pieces were checked as they were made.
  if (typeof body === 'string' || body === undefined) return undefined;
  const mismatches = validateResponse(key as OperationKey, status, body);
  if (mismatches.length === 0) return undefined;
  return `its ${status} body for ${key} does not match the spec: ${formatMismatches(mismatches)}`;
}

// What the default bodies for a starting credit do wrong: the same on every start, so found
// once per process (the spec and the bodies are fixed once loaded).
const defaultProblems = new Map<string, string[]>();

/**
 * Throws unless every default body (200 and error) matches the checked-in spec. After a spec
 * update that a default body no longer meets, every test that starts a stand-in says so.
 */
function selfCheckDefaults(
  credit: string,
  bodies: ReadonlyMap<string, Record<string, unknown>>,
): void {
  let problems = defaultProblems.get(credit);
  if (!problems) {
    problems = problemsOf(bodies);
    defaultProblems.set(credit, problems);
  }
  if (problems.length > 0) {
    throw new Error(`Update the default bodies in src/testing/bodies.ts:\n${problems.join('\n')}`);
  }
}

function problemsOf(bodies: ReadonlyMap<string, Record<string, unknown>>): string[] {
  const problems: string[] = [];
  for (const key of operationKeys) {
    const { status, kind } = operationFor(key).success;
    const body = bodies.get(key);
    if (kind === 'json' && !body && validatorFor(key, status)) {
      problems.push(`no ${status} body could be built for ${key}`);
    }
    const problem = body && checkServed(key, status, body);
    if (problem) problems.push(`stand-in self-check: ${problem}`);
    for (const status of documentedStatuses(key)) {
      if (!(status >= 400)) continue;
      const problem = checkServed(key, status, defaultErrorBody(key, status));
      if (problem) problems.push(`stand-in self-check: ${problem}`);
    }
  }
  return problems;
}

/**
 * Throws unless JSON can carry `body` as it is: `JSON.stringify` throws on a BigInt or a cycle,
 * and would send nothing at all for a function or a symbol.
 */
function checkJson(method: string, body: unknown): void {
  let text: string | undefined;
  try {
    text = JSON.stringify(body);
  } catch (error) {
    throw new InvalidOptionError(
      'body',
      `${method}: body cannot be sent as JSON (${error instanceof Error ? error.message : String(error)}).`,
    );
  }
  if (text === undefined) {
    throw new InvalidOptionError('body', `${method}: body cannot be sent as JSON.`);
  }
}

// The stand-in frames every body itself; a second length or encoding would corrupt the reply.
const FRAMING_HEADERS = ['content-length', 'transfer-encoding'];

/**
 * Checks `failNext` headers with Node's own validators, the ones `writeHead` would throw from
 * inside the server, so a mistake is the caller's error now. Values are not echoed.
 */
function checkResponseHeaders(headers: unknown): Record<string, string> {
  if (!isPlainObject(headers)) {
    throw new InvalidOptionError('headers', 'failNext: headers must be an object of strings.');
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') {
      throw new InvalidOptionError(
        'headers',
        `failNext: header ${JSON.stringify(name)} must have a string value.`,
      );
    }
    try {
      http.validateHeaderName(name);
      http.validateHeaderValue(name, value);
    } catch {
      throw new InvalidOptionError(
        'headers',
        `failNext: header ${JSON.stringify(name)} cannot be sent: a name must be an HTTP token, and a value cannot hold a line break or control character.`,
      );
    }
    if (FRAMING_HEADERS.includes(name.toLowerCase())) {
      throw new InvalidOptionError(
        'headers',
        `failNext: the stand-in sets ${name} itself, from the body it sends.`,
      );
    }
    out[name] = value;
  }
  return out;
}

/** An integer option from `min` to `max`, or an InvalidOptionError naming it. */
function checkCount(option: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionError(
      option,
      `startStandIn: ${option} must be an integer from ${min} to ${max}, got ${String(value)}.`,
    );
  }
  return value;
}

function checkDecimal(what: string, value: unknown): void {
  if (!isDecimal(value)) {
    throw new TypeError(
      `${what}: expected a decimal string such as '12.3400', got ${typeof value === 'string' ? JSON.stringify(value) : typeof value}.`,
    );
  }
}

/**
 * The request body, whole. A body past {@link MAX_REQUEST_BYTES} is drained and refused (413);
 * an upload the client abandons rejects with {@link Abandoned}, which is no stand-in bug.
 */
function readRequestBody(req: http.IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_REQUEST_BYTES) {
        reject(new TooLarge(`The request body is larger than ${MAX_REQUEST_BYTES} bytes`));
      } else resolve(new Uint8Array(Buffer.concat(chunks)));
    });
    req.on('error', () => reject(new Abandoned()));
    req.on('aborted', () => reject(new Abandoned()));
  });
}

// Far above any test upload, yet bounded, so a runaway test cannot exhaust memory.
const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

class TooLarge extends Error {}
class Abandoned extends Error {}

async function record(req: http.IncomingMessage, rawBody: Uint8Array): Promise<RecordedRequest> {
  const target = req.url ?? '';
  const mark = target.indexOf('?');
  const query = new URLSearchParams(mark === -1 ? '' : target.slice(mark + 1));
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }

  return {
    method: req.method ?? '',
    path: mark === -1 ? target : target.slice(0, mark),
    query: Object.fromEntries(query),
    headers,
    rawBody,
    body: await decodeBody(headers['content-type'], rawBody),
  };
}

/**
 * A client that fell back to a real FISH_API_KEY must not leave that key in what a test prints
 * (a failing `toEqual` on `requests`, say): any other token than the stand-in's is blanked.
 */
function withoutForeignKey(request: RecordedRequest, apiKey: string): RecordedRequest {
  const auth = request.headers.authorization;
  if (auth === undefined || auth === `Bearer ${apiKey}`) return request;
  return {
    ...request,
    headers: { ...request.headers, authorization: '[redacted: not the stand-in key]' },
  };
}

function write(res: http.ServerResponse, { status, body, headers = {} }: Reply): void {
  if (body === undefined) {
    // A 204 carries no framing at all; any other empty answer says its length is 0.
    res.writeHead(status, status === 204 ? headers : { 'content-length': '0', ...headers }).end();
    return;
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res
    .writeHead(status, {
      'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
      'content-length': String(Buffer.byteLength(text)),
      ...headers,
    })
    .end(text);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
