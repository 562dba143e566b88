import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FishAudio, InvalidResponseError, type Logger } from '../src/index.js';
import { apiCreditBody, startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (message) => lines.push(message) };
}

describe('responses checked against the spec', () => {
  it('throws InvalidResponseError naming each failing pointer, keeping the body', async () => {
    const body = apiCreditBody({ credit: 12.34, has_phone_sha256: 'yes' });
    server.reply(200, body);
    const client = new FishAudio({ apiKey: 'sk-validate', baseUrl: server.url });
    const error = await client.wallet.getApiCredit().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    const invalid = error as InvalidResponseError;
    expect(invalid.body).toEqual(body);
    expect(invalid.mismatches).toEqual([
      { pointer: '/credit', expected: 'type string', actual: 'number 12.34' },
      { pointer: '/has_phone_sha256', expected: 'type boolean', actual: 'string "yes"' },
    ]);
    expect(invalid.message).toContain('/credit: expected type string, got number 12.34');
  });

  it('reports a missing required property at its own pointer', async () => {
    const { user_id: _dropped, ...body } = apiCreditBody();
    server.reply(200, body);
    const client = new FishAudio({ apiKey: 'k', baseUrl: server.url });
    const error = (await client.wallet
      .getApiCredit()
      .catch((e: unknown) => e)) as InvalidResponseError;
    expect(error.mismatches).toContainEqual({
      pointer: '/user_id',
      expected: 'required property',
      actual: 'missing',
    });
  });

  it('accepts properties the spec does not mention', async () => {
    server.reply(200, apiCreditBody({ surprise: { nested: true } }));
    const client = new FishAudio({ apiKey: 'k', baseUrl: server.url });
    await expect(client.wallet.getApiCredit()).resolves.toMatchObject({
      surprise: { nested: true },
    });
  });

  it("returns the body and warns once per kind of mismatch, not per drifting value, with 'warn'", async () => {
    const logger = recordingLogger();
    const client = new FishAudio({
      apiKey: 'sk-never-logged',
      baseUrl: server.url,
      validateResponses: 'warn',
      logger,
    });
    server.reply(200, apiCreditBody({ credit: 1 }));
    await expect(client.wallet.getApiCredit()).resolves.toMatchObject({ credit: 1 });
    await client.wallet.getApiCredit();
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toContain('/credit: expected type string, got number 1');
    server.reply(200, apiCreditBody({ credit: 2 }));
    await client.wallet.getApiCredit();
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines.join('\n')).not.toContain('sk-never-logged');
  });

  it("neither checks nor logs with 'off'", async () => {
    const logger = recordingLogger();
    const client = new FishAudio({
      apiKey: 'k',
      baseUrl: server.url,
      validateResponses: 'off',
      logger,
    });
    server.reply(200, apiCreditBody({ credit: 3 }));
    await expect(client.wallet.getApiCredit()).resolves.toMatchObject({ credit: 3 });
    expect(logger.lines).toEqual([]);
  });

  it('does not retry a body that fails the check', async () => {
    server.requests.length = 0;
    server.reply(200, apiCreditBody({ credit: 4 }));
    const client = new FishAudio({ apiKey: 'k', baseUrl: server.url });
    await expect(client.wallet.getApiCredit()).rejects.toBeInstanceOf(InvalidResponseError);
    expect(server.requests).toHaveLength(1);
  });
});

describe('the default validation mode, per resource', () => {
  it('throws for drift in the wallet, whose spec has settled', async () => {
    const client = new FishAudio({ apiKey: 'k', baseUrl: server.url });
    server.reply(200, apiCreditBody({ credit: 5 }));
    await expect(client.wallet.getApiCredit()).rejects.toBeInstanceOf(InvalidResponseError);
  });

  it('only warns for drift in the younger resources, returning the body', async () => {
    const logger = recordingLogger();
    const client = new FishAudio({ apiKey: 'k', baseUrl: server.url, logger });
    server.reply(200, { _id: 42 });
    const voice = await client.request('GET /model/{id}', { id: 'v1' });
    expect(voice).toMatchObject({ _id: 42 });
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toContain('GET /model/{id} 200');
  });

  it('is replaced for every resource by the option when given', async () => {
    const logger = recordingLogger();
    const client = new FishAudio({
      apiKey: 'k',
      baseUrl: server.url,
      validateResponses: 'warn',
      logger,
    });
    server.reply(200, apiCreditBody({ credit: 5 }));
    await expect(client.wallet.getApiCredit()).resolves.toMatchObject({ credit: 5 });
    expect(logger.lines).toHaveLength(1);
  });
});
