import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  FishAudio,
  FishAudioError,
  InternalServerError,
  InvalidResponseError,
  NotFoundError,
  PaymentRequiredError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from '../src/index.js';
import { startServer, type TestServer } from './helpers/server.js';

const API_KEY = 'sk-secret-4f1c9e';
let server: TestServer;
let client: FishAudio;

beforeAll(async () => {
  server = await startServer();
  // No retries: these tests are about how one response maps to one error.
  client = new FishAudio({ apiKey: API_KEY, baseUrl: server.url, maxRetries: 0 });
});
afterAll(() => server.close());
afterEach(() => {
  server.requests.length = 0;
});

/** Calls the wallet and returns what it rejected with (failing the test if it resolved). */
async function failure(): Promise<FishAudioError> {
  const error = await client.wallet.getApiCredit().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof FishAudioError))
    throw new Error(`expected a FishAudioError, got ${error}`);
  return error;
}

describe('error statuses', () => {
  it.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [402, PaymentRequiredError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, ConflictError],
    [422, UnprocessableEntityError],
    [429, RateLimitError],
    [500, InternalServerError],
    [502, InternalServerError],
    [503, InternalServerError],
    [418, APIError],
  ])('maps %i to %o with status, headers and the parsed body', async (status, ErrorClass) => {
    const body = { status, message: `server says ${status}`, reason: 'because' };
    server.reply(status, body, { 'x-request-id': `r-${status}` });
    const error = await failure();
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(APIError);
    const apiError = error as APIError;
    expect(apiError.status).toBe(status);
    expect(apiError.body).toEqual(body);
    expect(apiError.headers.get('x-request-id')).toBe(`r-${status}`);
    expect(apiError.message).toContain(`server says ${status}`);
    expect(apiError.message).toContain('because');
  });

  it('says in a 402 that API credit is separate from platform credit', async () => {
    server.reply(402, { status: 402, message: 'Insufficient API credit' });
    const error = await failure();
    expect(error.message).toMatch(/Insufficient API credit/);
    expect(error.message).toMatch(/API credit is separate from platform/);
  });

  it('gives the documented 422 items as details', async () => {
    const items = [{ loc: ['query', 'check_free_credit'], type: 'bool_parsing', msg: 'bad bool' }];
    server.reply(422, items);
    const error = (await failure()) as UnprocessableEntityError;
    expect(error.details).toEqual(items);
    expect(error.message).toContain('query.check_free_credit: bad bool');
  });

  it('gives empty details when a 422 body has another shape', async () => {
    server.reply(422, { detail: 'nope' });
    const error = (await failure()) as UnprocessableEntityError;
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect(error.details).toEqual([]);
  });

  it('reads Retry-After into a 429 error', async () => {
    server.reply(429, { status: 429, message: 'slow down' }, { 'retry-after': '7' });
    const error = (await failure()) as RateLimitError;
    expect(error.retryAfter).toBe(7);
  });
});

describe('error bodies that are not the documented JSON', () => {
  it('keeps a plain-text 401 as the body text', async () => {
    server.reply(401, 'No permission -- see authorization schemes');
    const error = (await failure()) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.body).toBe('No permission -- see authorization schemes');
    expect(error.message).toContain('No permission -- see authorization schemes');
    expect(error.message).toMatch(/Check the API key/);
  });

  it('keeps an HTML 502 as text', async () => {
    const html = '<html><body><h1>502 Bad Gateway</h1></body></html>';
    server.reply(502, html, { 'content-type': 'text/html' });
    const error = (await failure()) as InternalServerError;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.status).toBe(502);
    expect(error.body).toBe(html);
  });

  it('reports an empty 500 as an InternalServerError with an empty body', async () => {
    server.handle((_req, res) => res.writeHead(500, { 'content-length': '0' }).end());
    const error = (await failure()) as InternalServerError;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.body).toBe('');
    expect(error.message).toMatch(/500.*empty body/);
  });

  it('reports an empty chunked 500 the same way', async () => {
    server.handle((_req, res) => {
      res.writeHead(500);
      res.end();
    });
    const error = (await failure()) as InternalServerError;
    expect(error.status).toBe(500);
    expect(error.body).toBe('');
  });
});

describe('2xx bodies that are not the documented JSON', () => {
  it('refuses a 200 with HTML as InvalidResponseError keeping the text', async () => {
    server.reply(200, '<html>maintenance</html>', { 'content-type': 'text/html' });
    const error = (await failure()) as InvalidResponseError;
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.status).toBe(200);
    expect(error.body).toBe('<html>maintenance</html>');
    expect(error.message).toMatch(/not valid JSON/);
  });

  it('refuses a 200 with an empty body', async () => {
    server.handle((_req, res) => res.writeHead(200, { 'content-length': '0' }).end());
    const error = (await failure()) as InvalidResponseError;
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.body).toBe('');
    expect(error.message).toMatch(/empty/);
  });

  it('refuses a 200 with truncated JSON', async () => {
    server.reply(200, '{"credit": "1.0", "user_', { 'content-type': 'application/json' });
    const error = (await failure()) as InvalidResponseError;
    expect(error.message).toMatch(/not valid JSON/);
    expect(error.body).toBe('{"credit": "1.0", "user_');
  });

  it.each([['[1,2]'], ['null'], ['"text"'], ['42']])(
    'refuses a 200 whose JSON %s is not an object, keeping it parsed',
    async (json) => {
      server.reply(200, json, { 'content-type': 'application/json' });
      const error = (await failure()) as InvalidResponseError;
      expect(error.message).toMatch(/not a JSON object/);
      expect(error.body).toEqual(JSON.parse(json));
    },
  );
});

describe('failures without a response', () => {
  it('throws APIConnectionError when nothing listens', async () => {
    const closed = await startServer();
    const url = closed.url;
    await closed.close();
    const offline = new FishAudio({ apiKey: API_KEY, baseUrl: url, maxRetries: 0 });
    const error = await offline.wallet.getApiCredit().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('throws APIUserAbortError when the signal is already aborted, sending nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const call = client.wallet.getApiCredit({}, { signal: controller.signal });
    await expect(call).rejects.toBeInstanceOf(APIUserAbortError);
    expect(server.requests).toHaveLength(0);
  });

  it('throws APIUserAbortError when the signal aborts mid-request', async () => {
    const controller = new AbortController();
    // Never answers: the caller aborts once the request has arrived.
    server.handle(() => controller.abort());
    const call = client.wallet.getApiCredit({}, { signal: controller.signal });
    await expect(call).rejects.toBeInstanceOf(APIUserAbortError);
    expect(server.requests).toHaveLength(1);
  });
});

describe('the API key never leaks', () => {
  it.each([
    [401, 'No permission'],
    [500, { status: 500, message: 'boom' }],
  ])('is absent from a %i error message, JSON and inspection', async (status, body) => {
    server.reply(status, body);
    const error = await failure();
    expect(error.message).not.toContain(API_KEY);
    expect(JSON.stringify(error)).not.toContain(API_KEY);
    expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(API_KEY);
  });

  it('is absent from a connection error', async () => {
    const closed = await startServer();
    await closed.close();
    const offline = new FishAudio({ apiKey: API_KEY, baseUrl: closed.url, maxRetries: 0 });
    const error = await offline.wallet.getApiCredit().catch((e: unknown) => e);
    expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(API_KEY);
    expect(JSON.stringify(error)).not.toContain(API_KEY);
  });

  it('serialises an APIError to JSON with status, headers and body', async () => {
    server.reply(404, { status: 404, message: 'no such user' }, { 'x-request-id': 'abc' });
    const error = await failure();
    const json = JSON.parse(JSON.stringify(error));
    expect(json).toMatchObject({
      name: 'NotFoundError',
      status: 404,
      body: { status: 404, message: 'no such user' },
      headers: { 'x-request-id': 'abc' },
    });
  });
});
