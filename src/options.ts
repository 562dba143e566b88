/** The client's options and their defaults, declared once. */
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
