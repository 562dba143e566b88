/**
 * Fault injection: the client against a real misbehaving server on 127.0.0.1. Each scenario
 * asserts the exact outcome (result or error class, status, attempts). Time is never measured:
 * a wait the client chooses (a retry's sleep, an attempt's deadline) is read off a fake clock,
 * and a real deadline is only ever given to a server that never answers.
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
  type Fetch,
} from '../src/index.js';
import { useFakeClock } from './helpers/clock.js';
import { countingFetch } from './helpers/counting-fetch.js';
import { startFaultServer, type FaultServer } from './helpers/fault-server.js';
import { startServer } from './helpers/server.js';

// For servers that answer: far longer than any answer takes, so it never fires first.
const LONG = 30_000;
// For servers that never answer: a deadline there is no race, only a wait.
const STALL = 100;
const BACKOFF = { initialDelayMs: 10, maxDelayMs: 40 };

let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(() => server.close());

function clientFor(scenario: string, options: ClientOptions = {}): FishAudio {
  return new FishAudio({
    apiKey: 'sk-fault-test',
    baseUrl: `${server.url}/${scenario}`,
    timeout: LONG,
    backoff: BACKOFF,
    ...options,
  });
}

interface Outcome {
  value?: unknown;
  error?: unknown;
}

async function run(promise: Promise<unknown>): Promise<Outcome> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

describe('no response', () => {
  it('retries a refused connection twice, then throws APIConnectionError saying so', async () => {
    const closed = await startServer();
    await closed.close();
    const counter = countingFetch();
    const client = new FishAudio({
      apiKey: 'k',
      baseUrl: closed.url,
      backoff: BACKOFF,
      fetch: counter.fetch,
    });
    const outcome = await run(client.wallet.getApiCredit());
    expect(outcome.error).toBeInstanceOf(APIConnectionError);
    expect(outcome.error).not.toBeInstanceOf(APIConnectionTimeoutError);
    expect(counter.calls).toBe(3);
    expect((outcome.error as APIConnectionError).attempts).toBe(3);
    expect((outcome.error as APIConnectionError).code).toBe('ECONNREFUSED');
    expect((outcome.error as Error).message).toContain('after 3 attempts');
  });

  it('retries a connection reset before headers, then throws APIConnectionError', async () => {
    const outcome = await run(clientFor('reset-before-headers').wallet.getApiCredit());
    expect(outcome.error).toBeInstanceOf(APIConnectionError);
    expect(server.attempts('reset-before-headers')).toBe(3);
  });

  it('retries a connection reset in the middle of the body', async () => {
    const outcome = await run(clientFor('reset-mid-body').wallet.getApiCredit());
    expect(outcome.error).toBeInstanceOf(APIConnectionError);
    expect(outcome.error).not.toBeInstanceOf(APIConnectionTimeoutError);
    expect(server.attempts('reset-mid-body')).toBe(3);
  });
});

describe('timeouts', () => {
  // The attempts are counted as the client makes them: a request the deadline cut off while
  // still connecting need not have reached the server.
  it.each([
    ['a body that stalls after the headers', 'stalled-body'],
    ['headers that never come', 'slow-headers'],
  ])('times out %s, on every attempt', async (_what, scenario) => {
    const counter = countingFetch();
    const client = clientFor(scenario, { timeout: STALL, fetch: counter.fetch });
    const outcome = await run(client.wallet.getApiCredit());
    expect(outcome.error).toBeInstanceOf(APIConnectionTimeoutError);
    expect((outcome.error as Error).message).toContain(`${STALL} ms`);
    expect((outcome.error as APIConnectionTimeoutError).attempts).toBe(3);
    expect(counter.calls).toBe(3);
  });

  it('takes a per-request timeout and maxRetries over the client options', async () => {
    // The client's 50 ms would run out before the server's answer, which comes at 100 ms.
    const client = clientFor('slow-ok', { timeout: 50 });
    const outcome = await run(client.wallet.getApiCredit({}, { timeout: LONG, maxRetries: 0 }));
    expect(outcome.error).toBeUndefined();
    expect(server.attempts('slow-ok')).toBe(1);
  });
});

describe('a custom fetch that ignores the signal', () => {
  /** A fetch that never settles and ignores its signal; `called` resolves when it is called. */
  function neverFetch() {
    let wasCalled!: () => void;
    const called = new Promise<void>((resolve) => (wasCalled = resolve));
    const fetch: Fetch = () => {
      wasCalled();
      return new Promise<Response>(() => {});
    };
    return { fetch, called };
  }

  it('still times out', async () => {
    const clock = useFakeClock();
    const { fetch } = neverFetch();
    const client = new FishAudio({ apiKey: 'k', timeout: STALL, maxRetries: 0, fetch });
    const call = run(client.wallet.getApiCredit());
    expect(await clock.timersOf('http/attempt.ts')).toEqual([STALL]);
    await clock.advance(STALL);
    expect((await call).error).toBeInstanceOf(APIConnectionTimeoutError);
  });

  it('still rejects at once when the caller aborts', async () => {
    useFakeClock();
    const { fetch, called } = neverFetch();
    const client = new FishAudio({ apiKey: 'k', maxRetries: 0, fetch });
    const controller = new AbortController();
    const call = run(client.wallet.getApiCredit({}, { signal: controller.signal }));
    await called;
    controller.abort();
    // The clock never moved: the abort alone ended the call.
    expect((await call).error).toBeInstanceOf(APIUserAbortError);
  });

  it('still times out a body stream that never ends', async () => {
    const clock = useFakeClock();
    let pulled!: () => void;
    const reading = new Promise<void>((resolve) => (pulled = resolve));
    const stalled: Fetch = async () => {
      const body = new ReadableStream<Uint8Array>({
        start: (c) => c.enqueue(new TextEncoder().encode('{')),
        // Asked for more after the first byte: the client is reading the body now.
        pull: () => pulled(),
      });
      return new Response(body, { status: 200 });
    };
    const client = new FishAudio({ apiKey: 'k', timeout: STALL, maxRetries: 0, fetch: stalled });
    const call = run(client.wallet.getApiCredit());
    await reading;
    await clock.advance(STALL);
    expect((await call).error).toBeInstanceOf(APIConnectionTimeoutError);
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
  it.each([
    ['Retry-After: 1', 'retry-after-seconds', 1000],
    // The date is now + 2 s, and the fake clock stands on a whole second.
    ['until a Retry-After HTTP date', 'retry-after-date', 2000],
    ['retry-after-ms', 'retry-after-ms', 150],
  ])('waits %s after a 429, then succeeds', async (_what, scenario, ms) => {
    const clock = useFakeClock();
    const call = run(clientFor(scenario).wallet.getApiCredit());
    expect(await clock.timersOf('http/retry.ts')).toEqual([ms]);
    // Asleep: the second attempt waits for the clock.
    expect(server.attempts(scenario)).toBe(1);
    await clock.advance(ms);
    expect((await call).error).toBeUndefined();
    expect(server.attempts(scenario)).toBe(2);
  });

  it('throws a RateLimitError at once when Retry-After is an hour', async () => {
    const clock = useFakeClock();
    const outcome = await run(clientFor('retry-after-hour').wallet.getApiCredit());
    expect(outcome.error).toBeInstanceOf(RateLimitError);
    expect((outcome.error as RateLimitError).retryAfter).toBe(3600);
    expect((outcome.error as RateLimitError).attempts).toBe(1);
    expect(server.attempts('retry-after-hour')).toBe(1);
    expect(clock.timers.filter((t) => t.file === 'http/retry.ts')).toEqual([]);
  });

  it('sleeps the backoff between attempts: doubling from initialDelayMs up to maxDelayMs, less at most a quarter', async () => {
    const clock = useFakeClock();
    const call = run(clientFor('500-always').wallet.getApiCredit({}, { maxRetries: 4 }));
    for (let n = 1; n <= 4; n++) {
      const sleeps = await clock.timersOf('http/retry.ts', n);
      await clock.advance(sleeps.at(-1)!);
    }
    expect(((await call).error as APIError).attempts).toBe(5);
    const sleeps = await clock.timersOf('http/retry.ts', 4);
    const bounds = [10, 20, 40, 40].map((ms) => [ms * 0.75, ms]);
    sleeps.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(bounds[i]![0]!);
      expect(ms).toBeLessThanOrEqual(bounds[i]![1]!);
    });
  });

  it('retries a 503 and returns the 200 that follows', async () => {
    const outcome = await run(clientFor('503-then-200').wallet.getApiCredit());
    expect(outcome.value).toMatchObject({ credit: '12.3400' });
    expect(server.attempts('503-then-200')).toBe(2);
  });

  it.each(['408-then-200', '409-then-200'])('retries %s', async (scenario) => {
    const outcome = await run(clientFor(scenario).wallet.getApiCredit());
    expect(outcome.value).toMatchObject({ credit: '12.3400' });
    expect(server.attempts(scenario)).toBe(2);
  });

  it('throws the last 500 after three attempts, saying so', async () => {
    const before = server.attempts('500-always');
    const outcome = await run(clientFor('500-always').wallet.getApiCredit());
    const error = outcome.error as InternalServerError;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.status).toBe(500);
    expect(error.attempts).toBe(3);
    expect(error.message).toContain('after 3 attempts');
    expect(server.attempts('500-always') - before).toBe(3);
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
    const clock = useFakeClock();
    const counter = countingFetch();
    const controller = new AbortController();
    const client = clientFor('slow-headers', { fetch: counter.fetch });
    const call = run(client.wallet.getApiCredit({}, { signal: controller.signal }));
    await server.arrived('slow-headers', server.attempts('slow-headers') + 1);
    controller.abort();
    // Rejected with the clock standing still: neither the deadline nor a backoff ran out.
    expect((await call).error).toBeInstanceOf(APIUserAbortError);
    expect(counter.calls).toBe(1);
    expect(clock.timers.filter((t) => t.file === 'http/retry.ts')).toEqual([]);
  });

  it('rejects at once when the signal aborts during the backoff sleep', async () => {
    const clock = useFakeClock();
    const controller = new AbortController();
    const client = clientFor('500-always', { backoff: { initialDelayMs: 5000 } });
    const before = server.attempts('500-always');
    const call = run(client.wallet.getApiCredit({}, { signal: controller.signal }));
    await clock.timersOf('http/retry.ts');
    controller.abort();
    expect((await call).error).toBeInstanceOf(APIUserAbortError);
    expect(server.attempts('500-always') - before).toBe(1);
  });
});
