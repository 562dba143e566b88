/**
 * One attempt of a call, top to bottom: send under the deadline, read the body within the size
 * bound, parse it, check it, and throw the typed error where the problem is found. Everything
 * read from the response passes through the redactor before any message is composed from it.
 */
import {
  APIError,
  FishAudioError,
  InvalidResponseError,
  type ResponseMismatch,
} from '../errors.js';
import type { OperationEntry, OperationKey } from '../operations.js';
import type { ResolvedOptions, ResolvedRequestOptions } from '../options.js';
import { MAX_JSON_DEPTH, jsonDepth, type Redactor } from '../redact.js';
import { responseChecker, validateResponse } from '../validate.js';
import { abortError, startDeadline } from './deadline.js';
import { connectionError } from './network-error.js';
import { BodyTooLarge, parseJson, readStart, readText } from './read-body.js';
import type { Outgoing } from './request.js';
import type { RawResponse, WithResponse } from './response.js';
import {
  AudioResponse,
  EventStream,
  guardStream,
  isDocumentedMediaType,
  mediaTypeOf,
} from './stream.js';

/** What an attempt needs of the client that makes it. */
export interface AttemptContext {
  options: ResolvedOptions;
  redact: Redactor;
  /** Reports drift in 'warn' mode (`where`: the status, or `event`), once per kind. */
  warn: (key: OperationKey, where: string, mismatches: ResponseMismatch[]) => void;
}

/** Sends `request` once, as attempt number `attempt` of the call `key`. */
export async function runAttempt(
  context: AttemptContext,
  key: OperationKey,
  operation: OperationEntry,
  request: Outgoing,
  call: ResolvedRequestOptions,
  attempt: number,
): Promise<WithResponse<unknown>> {
  const { options, redact } = context;
  const { signal } = call;
  const failed = { baseUrl: options.baseUrl, attempts: attempt, redact };
  // One turn of the event loop's microtasks first, so that `abort()` right after starting a
  // call is seen here and the request never leaves.
  await undefined;
  if (signal?.aborted) throw abortError(signal);

  // 1. Send, and wait for the status and headers, under the deadline. Its `wait` ends even
  // when a custom fetch (or its body stream) ignores its signal.
  const deadline = startDeadline(call.timeout, signal, attempt);
  let response: Response;
  try {
    const init: RequestInit = { ...request.init, signal: deadline.signal };
    response = await deadline.wait(options.fetch(request.url, init));
  } catch (error) {
    deadline.clear();
    if (error instanceof FishAudioError) throw error;
    if (signal?.aborted) throw abortError(signal);
    throw connectionError(error, { stage: 'connect' }, failed);
  }
  const info = {
    status: response.status,
    headers: redact.headers(response.headers),
    attempts: attempt,
  };
  // The final URL too: a redirect may have put anything in it, the key included.
  const raw: RawResponse = {
    status: response.status,
    headers: info.headers,
    url: redact.text(response.url),
  };

  // 2. A 2xx stream is handed over as it arrives: the deadline stops at the headers, and an
  // idle timeout bounds each wait for a chunk from here on. First its media type must be the
  // documented one (a JSON error or an HTML page is not audio), as `validateResponses` says:
  // 'error' throws with the body's first `maxResponseBytes` as `body`; 'warn' reports it once.
  const kind = operation.success.kind;
  if (response.ok && (kind === 'binary' || kind === 'sse')) {
    const mode = options.validationFor(operation.resource);
    const documented = operation.success.mediaType;
    const type = info.headers.get('content-type');
    if (mode !== 'off' && documented && !isDocumentedMediaType(type, documented)) {
      const problem = `the body is ${mediaTypeOf(type)}, not the documented ${documented}`;
      if (mode === 'error') {
        const limit = options.maxResponseBytes;
        const text = await readStart(response.body, limit, deadline.stopped);
        deadline.clear();
        if (signal?.aborted) throw abortError(signal);
        const parsed = parseJson(text, redact);
        const keep = parsed.ok && jsonDepth(parsed.value) <= MAX_JSON_DEPTH;
        const body = keep ? parsed.value : redact.text(text);
        throw new InvalidResponseError({ ...info, body }, problem);
      }
      const mismatch = {
        pointer: '',
        expected: `media type ${documented}`,
        actual: mediaTypeOf(type),
      };
      context.warn(key, String(response.status), [mismatch]);
    }
    deadline.clear();
    const stream = {
      idleTimeout: call.timeout,
      signal,
      attempts: attempt,
      baseUrl: options.baseUrl,
      redact,
    };
    // A 2xx with no body (a 204 from a proxy, say) is an empty stream that ends at once.
    const empty = new ReadableStream<Uint8Array>({ start: (c) => c.close() });
    const body = guardStream(response.body ?? empty, stream);
    if (kind === 'binary') return { data: new AudioResponse(body, raw), response: raw };
    const events = new EventStream(body, raw, {
      ...stream,
      key,
      validateResponses: mode,
      maxEventBytes: options.maxEventBytes,
      check: responseChecker(key, response.status),
      warn: (mismatches) => context.warn(key, 'event', mismatches),
    });
    return { data: events, response: raw };
  }

  // 3. Read the body within the size bound, still under the deadline.
  let text: string;
  try {
    text = await deadline.wait(readText(response, options.maxResponseBytes));
  } catch (error) {
    if (signal?.aborted) throw abortError(signal);
    // An error status that arrived is reported as itself, whatever happened to its body
    // (cut short, stalled past the deadline): it keeps the class and retry rule of its status.
    if (!response.ok) throw APIError.from({ ...info, body: '' });
    if (error instanceof FishAudioError) throw error;
    if (error instanceof BodyTooLarge) {
      throw new InvalidResponseError(
        { ...info, body: '' },
        `the body is larger than ${options.maxResponseBytes} bytes, so it was not read (raise maxResponseBytes if this is expected)`,
      );
    }
    throw connectionError(error, { stage: 'body', status: response.status }, failed);
  } finally {
    deadline.clear();
  }

  // 4. Parse. An error keeps its class whatever its body; a 2xx body must be a JSON object,
  // unless the operation documents none.
  if (response.ok && kind === 'empty') return { data: undefined, response: raw };
  const parsed = parseJson(text, redact);
  if (!response.ok) {
    // An error body is for diagnosis: one too deep to show safely stays (redacted) text.
    const keep = parsed.ok && jsonDepth(parsed.value) <= MAX_JSON_DEPTH;
    throw APIError.from({ ...info, body: keep ? parsed.value : redact.text(text) });
  }
  if (!parsed.ok) {
    const problem = parsed.text.trim() === '' ? 'the body is empty' : parsed.problem;
    throw new InvalidResponseError({ ...info, body: parsed.text }, problem);
  }
  const data = parsed.value;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new InvalidResponseError({ ...info, body: data }, 'the body is not a JSON object');
  }

  // 5. Check it against the spec.
  const mode = options.validationFor(operation.resource);
  if (mode === 'off') return { data, response: raw };
  const mismatches = await validateResponse(key, response.status, data);
  if (mismatches.length > 0 && mode === 'error') {
    throw new InvalidResponseError(
      { ...info, body: data },
      `the body does not match the spec for ${key}`,
      mismatches,
    );
  }
  if (mismatches.length > 0) context.warn(key, String(response.status), mismatches);
  return { data, response: raw };
}
