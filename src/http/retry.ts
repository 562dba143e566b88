/**
 * When to try a request again and how long to wait first. The Fish Audio docs ask clients to
 * retry 429 and 5xx with backoff and never other 4xx; 429 carries `Retry-After`.
 */
import {
  APIConnectionError,
  APIError,
  APIUserAbortError,
  isServerError,
  parseRetryAfter,
  type FishAudioError,
} from '../errors.js';
import type { Backoff } from '../options.js';
import { sleep } from './deadline.js';
import { BLOCKED_PORT } from './network-error.js';

// Methods that mean the same thing when sent twice (RFC 9110 §9.2.2).
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
const RETRIED_STATUSES = new Set([408, 409, 429]);

/**
 * Whether a failed attempt may be tried again. A request that is not idempotent (a POST that
 * spends credit, say) is only retried when the caller says it is safe.
 */
export function isRetryable(error: FishAudioError, method: string, idempotent?: boolean): boolean {
  if (!(idempotent ?? IDEMPOTENT_METHODS.has(method.toUpperCase()))) return false;
  if (error instanceof APIUserAbortError) return false;
  // Timeouts are connection errors too; a port fetch refuses stays refused.
  if (error instanceof APIConnectionError) return error.code !== BLOCKED_PORT;
  if (error instanceof APIError)
    return RETRIED_STATUSES.has(error.status) || isServerError(error.status);
  return false;
}

/**
 * How long to wait before retry number `retry` (1-based), or `undefined` when the server asked
 * for a longer wait than `maxRetryAfterMs` and the caller should get the error now instead.
 */
export function retryDelay(
  retry: number,
  error: FishAudioError,
  backoff: Backoff,
  random: () => number = Math.random,
): number | undefined {
  if (error instanceof APIError) {
    const seconds = parseRetryAfter(error.headers);
    if (seconds !== undefined) {
      const ms = Math.ceil(seconds * 1000);
      return ms <= backoff.maxRetryAfterMs ? ms : undefined;
    }
  }
  const exponential = Math.min(backoff.initialDelayMs * 2 ** (retry - 1), backoff.maxDelayMs);
  // Jitter spreads retries of many clients that failed together; keep at least 75 % of the wait.
  return Math.round(exponential * (1 - random() * 0.25));
}

/**
 * Waits before retry number `retry` (1-based) after `error`, or rethrows `error` at once when
 * the server asked for a longer wait than `maxRetryAfterMs`: then the caller decides.
 */
export async function backOff(
  retry: number,
  error: FishAudioError,
  backoff: Backoff,
  signal: AbortSignal | undefined,
): Promise<void> {
  const delay = retryDelay(retry, error, backoff);
  if (delay === undefined) throw error;
  await sleep(delay, signal);
}
