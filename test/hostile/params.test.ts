/**
 * Hostile parameters and option objects: inherited properties (prototype pollution), path
 * values that URL parsing would reinterpret, values no URL can carry, and sizes far past the
 * usual. Each either reaches the server as exactly one encoded value or is refused before
 * anything is sent.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  FishAudio,
  InvalidParameterError,
  type ApiCreditParams,
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

async function sentPath(params: unknown): Promise<string> {
  server.setDefault({ json: apiCreditBody() });
  await clientFor(server).wallet.getApiCredit(params as ApiCreditParams);
  expect(server.count()).toBe(1);
  return server.requests[0]!.url;
}

describe('inherited properties', () => {
  it('ignores a user_id inherited from the params prototype', async () => {
    expect(await sentPath(Object.create({ user_id: 'victim' }))).toBe('/wallet/self/api-credit');
  });

  it('ignores check_free_credit inherited from the params prototype', async () => {
    expect(await sentPath(Object.create({ check_free_credit: true }))).toBe(
      '/wallet/self/api-credit',
    );
  });

  it('sends no team_id when Object.prototype has been polluted with one', async () => {
    server.setDefault({ json: apiCreditBody() });
    const client = clientFor(server);
    Object.defineProperty(Object.prototype, 'team_id', {
      value: 'x',
      enumerable: true,
      configurable: true,
      writable: true,
    });
    try {
      await client.wallet.getApiCredit({});
    } finally {
      delete (Object.prototype as Record<string, unknown>).team_id;
    }
    expect(server.requests[0]?.query.has('team_id')).toBe(false);
    expect(server.requests[0]?.url).toBe('/wallet/self/api-credit');
  });

  it('refuses an own "__proto__" key from JSON.parse as an unknown parameter', async () => {
    const params = JSON.parse('{"__proto__": {"user_id": "victim"}}') as ApiCreditParams;
    const error = await failure(() => clientFor(server).wallet.getApiCredit(params));
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect((error as InvalidParameterError).parameter).toBe('__proto__');
    expect(server.count()).toBe(0);
  });

  it('ignores a baseUrl inherited by the client options', () => {
    const options = Object.assign(Object.create({ baseUrl: 'http://127.0.0.1:9/evil' }), {
      apiKey: KEY,
    }) as ConstructorParameters<typeof FishAudio>[0];
    expect(new FishAudio(options).baseUrl).toBe('https://api.fish.audio');
  });

  it('ignores an apiKey inherited by the client options, using FISH_API_KEY instead', async () => {
    vi.stubEnv('FISH_API_KEY', 'sk-env-key-0001');
    try {
      server.setDefault({ json: apiCreditBody() });
      const options = Object.assign(Object.create({ apiKey: 'sk-inherited-0002' }), {
        baseUrl: server.url,
        ...FAST,
      }) as ConstructorParameters<typeof FishAudio>[0];
      await new FishAudio(options).wallet.getApiCredit();
      expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-env-key-0001');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('ignores headers inherited by the per-call options', async () => {
    server.setDefault({ json: apiCreditBody() });
    const options = Object.create({ headers: { 'x-inherited': 'yes' } }) as RequestOptions;
    await clientFor(server).wallet.getApiCredit({}, options);
    expect(server.requests[0]?.headers['x-inherited']).toBeUndefined();
  });

  it('ignores maxRetries inherited by the per-call options', async () => {
    server.setDefault({ status: 503, json: { status: 503, message: 'busy' } });
    const options = Object.create({ maxRetries: 6 }) as RequestOptions;
    await failure(() => clientFor(server).wallet.getApiCredit({}, options));
    expect(server.count()).toBe(3);
  });
});

describe('user_id values that URL parsing would reinterpret', () => {
  it.each([
    ['%2e%2e', '/wallet/%252e%252e/api-credit'],
    ['..%2f', '/wallet/..%252f/api-credit'],
    ['a/b', '/wallet/a%2Fb/api-credit'],
    ['self/../victim', '/wallet/self%2F..%2Fvictim/api-credit'],
    ['a\\b', '/wallet/a%5Cb/api-credit'],
    ['a?b=1', '/wallet/a%3Fb%3D1/api-credit'],
    ['a#b', '/wallet/a%23b/api-credit'],
    [' ', '/wallet/%20/api-credit'],
    ['%', '/wallet/%25/api-credit'],
    ['ü', '/wallet/%C3%BC/api-credit'],
    ['😀', '/wallet/%F0%9F%98%80/api-credit'],
    ['123', '/wallet/123/api-credit'],
    ['...', '/wallet/.../api-credit'],
  ])('sends user_id %j as the single segment of %s', async (userId, path) => {
    expect(await sentPath({ user_id: userId })).toBe(path);
  });

  it('sends a 10 000-character user_id whole, as one segment', async () => {
    const userId = 'u'.repeat(10_000);
    expect(await sentPath({ user_id: userId })).toBe(`/wallet/${userId}/api-credit`);
  });
});

describe('parameter values that are refused before sending', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['user_id ".."', { user_id: '..' }, 'user_id'],
    ['user_id "."', { user_id: '.' }, 'user_id'],
    ['user_id ""', { user_id: '' }, 'user_id'],
    ['a lone high surrogate in user_id', { user_id: 'a\ud800' }, 'user_id'],
    ['a lone low surrogate in team_id', { team_id: '\udc00x' }, 'team_id'],
    ['user_id as a number', { user_id: 123 }, 'user_id'],
    ['check_free_credit NaN', { check_free_credit: NaN }, 'check_free_credit'],
    ['check_free_credit as the string "true"', { check_free_credit: 'true' }, 'check_free_credit'],
    ['check_free_credit 1', { check_free_credit: 1 }, 'check_free_credit'],
    ['team_id Infinity', { team_id: Infinity }, 'team_id'],
    ['team_id NaN', { team_id: NaN }, 'team_id'],
    ['team_id as an object', { team_id: {} }, 'team_id'],
    ['team_id as an array', { team_id: ['a', 'b'] }, 'team_id'],
    ['an unknown parameter', { userId: 'x' }, 'userId'],
  ])('refuses %s as an InvalidParameterError', async (_what, params, parameter) => {
    const sent = countingFetch();
    const error = await failure(() =>
      clientFor(server, { fetch: sent.fetch }).wallet.getApiCredit(params as ApiCreditParams),
    );
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect((error as InvalidParameterError).parameter).toBe(parameter);
    expect(sent.calls).toBe(0);
    expect(server.count()).toBe(0);
  });
});

describe('query values', () => {
  it('sends a team_id that looks like more query parameters as one value', async () => {
    await sentPath({ team_id: 't&user_id=victim#x' });
    const query = server.requests[0]!.query;
    expect(query.getAll('team_id')).toEqual(['t&user_id=victim#x']);
    expect([...query.keys()]).toEqual(['team_id']);
  });

  it('sends a 10 000-character team_id whole', async () => {
    const teamId = 't'.repeat(10_000);
    await sentPath({ team_id: teamId });
    expect(server.requests[0]!.query.get('team_id')).toBe(teamId);
  });

  it('leaves out team_id: null, as the spec defaults it', async () => {
    expect(await sentPath({ team_id: null })).toBe('/wallet/self/api-credit');
  });
});
