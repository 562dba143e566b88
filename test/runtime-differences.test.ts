/**
 * What differs between runtimes and module systems, held in Node: the brand check that works
 * across copies of the package, the keyless mode for proxies, and the connection-error codes
 * read from where Bun and Deno put them. (`check:runtimes` runs the same in the runtimes.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APIError,
  AuthenticationError,
  FishAudio,
  FishAudioError,
  InvalidOptionError,
  RateLimitError,
} from '../src/index.js';
import { startServer, type TestServer } from './helpers/server.js';

const info = { status: 401, headers: new Headers(), body: '', attempts: 1 };

describe('the brand check', () => {
  it.each([
    [
      'AuthenticationError.is of a 401',
      () => AuthenticationError.is(new AuthenticationError(info)),
      true,
    ],
    ['APIError.is of a 401', () => APIError.is(new AuthenticationError(info)), true],
    ['FishAudioError.is of a 401', () => FishAudioError.is(new AuthenticationError(info)), true],
    ['RateLimitError.is of a 401', () => RateLimitError.is(new AuthenticationError(info)), false],
    ['APIError.is of an option error', () => APIError.is(new InvalidOptionError('x', 'm')), false],
    ['FishAudioError.is of a plain Error', () => FishAudioError.is(new Error('m')), false],
    ['FishAudioError.is of null', () => FishAudioError.is(null), false],
    ['FishAudioError.is of a string', () => FishAudioError.is('FishAudioError'), false],
  ])('answers %s with the expected boolean', (_name, run, expected) => {
    expect(run()).toBe(expected);
  });

  it('recognises an error from another copy by the registry symbol alone', () => {
    // What another copy's 401 looks like from here: a foreign class with the same brand.
    const foreign = Object.assign(new Error('401'), {
      [Symbol.for('fish-audio-api.error')]: ['AuthenticationError', 'APIError', 'FishAudioError'],
    });
    expect(foreign instanceof AuthenticationError).toBe(false);
    expect(AuthenticationError.is(foreign)).toBe(true);
  });

  it('keeps the brand out of JSON.stringify', () => {
    expect(Object.keys(JSON.parse(JSON.stringify(new AuthenticationError(info))))).not.toContain(
      'Symbol(fish-audio-api.error)',
    );
    expect(Object.keys(new InvalidOptionError('x', 'm'))).toEqual(['name', 'option']);
  });
});

describe('keyless mode for proxies', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
    server.reply(200, {
      _id: 'a',
      user_id: 'u',
      credit: '1.0000',
      cumulative_top_up: '1.0000',
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
      has_phone_sha256: false,
      has_free_credit: null,
    });
  });
  afterAll(() => server.close());

  it('sends no Authorization header when apiKey is null', async () => {
    const client = new FishAudio({ apiKey: null, baseUrl: server.url });
    await client.wallet.getApiCredit();
    expect(server.requests.at(-1)?.headers.authorization).toBeUndefined();
  });

  it('still throws InvalidOptionError when apiKey is left out and FISH_API_KEY is unset', () => {
    const saved = process.env.FISH_API_KEY;
    delete process.env.FISH_API_KEY;
    try {
      expect(() => new FishAudio({ baseUrl: server.url })).toThrow(InvalidOptionError);
    } finally {
      if (saved !== undefined) process.env.FISH_API_KEY = saved;
    }
  });
});

describe('the code of a connection error', () => {
  it.each([
    [
      'Deno: refused',
      new TypeError('fetch failed', {
        cause: new Error('tcp connect error: Connection refused (os error 111)'),
      }),
      'ECONNREFUSED',
    ],
    [
      'Deno: reset',
      new TypeError('fetch failed', { cause: new Error('connection reset by peer') }),
      'ECONNRESET',
    ],
    [
      'Deno: DNS',
      new TypeError('fetch failed', { cause: new Error('dns error: failed to lookup address') }),
      'ENOTFOUND',
    ],
    [
      'Bun: on the error',
      Object.assign(new TypeError('Unable to connect'), { code: 'ECONNREFUSED' }),
      'ECONNREFUSED',
    ],
    [
      'Node: on the cause',
      new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'EPIPE' }) }),
      'EPIPE',
    ],
    ['a browser: none', new TypeError('Failed to fetch'), undefined],
  ])('is read for %s', async (_name, thrown, code) => {
    const client = new FishAudio({
      apiKey: 'k',
      baseUrl: 'http://127.0.0.1:9',
      maxRetries: 0,
      fetch: () => Promise.reject(thrown),
    });
    const error = await client.wallet.getApiCredit().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as APIConnectionError).code).toBe(code);
  });

  it('gives no CORS hint outside a browser', async () => {
    const client = new FishAudio({
      apiKey: 'k',
      baseUrl: 'http://127.0.0.1:9',
      maxRetries: 0,
      fetch: () => Promise.reject(new TypeError('Failed to fetch')),
    });
    const error = (await client.wallet.getApiCredit().catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain('CORS');
  });
});
