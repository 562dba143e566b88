/**
 * Bodies nested thousands of levels deep must come out as the typed error their status calls
 * for, never as a RangeError (stack overflow) nor blamed on the connection.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  APIConnectionError,
  AuthenticationError,
  InternalServerError,
  InvalidResponseError,
  UnprocessableEntityError,
  type APIError,
} from '../../src/index.js';
import { apiCreditBody, clientFor, failure, useHttpServer } from './support.js';

const server = useHttpServer();
const DEPTH = 4_000;
const SHAPES: Array<[string, string]> = [
  ['arrays', '['.repeat(DEPTH) + ']'.repeat(DEPTH)],
  ['objects', '{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH)],
];
const JSON_TYPE = { 'content-type': 'application/json' };

describe('a deeply nested 200 body', () => {
  it.each(SHAPES)('of %s is an InvalidResponseError after one attempt', async (_shape, text) => {
    server.setDefault({ headers: JSON_TYPE, body: text });
    const error = await failure(() => clientFor(server).wallet.getApiCredit());
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).not.toBeInstanceOf(RangeError);
    expect((error as InvalidResponseError & { attempts: number }).attempts).toBe(1);
    expect(server.count()).toBe(1);
  });

  it.each(['warn', 'off'] as const)(
    "of arrays is still an InvalidResponseError (not an object) with validateResponses '%s'",
    async (mode) => {
      server.setDefault({ headers: JSON_TYPE, body: SHAPES[0]![1] });
      const client = clientFor(server, { validateResponses: mode, logger: { warn: vi.fn() } });
      const error = await failure(() => client.wallet.getApiCredit());
      expect(error).toBeInstanceOf(InvalidResponseError);
      expect(server.count()).toBe(1);
    },
  );

  it.each(['warn', 'off'] as const)(
    "of objects is returned as it came with validateResponses '%s'",
    async (mode) => {
      server.setDefault({ headers: JSON_TYPE, body: SHAPES[1]![1] });
      const client = clientFor(server, { validateResponses: mode, logger: { warn: vi.fn() } });
      const data = (await client.wallet.getApiCredit()) as unknown as { a: unknown };
      expect(typeof data.a).toBe('object');
    },
  );

  it('nested inside an otherwise valid body is returned, since extra fields are accepted', async () => {
    const deep = JSON.parse(SHAPES[1]![1]) as unknown;
    server.setDefault({ headers: JSON_TYPE, body: JSON.stringify(apiCreditBody({ extra: deep })) });
    const data = await clientFor(server).wallet.getApiCredit();
    expect(data.credit).toBe('12.3400');
  });
});

describe('a deeply nested error body', () => {
  it.each(SHAPES)(
    'of %s on a 500 is retried, then an InternalServerError keeping the text',
    async (_shape, text) => {
      server.setDefault({ status: 500, headers: JSON_TYPE, body: text });
      const error = await failure(() => clientFor(server).wallet.getApiCredit());
      expect(error).toBeInstanceOf(InternalServerError);
      expect(error).not.toBeInstanceOf(APIConnectionError);
      expect((error as APIError).attempts).toBe(3);
      expect(server.count()).toBe(3);
      expect((error as APIError).body).toBe(text);
    },
  );

  it.each(SHAPES)('of %s on a 401 is an AuthenticationError, not retried', async (_shape, text) => {
    server.setDefault({ status: 401, headers: JSON_TYPE, body: text });
    const error = await failure(() => clientFor(server).wallet.getApiCredit());
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as APIError).attempts).toBe(1);
  });

  it('of arrays on a 422 is an UnprocessableEntityError with no details', async () => {
    server.setDefault({ status: 422, headers: JSON_TYPE, body: SHAPES[0]![1] });
    const error = await failure(() => clientFor(server).wallet.getApiCredit());
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect((error as UnprocessableEntityError).details).toEqual([]);
  });
});
