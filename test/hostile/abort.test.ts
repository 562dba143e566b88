/**
 * Cancellation under pressure: one signal shared by many calls, abort reasons, an abort in the
 * same tick as the call, and an abort during the backoff sleep.
 */
import { describe, expect, it } from 'vitest';
import { APIUserAbortError } from '../../src/index.js';
import { useFakeClock } from '../helpers/clock.js';
import { apiCreditBody, clientFor, countingFetch, failure, useHttpServer } from './support.js';

const server = useHttpServer();

describe('a signal shared by many calls', () => {
  // Node warns past 10 listeners on one signal: 100 calls are ten times that.
  it('serves 100 concurrent calls without a MaxListenersExceededWarning', async () => {
    server.setDefault({ json: apiCreditBody() });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const client = clientFor(server);
      const { signal } = new AbortController();
      const results = await Promise.all(
        Array.from({ length: 100 }, () => client.wallet.getApiCredit({}, { signal })),
      );
      expect(results.every((r) => r.credit === '12.3400')).toBe(true);
      // A warning is emitted on the next tick, before this.
      await new Promise(setImmediate);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    expect(server.count()).toBe(100);
  });
});

describe('the reason an abort gives', () => {
  it.each<[string, unknown]>([
    ['an Error', new Error('user closed the tab')],
    ['a string', 'navigated away'],
    ['an object', { code: 'SHUTDOWN' }],
  ])('is the cause of the APIUserAbortError when it is %s', async (_what, reason) => {
    server.setDefault({ stall: true });
    const controller = new AbortController();
    const call = clientFor(server).wallet.getApiCredit({}, { signal: controller.signal });
    await server.waitForRequests(1);
    controller.abort(reason);
    const error = await failure(() => call);
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect((error as Error).cause).toBe(reason);
  });

  it('is the cause when the signal was aborted before the call', async () => {
    const reason = new Error('already gone');
    const error = await failure(() =>
      clientFor(server).wallet.getApiCredit({}, { signal: AbortSignal.abort(reason) }),
    );
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect((error as Error).cause).toBe(reason);
    expect(server.count()).toBe(0);
  });

  it("is AbortSignal.timeout's TimeoutError when the caller's own deadline passes", async () => {
    server.setDefault({ stall: true });
    const signal = AbortSignal.timeout(50);
    const error = await failure(() => clientFor(server).wallet.getApiCredit({}, { signal }));
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect((error as Error).cause).toBe(signal.reason);
    expect(((error as Error).cause as Error).name).toBe('TimeoutError');
  });
});

describe('an abort in the same tick as the call', () => {
  it('sends no request, even over a warm keep-alive connection', async () => {
    server.setDefault({ json: apiCreditBody() });
    const sent = countingFetch();
    const client = clientFor(server, { fetch: sent.fetch });
    await client.wallet.getApiCredit();
    expect(server.count()).toBe(1);
    const controller = new AbortController();
    const call = client.wallet.getApiCredit({}, { signal: controller.signal });
    controller.abort();
    const error = await failure(() => call);
    expect(error).toBeInstanceOf(APIUserAbortError);
    // The client never handed the request to fetch, so nothing can still be on its way.
    expect(sent.calls).toBe(1);
    expect(server.count()).toBe(1);
  });
});

describe('an abort during the backoff sleep', () => {
  it('rejects at once and makes no further attempt', async () => {
    const clock = useFakeClock();
    server.setDefault({ status: 503, json: { status: 503, message: 'busy' } });
    const controller = new AbortController();
    const client = clientFor(server, { backoff: { initialDelayMs: 2_000, maxDelayMs: 2_000 } });
    const call = client.wallet.getApiCredit({}, { signal: controller.signal });
    await clock.timersOf('http/retry.ts');
    controller.abort();
    // Rejected with the clock standing still, in the middle of its sleep.
    const error = await failure(() => call);
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(server.count()).toBe(1);
  });
});
