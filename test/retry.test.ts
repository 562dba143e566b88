import { describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  DEFAULTS,
  InvalidResponseError,
} from '../src/index.js';
import { sleep } from '../src/http/deadline.js';
import { isRetryable, retryDelay } from '../src/http/retry.js';
import { useFakeClock } from './helpers/clock.js';

const apiError = (status: number, headers: Record<string, string> = {}) =>
  APIError.from({ status, headers: new Headers(headers), body: '', attempts: 1 });
const backoff = DEFAULTS.backoff;

describe('which failures are retried', () => {
  it.each([408, 409, 429, 500, 502, 503, 504])('retries status %i', (status) => {
    expect(isRetryable(apiError(status), 'GET')).toBe(true);
  });

  it.each([400, 401, 402, 403, 404, 422])('never retries status %i', (status) => {
    expect(isRetryable(apiError(status), 'GET')).toBe(false);
  });

  it('retries connection errors and timeouts', () => {
    expect(isRetryable(new APIConnectionError('x', { attempts: 1 }), 'GET')).toBe(true);
    expect(isRetryable(new APIConnectionTimeoutError(10, { attempts: 1 }), 'GET')).toBe(true);
  });

  it('never retries an abort or an invalid 2xx body', () => {
    expect(isRetryable(new APIUserAbortError(), 'GET')).toBe(false);
    const invalid = new InvalidResponseError(
      { status: 200, headers: new Headers(), body: '', attempts: 1 },
      'x',
    );
    expect(isRetryable(invalid, 'GET')).toBe(false);
  });

  it('never retries a POST unless the caller marks it idempotent', () => {
    expect(isRetryable(apiError(503), 'POST')).toBe(false);
    expect(isRetryable(new APIConnectionError('x', { attempts: 1 }), 'POST')).toBe(false);
    expect(isRetryable(apiError(503), 'POST', true)).toBe(true);
  });

  it('lets the caller forbid retrying even a GET', () => {
    expect(isRetryable(apiError(503), 'GET', false)).toBe(false);
  });
});

describe('how long to wait', () => {
  it('doubles from 0.5 s and caps at 8 s, before jitter', () => {
    const noJitter = () => 0;
    const delays = [1, 2, 3, 4, 5, 6, 7].map((n) =>
      retryDelay(n, apiError(500), backoff, noJitter),
    );
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('keeps jitter between 75 % and 100 % of the computed delay', () => {
    expect(retryDelay(1, apiError(500), backoff, () => 0.999999)).toBe(375);
    for (let i = 0; i < 200; i++) {
      const delay = retryDelay(2, apiError(500), backoff) as number;
      expect(delay).toBeGreaterThanOrEqual(750);
      expect(delay).toBeLessThanOrEqual(1000);
    }
  });

  it('honours retry-after-ms before Retry-After', () => {
    const error = apiError(429, { 'retry-after-ms': '250', 'retry-after': '9' });
    expect(retryDelay(1, error, backoff)).toBe(250);
  });

  it('honours Retry-After in seconds and as an HTTP date', () => {
    expect(retryDelay(1, apiError(429, { 'retry-after': '2' }), backoff)).toBe(2000);
    // The fake clock stands on a whole second, which an HTTP date can name exactly.
    useFakeClock(Date.UTC(2026, 0, 1, 12, 0, 0));
    const date = new Date(Date.UTC(2026, 0, 1, 12, 0, 30)).toUTCString();
    expect(retryDelay(1, apiError(503, { 'retry-after': date }), backoff)).toBe(30_000);
  });

  it('gives up on waiting when the server asks for more than 60 s', () => {
    expect(retryDelay(1, apiError(429, { 'retry-after': '61' }), backoff)).toBeUndefined();
    expect(retryDelay(1, apiError(429, { 'retry-after': '60' }), backoff)).toBe(60_000);
  });

  it.each([
    [{ 'retry-after': 'soon' }],
    [{ 'retry-after': '-5' }],
    [{ 'retry-after': 'soon 2' }],
    [{ 'retry-after': '1.' }],
    [{ 'retry-after-ms': '12abc' }],
  ])('falls back to backoff when the header is garbage: %j', (headers) => {
    expect(retryDelay(1, apiError(429, headers), backoff, () => 0)).toBe(500);
  });
});

describe('sleep', () => {
  it('rejects with APIUserAbortError when its signal aborts', async () => {
    const controller = new AbortController();
    const pending = sleep(10_000, controller.signal);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
  });
});
