import { CallPromise } from './http/api-promise.js';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  FishAudioError,
  InvalidResponseError,
  formatMismatches,
  type ResponseMismatch,
} from './errors.js';
import { operationFor, type OperationEntry, type OperationKey } from './operations.js';
import {
  resolveOptions,
  resolveRequestOptions,
  type ClientOptions,
  type RequestOptions,
  type ResolvedOptions,
  type ResolvedRequestOptions,
} from './options.js';
import { encodeBody } from './http/body.js';
import { prepareRequest } from './http/params.js';
import { RESOLVED_OPTIONS } from './resolved-options.js';
import { ASR, TTS } from './resources/speech.js';
import { AudioResponse, EventStream, guardStream } from './http/stream.js';
import { MAX_JSON_DEPTH, jsonDepth, redactor, type Redactor } from './redact.js';
import { isRetryable, retryDelay, sleep } from './http/retry.js';
import { PagePromise } from './http/pagination.js';
import type { RawResponse, RequestArgs, ResultOf, WithResponse } from './types.js';
import { validateResponse } from './validate.js';
import { VERSION } from './version.js';
import { Voices } from './resources/voices.js';
import { Wallet } from './resources/wallet.js';

// The most distinct kinds of drift 'warn' mode remembers, so a long-lived client stays small.
const MAX_WARNED_KINDS = 256;

/**
 * A client for the Fish Audio API.
 *
 * ```ts
 * import { FishAudio } from 'fish-audio-api';
 *
 * const client = new FishAudio(); // reads FISH_API_KEY
 * const { credit } = await client.wallet.getApiCredit();
 * ```
 */
export class FishAudio {
  /** The `Wallet` operations: API credit. */
  readonly wallet: Wallet;
  /** Text to speech, streamed. */
  readonly tts: TTS;
  /** Speech to text. */
  readonly asr: ASR;
  /** Voices: list, get, create (clone), update, delete, design. */
  readonly voices: Voices;
  /** The base URL requests go to, without a trailing slash. */
  readonly baseUrl: string;
  // Private so that neither util.inspect nor JSON.stringify of the client shows the key.
  readonly #options: ResolvedOptions;
  readonly #headers: Record<string, string>;
  readonly #redact: Redactor;
  // Each kind of drift (operation, status, pointer, expectation) is reported once per client.
  readonly #warned = new Set<string>();

  constructor(options: ClientOptions = {}) {
    this.#options = resolveOptions(options);
    this.baseUrl = this.#options.baseUrl;
    const { apiKey } = this.#options;
    this.#redact = redactor(apiKey);
    this.#headers = {
      accept: 'application/json',
      // Browsers drop it silently (a forbidden header there); Node, Bun and Deno send it.
      'user-agent': `fish-audio-api/${VERSION}`,
      ...this.#options.defaultHeaders,
      ...(apiKey === null ? {} : { authorization: `Bearer ${apiKey}` }),
    };
    this.wallet = new Wallet(this);
    this.tts = new TTS(this);
    this.asr = new ASR(this);
    this.voices = new Voices(this);
  }

  /** @internal For `fish-audio-api/realtime`: the options this client runs with. */
  [RESOLVED_OPTIONS](): ResolvedOptions {
    return this.#options;
  }

  /**
   * Calls any operation of the checked-in spec by its key, with the spec's parameter names.
   * The resource methods (`client.wallet.getApiCredit()`) are thin names for this.
   *
   * ```ts
   * const credit = await client.request('GET /wallet/{user_id}/api-credit', { user_id: 'self' });
   * ```
   */
  request<K extends OperationKey>(key: K, ...[params, options]: RequestArgs<K>): ResultOf<K> {
    const pagination = operationFor(key).pagination;
    if (!pagination) return new CallPromise(this.#call(key, params, options)) as ResultOf<K>;
    // A list: the same call, able to walk its pages when iterated.
    const first = { ...(params as object | undefined) };
    return new PagePromise(
      this.#call(key, params, options),
      (next) => this.#call(key, next, options),
      first,
      pagination,
    ) as ResultOf<K>;
  }

  /**
   * Sends a call and retries it while that is safe. This loop is the only place that counts
   * attempts; each attempt gets its number and puts it on any error it throws.
   */
  async #call(
    key: OperationKey,
    params: unknown,
    options: RequestOptions | undefined,
  ): Promise<WithResponse<unknown>> {
    // Every mistake in the arguments is thrown here, before anything is sent.
    const operation = operationFor(key);
    const call = resolveRequestOptions(options, this.#options);
    const prepared = prepareRequest(this.baseUrl, operation, params);
    const encoded = operation.body && (await encodeBody(operation.body, prepared.body));
    const request: Outgoing = {
      url: prepared.url,
      init: {
        method: operation.method,
        // Later wins: defaults, then this call's headers, then what the client computed (the
        // body's content type), then the operation's own header parameters (`model`): an
        // explicit argument is never overridden by a default header.
        headers: {
          ...this.#headers,
          ...(operation.success.kind === 'json' ? {} : { accept: '*/*' }),
          ...call.headers,
          ...(encoded?.contentType ? { 'content-type': encoded.contentType } : {}),
          ...prepared.headers,
        },
        body: (encoded?.body ?? null) as BodyInit | null,
      },
    };
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#attempt(key, operation, request, call, attempt);
      } catch (error) {
        if (!(error instanceof FishAudioError)) throw error;
        if (attempt > call.maxRetries) throw error;
        if (!isRetryable(error, operation.method, call.idempotent)) throw error;
        const delay = retryDelay(attempt, error, this.#options.backoff);
        // The server asked for a longer wait than we sleep through: the caller decides.
        if (delay === undefined) throw error;
        await sleep(delay, call.signal);
      }
    }
  }

  /**
   * One attempt, top to bottom: send under the deadline, read the body within the size bound,
   * parse it, check it, and throw the typed error where the problem is found. Everything read
   * from the response passes through the redactor before any message is composed from it.
   */
  async #attempt(
    key: OperationKey,
    operation: OperationEntry,
    request: Outgoing,
    call: ResolvedRequestOptions,
    attempt: number,
  ): Promise<WithResponse<unknown>> {
    const { signal } = call;
    // One turn of the event loop's microtasks first, so that `abort()` right after starting a
    // call is seen here and the request never leaves.
    await undefined;
    if (signal?.aborted) throw new APIUserAbortError(signal.reason);

    // The deadline and the caller's signal end the attempt even when a custom fetch (or its
    // body stream) ignores its signal: `stopped` rejects the moment either fires.
    const controller = new AbortController();
    let stop!: (error: FishAudioError) => void;
    const stopped = new Promise<never>((_resolve, reject) => (stop = reject));
    stopped.catch(() => {});
    const timer = setTimeout(() => {
      stop(new APIConnectionTimeoutError(call.timeout, { attempts: attempt }));
      controller.abort();
    }, call.timeout);
    const onAbort = () => {
      if (!signal?.aborted) return; // the deadline, already reported
      stop(new APIUserAbortError(signal.reason));
      controller.abort();
    };
    // Listening on the caller's signal would add a listener to it per call (and a warning past
    // ten concurrent calls); a signal composed with AbortSignal.any does not.
    const abortable = signal ? anySignal(signal, controller.signal) : controller.signal;
    if (signal) abortable.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      if (signal) abortable.removeEventListener('abort', onAbort);
    };

    // 1. Send, and wait for the status and headers.
    let response: Response;
    try {
      const init: RequestInit = { ...request.init, signal: abortable };
      response = await Promise.race([this.#options.fetch(request.url, init), stopped]);
    } catch (error) {
      done();
      if (error instanceof FishAudioError) throw error;
      if (signal?.aborted) throw new APIUserAbortError(signal.reason);
      throw this.#connectionError(error, attempt);
    }
    const info = {
      status: response.status,
      headers: this.#redact.headers(response.headers),
      attempts: attempt,
    };
    // The final URL too: a redirect may have put anything in it, the key included.
    const url = this.#redact.text(response.url);
    const raw: RawResponse = { status: response.status, headers: info.headers, url };

    // 2. A 2xx stream is handed over as it arrives: the deadline stops at the headers, and an
    // idle timeout bounds each wait for a chunk from here on.
    const kind = operation.success.kind;
    if (response.ok && (kind === 'binary' || kind === 'sse')) {
      done();
      const context = {
        idleTimeout: call.timeout,
        signal,
        abortOn: signal ? abortable : undefined,
        attempts: attempt,
        baseUrl: this.baseUrl,
      };
      // A 2xx with no body (a 204 from a proxy, say) is an empty stream that ends at once.
      const empty = new ReadableStream<Uint8Array>({ start: (c) => c.close() });
      const body = guardStream(response.body ?? empty, context);
      if (kind === 'binary') return { data: new AudioResponse(body, raw), response: raw };
      const events = new EventStream(body, raw, {
        ...context,
        key,
        redact: this.#redact,
        validateResponses: this.#options.validationFor(operation.resource),
        check: (data) => validateResponse(key, response.status, data),
        warn: (mismatches) => this.#warn(key, 'event', mismatches),
      });
      return { data: events, response: raw };
    }

    // 3. Read the body within the size bound, still under the deadline.
    let text: string;
    try {
      text = await Promise.race([readText(response, this.#options.maxResponseBytes), stopped]);
    } catch (error) {
      if (signal?.aborted) throw new APIUserAbortError(signal.reason);
      // An error status that arrived is reported as itself, whatever happened to its body
      // (cut short, stalled past the deadline): it keeps the class and retry rule of its status.
      if (!response.ok) throw APIError.from({ ...info, body: '' });
      if (error instanceof FishAudioError) throw error;
      if (error instanceof BodyTooLarge) {
        throw new InvalidResponseError(
          { ...info, body: '' },
          `the body is larger than ${this.#options.maxResponseBytes} bytes, so it was not read (raise maxResponseBytes if this is expected)`,
        );
      }
      throw this.#connectionError(error, attempt, response.status);
    } finally {
      done();
    }

    // 4. Parse. An error keeps its class whatever its body; a 2xx body must be a JSON object,
    // unless the operation documents none.
    if (response.ok && kind === 'empty') return { data: undefined, response: raw };
    const parsed = parseJson(text, this.#redact);
    if (!response.ok) {
      // An error body is for diagnosis: one too deep to show safely stays (redacted) text.
      const keep = parsed.ok && jsonDepth(parsed.value) <= MAX_JSON_DEPTH;
      throw APIError.from({ ...info, body: keep ? parsed.value : this.#redact.text(text) });
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
    const mode = this.#options.validationFor(operation.resource);
    if (mode === 'off') return { data, response: raw };
    const mismatches = await validateResponse(key, response.status, data);
    if (mismatches.length > 0 && mode === 'error') {
      throw new InvalidResponseError(
        { ...info, body: data },
        `the body does not match the spec for ${key}`,
        mismatches,
      );
    }
    if (mismatches.length > 0) this.#warn(key, String(response.status), mismatches);
    return { data, response: raw };
  }

  /**
   * Reports drift in 'warn' mode: one line per kind of drift (operation, status or `event`,
   * pointer, expectation), since the drifting value is not what makes it new; memory bounded.
   */
  #warn(key: string, where: string, mismatches: ResponseMismatch[]): void {
    const fresh = mismatches.filter((m) => {
      const kind = `${key} ${where} ${m.pointer} ${m.expected}`;
      if (this.#warned.has(kind) || this.#warned.size >= MAX_WARNED_KINDS) return false;
      this.#warned.add(kind);
      return true;
    });
    if (fresh.length === 0) return;
    this.#options.logger.warn(
      `fish-audio-api: response differs from the spec: ${key} ${where}: ${formatMismatches(fresh)}`,
    );
  }

  /**
   * No response, or no whole 2xx body (`status` says which), arrived. Only a cleaned copy of
   * the cause is kept: a custom fetch may attach anything to its errors, headers included.
   */
  #connectionError(error: unknown, attempts: number, status?: number): APIConnectionError {
    const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
    const code = errorCode(error) ?? errorCode(cause);
    const message = this.#redact.text(describe(error));
    const causeMessage = typeof cause?.message === 'string' ? cause.message : undefined;
    const detail = code ?? (causeMessage === undefined ? message : this.#redact.text(causeMessage));
    const safeCause = { name: (error as Error | null)?.name ?? 'Error', code, message };
    const what =
      status === undefined
        ? `Could not reach ${this.baseUrl}`
        : `The connection to ${this.baseUrl} broke after it answered ${status}, while the body was read`;
    // A browser reports a CORS refusal as a bare TypeError ("Failed to fetch"), with no code.
    const hint =
      isBrowser() && status === undefined && error instanceof TypeError && code === undefined
        ? ' In a browser this may be CORS: the API sends no CORS headers; use a proxy (see "Use in a browser" in the README).'
        : '';
    return new APIConnectionError(
      `${what} (${detail}). Check the network and the baseUrl option.${hint}`,
      { attempts, code },
      { cause: safeCause },
    );
  }
}

/** A request ready to send: the same for every attempt. */
interface Outgoing {
  url: string;
  init: RequestInit & { headers: Record<string, string> };
}

/** Raised inside {@link readText} when the body passes the bound. */
class BodyTooLarge extends Error {}

/**
 * Reads a body as text, refusing a 2xx body larger than `limit` bytes (declared: before
 * reading; undeclared or compressed: as soon as the count passes it) and cutting an error body
 * at `limit`, so an error keeps its status and class whatever it carries.
 */
async function readText(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  const encoding = response.headers.get('content-encoding');
  if (declared > limit && response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new BodyTooLarge();
  }
  // A declared, uncompressed length within the bound is enforced by fetch itself.
  if (declared <= limit && (!encoding || encoding === 'identity')) return response.text();
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (total + value.byteLength > limit) {
      await reader.cancel().catch(() => {});
      if (response.ok) throw new BodyTooLarge();
      chunks.push(value.subarray(0, limit - total));
      break;
    }
    total += value.byteLength;
    chunks.push(value);
  }
  const decoder = new TextDecoder();
  return chunks
    .map((chunk, i) => decoder.decode(chunk, { stream: i < chunks.length - 1 }))
    .join('');
}

type Parsed = { ok: true; value: unknown } | { ok: false; text: string; problem: string };

/**
 * Redacts and parses a body; text that is not JSON stays (redacted) text. The raw text is
 * redacted first, the parsed strings again only when the text has escapes, the one way a key
 * could hide from the first pass. Every walk over the value is iterative, so depth is safe.
 */
function parseJson(raw: string, redact: Redactor): Parsed {
  const text = redact.text(raw);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, text, problem: 'the body is not valid JSON' };
  }
  return { ok: true, value: text.includes('\\') ? redact.value(value) : value };
}

/** `AbortSignal.any` where the runtime has it (Node 20.3+, Bun, Deno, browsers). */
function anySignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([a, b]);
  const controller = new AbortController();
  const forward = () => controller.abort();
  a.addEventListener('abort', forward, { once: true });
  b.addEventListener('abort', forward, { once: true });
  return controller.signal;
}

/**
 * The system's code for a failure. Node puts it on the cause, Bun on the error itself; Deno
 * gives none, only a message such as `… tcp connect error: Connection refused (os error 111)`,
 * so its wording is mapped to the code Node would give.
 */
function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code)) return code;
  const message = (error as { message?: unknown } | null | undefined)?.message;
  if (typeof message !== 'string') return undefined;
  return MESSAGE_CODES.find(([pattern]) => pattern.test(message))?.[1];
}

// Deno's (hyper's and the OS's) wording for the failures Node reports with a code.
const MESSAGE_CODES: readonly [RegExp, string][] = [
  [/connection refused/i, 'ECONNREFUSED'],
  [/connection reset/i, 'ECONNRESET'],
  [/dns error|failed to lookup address|name or service not known/i, 'ENOTFOUND'],
  [/network is unreachable/i, 'ENETUNREACH'],
  [/host is unreachable|no route to host/i, 'EHOSTUNREACH'],
];

/** Whether this runs in a browser page or worker, where a failed fetch may be CORS. */
function isBrowser(): boolean {
  const g = globalThis as { document?: unknown; importScripts?: unknown; process?: unknown };
  return (g.document !== undefined || g.importScripts !== undefined) && g.process === undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
