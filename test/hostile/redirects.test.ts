/**
 * Redirects: the key never travels to another origin, whatever the redirect status, and a
 * loop or a redirect off HTTP ends as a FishAudioError, not a raw TypeError.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FishAudioError } from '../../src/index.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
import {
  apiCreditBody,
  clientFor,
  expectNoSecret,
  failure,
  KEY,
  useHttpServer,
} from './support.js';

const origin = useHttpServer();
let other: HttpServer;
beforeAll(async () => {
  other = await startHttpServer();
});
afterAll(() => other.close());

describe('a redirect to another origin', () => {
  it.each([301, 302, 303, 307, 308])('with status %i does not carry the key', async (status) => {
    other.reset();
    other.setDefault({ json: apiCreditBody() });
    origin.setDefault({ status, headers: { location: `${other.url}/wallet/self/api-credit` } });
    const data = await clientFor(origin).wallet.getApiCredit();
    expect(data.credit).toBe('12.3400');
    expect(origin.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(other.count()).toBe(1);
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
    expect(JSON.stringify(other.requests[0]?.rawHeaders)).not.toContain(KEY);
  });

  it('given as a protocol-relative Location does not carry the key', async () => {
    other.reset();
    other.setDefault({ json: apiCreditBody() });
    const host = new URL(other.url).host;
    origin.setDefault({ status: 302, headers: { location: `//${host}/wallet/self/api-credit` } });
    await clientFor(origin).wallet.getApiCredit();
    expect(other.count()).toBe(1);
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('that redirects back to the first origin does not carry the key there either', async () => {
    other.reset();
    other.setDefault({
      status: 302,
      headers: { location: `${origin.url}/wallet/self/api-credit?back=1` },
    });
    origin.enqueue({ status: 302, headers: { location: `${other.url}/hop` } });
    origin.setDefault({ json: apiCreditBody() });
    await clientFor(origin).wallet.getApiCredit();
    expect(origin.requests.map((r) => r.headers.authorization)).toEqual([
      `Bearer ${KEY}`,
      undefined,
    ]);
  });
});

describe('redirects that go nowhere', () => {
  it('ends a redirect loop with a FishAudioError after a bounded number of requests', async () => {
    origin.setDefault({ status: 302, headers: { location: '/wallet/self/api-credit' } });
    const error = await failure(() => clientFor(origin, { maxRetries: 0 }).wallet.getApiCredit());
    expect(error).toBeInstanceOf(FishAudioError);
    expect(origin.count()).toBeLessThanOrEqual(21);
    expectNoSecret(error, KEY);
  });

  it.each(['file:///etc/passwd', 'data:application/json,{}', 'ftp://127.0.0.1/x'])(
    'ends a redirect to %s with a FishAudioError',
    async (location) => {
      origin.setDefault({ status: 302, headers: { location } });
      const error = await failure(() => clientFor(origin, { maxRetries: 0 }).wallet.getApiCredit());
      expect(error).toBeInstanceOf(FishAudioError);
      expect(origin.count()).toBe(1);
    },
  );
});
