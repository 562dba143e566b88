/**
 * The `fish-audio-api` command, called in-process (`main`) against real HTTP servers on
 * 127.0.0.1: the spec-checked stand-in where a well-behaved API is wanted, and the raw test
 * server where the API must misbehave (bodies the spec forbids, stalls, echoes). What only a
 * real process shows (the bin link, pipes, exit codes) is in cli-process.test.ts.
 */
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it, vi, type TestContext } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { ROOT } from '../scripts/lib/root.js';
import { EXIT_CODES, EXIT_CODE_MEANINGS, main, type CliIO } from '../src/cli/index.js';
import { startStandIn, type StandIn, type StandInOptions } from '../src/testing/index.js';
import { announceRetries } from '../src/cli/retry-notice.js';
import { runCli, type CliRun, type CliRunOptions } from './helpers/cli.js';
import { apiCreditBody, startServer, type TestServer } from './helpers/server.js';

const KEY = 'sk-cli-test-3f9a1c7e5b2d4a60';
const API_CREDIT = 'GET /wallet/{user_id}/api-credit';
const ANSI = /\x1b\[/;

const seenExitCodes = new Set<number>();

/**
 * Runs the command with the test key (`env` adds to it or leaves it out); the helper checks
 * what must hold for every run. Each exit code seen is recorded for the last test.
 */
async function fish(
  args: string[],
  env: Record<string, string | undefined> = {},
  options: Omit<CliRunOptions, 'env'> = {},
): Promise<CliRun> {
  const result = await runCli(args, { ...options, env: { FISH_API_KEY: KEY, ...env } });
  seenExitCodes.add(result.code);
  return result;
}

/** The lines that announce retries, as the command writes them before each one. */
function retryNotices(result: CliRun): string[] {
  return result.stderr.split('\n').filter((line) => line.startsWith('retrying '));
}

/**
 * Asserts a failure: nothing on stdout, and on stderr exactly one `error:` line, after any
 * retry notices.
 */
function expectFailure(result: CliRun, code: number, ...says: RegExp[]): void {
  expect(result.code, result.stderr).toBe(code);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^(retrying \(attempt \d of \d\): [^\n]+\n)*error: [^\n]+\n$/);
  const error = result.stderr.slice(result.stderr.indexOf('error: '));
  for (const pattern of says) expect(error).toMatch(pattern);
}

async function standIn(ctx: TestContext, options: StandInOptions = {}): Promise<StandIn> {
  const api = await startStandIn({ apiKey: KEY, ...options });
  ctx.onTestFinished(() => api.close());
  return api;
}

async function rawServer(ctx: TestContext): Promise<TestServer> {
  const server = await startServer();
  ctx.onTestFinished(() => server.close());
  return server;
}

/** `text` as a literal inside a RegExp. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A URL where nothing listens: a port that was free a moment ago. */
async function closedUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe.concurrent('fish-audio-api credit', () => {
  it('prints the amount first and the other fields aligned under it', async (ctx) => {
    const api = await standIn(ctx);
    api.setResponse(API_CREDIT, {
      credit: '12.3400',
      cumulative_top_up: '50.0000',
      has_free_credit: true,
      user_id: 'u_123',
      updated_at: '2026-11-20T10:00:00Z',
    });
    const result = await fish(['credit'], { FISH_BASE_URL: api.url });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      [
        'API credit         12.3400',
        'user               u_123',
        'cumulative top-up  50.0000',
        'free credit        yes',
        'updated at         2026-11-20T10:00:00Z',
        '',
      ].join('\n'),
    );
  });

  it('leaves out the top-up and free credit when the API does not send them', async (ctx) => {
    const server = await rawServer(ctx);
    server.reply(200, apiCreditBody({ cumulative_top_up: undefined, has_free_credit: null }));
    const result = await fish(['credit', '--base-url', server.url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      ['API credit  12.3400', 'user        u_123', 'updated at  2026-11-20T10:00:00Z', ''].join(
        '\n',
      ),
    );
  });

  it('sends GET /wallet/self/api-credit with the bearer key and no query', async (ctx) => {
    const server = await rawServer(ctx);
    server.reply(200, apiCreditBody());
    await fish(['credit', '--base-url', server.url]);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/wallet/self/api-credit' });
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('sends --user-id as one percent-encoded path segment', async (ctx) => {
    const server = await rawServer(ctx);
    server.reply(200, apiCreditBody());
    const result = await fish(['credit', '--user-id', 'a/b c', '--base-url', server.url]);
    expect(result.code).toBe(0);
    expect(server.requests.map((r) => r.url)).toEqual(['/wallet/a%2Fb%20c/api-credit']);
  });

  it('sends --check-free-credit as check_free_credit=true and nothing without it', async (ctx) => {
    const api = await standIn(ctx);
    const env = { FISH_BASE_URL: api.url };
    expect((await fish(['credit', '--check-free-credit', '--user-id', 'u_9'], env)).code).toBe(0);
    expect((await fish(['credit'], env)).code).toBe(0);
    expect(api.requests.map((r) => [r.path, r.query])).toEqual([
      ['/wallet/u_9/api-credit', { check_free_credit: 'true' }],
      ['/wallet/self/api-credit', {}],
    ]);
  });

  it('sends --team-id as team_id in the query', async (ctx) => {
    const api = await standIn(ctx);
    const result = await fish(['credit', '--team-id', 't_1'], { FISH_BASE_URL: api.url });
    expect(result.code).toBe(0);
    expect(api.requests.map((r) => [r.path, r.query])).toEqual([
      ['/wallet/self/api-credit', { team_id: 't_1' }],
    ]);
  });

  it('prints exactly the served body with --json, pretty and newline-terminated', async (ctx) => {
    const server = await rawServer(ctx);
    const body = apiCreditBody({ credit: '0.30', brand_new_field: { nested: [1, 'two'] } });
    server.reply(200, body);
    const result = await fish(['credit', '--json', '--base-url', server.url]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(body);
    expect(result.stdout).toBe(`${JSON.stringify(body, null, 2)}\n`);
  });

  it('prints --json even when credit is not a decimal, since it only relays the body', async (ctx) => {
    const server = await rawServer(ctx);
    server.reply(200, apiCreditBody({ credit: 12.34 }));
    const result = await fish(['credit', '--json', '--base-url', server.url]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).credit).toBe(12.34);
  });

  it('strips control characters a server puts in a field, so it cannot drive the terminal', async (ctx) => {
    const server = await rawServer(ctx);
    server.reply(200, apiCreditBody({ user_id: 'u_1\x1b[2J\nfake line' }));
    const result = await fish(['credit', '--base-url', server.url]);
    expect(result.stdout).toContain('user               u_1 [2J fake line\n');
  });
});

describe.concurrent('fish-audio-api credit --min', () => {
  const cases: Array<[credit: string, min: string, code: number]> = [
    ['0.30', '0.3', EXIT_CODES.OK],
    ['0.3', '0.30', EXIT_CODES.OK],
    ['0.30', '0.31', EXIT_CODES.BELOW_MIN],
    ['10.0000', '9.99999', EXIT_CODES.OK],
    ['9.99999', '10', EXIT_CODES.BELOW_MIN],
    // Both are the same double; only a decimal comparison sees the difference.
    ['123456789012345678.5', '123456789012345678.6', EXIT_CODES.BELOW_MIN],
    ['123456789012345678.6', '123456789012345678.5', EXIT_CODES.OK],
    ['-0.5', '-1', EXIT_CODES.OK],
    ['-1.5', '-1', EXIT_CODES.BELOW_MIN],
    ['0', '0', EXIT_CODES.OK],
    // A bare fraction is a decimal to the stand-in and to --min alike: one rule, src/decimal.ts.
    ['.5', '0.5', EXIT_CODES.OK],
    ['0.4', '.5', EXIT_CODES.BELOW_MIN],
  ];
  for (const [credit, min, code] of cases) {
    it(`exits ${code} for credit ${credit} and --min=${min}`, async (ctx) => {
      const api = await standIn(ctx, { credit });
      const result = await fish(['credit', `--min=${min}`], { FISH_BASE_URL: api.url });
      expect(result.code).toBe(code);
      // The summary is printed either way; a shortfall adds one line on stderr.
      expect(result.stdout).toMatch(new RegExp(`^API credit +${credit.replace('.', '\\.')}\n`));
      if (code === EXIT_CODES.OK) expect(result.stderr).toBe('');
      else
        expect(result.stderr).toBe(
          `error: API credit ${credit} is below --min ${min}. ` +
            'Top up API credit for this key; platform credit does not count.\n',
        );
    });
  }

  it('takes a negative --min as a separate argument only in --min=VALUE form', async () => {
    const result = await fish(['credit', '--min', '-1']);
    expectFailure(result, EXIT_CODES.USAGE, /--min=VALUE/, /--help/);
  });

  it('prints the body with --json --min and still exits 1 when below', async (ctx) => {
    const api = await standIn(ctx, { credit: '2.5000' });
    const result = await fish(['credit', '--json', '--min', '3'], { FISH_BASE_URL: api.url });
    expect(result.code).toBe(EXIT_CODES.BELOW_MIN);
    expect(JSON.parse(result.stdout).credit).toBe('2.5000');
    expect(result.stderr).toMatch(/^error: API credit 2\.5000 is below --min 3\. /);
  });

  for (const min of ['abc', '1e3', '5.', ' 5', '1,000', '']) {
    it(`refuses --min ${JSON.stringify(min)} as a usage error without calling the API`, async (ctx) => {
      const server = await rawServer(ctx);
      const result = await fish(['credit', `--min=${min}`, '--base-url', server.url]);
      expectFailure(result, EXIT_CODES.USAGE, /is not a decimal amount/, /--help/);
      expect(server.requests).toHaveLength(0);
    });
  }

  it('exits 8 when the API sends a credit that is not a decimal', async (ctx) => {
    const server = await rawServer(ctx);
    server.reply(200, apiCreditBody({ credit: 12.34 }));
    const result = await fish(['credit', '--min', '1', '--base-url', server.url]);
    expectFailure(result, EXIT_CODES.INVALID_RESPONSE, /without a decimal "credit" \(got 12\.34\)/);
  });
});

describe.concurrent('fish-audio-api package', () => {
  it('prints the platform balance first, then the plan fields', async (ctx) => {
    const api = await standIn(ctx);
    api.setResponse('GET /wallet/{user_id}/package', {
      user_id: 'u_123',
      type: 'pro',
      total: 5000,
      balance: 1200,
      extra_balance: 300,
      billing_period: 'month',
      current_period_end: '2026-12-01T00:00:00Z',
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-11-20T10:00:00Z',
      finished_at: '2027-01-01T00:00:00Z',
      cancel_at: null,
    });
    const result = await fish(['package', '--base-url', api.url]);
    expect(result.code).toBe(0);
    expect(api.requests.map((r) => [r.method, r.path, r.query])).toEqual([
      ['GET', '/wallet/self/package', {}],
    ]);
    expect(result.stdout).toBe(
      [
        'platform credit  1200',
        'extra balance    300',
        'total            5000',
        'plan             pro',
        'billing period   month',
        'period ends      2026-12-01T00:00:00Z',
        'finished at      2027-01-01T00:00:00Z',
        'user             u_123',
        'updated at       2026-11-20T10:00:00Z',
        '',
      ].join('\n'),
    );
  });

  it('sends --user-id and prints the body with --json', async (ctx) => {
    const server = await rawServer(ctx);
    const body = { user_id: 'u_9', type: 'free', total: 0, balance: 0, brand_new: true };
    server.reply(200, body);
    const result = await fish(['package', '--user-id', 'u_9', '--json', '--base-url', server.url]);
    expect(result.code).toBe(0);
    expect(server.requests.map((r) => r.url)).toEqual(['/wallet/u_9/package']);
    expect(JSON.parse(result.stdout)).toEqual(body);
  });

  it('exits 8 when the package has no numeric balance', async (ctx) => {
    const server = await rawServer(ctx);
    server.reply(200, { user_id: 'u_1', balance: 'lots' });
    const result = await fish(['package', '--base-url', server.url]);
    expectFailure(
      result,
      EXIT_CODES.INVALID_RESPONSE,
      /without a numeric "balance" \(got "lots"\)/,
    );
  });

  it('refuses the flags that only credit takes', async () => {
    for (const flag of ['--min=1', '--team-id=t', '--check-free-credit']) {
      const result = await fish(['package', flag]);
      expectFailure(result, EXIT_CODES.USAGE, /does not apply to 'package'/, /--help/);
    }
  });
});

describe.concurrent('failures: one line each, with its own exit code', () => {
  it('exits 3 and says how to set FISH_API_KEY when it is missing or blank', async (ctx) => {
    const server = await rawServer(ctx);
    for (const key of [undefined, '', '   ']) {
      const result = await fish(['credit', '--base-url', server.url], { FISH_API_KEY: key });
      expectFailure(result, EXIT_CODES.CONFIG, /FISH_API_KEY is not set/, /export FISH_API_KEY=/);
    }
    expect(server.requests).toHaveLength(0);
  });

  it('exits 3 for a key that a header cannot carry, without printing it', async () => {
    const result = await fish(['credit'], { FISH_API_KEY: `${KEY} ${KEY}` });
    expectFailure(result, EXIT_CODES.CONFIG, /FISH_API_KEY contains spaces/);
  });

  it('exits 4 on a plain-text 401 and says to check the key', async (ctx) => {
    const api = await standIn(ctx);
    api.failNext(401, 'No permission -- see authorization schemes');
    const result = await fish(['credit'], { FISH_BASE_URL: api.url });
    expectFailure(
      result,
      EXIT_CODES.AUTH,
      /HTTP 401: No permission -- see authorization schemes/,
      /Check that FISH_API_KEY holds a valid, current API key/,
    );
  });

  it('exits 4 when the stand-in does not accept the key', async (ctx) => {
    const api = await standIn(ctx, { apiKey: 'another-key' });
    const result = await fish(['credit'], { FISH_BASE_URL: api.url });
    expectFailure(result, EXIT_CODES.AUTH, /refused the key \(HTTP 401: Invalid API key\)/);
  });

  it('exits 4 on a 403 and points at --user-id', async (ctx) => {
    const api = await standIn(ctx);
    api.failNext(403);
    const result = await fish(['credit', '--user-id', 'someone'], { FISH_BASE_URL: api.url });
    expectFailure(result, EXIT_CODES.AUTH, /HTTP 403/, /--user-id/);
  });

  it('exits 5 on a 402 and says API credit is separate from platform credit', async (ctx) => {
    const api = await standIn(ctx);
    api.failNext(402);
    const result = await fish(['credit'], { FISH_BASE_URL: api.url });
    expectFailure(
      result,
      EXIT_CODES.PAYMENT,
      /HTTP 402/,
      /API credit is separate from platform credit/,
    );
  });

  it('exits 6 on a 404 and points at --user-id', async (ctx) => {
    const api = await standIn(ctx);
    api.failNext(404);
    const result = await fish(['credit', '--user-id', 'nobody'], { FISH_BASE_URL: api.url });
    expectFailure(result, EXIT_CODES.API, /Not found \(HTTP 404/, /--user-id/);
  });

  it('exits 6 on a 429 whose Retry-After is too long to wait, and says how long', async (ctx) => {
    const api = await standIn(ctx);
    api.failNext(429, undefined, { 'Retry-After': '3600' });
    const result = await fish(['credit'], { FISH_BASE_URL: api.url });
    expectFailure(result, EXIT_CODES.API, /Rate limited \(HTTP 429/, /Retry after 3600 s/);
  });

  it('exits 6 when every attempt gets a 503, and says to retry later', async (ctx) => {
    const api = await standIn(ctx);
    // Retry-After: 0 keeps the client's two retries fast.
    for (let i = 0; i < 3; i++) api.failNext(503, undefined, { 'Retry-After': '0' });
    const result = await fish(['credit'], { FISH_BASE_URL: api.url });
    expectFailure(
      result,
      EXIT_CODES.API,
      /retry later/,
      /HTTP 503: The server cannot process .*, after 3 attempts\)/,
    );
    expect(api.requests).toHaveLength(3);
  });

  it('exits 7 when nothing listens, and points at --base-url', async () => {
    const result = await fish(['credit', '--base-url', await closedUrl()]);
    expectFailure(
      result,
      EXIT_CODES.NETWORK,
      /Could not reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED, after 3 attempts\)/,
      /--base-url/,
    );
  });

  it('exits 7 at once, in one line that explains it, for a port fetch refuses (9)', async () => {
    const result = await fish(['credit', '--base-url', 'http://127.0.0.1:9']);
    expectFailure(
      result,
      EXIT_CODES.NETWORK,
      /^error: Could not reach http:\/\/127\.0\.0\.1:9: fetch never connects to port 9 \(the Fetch standard blocks it.*\); use another port in --base-url or FISH_BASE_URL\.\n$/,
    );
  });

  it('exits 7 when the API does not answer within --timeout', async (ctx) => {
    const server = await rawServer(ctx);
    server.handle(() => {
      /* never answers */
    });
    const result = await fish(['credit', '--timeout', '100', '--base-url', server.url]);
    expectFailure(
      result,
      EXIT_CODES.NETWORK,
      /No response from http:\/\/127\.0\.0\.1:\d+ within 100 ms \(after 3 attempts\)/,
      /--timeout/,
    );
  });

  it('exits 8 when a proxy answers 200 with HTML', async (ctx) => {
    const server = await rawServer(ctx);
    server.handle((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'));
    const result = await fish(['credit', '--base-url', server.url]);
    expectFailure(result, EXIT_CODES.INVALID_RESPONSE, /not valid JSON/, /--base-url/);
  });

  it('never prints the key, even when the server echoes it back', async (ctx) => {
    const server = await rawServer(ctx);
    server.handle((req, res) =>
      res.writeHead(401).end(`rejected ${req.headers.authorization}\n\x1b[31mred`),
    );
    const result = await fish(['credit', '--base-url', server.url]);
    expectFailure(result, EXIT_CODES.AUTH, /rejected Bearer \[redacted\] \[31mred/);
  });
});

describe.concurrent('retry notices: one stderr line as each retry starts', () => {
  it('says which attempt it is and that the API answered 503, then succeeds', async (ctx) => {
    const api = await standIn(ctx);
    api.failNext(503, undefined, { 'Retry-After': '0' });
    const result = await fish(['credit'], { FISH_BASE_URL: api.url });
    expect(result.code).toBe(EXIT_CODES.OK);
    expect(result.stderr).toBe('retrying (attempt 2 of 3): the API answered HTTP 503\n');
  });

  // The timeout is short only where it is the failure, so a slow machine cannot change the reason.
  const cases: Array<
    [what: string, serve: (server: TestServer) => void, timeout: string, why: string]
  > = [
    [
      'a server that never answers',
      (server) => server.handle(() => {}),
      '100',
      'no response within 0.1 s',
    ],
    [
      'a 200 whose body breaks off',
      (server) =>
        server.handle((_req, res) => {
          res.writeHead(200, { 'content-length': '100' }).write('{"cre');
          setTimeout(() => res.destroy(), 10);
        }),
      '10000',
      'the connection broke while the body was read',
    ],
  ];
  for (const [what, serve, timeout, why] of cases) {
    it(`announces both retries against ${what}`, async (ctx) => {
      const server = await rawServer(ctx);
      serve(server);
      const result = await fish(['credit', '--timeout', timeout, '--base-url', server.url]);
      expect(result.code).toBe(EXIT_CODES.NETWORK);
      expect(retryNotices(result)).toEqual([
        `retrying (attempt 2 of 3): ${why}`,
        `retrying (attempt 3 of 3): ${why}`,
      ]);
    });
  }

  it('names the system error when nothing listens', async () => {
    const result = await fish(['credit', '--base-url', await closedUrl()]);
    expect(retryNotices(result)).toEqual([
      'retrying (attempt 2 of 3): could not connect (ECONNREFUSED)',
      'retrying (attempt 3 of 3): could not connect (ECONNREFUSED)',
    ]);
  });

  it('announces nothing when the library does not retry, as after a 401', async (ctx) => {
    const api = await standIn(ctx);
    api.failNext(401);
    const result = await fish(['credit'], { FISH_BASE_URL: api.url });
    expect(result.code).toBe(EXIT_CODES.AUTH);
    expect(retryNotices(result)).toEqual([]);
    expect(api.requests).toHaveLength(1);
  });

  it('announces nothing when the server asks for a longer wait than the library sleeps', async (ctx) => {
    const api = await standIn(ctx);
    api.failNext(429, undefined, { 'Retry-After': '3600' });
    const result = await fish(['credit'], { FISH_BASE_URL: api.url });
    expect(retryNotices(result)).toEqual([]);
  });
});

describe.concurrent('configuration and usage', () => {
  it('uses FISH_BASE_URL, and --base-url over it', async (ctx) => {
    const used = await rawServer(ctx);
    const ignored = await rawServer(ctx);
    used.reply(200, apiCreditBody());
    ignored.reply(200, apiCreditBody());
    await fish(['credit'], { FISH_BASE_URL: used.url });
    await fish(['credit', '--base-url', used.url], { FISH_BASE_URL: ignored.url });
    expect(used.requests).toHaveLength(2);
    expect(ignored.requests).toHaveLength(0);
  });

  it('keeps the path of a proxy base URL, with or without a trailing slash', async (ctx) => {
    const server = await rawServer(ctx);
    server.reply(200, apiCreditBody());
    await fish(['credit', '--base-url', `${server.url}/proxy/fish`]);
    await fish(['credit'], { FISH_BASE_URL: `${server.url}/proxy/fish/` });
    expect(server.requests.map((r) => r.url)).toEqual([
      '/proxy/fish/wallet/self/api-credit',
      '/proxy/fish/wallet/self/api-credit',
    ]);
  });

  // The library's checkBaseUrl decides; the command only says whose mistake it was.
  const badBaseUrls: Array<[url: string, says: RegExp]> = [
    ['ftp://x', /--base-url must be an http\(s\) URL/],
    ['nope', /--base-url must start with http:\/\/ or https:\/\//],
    [
      'localhost:3000',
      /--base-url must start with http:\/\/ or https:\/\/ \(such as http:\/\/localhost:3000\)/,
    ],
    ['http://', /--base-url is not a valid URL/],
    ['http://host/?a=1', /--base-url must not contain credentials, a query or a fragment/],
    ['http://host/#f', /--base-url must not contain credentials, a query or a fragment/],
    ['http://host/?', /--base-url must not contain credentials, a query or a fragment/],
    ['http://host ', /--base-url must not start or end with white space/],
    ['http://me:hunter2@127.0.0.1:9', /--base-url must not contain credentials/],
  ];
  for (const [url, says] of badBaseUrls) {
    it(`exits 2 for --base-url ${JSON.stringify(url)}, sending nothing`, async (ctx) => {
      const server = await rawServer(ctx);
      const result = await fish(['credit', '--base-url', url], { FISH_BASE_URL: server.url });
      expectFailure(result, EXIT_CODES.USAGE, says, /--help/);
      expect(result.stderr).not.toContain('hunter2');
      expect(server.requests).toHaveLength(0);
    });
  }

  const badEnvUrls: Array<[url: string, says: RegExp]> = [
    ['nope', /FISH_BASE_URL must start with http:\/\/ or https:\/\//],
    ['http://127.0.0.1:9/?a=1', /FISH_BASE_URL must not contain credentials, a query/],
    ['http://127.0.0.1:9/#f', /FISH_BASE_URL must not contain credentials, a query/],
  ];
  for (const [url, says] of badEnvUrls) {
    it(`exits 3 for FISH_BASE_URL=${JSON.stringify(url)} and says to fix or unset it`, async () => {
      const result = await fish(['credit'], { FISH_BASE_URL: url });
      expectFailure(result, EXIT_CODES.CONFIG, says, /Fix or unset FISH_BASE_URL\.$/m);
    });
  }

  it('reports a bad --base-url before a missing key: flags are checked first', async () => {
    const result = await fish(['credit', '--base-url', 'http://h/?a=1'], { FISH_API_KEY: '' });
    expectFailure(result, EXIT_CODES.USAGE, /--base-url must not contain/);
  });

  const badTimeouts: Array<[value: string, says: RegExp]> = [
    ['0', /--timeout must be a whole number of milliseconds from 1 to 2147483647, got 0\./],
    ['2147483648', /--timeout must be a whole number of milliseconds from 1 to 2147483647/],
    ['abc', /--timeout "abc" is not a whole number of milliseconds\./],
    ['1.5', /--timeout "1\.5" is not a whole number of milliseconds\./],
    ['-1', /--timeout "-1" is not a whole number of milliseconds\./],
  ];
  for (const [timeout, says] of badTimeouts) {
    it(`refuses --timeout ${timeout} as a usage error`, async () => {
      const result = await fish(['credit', `--timeout=${timeout}`]);
      expectFailure(result, EXIT_CODES.USAGE, says, /--help/);
    });
  }

  it('refuses --user-id values that are not one path segment, sending nothing', async (ctx) => {
    const server = await rawServer(ctx);
    for (const id of ['', '..']) {
      const result = await fish(['credit', `--user-id=${id}`, '--base-url', server.url]);
      expectFailure(result, EXIT_CODES.USAGE, /^error: Invalid --user-id: /, /--help/);
    }
    expect(server.requests).toHaveLength(0);
  });

  const usageErrors: Array<[args: string[], says: RegExp, help: string]> = [
    [[], /No command given\./, '--help'],
    [['balance'], /Unknown command "balance"\. Run/, '--help'],
    [['credt'], /Unknown command "credt"\. Did you mean 'credit'\?/, '--help'],
    [['pakage', '--json'], /Unknown command "pakage"\. Did you mean 'package'\?/, '--help'],
    [['credit', '--bogus'], /Unknown flag "--bogus"\. Run/, 'credit --help'],
    [['credit', '--jsn'], /Unknown flag "--jsn"\. Did you mean --json\?/, 'credit --help'],
    [
      ['package', '--user_id=u'],
      /Unknown flag "--user_id"\. Did you mean --user-id\?/,
      'package --help',
    ],
    [['credit', 'extra'], /Unexpected argument "extra" after 'credit'/, 'credit --help'],
    [['credit', '--user-id'], /--user-id needs a value\./, 'credit --help'],
    [['credit', '--json=yes'], /--json does not take a value\./, 'credit --help'],
  ];
  for (const [args, says, help] of usageErrors) {
    it(`exits 2 for 'fish-audio-api ${args.join(' ')}' and points to '${help}'`, async () => {
      const pointer = new RegExp(`Run 'fish-audio-api ${help}' for usage\\.$`, 'm');
      expectFailure(await fish(args), EXIT_CODES.USAGE, says, pointer);
    });
  }

  for (const args of [['--help'], ['-h'], ['help']]) {
    it(`prints the overview for '${args.join(' ')}': commands, flags, examples, environment, exit codes`, async () => {
      const result = await fish(args, { FISH_API_KEY: undefined });
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      const help = result.stdout;
      expect(help).toMatch(/^fish-audio-api \d+\.\d+\.\d+: /);
      for (const flag of ['--user-id', '--team-id', '--check-free-credit', '--min', '--json']) {
        expect(help).toContain(flag);
      }
      for (const flag of ['--base-url', '--timeout', '--help', '--version']) {
        expect(help).toContain(flag);
      }
      expect(help).toMatch(/^ +credit +The API credit balance/m);
      expect(help).toMatch(/^ +package +The platform credit package/m);
      // At 80 columns the examples are too long to align: each comment is above its command.
      expect(help).toMatch(
        /^ +# exit 1 when the balance is below 5.*\n +fish-audio-api credit --min 5$/m,
      );
      for (const name of ['FISH_API_KEY', 'FISH_BASE_URL', 'NO_COLOR'])
        expect(help).toContain(name);
      const flat = (text: string) => text.replace(/\s+/g, ' ');
      for (const [code, meaning] of Object.entries(EXIT_CODE_MEANINGS)) {
        expect(flat(help)).toContain(` ${code} ${flat(meaning)}`);
      }
    });
  }

  const commandHelp: Array<[args: string[], has: string[], lacks: string[]]> = [
    [['credit', '--help'], ['--min AMOUNT', '--team-id', 'fish-audio-api credit --min 5'], []],
    [['credit', '-h'], ['--min AMOUNT', '--check-free-credit'], []],
    [['help', 'credit'], ['--min AMOUNT', 'fish-audio-api credit --json'], []],
    [
      ['package', '--help'],
      ['--user-id', '--json', 'fish-audio-api package --json'],
      ['--team-id', '--check-free-credit'],
    ],
  ];
  for (const [args, has, lacks] of commandHelp) {
    it(`prints only that command's usage, flags and examples for '${args.join(' ')}'`, async () => {
      const result = await fish(args, { FISH_API_KEY: undefined });
      const command = args.find((arg) => arg === 'credit' || arg === 'package');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^fish-audio-api ${command}: `));
      expect(result.stdout).toMatch(new RegExp(`^Usage:\n  fish-audio-api ${command} `, 'm'));
      for (const text of has) expect(result.stdout).toContain(text);
      for (const text of lacks) expect(result.stdout).not.toContain(text);
    });
  }

  it('documents the 15 s default timeout and the retries in --help', async () => {
    const { stdout } = await fish(['credit', '--help']);
    expect(stdout).toMatch(/--timeout MS +Milliseconds one attempt may take \(default: 15000\)\./);
    expect(stdout).toMatch(/retried\s+2\s+times,\s+with\s+a\s+line\s+on\s+stderr\s+each\s+time/);
  });

  const helps = [[], ['credit'], ['package'], ['tts'], ['asr'], ['voices'], ['voices', 'create']];

  it.each([
    ['a pipe', {}, 80],
    ['a terminal of 100 columns', { tty: { stdout: true }, columns: 100 }, 100],
    ['a terminal of 200 columns, held to 120', { tty: { stdout: true }, columns: 200 }, 120],
    ['a terminal of 40 columns, held to 80', { tty: { stdout: true }, columns: 40 }, 80],
  ] as const)(
    'wraps every help text for %s at %i columns, no line longer',
    async (_to, io, width) => {
      for (const command of helps) {
        const { stdout } = await runCli([...command, '--help'], { env: {}, ...io });
        const lines = stdout.split('\n');
        expect(lines.filter((line) => line.length > width)).toEqual([]);
        // Wrapped at the width, not far short of it.
        expect(Math.max(...lines.map((line) => line.length))).toBeGreaterThan(width - 12);
      }
    },
  );

  it('puts a flag too long for its column on a line of its own, its help below it', async () => {
    const { stdout } = await fish(['voices', 'create', '--help']);
    expect(stdout).toMatch(/^ {2}--visibility VISIBILITY\n {24}private, unlist, public/m);
  });

  it.each([
    ['credit', ['tts', 'asr', 'voices', 'JSON Lines', '60000']],
    ['package', ['tts', 'asr', 'voices', 'JSON Lines', '60000']],
    ['asr', ['voices', 'JSON Lines', 'retried 2 times']],
    ['tts', ['asr', 'voices', 'JSON Lines', 'retried 2 times']],
  ])("says nothing of other commands in the flags of '%s --help'", async (command, others) => {
    const { stdout } = await fish([command, '--help']);
    const flags = stdout.slice(stdout.indexOf('Flags:'), stdout.indexOf('Examples:'));
    for (const other of others) expect(flags).not.toContain(other);
  });

  it('prints the package.json version for --version and -v', async () => {
    for (const flag of ['--version', '-v']) {
      const result = await fish([flag], { FISH_API_KEY: undefined });
      expect(result).toMatchObject({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    }
  });
});

describe.concurrent('colour', () => {
  it('writes no ANSI escapes to pipes, on success or on failure', async (ctx) => {
    const api = await standIn(ctx);
    for (const args of [['credit'], ['credit', '--min', '1000'], ['package'], ['nope']]) {
      const result = await fish(args, { FISH_BASE_URL: api.url });
      expect(result.stdout + result.stderr).not.toMatch(ANSI);
      expect(result.stdout + result.stderr).not.toBe('');
    }
  });

  const terminal = { tty: { stdout: true, stderr: true } };

  it('makes the amount bold and "error:" red on a terminal', async (ctx) => {
    const api = await standIn(ctx, { credit: '7.5000' });
    const result = await fish(['credit', '--min', '8'], { FISH_BASE_URL: api.url }, terminal);
    expect(result.code).toBe(EXIT_CODES.BELOW_MIN);
    expect(result.stdout).toMatch(/^API credit +\x1b\[1m7\.5000\x1b\[22m\n/);
    expect(result.stderr).toMatch(/^\x1b\[31merror:\x1b\[39m API credit 7\.5000 is below/);
  });

  it('uses no colour on a terminal when NO_COLOR is set and non-empty', async (ctx) => {
    const api = await standIn(ctx);
    const env = { FISH_BASE_URL: api.url, NO_COLOR: '1' };
    const result = await fish(['credit', '--min', '1000'], env, terminal);
    expect(result.code).toBe(EXIT_CODES.BELOW_MIN);
    expect(result.stdout + result.stderr).not.toMatch(ANSI);
    expect(result.stdout).toMatch(/^API credit +100\.0000\n/);
  });

  it('still uses colour when NO_COLOR is set but empty, as no-color.org says', async () => {
    const result = await fish(['credit'], { FISH_API_KEY: undefined, NO_COLOR: '' }, terminal);
    expect(result.code).toBe(EXIT_CODES.CONFIG);
    expect(result.stderr).toMatch(/^\x1b\[31merror:/);
  });

  it('uses no colour when the streams are not terminals', async () => {
    const result = await fish(['credit'], { FISH_API_KEY: undefined });
    expect(result.code).toBe(EXIT_CODES.CONFIG);
    expect(result.stderr).toMatch(/^error: FISH_API_KEY is not set/);
  });
});

describe.concurrent('main()', () => {
  it('turns an unexpected failure into exit 9 and one line, without a stack trace', async (ctx) => {
    const api = await standIn(ctx);
    const written: string[] = [];
    // A stdout that throws: no stand-in the helper gives, so main() is called directly.
    const io: CliIO = {
      stdout: {
        write: () => {
          throw new TypeError('stdout is gone');
        },
      },
      stderr: { write: (text) => written.push(String(text)) },
    };
    const code = await main(['credit'], { FISH_API_KEY: KEY, FISH_BASE_URL: api.url }, io);
    seenExitCodes.add(code);
    expect(code).toBe(EXIT_CODES.INTERNAL);
    expect(written).toEqual([
      'error: Unexpected TypeError: stdout is gone. This is a bug in fish-audio-api; please report it.\n',
    ]);
  });

  it('reads only the environment it is given, not process.env', async () => {
    const saved = process.env.FISH_API_KEY;
    process.env.FISH_API_KEY = KEY;
    try {
      const result = await fish(['credit'], { FISH_API_KEY: undefined });
      expect(result.code).toBe(EXIT_CODES.CONFIG);
      expect(result.stderr).toMatch(/FISH_API_KEY is not set/);
    } finally {
      if (saved === undefined) delete process.env.FISH_API_KEY;
      else process.env.FISH_API_KEY = saved;
    }
  });
});

describe('exit codes', () => {
  it('lists every exit code in the README with the meaning --help gives', async () => {
    const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| exit code |')).split('\n\n')[0]!;
    const rows = [...table.matchAll(/^\| (\d+) +\| (.+?) +\|$/gm)].map(([, code, meaning]) => [
      code,
      meaning!.replaceAll('`', ''),
    ]);
    expect(Object.fromEntries(rows)).toEqual(EXIT_CODE_MEANINGS);
  });

  /**
   * The codes only a file being written can end with are produced in cli-files.test.ts (and
   * by a real process in cli-process.test.ts); that file must name each of them in an assertion.
   */
  const PRODUCED_BY_FILE_TESTS = ['FILE_SYSTEM', 'INTERRUPTED', 'TERMINATED'] as const;

  it('has every other documented exit code produced by some test above', () => {
    const seen = [...seenExitCodes].sort((a, b) => Number(a) - Number(b));
    const elsewhere = new Set<number>(PRODUCED_BY_FILE_TESTS.map((name) => EXIT_CODES[name]));
    expect(seen).toEqual(Object.values(EXIT_CODES).filter((code) => !elsewhere.has(code)));
  });

  it.each(PRODUCED_BY_FILE_TESTS)('has %s asserted by the file-output tests', async (name) => {
    const source = await readFile(path.join(ROOT, 'test/cli-files.test.ts'), 'utf8');
    expect(source).toMatch(new RegExp(`toBe\\(EXIT_CODES\\.${name}\\)|EXIT_CODES\\.${name}\\]`));
  });

  it('documents a meaning for every code and no code twice', () => {
    const codes = Object.values(EXIT_CODES);
    expect(new Set(codes).size).toBe(codes.length);
    expect(Object.keys(EXIT_CODE_MEANINGS).map(Number)).toEqual(codes);
  });
});

describe('the waiting line at a terminal', () => {
  /** `announceRetries` over a fetch whose answers the test gives, with fake timers. */
  function waitingFetch() {
    const lines: string[] = [];
    const answers: Array<(response: Response) => void> = [];
    const fetch = announceRetries(() => new Promise<Response>((resolve) => answers.push(resolve)), {
      maxAttempts: 3,
      timeout: 15_000,
      notice: (line) => lines.push(line),
      waitingAfter: 2000,
    });
    const answer = () => answers.shift()!(new Response(''));
    return { fetch, lines, answer };
  }

  it('says what the command waits for, once, after 2 s without an answer', async (ctx) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    ctx.onTestFinished(() => void vi.useRealTimers());
    const { fetch, lines, answer } = waitingFetch();
    // A base URL whose path holds a secret: the line names the origin only.
    const first = fetch('http://127.0.0.1:8080/sk-in-the-path/wallet/self/api-credit', {});
    await vi.advanceTimersByTimeAsync(1999);
    expect(lines).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(lines).toEqual([
      'waiting for http://127.0.0.1:8080 (no answer yet; each attempt gives up after 15 s)...',
    ]);
    answer();
    await first;
    // The next call, as slow, is not announced again.
    const second = fetch('http://127.0.0.1:8080/model', {});
    await vi.advanceTimersByTimeAsync(5000);
    answer();
    await second;
    expect(lines).toHaveLength(1);
  });

  it('says nothing when the answer comes within 2 s', async (ctx) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    ctx.onTestFinished(() => void vi.useRealTimers());
    const { fetch, lines, answer } = waitingFetch();
    const call = fetch('http://127.0.0.1:8080/wallet/self/api-credit', {});
    await vi.advanceTimersByTimeAsync(1500);
    answer();
    await call;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(lines).toEqual([]);
  });
});
