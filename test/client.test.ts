import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FishAudio, FishAudioError, InvalidParameterError, VERSION } from '../src/index.js';
import { apiCreditBody, packageBody, startServer, type TestServer } from './helpers/server.js';
import pkg from '../package.json' with { type: 'json' };

let server: TestServer;
let client: FishAudio;

beforeAll(async () => {
  server = await startServer();
  client = new FishAudio({ apiKey: 'sk-test-key', baseUrl: server.url });
});
afterAll(() => server.close());
afterEach(() => {
  server.requests.length = 0;
  server.reply(200, apiCreditBody());
});

describe('GET /wallet/{user_id}/api-credit', () => {
  it('sends the exact request line for the default user "self"', async () => {
    server.reply(200, apiCreditBody());
    await client.wallet.getApiCredit();
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/wallet/self/api-credit' });
  });

  it('resolves to the typed 200 body', async () => {
    server.reply(200, apiCreditBody({ credit: '0.30' }));
    const credit = await client.wallet.getApiCredit();
    expect(credit).toEqual(apiCreditBody({ credit: '0.30' }));
    expect(credit.credit).toBe('0.30');
  });

  it('keeps fields the spec does not list yet', async () => {
    server.reply(200, apiCreditBody({ brand_new_field: 7 }));
    const credit = await client.wallet.getApiCredit();
    expect((credit as Record<string, unknown>).brand_new_field).toBe(7);
  });

  it('sends booleans in the query as true and false', async () => {
    await client.wallet.getApiCredit({ check_free_credit: true });
    await client.wallet.getApiCredit({ check_free_credit: false });
    expect(server.requests.map((r) => r.url)).toEqual([
      '/wallet/self/api-credit?check_free_credit=true',
      '/wallet/self/api-credit?check_free_credit=false',
    ]);
  });

  it('sends team_id when given, and leaves it out when null', async () => {
    await client.wallet.getApiCredit({ team_id: 'team 1&2' });
    await client.wallet.getApiCredit({ team_id: null });
    expect(server.requests.map((r) => r.url)).toEqual([
      '/wallet/self/api-credit?team_id=team%201%262',
      '/wallet/self/api-credit',
    ]);
  });

  it('leaves absent parameters out of the query string', async () => {
    await client.wallet.getApiCredit({ user_id: 'abc', check_free_credit: undefined });
    expect(server.requests[0]?.url).toBe('/wallet/abc/api-credit');
  });

  it('sends the bearer key, Accept and a User-Agent naming the package and version', async () => {
    await client.wallet.getApiCredit();
    const headers = server.requests[0]?.headers;
    expect(headers?.authorization).toBe('Bearer sk-test-key');
    expect(headers?.accept).toBe('application/json');
    expect(headers?.['user-agent']).toBe(`fish-audio-api/${pkg.version}`);
  });

  it('merges default headers and per-request headers, the latter winning', async () => {
    const withDefaults = new FishAudio({
      apiKey: 'k',
      baseUrl: server.url,
      defaultHeaders: { 'X-Team': 'a', 'X-Trace': 'default' },
    });
    await withDefaults.wallet.getApiCredit({}, { headers: { 'x-trace': 'call' } });
    expect(server.requests[0]?.headers['x-team']).toBe('a');
    expect(server.requests[0]?.headers['x-trace']).toBe('call');
  });

  it('accepts a base URL with a trailing slash', async () => {
    const slashed = new FishAudio({ apiKey: 'k', baseUrl: `${server.url}/` });
    await slashed.wallet.getApiCredit();
    expect(server.requests[0]?.url).toBe('/wallet/self/api-credit');
  });

  it('keeps a path prefix in the base URL, as a proxy would need', async () => {
    const proxied = new FishAudio({ apiKey: 'k', baseUrl: `${server.url}/fish/` });
    await proxied.wallet.getApiCredit();
    expect(server.requests[0]?.url).toBe('/fish/wallet/self/api-credit');
  });

  it('uses a custom fetch when given one', async () => {
    const seen: string[] = [];
    const custom = new FishAudio({
      apiKey: 'k',
      baseUrl: server.url,
      fetch: (input, init) => {
        seen.push(input);
        return fetch(input, init);
      },
    });
    await custom.wallet.getApiCredit();
    expect(seen).toEqual([`${server.url}/wallet/self/api-credit`]);
  });

  it('gives status, headers and URL through withResponse()', async () => {
    server.reply(200, apiCreditBody(), { 'x-request-id': 'req-1' });
    const { data, response } = await client.wallet.getApiCredit().withResponse();
    expect(data.credit).toBe('12.3400');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('req-1');
    expect(response.url).toBe(`${server.url}/wallet/self/api-credit`);
  });
});

describe('GET /wallet/{user_id}/package', () => {
  it('sends the exact request line and resolves to the typed package body', async () => {
    server.reply(200, packageBody({ balance: 1200 }));
    const pkgBody = await client.wallet.getPackage({ user_id: 'u_9' });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /wallet/u_9/package']);
    expect(pkgBody.balance).toBe(1200);
    expect(pkgBody).toEqual(packageBody({ balance: 1200 }));
  });

  it('defaults user_id to self', async () => {
    server.reply(200, packageBody());
    await client.wallet.getPackage();
    expect(server.requests[0]?.url).toBe('/wallet/self/package');
  });
});

describe('user_id as a path segment', () => {
  it.each([
    ['a/b', '/wallet/a%2Fb/api-credit'],
    ['ü', '/wallet/%C3%BC/api-credit'],
    ['?x=1', '/wallet/%3Fx%3D1/api-credit'],
    ['%2e%2e', '/wallet/%252e%252e/api-credit'],
    ['#frag', '/wallet/%23frag/api-credit'],
    ['...', '/wallet/.../api-credit'],
  ])('sends %j as exactly one encoded segment', async (userId, expected) => {
    await client.wallet.getApiCredit({ user_id: userId });
    expect(server.requests.map((r) => r.url)).toEqual([expected]);
  });

  it.each(['', '.', '..'])('refuses %j before any request is made', async (userId) => {
    const call = client.wallet.getApiCredit({ user_id: userId });
    await expect(call).rejects.toBeInstanceOf(InvalidParameterError);
    await expect(call).rejects.toMatchObject({ parameter: 'user_id' });
    expect(server.requests).toHaveLength(0);
  });

  it.each([42, null, true, ['a']])('refuses the non-string %j before any request', async (v) => {
    const call = client.wallet.getApiCredit({ user_id: v as unknown as string });
    await expect(call).rejects.toBeInstanceOf(FishAudioError);
    await expect(call).rejects.toThrow(/user_id/);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a string with an unpaired surrogate, which cannot be percent-encoded', async () => {
    await expect(client.wallet.getApiCredit({ user_id: 'a\uD800' })).rejects.toThrow(
      InvalidParameterError,
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe('other invalid parameters', () => {
  it('refuses a query value of the wrong type before any request', async () => {
    const call = client.wallet.getApiCredit({ check_free_credit: 'yes' as unknown as boolean });
    await expect(call).rejects.toThrow(
      /"check_free_credit" must be boolean, got a string of 3 characters/,
    );
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a parameter name the spec does not have, naming the ones it does', async () => {
    const call = client.wallet.getApiCredit({ userId: 'x' } as never);
    await expect(call).rejects.toThrow(
      /Unknown parameter "userId".*check_free_credit, team_id, user_id/,
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe('configuration', () => {
  it('reads the API key from FISH_API_KEY when no apiKey is given', async () => {
    const saved = process.env.FISH_API_KEY;
    process.env.FISH_API_KEY = 'sk-from-env';
    try {
      await new FishAudio({ baseUrl: server.url }).wallet.getApiCredit();
    } finally {
      if (saved === undefined) delete process.env.FISH_API_KEY;
      else process.env.FISH_API_KEY = saved;
    }
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-from-env');
  });

  it('throws a FishAudioError naming FISH_API_KEY when there is no key at all', () => {
    const saved = process.env.FISH_API_KEY;
    delete process.env.FISH_API_KEY;
    try {
      expect(() => new FishAudio()).toThrow(FishAudioError);
      expect(() => new FishAudio()).toThrow(/FISH_API_KEY/);
    } finally {
      if (saved !== undefined) process.env.FISH_API_KEY = saved;
    }
  });

  describe('the base URL from FISH_BASE_URL', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
    });

    it('is used when no baseUrl is given, so code written for the API reaches a stand-in', async () => {
      vi.stubEnv('FISH_BASE_URL', `${server.url}/`);
      await new FishAudio({ apiKey: 'k' }).wallet.getApiCredit();
      expect(server.requests).toHaveLength(1);
    });

    it('loses to the baseUrl option', () => {
      vi.stubEnv('FISH_BASE_URL', 'http://127.0.0.1:9/from-env');
      const given = new FishAudio({ apiKey: 'k', baseUrl: server.url });
      expect(inspect(given)).not.toContain('from-env');
    });

    it('is refused naming the variable, not echoing it, when it is no http(s) URL', () => {
      vi.stubEnv('FISH_BASE_URL', 'ftp://secret-host.test');
      expect(() => new FishAudio({ apiKey: 'k' })).toThrow(
        expect.objectContaining({
          name: 'InvalidOptionError',
          message: 'FISH_BASE_URL: baseUrl must be an http(s) URL, not "ftp:".',
        }),
      );
    });

    it('is ignored when empty', () => {
      vi.stubEnv('FISH_BASE_URL', '  ');
      expect(inspect(new FishAudio({ apiKey: 'k' }))).toContain('https://api.fish.audio');
    });
  });

  it('refuses a base URL that is not http(s)', () => {
    expect(() => new FishAudio({ apiKey: 'k', baseUrl: 'ftp://example.test' })).toThrow(
      /http\(s\)/,
    );
    expect(() => new FishAudio({ apiKey: 'k', baseUrl: 'not a url' })).toThrow(FishAudioError);
  });

  it.each([0, -1, 1.5, 2 ** 31, Number.NaN])('refuses a timeout of %s ms', (timeout) => {
    expect(() => new FishAudio({ apiKey: 'k', timeout })).toThrow(/timeout must be/);
  });

  it('refuses a bad per-call timeout before sending anything', async () => {
    await expect(client.wallet.getApiCredit({}, { timeout: 0 })).rejects.toThrow(/timeout must be/);
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    [{ maxResponseBytes: -1 }, /maxResponseBytes must be/],
    [{ maxResponseBytes: Number.NaN }, /maxResponseBytes must be/],
    [{ backoff: { initialDelayMs: Number.NaN } }, /backoff.initialDelayMs must be/],
    [{ backoff: { maxDelayMs: -1 } }, /backoff.maxDelayMs must be/],
    [{ validateResponses: 'warm' as 'warn' }, /validateResponses must be/],
  ])('refuses the option %j', (options, message) => {
    expect(() => new FishAudio({ apiKey: 'k', ...options })).toThrow(message);
  });

  it('keeps the default for a backoff field given as undefined', () => {
    expect(
      () => new FishAudio({ apiKey: 'k', backoff: { maxRetryAfterMs: undefined } }),
    ).not.toThrow();
  });

  it('refuses a negative maxRetries', () => {
    expect(() => new FishAudio({ apiKey: 'k', maxRetries: -1 })).toThrow(/maxRetries must be/);
  });

  it('keeps VERSION equal to the package.json version', () => {
    expect(VERSION).toBe(pkg.version);
  });

  it('does not show the API key when the client is inspected or serialised', async () => {
    const { inspect } = await import('node:util');
    const secret = new FishAudio({ apiKey: 'sk-very-secret', baseUrl: server.url });
    expect(inspect(secret, { depth: 10, showHidden: true })).not.toContain('sk-very-secret');
    expect(JSON.stringify(secret)).not.toContain('sk-very-secret');
  });
});
