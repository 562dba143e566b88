import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess, type ProcessResult } from '../scripts/lib/process.js';
import {
  APIConnectionError,
  FishAudio,
  InvalidResponseError,
  NotFoundError,
} from '../src/index.js';
import { bundle } from './helpers/bundle.js';
import { startFaultServer, type FaultServer } from './helpers/fault-server.js';
import { ROOT } from './helpers/project-copy.js';
import { apiCreditBody, startServer, type TestServer } from './helpers/server.js';

const EXIT_SCRIPT = 'test/fixtures/exit-script.ts';

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

// One real process, since only a real process shows what keeps it alive: it makes the calls
// of each scenario in turn, then must exit by itself. A timer or socket left behind would keep
// it running for the client's default 60 s timeout, far past the kill below.
describe('a process that made calls exits by itself', () => {
  const SCENARIOS: Array<[scenario: string, printed: string]> = [
    ['ok', 'ok 12.3400'],
    ['500-always', 'InternalServerError'],
    ['slow-headers-timeout', 'APIConnectionTimeoutError'],
    ['slow-headers', 'APIUserAbortError'],
    ['ok*500', 'ok 500'],
  ];
  let server: FaultServer;
  let result: ProcessResult;
  let dir: string;
  beforeAll(async () => {
    server = await startFaultServer();
    // Bundled, so that the process is Node and the client alone: no tsx loader beside them.
    dir = await mkdtemp(path.join(tmpdir(), 'fish-audio-exit-'));
    result = await runProcess(process.execPath, [await bundle(EXIT_SCRIPT, dir)], {
      cwd: ROOT,
      env: {
        ...process.env,
        SCENARIOS: SCENARIOS.map(([scenario]) => scenario).join(','),
        SCENARIO_URL: server.url,
      },
      timeout: 20_000,
    });
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('exits by itself with code 0, printing an outcome for every scenario', () => {
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(SCENARIOS.length);
  });

  it.each(SCENARIOS)('after scenario %s, printing %s', (scenario, printed) => {
    expect(result.stdout).toContain(`${scenario}: ${printed}\n`);
  });

  it('made 500 concurrent calls that all reached the server', () => {
    expect(server.attempts('ok')).toBe(1 + 500);
  });
});

describe('the API key in a bad header value', () => {
  it('is refused at construction without being echoed', () => {
    const bad = 'sk-line\nbreak';
    expect(() => new FishAudio({ apiKey: bad })).toThrow(
      /printable ASCII characters without spaces/,
    );
    try {
      new FishAudio({ apiKey: bad });
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('sk-line');
    }
  });
});

describe('the API key in what the server or a custom fetch sends back', () => {
  const KEY = 'sk-echo-7d1e0b';
  let echo: TestServer;
  beforeAll(async () => {
    echo = await startServer();
  });
  afterAll(() => echo.close());

  it('is blanked out of an error body that echoes the request', async () => {
    echo.handle((req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ status: 404, message: `no route; you sent ${req.headers.authorization}` }),
      );
    });
    const client = new FishAudio({ apiKey: KEY, baseUrl: echo.url });
    const error = await client.wallet.getApiCredit().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).body).toEqual({
      status: 404,
      message: 'no route; you sent Bearer [redacted]',
    });
    for (const text of [String(error), JSON.stringify(error), inspect(error, { depth: 10 })]) {
      expect(text).not.toContain(KEY);
    }
  });

  it('is blanked out of a 200 body that is not JSON', async () => {
    echo.handle((req, res) => res.writeHead(200).end(`echo ${req.headers.authorization}`));
    const client = new FishAudio({ apiKey: KEY, baseUrl: echo.url });
    const error = await client.wallet.getApiCredit().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(inspect(error, { depth: 10 })).not.toContain(KEY);
  });

  it('does not survive in the cause of a connection error', async () => {
    const client = new FishAudio({
      apiKey: KEY,
      baseUrl: echo.url,
      maxRetries: 0,
      // A proxy wrapper that attaches the whole request to its error.
      fetch: async (url, init) => {
        const headers = init.headers as Record<string, string>;
        throw new Error(`proxy failed for ${headers.authorization}`, { cause: { url, init } });
      },
    });
    const error = await client.wallet.getApiCredit().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(KEY);
    expect(JSON.stringify(error)).not.toContain(KEY);
  });
});

describe('options that cannot work', () => {
  it('refuses a header value with a line break, without echoing it and sending nothing', async () => {
    expect(() => new FishAudio({ apiKey: 'k', defaultHeaders: { 'X-A': 'a\nb' } })).toThrow(
      /defaultHeaders\["X-A"\] must be a string without line breaks/,
    );
    const server = await startServer();
    try {
      const client = new FishAudio({ apiKey: 'k', baseUrl: server.url });
      const call = client.wallet.getApiCredit({}, { headers: { 'X-B': 'secret\r\nvalue' } });
      await expect(call).rejects.toThrow(/headers\["X-B"\] must be a string without line breaks/);
      await expect(call).rejects.not.toThrow(/secret/);
      expect(server.requests).toHaveLength(0);
    } finally {
      await server.close();
    }
  });

  it.each([
    ['https://user:pw@proxy.test/v1', 'credentials'],
    ['https://proxy.test/v1?token=abc', 'a query'],
    ['https://proxy.test/v1#frag', 'a fragment'],
  ])('refuses the base URL %s, without echoing it', (baseUrl) => {
    const attempt = () => new FishAudio({ apiKey: 'k', baseUrl });
    expect(attempt).toThrow(/must not contain credentials, a query or a fragment/);
    expect(attempt).not.toThrow(/user:pw|token=abc|#frag/);
  });
});
