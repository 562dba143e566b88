/**
 * Cancellation under pressure: one signal shared by a thousand calls, abort reasons, an abort
 * in the same tick as the call, and an abort during the backoff sleep.
 */
import { describe, expect, it } from 'vitest';
import { APIUserAbortError } from '../../src/index.js';
import { apiCreditBody, clientFor, failure, sleep, useHttpServer } from './support.js';

const server = useHttpServer();

describe('a signal shared by many calls', () => {
  it('serves 1 000 concurrent calls without a MaxListenersExceededWarning', async () => {
    server.setDefault({ json: apiCreditBody() });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const client = clientFor(server, { timeout: 20_000 });
      const { signal } = new AbortController();
      const results = await Promise.all(
        Array.from({ length: 1_000 }, () => client.wallet.getApiCredit({}, { signal })),
      );
      expect(results.every((r) => r.credit === '12.3400')).toBe(true);
      await sleep(20);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    expect(server.count()).toBe(1_000);
  }, 60_000);
});

describe('the reason an abort gives', () => {
  it.each<[string, unknown]>([
    ['an Error', new Error('user closed the tab')],
    ['a string', 'navigated away'],
    ['an object', { code: 'SHUTDOWN' }],
  ])('is the cause of the APIUserAbortError when it is %s', async (_what, reason) => {
    server.setDefault({ stall: true });
    const controller = new AbortController();
    const call = clientFor(server, { timeout: 5_000 }).wallet.getApiCredit(
      {},
      { signal: controller.signal },
    );
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
    const error = await failure(() =>
      clientFor(server, { timeout: 5_000 }).wallet.getApiCredit({}, { signal }),
    );
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect((error as Error).cause).toBe(signal.reason);
    expect(((error as Error).cause as Error).name).toBe('TimeoutError');
  });
});

describe('an abort in the same tick as the call', () => {
  it('sends no request, even over a warm keep-alive connection', async () => {
    server.setDefault({ json: apiCreditBody() });
    const client = clientFor(server);
    await client.wallet.getApiCredit();
    expect(server.count()).toBe(1);
    const controller = new AbortController();
    const call = client.wallet.getApiCredit({}, { signal: controller.signal });
    controller.abort();
    const error = await failure(() => call);
    expect(error).toBeInstanceOf(APIUserAbortError);
    await sleep(100);
    expect(server.count()).toBe(1);
  });
});

describe('an abort during the backoff sleep', () => {
  it('rejects at once and makes no further attempt', async () => {
    server.setDefault({ status: 503, json: { status: 503, message: 'busy' } });
    const controller = new AbortController();
    const client = clientFor(server, { backoff: { initialDelayMs: 2_000, maxDelayMs: 2_000 } });
    const call = client.wallet.getApiCredit({}, { signal: controller.signal });
    await server.waitForRequests(1);
    await sleep(30);
    const start = performance.now();
    controller.abort();
    const error = await failure(() => call);
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(performance.now() - start).toBeLessThan(200);
    await sleep(100);
    expect(server.count()).toBe(1);
  });
});
