import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FishAudio } from '../src/index.js';
import { startFaultServer, type FaultServer } from './helpers/fault-server.js';
import { ROOT, runScript } from './helpers/project-copy.js';
import { apiCreditBody, startServer, type TestServer } from './helpers/server.js';

describe('redirects', () => {
  let origin: TestServer;
  let other: TestServer;
  beforeAll(async () => {
    origin = await startServer();
    other = await startServer();
    other.reply(200, apiCreditBody());
  });
  afterAll(async () => {
    await origin.close();
    await other.close();
  });

  it('does not carry the API key to another origin', async () => {
    origin.handle((_req, res) => {
      res.writeHead(302, { location: `${other.url}/wallet/self/api-credit` }).end();
    });
    const client = new FishAudio({ apiKey: 'sk-must-not-travel', baseUrl: origin.url });
    const { data, response } = await client.wallet.getApiCredit().withResponse();
    expect(data.credit).toBe('12.3400');
    expect(response.url).toBe(`${other.url}/wallet/self/api-credit`);
    expect(origin.requests[0]?.headers.authorization).toBe('Bearer sk-must-not-travel');
    expect(other.requests).toHaveLength(1);
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('keeps the API key on a redirect within the same origin', async () => {
    origin.requests.length = 0;
    origin.handle((req, res) => {
      if (req.url?.startsWith('/old')) {
        res.writeHead(307, { location: '/wallet/self/api-credit' }).end();
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(apiCreditBody()));
      }
    });
    const client = new FishAudio({ apiKey: 'sk-same-origin', baseUrl: `${origin.url}/old` });
    await client.wallet.getApiCredit();
    expect(origin.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer sk-same-origin',
      'Bearer sk-same-origin',
    ]);
  });
});

describe('a process that made one call exits by itself', () => {
  let server: FaultServer;
  beforeAll(async () => {
    server = await startFaultServer();
  });
  afterAll(() => server.close());

  it.each([
    ['ok', 'ok 12.3400'],
    ['500-always', 'InternalServerError'],
    ['slow-headers-timeout', 'APIConnectionTimeoutError'],
    ['slow-headers', 'APIUserAbortError'],
  ])('after scenario %s, printing %s', async (scenario, expected) => {
    const start = performance.now();
    const result = await runScript(ROOT, path.join('test', 'fixtures', 'exit-script.ts'), [], {
      SCENARIO: scenario,
      SCENARIO_URL: server.url,
    });
    const ms = performance.now() - start;
    expect(result.stdout.trim()).toBe(expected);
    expect(result.code).toBe(0);
    // The default timeout is 60 s: a leaked timer or socket would keep the process far longer.
    expect(ms).toBeLessThan(8_000);
  });
});

describe('the API key in a bad header value', () => {
  it('is refused at construction without being echoed', () => {
    const bad = 'sk-line\nbreak';
    expect(() => new FishAudio({ apiKey: bad })).toThrow(/characters a header cannot carry/);
    try {
      new FishAudio({ apiKey: bad });
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('sk-line');
    }
  });
});
