/**
 * The stand-in refuses a failure it could never serve when `failNext` is called (not when the
 * next request arrives and the server would crash or hang), and keeps serving normally.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FishAudio, FishAudioError } from '../../src/index.js';
import { startStandIn, type StandIn } from '../../src/testing/index.js';
import { FAST } from './support.js';

let api: StandIn;
beforeAll(async () => {
  api = await startStandIn({ credit: '3.5000' });
});
afterEach(() => api.reset());
afterAll(() => api.close());

const circular: Record<string, unknown> = { status: 500, message: 'loop' };
circular.self = circular;

describe('failNext with a failure that cannot be served', () => {
  it.each<[string, Parameters<StandIn['failNext']>]>([
    ['a header value with CR LF', [500, undefined, { 'x-a': 'a\r\nb' }]],
    ['a header value with NUL', [500, undefined, { 'x-a': 'a\0b' }]],
    ['a header name with a space', [500, undefined, { 'x bad': 'v' }]],
    ['a body holding a BigInt', [500, { status: 500, message: 'big', n: 1n }]],
    ['a circular body', [500, circular]],
    ['status 200', [200]],
    ['status 99', [99]],
    ['status 600', [600]],
    ['a fractional status', [500.5]],
  ])('throws at once for %s, and the next request is served normally', async (_what, args) => {
    let thrown: unknown;
    try {
      api.failNext(...args);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FishAudioError);
    const client = new FishAudio({ apiKey: api.apiKey, baseUrl: api.url, ...FAST, maxRetries: 0 });
    expect((await client.wallet.getApiCredit()).credit).toBe('3.5000');
  });
});
