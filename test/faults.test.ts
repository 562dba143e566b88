/**
 * Fault injection: the client against a real misbehaving server on 127.0.0.1. Each scenario
 * asserts the exact outcome (result or error class, status, attempts) and a time bound derived
 * from the configured delays: timeout 200 ms per attempt, backoff 10 ms doubling to 40 ms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  FishAudio,
  InternalServerError,
  InvalidResponseError,
  NotFoundError,
  RateLimitError,
  type ClientOptions,
} from '../src/index.js';
import { startFaultServer, type FaultServer } from './helpers/fault-server.js';
import { startServer } from './helpers/server.js';

const TIMEOUT = 200;
const BACKOFF = { initialDelayMs: 10, maxDelayMs: 40 };
// Two retries: at most 10 + 20 ms of backoff (jitter only shortens it).
const MAX_BACKOFF_TOTAL = 30;
// Slack for process scheduling on a busy 2-core machine.
const SLACK = 400;

let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(() => server.close());

function clientFor(scenario: string, options: ClientOptions = {}): FishAudio {
  return new FishAudio({
    apiKey: 'sk-fault-test',
    baseUrl: `${server.url}/${scenario}`,
    timeout: TIMEOUT,
    backoff: BACKOFF,
    ...options,
  });
}

interface Outcome {
  value?: unknown;
  error?: unknown;
  ms: number;
}

async function run(promise: Promise<unknown>): Promise<Outcome> {
  const start = performance.now();
  try {
    const value = await promise;
    return { value, ms: performance.now() - start };
  } catch (error) {
    return { error, ms: performance.now() - start };
  }
}

describe('no response', () => {
  it('retries a refused connection twice, then throws APIConnectionError saying so', async () => {
    const closed = await startServer();
    await closed.close();
    let calls = 0;
    const client = new FishAudio({
      apiKey: 'k',
      baseUrl: closed.url,
      backoff: BACKOFF,
      fetch: (input, init) => {
        calls += 1;
        return fetch(input, init);
      },
    });
    const outcome = await run(client.wallet.getApiCredit());
    expect(outcome.error).toBeInstanceOf(APIConnectionError);
    expect(outcome.error).not.toBeInstanceOf(APIConnectionTimeoutError);
    expect(calls).toBe(3);
    expect((outcome.error as APIConnectionError).attempts).toBe(3);
    expect((outcome.error as APIConnectionError).code).toBe('ECONNREFUSED');
    expect((outcome.error as Error).message).toContain('after 3 attempts');
    expect(outcome.ms).toBeLessThan(MAX_BACKOFF_TOTAL + SLACK);
  });

  it('retries a connection reset before headers, then throws APIConnectionError', async () => {
    const outcome = await run(clientFor('reset-before-headers').wallet.getApiCredit());
    expect(outcome.error).toBeInstanceOf(APIConnectionError);
    expect(server.attempts('reset-before-headers')).toBe(3);
    expect(outcome.ms).toBeLessThan(MAX_BACKOFF_TOTAL + 3 * 20 + SLACK);
  });

  it('retries a connection reset in the middle of the body', async () => {
    const outcome = await run(clientFor('reset-mid-body').wallet.getApiCredit());
    expect(outcome.error).toBeInstanceOf(APIConnectionError);
    expect(outcome.error).not.toBeInstanceOf(APIConnectionTimeoutError);
    expect(server.attempts('reset-mid-body')).toBe(3);
    expect(outcome.ms).toBeLessThan(MAX_BACKOFF_TOTAL + 3 * 20 + SLACK);
  });
});

describe('timeouts', () => {
  it('times out a body that stalls after the headers, on every attempt', async () => {
    const outcome = await run(clientFor('stalled-body').wallet.getApiCredit());
    expect(outcome.error).toBeInstanceOf(APIConnectionTimeoutError);
    expect((outcome.error as Error).message).toContain(`${TIMEOUT} ms`);
    expect(server.attempts('stalled-body')).toBe(3);
    expect(outcome.ms).toBeGreaterThanOrEqual(3 * TIMEOUT - 5);
    expect(outcome.ms).toBeLessThan(3 * TIMEOUT + MAX_BACKOFF_TOTAL + SLACK);
  });

  it('times out headers that never come, on every attempt', async () => {
    const outcome = await run(clientFor('slow-headers').wallet.getApiCredit());
    expect(outcome.error).toBeInstanceOf(APIConnectionTimeoutError);
    expect(server.attempts('slow-headers')).toBe(3);
    expect(outcome.ms).toBeGreaterThanOrEqual(3 * TIMEOUT - 5);
    expect(outcome.ms).toBeLessThan(3 * TIMEOUT + MAX_BACKOFF_TOTAL + SLACK);
  });

  it('takes a per-request timeout and maxRetries over the client options', async () => {
    const client = clientFor('slow-ok', { timeout: 50 });
    const outcome = await run(client.wallet.getApiCredit({}, { timeout: 1000, maxRetries: 0 }));
    expect(outcome.error).toBeUndefined();
    expect(server.attempts('slow-ok')).toBe(1);
  });
});

describe('a custom fetch that ignores the signal', () => {
  const never = () => new Promise<Response>(() => {});

  it('still times out', async () => {
    const client = new FishAudio({ apiKey: 'k', timeout: TIMEOUT, maxRetries: 0, fetch: never });
    const outcome = await run(client.wallet.getApiCredit());
    expect(outcome.error).toBeInstanceOf(APIConnectionTimeoutError);
    expect(outcome.ms).toBeLessThan(TIMEOUT + SLACK);
  });

  it('still rejects at once when the caller aborts', async () => {
    const client = new FishAudio({ apiKey: 'k', maxRetries: 0, fetch: never });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const outcome = await run(client.wallet.getApiCredit({}, { signal: controller.signal }));
    expect(outcome.error).toBeInstanceOf(APIUserAbortError);
    expect(outcome.ms).toBeLessThan(50 + SLACK);
  });

  it('still times out a body stream that never ends', async () => {
    const stalled = async () =>
      new Response(new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode('{')) }), {
        status: 200,
      });
    const client = new FishAudio({ apiKey: 'k', timeout: TIMEOUT, maxRetries: 0, fetch: stalled });
    const outcome = await run(client.wallet.getApiCredit());
    expect(outcome.error).toBeInstanceOf(APIConnectionTimeoutError);
  });
});

describe('bodies', () => {
  it('refuses truncated JSON in a 200 once, without retrying', async () => {
    const outcome = await run(clientFor('truncated-json').wallet.getApiCredit());
    expect(outcome.error).toBeInstanceOf(InvalidResponseError);
    expect((outcome.error as InvalidResponseError).body).toBe('{"_id": "abc", "credit": "1');
    expect(server.attempts('truncated-json')).toBe(1);
  });

  it('refuses a 200 that declares more than 1 MiB without reading it', async () => {
    const outcome = await run(clientFor('huge-declared').wallet.getApiCredit());
    expect(outcome.error).toBeInstanceOf(InvalidResponseError);
    expect((outcome.error as Error).message).toMatch(/larger than 1048576 bytes/);
    expect(server.attempts('huge-declared')).toBe(1);
  });

  it('counts decoded bytes, so a small gzip body that inflates past 1 MiB is refused', async () => {
    const outcome = await run(clientFor('gzip-bomb').wallet.getApiCredit());
    expect(outcome.error).toBeInstanceOf(InvalidResponseError);
    expect((outcome.error as Error).message).toMatch(/larger than 1048576 bytes/);
    expect(server.attempts('gzip-bomb')).toBe(1);
  });

  it('stops reading a chunked 200 as soon as it passes 1 MiB', async () => {
    const outcome = await run(clientFor('huge-chunked').wallet.getApiCredit());
    expect(outcome.error).toBeInstanceOf(InvalidResponseError);
    expect((outcome.error as InvalidResponseError).status).toBe(200);
    expect(server.attempts('huge-chunked')).toBe(1);
  });
});

describe('statuses', () => {
  it('waits Retry-After: 1 after a 429, then succeeds', async () => {
    const outcome = await run(clientFor('retry-after-seconds').wallet.getApiCredit());
    expect(outcome.error).toBeUndefined();
    expect(server.attempts('retry-after-seconds')).toBe(2);
    expect(outcome.ms).toBeGreaterThanOrEqual(995);
    expect(outcome.ms).toBeLessThan(1000 + SLACK);
  });

  it('waits until a Retry-After HTTP date, then succeeds', async () => {
    const outcome = await run(clientFor('retry-after-date').wallet.getApiCredit());
    expect(outcome.error).toBeUndefined();
    expect(server.attempts('retry-after-date')).toBe(2);
    // The date has whole seconds: now + 2 s lands between 1 and 2 s away.
    expect(outcome.ms).toBeGreaterThanOrEqual(990);
    expect(outcome.ms).toBeLessThan(2000 + SLACK);
  });

  it('waits retry-after-ms after a 429, then succeeds', async () => {
    const outcome = await run(clientFor('retry-after-ms').wallet.getApiCredit());
    expect(outcome.error).toBeUndefined();
    expect(server.attempts('retry-after-ms')).toBe(2);
    expect(outcome.ms).toBeGreaterThanOrEqual(148);
    expect(outcome.ms).toBeLessThan(150 + SLACK);
  });

  it('throws a RateLimitError at once when Retry-After is an hour', async () => {
    const outcome = await run(clientFor('retry-after-hour').wallet.getApiCredit());
    expect(outcome.error).toBeInstanceOf(RateLimitError);
    expect((outcome.error as RateLimitError).retryAfter).toBe(3600);
    expect((outcome.error as RateLimitError).attempts).toBe(1);
    expect(server.attempts('retry-after-hour')).toBe(1);
    expect(outcome.ms).toBeLessThan(SLACK);
  });

  it('retries a 503 and returns the 200 that follows', async () => {
    const outcome = await run(clientFor('503-then-200').wallet.getApiCredit());
    expect(outcome.value).toMatchObject({ credit: '12.3400' });
    expect(server.attempts('503-then-200')).toBe(2);
    expect(outcome.ms).toBeLessThan(MAX_BACKOFF_TOTAL + SLACK);
  });

  it.each(['408-then-200', '409-then-200'])('retries %s', async (scenario) => {
    const outcome = await run(clientFor(scenario).wallet.getApiCredit());
    expect(outcome.value).toMatchObject({ credit: '12.3400' });
    expect(server.attempts(scenario)).toBe(2);
  });

  it('throws the last 500 after three attempts, saying so', async () => {
    const outcome = await run(clientFor('500-always').wallet.getApiCredit());
    const error = outcome.error as InternalServerError;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.status).toBe(500);
    expect(error.attempts).toBe(3);
    expect(error.message).toContain('after 3 attempts');
    expect(server.attempts('500-always')).toBe(3);
    expect(outcome.ms).toBeLessThan(MAX_BACKOFF_TOTAL + SLACK);
  });

  it('makes as many attempts as maxRetries allows', async () => {
    const outcome = await run(clientFor('500-always', { maxRetries: 0 }).wallet.getApiCredit());
    expect((outcome.error as APIError).attempts).toBe(1);
    const five = await run(clientFor('500-always').wallet.getApiCredit({}, { maxRetries: 4 }));
    expect((five.error as APIError).attempts).toBe(5);
  });

  it.each([
    ['401', AuthenticationError],
    ['404', NotFoundError],
  ])('sends a request that gets %s only once', async (scenario, ErrorClass) => {
    const outcome = await run(clientFor(scenario).wallet.getApiCredit());
    expect(outcome.error).toBeInstanceOf(ErrorClass);
    expect((outcome.error as APIError).attempts).toBe(1);
    expect(server.attempts(scenario)).toBe(1);
  });

  it('keeps a too-large error body as a cut-off text, with its status and class', async () => {
    const client = clientFor('html-502', { maxResponseBytes: 20, maxRetries: 0 });
    const outcome = await run(client.wallet.getApiCredit());
    const error = outcome.error as InternalServerError;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.status).toBe(502);
    expect(error.body).toBe('<html><h1>502 Bad Ga');
  });

  it('retries an HTML 502 and keeps its text', async () => {
    const before = server.attempts('html-502');
    const outcome = await run(clientFor('html-502').wallet.getApiCredit());
    const error = outcome.error as InternalServerError;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.status).toBe(502);
    expect(error.body).toBe('<html><h1>502 Bad Gateway</h1></html>');
    expect(server.attempts('html-502') - before).toBe(3);
  });
});

describe('cancellation', () => {
  it('sends nothing when the signal is aborted before the call', async () => {
    const before = server.attempts('ok');
    const outcome = await run(
      clientFor('ok').wallet.getApiCredit({}, { signal: AbortSignal.abort() }),
    );
    expect(outcome.error).toBeInstanceOf(APIUserAbortError);
    expect(server.attempts('ok')).toBe(before);
  });

  it('rejects at once when the signal aborts during the request, with no retry', async () => {
    const controller = new AbortController();
    const client = clientFor('slow-headers', { timeout: 5000 });
    const before = server.attempts('slow-headers');
    setTimeout(() => controller.abort(), 50);
    const outcome = await run(client.wallet.getApiCredit({}, { signal: controller.signal }));
    expect(outcome.error).toBeInstanceOf(APIUserAbortError);
    expect(outcome.ms).toBeLessThan(50 + SLACK);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.attempts('slow-headers') - before).toBe(1);
  });

  it('rejects at once when the signal aborts during the backoff sleep', async () => {
    const controller = new AbortController();
    const client = clientFor('500-always', { backoff: { initialDelayMs: 5000 } });
    const before = server.attempts('500-always');
    setTimeout(() => controller.abort(), 100);
    const outcome = await run(client.wallet.getApiCredit({}, { signal: controller.signal }));
    expect(outcome.error).toBeInstanceOf(APIUserAbortError);
    expect(outcome.ms).toBeLessThan(100 + SLACK);
    expect(server.attempts('500-always') - before).toBe(1);
  });
});

describe('load', () => {
  it('completes 500 concurrent calls', async () => {
    const client = clientFor('ok', { timeout: 10_000 });
    const before = server.attempts('ok');
    const results = await Promise.all(
      Array.from({ length: 500 }, () => client.wallet.getApiCredit()),
    );
    expect(results.every((r) => r.credit === '12.3400')).toBe(true);
    expect(server.attempts('ok') - before).toBe(500);
  });
});
