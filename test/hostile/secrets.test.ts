/**
 * A server that echoes the request puts the API key into bodies and headers; a proxy's fetch
 * puts it into its errors. None of it may reach an error's message, stack, causes, JSON or
 * inspect output, nor a 'warn' line; the placeholder is exactly `[redacted]`.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  APIConnectionError,
  AuthenticationError,
  BadRequestError,
  FishAudio,
  InternalServerError,
  InvalidResponseError,
  type APIError,
} from '../../src/index.js';
import {
  apiCreditBody,
  clientFor,
  expectNoSecret,
  failure,
  FAST,
  KEY,
  REDACTED,
  useHttpServer,
} from './support.js';

const server = useHttpServer();
const BEARER = `Bearer ${KEY}`;

/** 2xx bodies that echo the key into a field whose type is wrong, or next to one. */
const DRIFTING_ECHOES: Array<[string, Record<string, unknown>]> = [
  ['an object where credit should be a string', apiCreditBody({ credit: { echo: BEARER } })],
  [
    'a number credit next to a user_id holding the key',
    apiCreditBody({ credit: 123, user_id: BEARER }),
  ],
  ['the key as a string where a boolean belongs', apiCreditBody({ has_phone_sha256: BEARER })],
  ['the bare key in an array where a boolean belongs', apiCreditBody({ has_phone_sha256: [KEY] })],
  [
    'the percent-encoded echo where null is allowed',
    apiCreditBody({ has_free_credit: `Bearer%20${encodeURIComponent(KEY)}` }),
  ],
  ['the key as a property name', apiCreditBody({ credit: 7, [KEY]: true })],
];

describe("2xx bodies that echo the key, with validateResponses: 'error'", () => {
  it.each(DRIFTING_ECHOES)(
    'keeps the key out of an InvalidResponseError for %s',
    async (_what, body) => {
      server.setDefault({ json: body });
      const error = await failure(() => clientFor(server).wallet.getApiCredit());
      expect(error).toBeInstanceOf(InvalidResponseError);
      const invalid = error as InvalidResponseError & { attempts: number };
      expect(invalid.attempts).toBe(1);
      expect(invalid.mismatches.length).toBeGreaterThan(0);
      expect(JSON.stringify(invalid.mismatches)).not.toContain(KEY);
      expect(JSON.stringify(invalid.body)).not.toContain(KEY);
      expect(JSON.stringify(invalid.body)).toContain(REDACTED);
      expectNoSecret(error, KEY);
    },
  );
});

describe("2xx bodies that echo the key, with validateResponses: 'warn'", () => {
  it.each(DRIFTING_ECHOES)('keeps the key out of the warn line for %s', async (_what, body) => {
    server.setDefault({ json: body });
    const warn = vi.fn();
    await clientFor(server, { validateResponses: 'warn', logger: { warn } }).wallet.getApiCredit();
    expect(warn).toHaveBeenCalled();
    for (const line of warn.mock.calls.flat()) expect(String(line)).not.toContain(KEY);
  });
});

describe('error responses that echo the key', () => {
  it('replaces the key in a 401 JSON body with [redacted]', async () => {
    server.setDefault((req) => ({
      status: 401,
      json: { status: 401, message: `you sent ${req.headers.authorization}` },
    }));
    const error = await failure(() => clientFor(server).wallet.getApiCredit());
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as APIError).body).toEqual({
      status: 401,
      message: `you sent Bearer ${REDACTED}`,
    });
    expectNoSecret(error, KEY);
  });

  it('keeps the key out of the last of three 500s that echo it', async () => {
    server.setDefault((req) => ({
      status: 500,
      json: { status: 500, message: 'boom', request: { headers: req.headers } },
    }));
    const error = await failure(() => clientFor(server).wallet.getApiCredit());
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as APIError).attempts).toBe(3);
    expect(server.count()).toBe(3);
    expectNoSecret(error, KEY);
  });

  it('replaces the key in a plain-text 401 body', async () => {
    server.setDefault((req) => ({
      status: 401,
      headers: { 'content-type': 'text/plain' },
      body: `Unauthorized: ${req.headers.authorization}`,
    }));
    const error = await failure(() => clientFor(server).wallet.getApiCredit());
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as APIError).body).toBe(`Unauthorized: Bearer ${REDACTED}`);
    expectNoSecret(error, KEY);
  });

  it('keeps the key out of a 200 plain-text body that echoes it', async () => {
    server.setDefault((req) => ({ body: `echo ${req.headers.authorization}` }));
    const error = await failure(() => clientFor(server).wallet.getApiCredit());
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).body).toBe(`echo Bearer ${REDACTED}`);
    expectNoSecret(error, KEY);
  });

  it('replaces a key that arrives split across two body chunks', async () => {
    const text = JSON.stringify({ status: 400, message: `you sent ${BEARER}` });
    const cut = text.indexOf(KEY) + 6;
    server.setDefault({
      status: 400,
      headers: { 'content-type': 'application/json' },
      chunks: [text.slice(0, cut), { delayMs: 20 }, text.slice(cut)],
    });
    const error = await failure(() => clientFor(server).wallet.getApiCredit());
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as APIError).body).toEqual({
      status: 400,
      message: `you sent Bearer ${REDACTED}`,
    });
    expectNoSecret(error, KEY);
  });

  it('keeps a key with URL-special characters out, raw or percent-encoded', async () => {
    const key = 'sk+hostile/0123=abcdef';
    const encoded = encodeURIComponent(key);
    server.setDefault({
      status: 400,
      json: { status: 400, message: `query was ?auth=Bearer%20${encoded}`, raw: `Bearer ${key}` },
    });
    const client = new FishAudio({ apiKey: key, baseUrl: server.url, ...FAST });
    const error = await failure(() => client.wallet.getApiCredit());
    expect(error).toBeInstanceOf(BadRequestError);
    expectNoSecret(error, key, encoded);
  });
});

describe('response headers that echo the key', () => {
  it.each([
    [401, AuthenticationError],
    [500, InternalServerError],
  ])(
    'redacts an x-echo header on a %i and keeps it out of inspect and JSON',
    async (status, ErrorClass) => {
      server.setDefault((req) => ({
        status,
        headers: { 'x-echo': String(req.headers.authorization) },
        json: { status, message: 'no' },
      }));
      const error = await failure(() => clientFor(server).wallet.getApiCredit());
      expect(error).toBeInstanceOf(ErrorClass);
      expect((error as APIError).headers.get('x-echo')).toBe(`Bearer ${REDACTED}`);
      expectNoSecret(error, KEY);
    },
  );

  it('redacts an echoing header on a 200 whose body is refused', async () => {
    server.setDefault({ headers: { 'x-echo': BEARER }, json: apiCreditBody({ credit: 1 }) });
    const error = await failure(() => clientFor(server).wallet.getApiCredit());
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).headers.get('x-echo')).toBe(`Bearer ${REDACTED}`);
    expectNoSecret(error, KEY);
  });
});

describe('a custom fetch whose errors hold the key', () => {
  it.each<[string, (init: RequestInit) => unknown]>([
    [
      'an Error quoting the header, caused by the request init',
      (init) =>
        new Error(`proxy failed: ${(init.headers as Record<string, string>).authorization}`, {
          cause: init,
        }),
    ],
    [
      'a chain of causes three deep',
      () =>
        new TypeError('fetch failed', {
          cause: new Error('tunnel', { cause: new Error(`auth ${BEARER} rejected`) }),
        }),
    ],
    [
      'an AggregateError with the key in one of its errors',
      () => new AggregateError([new Error('a'), new Error(BEARER)], 'all proxies failed'),
    ],
    ['a thrown string', () => `proxy said: ${BEARER}`],
    [
      'an error with the key in an extra property',
      () =>
        Object.assign(new Error('failed'), {
          code: 'EPROXY',
          config: { headers: { Authorization: BEARER } },
        }),
    ],
  ])('turns %s into an APIConnectionError without the key', async (_what, makeError) => {
    let calls = 0;
    const client = clientFor(server, {
      fetch: async (_url, init) => {
        calls += 1;
        throw makeError(init);
      },
    });
    const error = await failure(() => client.wallet.getApiCredit());
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as APIConnectionError).attempts).toBe(calls);
    expect(calls).toBe(3);
    expectNoSecret(error, KEY);
  });
});
