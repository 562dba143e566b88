/**
 * Property-based tests: for hundreds of arbitrary strings each, a parameter either reaches the
 * server as exactly the value it was (one path segment, or one query value), or is refused
 * with InvalidParameterError before any request is made.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FishAudio, InvalidParameterError } from '../src/index.js';
import { apiCreditBody, startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let client: FishAudio;
beforeAll(async () => {
  server = await startServer();
  server.reply(200, apiCreditBody());
  client = new FishAudio({ apiKey: 'k', baseUrl: server.url, maxRetries: 0 });
});
afterAll(() => server.close());

// Arbitrary UTF-16 (lone surrogates included), plus strings built from the characters that
// matter to URLs, so that dot segments and delimiters come up often.
const tricky = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({
    unit: fc.constantFrom('.', '/', '?', '#', '%', '2', 'e', '&', '=', ' ', '\\', 'ü'),
    maxLength: 8,
  }),
  fc.constantFrom('', '.', '..', '...', '%2e', '%2e%2e', './', '../', '/..', '?', '#', '%'),
);

// Each run is a real request: enough for the delimiters and dot segments above to come up
// many times over, few enough to keep the file fast.
const RUNS = 500;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('user_id', () => {
  it('arrives as exactly one path segment equal to the value, or is refused unsent', async () => {
    await fc.assert(
      fc.asyncProperty(tricky, async (userId) => {
        server.requests.length = 0;
        const refused =
          userId === '' || userId === '.' || userId === '..' || LONE_SURROGATE.test(userId);
        try {
          await client.wallet.getApiCredit({ user_id: userId });
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidParameterError);
          expect(refused).toBe(true);
          expect(server.requests).toHaveLength(0);
          return;
        }
        expect(refused).toBe(false);
        expect(server.requests).toHaveLength(1);
        const match = /^\/wallet\/([^/?#]+)\/api-credit$/.exec(server.requests[0]?.url ?? '');
        expect(match).not.toBeNull();
        expect(decodeURIComponent(match?.[1] ?? '')).toBe(userId);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('query values', () => {
  it('arrive as exactly the value sent, or are refused unsent', async () => {
    await fc.assert(
      fc.asyncProperty(tricky, async (teamId) => {
        server.requests.length = 0;
        const refused = LONE_SURROGATE.test(teamId);
        try {
          await client.wallet.getApiCredit({ team_id: teamId, check_free_credit: true });
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidParameterError);
          expect(refused).toBe(true);
          expect(server.requests).toHaveLength(0);
          return;
        }
        expect(refused).toBe(false);
        expect(server.requests).toHaveLength(1);
        const url = new URL(server.requests[0]?.url ?? '', 'http://x');
        expect(url.pathname).toBe('/wallet/self/api-credit');
        expect([...url.searchParams.keys()]).toEqual(['check_free_credit', 'team_id']);
        expect(url.searchParams.get('team_id')).toBe(teamId);
        expect(url.searchParams.get('check_free_credit')).toBe('true');
      }),
      { numRuns: RUNS },
    );
  });
});
