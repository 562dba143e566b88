/** The client's options, their defaults and their checks, declared once. */
import { FishAudioError } from './errors.js';
import type { Backoff } from './retry.js';

/** A `fetch` implementation: the global one, or one from a test, a proxy agent or a polyfill. */
export type Fetch = (input: Request, init?: RequestInit) => Promise<Response>;

/** Options for `new FishAudio(options)`. Every field is optional; see {@link DEFAULTS}. */
export interface ClientOptions {
  /**
   * The API key, sent as `Authorization: Bearer <key>`.
   * Default: the `FISH_API_KEY` environment variable, where the runtime has one.
   */
  apiKey?: string;
  /**
   * Where the API lives. Default `https://api.fish.audio`. Browsers need a proxy of their own
   * here, because the API sends no CORS headers. A trailing slash is fine.
   */
  baseUrl?: string;
  /** A custom `fetch`. Default: `globalThis.fetch`. */
  fetch?: Fetch;
  /** Headers sent with every request; per-request `headers` override them. */
  defaultHeaders?: Record<string, string>;
  /**
   * How many times a failed request is retried: connection errors, timeouts, 408, 409, 429
   * and 5xx. Never other 4xx. Default 2 (so at most 3 attempts).
   */
  maxRetries?: number;
  /** Milliseconds one attempt may take, body included. Default 60 000. */
  timeout?: number;
  /** Backoff between retries; tests shorten it. Defaults in {@link DEFAULTS}. */
  backoff?: Partial<Backoff>;
  /** Largest response body accepted, in bytes. Default 1 MiB; the credit body is ~300 bytes. */
  maxResponseBytes?: number;
  /**
   * What to do when a 2xx body does not match the spec's schema: `'error'` (default) throws
   * `InvalidResponseError` listing each mismatch; `'warn'` reports each distinct mismatch once
   * through `logger` and returns the body; `'off'` skips the check. Properties the spec does not
   * mention are always accepted: the API adds fields before the spec does.
   */
  validateResponses?: 'error' | 'warn' | 'off';
  /** Where `'warn'` reports go. Default `console`. The package logs nothing else. */
  logger?: Logger;
}

/** The one method the client needs of a logger; `console` has it. */
export interface Logger {
  /** Receives one line per distinct response mismatch. */
  warn(message: string): void;
}

/** Options for a single call, as its last argument. */
export interface RequestOptions {
  /** Aborts the call; it then rejects with `APIUserAbortError`. */
  signal?: AbortSignal;
  /** Extra headers for this call; they override the client's `defaultHeaders`. */
  headers?: Record<string, string>;
  /** Overrides the client's `maxRetries` for this call. */
  maxRetries?: number;
  /** Overrides the client's `timeout` (ms per attempt) for this call. */
  timeout?: number;
  /**
   * Whether this call may be sent twice. Defaults to what its HTTP method says (GET: yes,
   * POST: no); a request that is not idempotent is never retried unless this is `true`.
   */
  idempotent?: boolean;
}

/** The defaults for {@link ClientOptions}, in one place. */
export const DEFAULTS = {
  baseUrl: 'https://api.fish.audio',
  apiKeyEnvVar: 'FISH_API_KEY',
  maxRetries: 2,
  timeout: 60_000,
  maxResponseBytes: 1024 * 1024,
  validateResponses: 'error',
  backoff: {
    initialDelayMs: 500,
    maxDelayMs: 8_000,
    // Longer waits than this are the caller's decision: the error carries `retryAfter`.
    maxRetryAfterMs: 60_000,
  },
} as const;

/** Reads an environment variable where the runtime has `process.env` (Node, Bun, Deno's compat). */
export function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  const value = env?.[name]?.trim();
  return value ? value : undefined;
}

/** The client's options after defaults and checks: what the client actually runs with. */
export interface ResolvedOptions {
  apiKey: string;
  baseUrl: string;
  fetch: Fetch;
  defaultHeaders: Headers;
  maxRetries: number;
  timeout: number;
  backoff: Backoff;
  maxResponseBytes: number;
  validateResponses: 'error' | 'warn' | 'off';
  logger: Logger;
}

/** Applies {@link DEFAULTS} and refuses, with a {@link FishAudioError}, any value that cannot work. */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  const apiKey = options.apiKey ?? readEnv(DEFAULTS.apiKeyEnvVar);
  if (!apiKey) {
    throw new FishAudioError(
      `No API key. Pass { apiKey } to new FishAudio() or set the ${DEFAULTS.apiKeyEnvVar} environment variable.`,
    );
  }
  if (!isUsableApiKey(apiKey)) {
    // Said without echoing the key: fetch's own error would quote the header value.
    throw new FishAudioError('The API key contains spaces or characters a header cannot carry.');
  }
  const validateResponses = options.validateResponses ?? DEFAULTS.validateResponses;
  if (!['error', 'warn', 'off'].includes(validateResponses)) {
    throw new FishAudioError(
      `validateResponses must be 'error', 'warn' or 'off', got ${JSON.stringify(validateResponses)}.`,
    );
  }
  const backoff: Backoff = { ...DEFAULTS.backoff };
  for (const [name, value] of Object.entries(options.backoff ?? {})) {
    if (value === undefined) continue;
    if (!(name in backoff)) throw new FishAudioError(`backoff has no option "${name}".`);
    backoff[name as keyof Backoff] = checkWholeNumber(`backoff.${name}`, value, 0);
  }
  return {
    apiKey,
    baseUrl: checkBaseUrl(options.baseUrl ?? DEFAULTS.baseUrl),
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    defaultHeaders: checkHeaders('defaultHeaders', options.defaultHeaders),
    maxRetries: checkRetries(options.maxRetries ?? DEFAULTS.maxRetries),
    timeout: checkTimeout(options.timeout ?? DEFAULTS.timeout),
    backoff,
    maxResponseBytes: checkWholeNumber(
      'maxResponseBytes',
      options.maxResponseBytes ?? DEFAULTS.maxResponseBytes,
      1,
    ),
    validateResponses,
    logger: options.logger ?? console,
  };
}

/** Checks a `maxRetries` value, from the client options or a single call. */
export function checkRetries(value: number): number {
  return checkWholeNumber('maxRetries', value, 0);
}

/**
 * The longest `timeout` a timer can hold: setTimeout fires at once for delays above
 * 2^31 - 1 ms (about 24.8 days), which would time out every request immediately.
 */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Whether a key can travel in an HTTP header: printable ASCII, no spaces. */
export function isUsableApiKey(key: string): boolean {
  return /^[\x21-\x7e]+$/.test(key);
}

/** Checks a `timeout` value, from the client options or a single call. */
export function checkTimeout(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_TIMEOUT_MS) {
    throw new FishAudioError(
      `timeout must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}, got ${value}.`,
    );
  }
  return value;
}

/** Checks headers once, up front, so a bad value is a clear error rather than a failed request. */
export function checkHeaders(name: string, headers: Record<string, string> | undefined): Headers {
  try {
    return new Headers(headers);
  } catch {
    // The runtime's message quotes the value, which may be a secret.
    throw new FishAudioError(
      `${name} contains a header name or value that HTTP cannot carry (a line break, say).`,
    );
  }
}

function checkWholeNumber(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new FishAudioError(`${name} must be a whole number of at least ${min}, got ${value}.`);
  }
  return value;
}

function checkBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new FishAudioError('baseUrl is not a valid URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FishAudioError(`baseUrl must be an http(s) URL, not ${url.protocol}.`);
  }
  // Paths are appended to the base URL as text: a query or fragment would swallow them, and
  // credentials in a URL end up in logs. Said without echoing the URL, which may hold a secret.
  if (url.username || url.password || url.search || url.hash) {
    throw new FishAudioError(
      'baseUrl must not contain credentials, a query or a fragment; pass credentials as apiKey or defaultHeaders.',
    );
  }
  return value.replace(/\/+$/, '');
}
