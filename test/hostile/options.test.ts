/**
 * Hostile options: every mistake in the client's or a call's options is an InvalidOptionError
 * naming the option, raised before a request exists (the server sees nothing), never retried,
 * never a connection error or a raw TypeError, and never quoting a header's value.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  FishAudio,
  FishAudioError,
  InvalidOptionError,
  type ClientOptions,
  type RequestOptions,
} from '../../src/index.js';
import {
  apiCreditBody,
  clientFor,
  countingFetch,
  failure,
  FAST,
  KEY,
  useHttpServer,
} from './support.js';

const server = useHttpServer();

function expectInvalidOption(error: unknown, option: string): void {
  expect(error).toBeInstanceOf(FishAudioError);
  expect(error).toBeInstanceOf(InvalidOptionError);
  expect((error as InvalidOptionError).option).toBe(option);
}

// Each helper checks that nothing was sent: the client never called its fetch (so no request
// can still be on its way), and the server has seen nothing.

/** Builds a client with `options` and makes one call; the error, whichever step threw it. */
async function construct(options: Record<string, unknown>): Promise<unknown> {
  server.setDefault({ json: apiCreditBody() });
  const sent = countingFetch();
  const error = await failure(() =>
    new FishAudio({
      apiKey: KEY,
      baseUrl: server.url,
      ...FAST,
      fetch: sent.fetch,
      ...options,
    } as ClientOptions).wallet.getApiCredit(),
  );
  expect(sent.calls).toBe(0);
  expect(server.count()).toBe(0);
  return error;
}

/** Makes one call with per-call `options` on a valid client; the error it threw or rejected with. */
async function call(options: Record<string, unknown>): Promise<unknown> {
  server.setDefault({ json: apiCreditBody() });
  const sent = countingFetch();
  const client = clientFor(server, { fetch: sent.fetch });
  const error = await failure(() => client.wallet.getApiCredit({}, options as RequestOptions));
  expect(sent.calls).toBe(0);
  expect(server.count()).toBe(0);
  return error;
}

const SECRET_VALUE = 'hv-secret-5e1f';

// [header name, value, why it is refused]
const BAD_HEADERS: Array<[string, unknown, string]> = [
  ['Transfer-Encoding', 'chunked', 'framing is the transport’s business'],
  ['Upgrade', 'websocket', 'it would switch protocols'],
  ['Expect', '100-continue', 'fetch refuses it'],
  ['Keep-Alive', 'timeout=5', 'connection management is the transport’s'],
  ['Connection', 'close', 'connection management is the transport’s'],
  ['Host', 'evil.example', 'it would address another host'],
  ['Content-Length', '5', 'framing is the transport’s business'],
  ['X Bad Name', 'v', 'a header name cannot hold a space'],
  ['X-Split', `${SECRET_VALUE}\r\nX-Injected: 1`, 'CR LF would inject a header'],
  ['X-Split', `${SECRET_VALUE}\nX-Injected: 1`, 'a bare LF would inject a header'],
  ['X-Nul', `${SECRET_VALUE}\0`, 'NUL cannot travel in a header'],
  ['X-Number', 42, 'values must be strings'],
  ['X-Object', { toString: () => SECRET_VALUE }, 'values must be strings'],
  ['Authorization', `Bearer ${SECRET_VALUE}`, 'the key is only ever apiKey'],
  ['authorization', `Bearer ${SECRET_VALUE}`, 'the key is only ever apiKey, in any case'],
];

describe('headers that cannot or must not be set', () => {
  it.each(BAD_HEADERS)(
    'refuses defaultHeaders { %s: %j } before sending anything (%s)',
    async (name, value) => {
      const error = await construct({ defaultHeaders: { [name]: value } });
      expectInvalidOption(error, 'defaultHeaders');
      expect((error as Error).message).not.toContain(SECRET_VALUE);
    },
  );

  it.each(BAD_HEADERS)(
    'refuses per-call headers { %s: %j } before sending anything (%s)',
    async (name, value) => {
      const error = await call({ headers: { [name]: value } });
      expectInvalidOption(error, 'headers');
      expect((error as Error).message).not.toContain(SECRET_VALUE);
    },
  );

  it('sends apiKey as the bearer token even when FISH_API_KEY holds another key', async () => {
    vi.stubEnv('FISH_API_KEY', 'sk-from-env-0000');
    try {
      server.setDefault({ json: apiCreditBody() });
      await clientFor(server).wallet.getApiCredit();
      expect(server.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${KEY}`]);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('client options that cannot work', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['fetch that is a string', { fetch: 'nope' }, 'fetch'],
    ['validateResponses that is not a mode', { validateResponses: 'loud' }, 'validateResponses'],
    ['negative maxRetries', { maxRetries: -1 }, 'maxRetries'],
    ['fractional maxRetries', { maxRetries: 1.5 }, 'maxRetries'],
    ['NaN maxRetries', { maxRetries: NaN }, 'maxRetries'],
    ['zero timeout', { timeout: 0 }, 'timeout'],
    ['timeout a timer cannot hold (2**31)', { timeout: 2 ** 31 }, 'timeout'],
    ['timeout given as a string', { timeout: '100' }, 'timeout'],
    ['logger without warn', { logger: {} }, 'logger'],
  ])('refuses a %s, naming the option', async (_what, options, option) => {
    expectInvalidOption(await construct(options), option);
  });

  it.each([
    ['apikey', 'apiKey'],
    ['baseURL', 'baseUrl'],
    ['maxRetry', 'maxRetries'],
  ])('refuses the unknown option %s and suggests %s', async (unknown, near) => {
    const error = await construct({ [unknown]: 'x' });
    expectInvalidOption(error, unknown);
    expect((error as Error).message).toMatch(/did you mean/i);
    expect((error as Error).message).toContain(near);
  });
});

describe('base URLs that would send requests somewhere unintended', () => {
  it.each([
    ['a query', 'http://127.0.0.1:1/?a=1'],
    ['an empty query', 'http://127.0.0.1:1/?'],
    ['a fragment', 'http://h/#f'],
    ['an empty fragment', 'http://h/#'],
    ['credentials', 'http://user:pass@127.0.0.1:1/'],
    ['a user name only', 'http://user@127.0.0.1:1/'],
    ['leading white space', ' http://127.0.0.1:1'],
    ['trailing white space', 'http://127.0.0.1:1 '],
    ['a trailing line break', 'http://127.0.0.1:1\n'],
    ['the ftp protocol', 'ftp://127.0.0.1:1/'],
    ['the file protocol', 'file:///etc/passwd'],
    ['the javascript protocol', 'javascript:alert(1)'],
    ['no URL at all', 'not a url'],
  ])('refuses a baseUrl with %s (%j)', async (_what, baseUrl) => {
    expectInvalidOption(await construct({ baseUrl }), 'baseUrl');
  });
});

describe('per-call options that cannot work', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['a signal that is a plain object', { signal: {} }, 'signal'],
    ['a signal that is a string', { signal: 'abort' }, 'signal'],
    ['a negative maxRetries', { maxRetries: -1 }, 'maxRetries'],
    ['a zero timeout', { timeout: 0 }, 'timeout'],
    ['a timeout a timer cannot hold (2**31)', { timeout: 2 ** 31 }, 'timeout'],
  ])('refuses %s, naming the option', async (_what, options, option) => {
    expectInvalidOption(await call(options), option);
  });

  it('refuses the misspelt option timout and suggests timeout', async () => {
    const error = await call({ timout: 5 });
    expectInvalidOption(error, 'timout');
    expect((error as Error).message).toMatch(/did you mean/i);
    expect((error as Error).message).toContain('timeout');
  });

  it.each([
    'GET /nope',
    'POST /wallet/{user_id}/api-credit',
    'constructor',
    '__proto__',
    'toString',
    '',
  ])('refuses client.request(%j) as an unknown operation', async (operation) => {
    server.setDefault({ json: apiCreditBody() });
    const sent = countingFetch();
    const client = clientFor(server, { fetch: sent.fetch });
    const request = client.request as (key: string) => Promise<unknown>;
    const error = await failure(() => request.call(client, operation));
    expectInvalidOption(error, 'operation');
    expect(sent.calls).toBe(0);
    expect(server.count()).toBe(0);
  });
});
