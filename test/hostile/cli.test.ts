/**
 * The command against hostile servers and hostile configuration, called in-process (`main`):
 * sensible exit codes (never 9, the "bug" code), one error line, and never the key (the helper
 * checks every run for the key, raw or percent-encoded).
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it, type TestContext } from 'vitest';
import { runCli, type CliRun } from '../helpers/cli.js';
import { rawHead, startHttpServer, type HttpServer, type Script } from '../helpers/http-server.js';
import { apiCreditBody, KEY, REDACTED } from './support.js';

/** Runs the command with the test key (or `key`) and colour off. */
function fish(
  args: string[],
  env: Record<string, string | undefined> = {},
  key = KEY,
): Promise<CliRun> {
  return runCli(args, { env: { FISH_API_KEY: key, NO_COLOR: '1', ...env } });
}

async function serverWith(ctx: TestContext, reply: Script): Promise<HttpServer> {
  const server = await startHttpServer();
  server.setDefault(reply);
  ctx.onTestFinished(() => server.close());
  return server;
}

const DEEP_ARRAYS = '['.repeat(4000) + ']'.repeat(4000);
const DEEP_OBJECTS = '{"a":'.repeat(4000) + '1' + '}'.repeat(4000);
const JSON_TYPE = { 'content-type': 'application/json' };
/** On a 5xx, keeps the client's two retries from waiting: the body is under test, not the wait. */
const NO_WAIT = { 'retry-after': '0' };

describe.concurrent('base URLs that are refused before anything is sent', () => {
  it.each([
    'http://127.0.0.1:1/?a=1',
    'http://127.0.0.1:1/?',
    'http://h/#f',
    'http://h ',
    'ftp://127.0.0.1:1/',
  ])('exits 2 for --base-url %j', async (baseUrl) => {
    const result = await fish(['credit', '--base-url', baseUrl, '--timeout', '300']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/^error: .*base-url/);
    expect(result.stdout).toBe('');
  });

  it.each(['http://127.0.0.1:1/?token=abc', 'http://127.0.0.1:1/#frag'])(
    'exits 3 for FISH_BASE_URL=%j, without printing it',
    async (baseUrl) => {
      const result = await fish(['credit', '--timeout', '300'], { FISH_BASE_URL: baseUrl });
      expect(result.code, result.stderr).toBe(3);
      expect(result.stderr).toContain('FISH_BASE_URL');
      expect(result.stderr).not.toMatch(/token=abc|#frag/);
    },
  );
});

describe.concurrent('hostile servers', () => {
  it('states the attempts count when the API always answers 503', async (ctx) => {
    const server = await serverWith(ctx, {
      status: 503,
      headers: NO_WAIT,
      json: { status: 503, message: 'busy' },
    });
    const result = await fish(['credit', '--base-url', server.url]);
    expect(result.code, result.stderr).toBe(6);
    expect(server.count()).toBe(3);
    expect(result.stderr).toMatch(/\b3 attempts\b/);
  });

  it.for([
    ['arrays', DEEP_ARRAYS],
    ['objects', DEEP_OBJECTS],
  ])('exits 8 for a 200 of deeply nested %s', async ([, body], ctx) => {
    const server = await serverWith(ctx, { headers: JSON_TYPE, body });
    const result = await fish(['credit', '--base-url', server.url]);
    expect(result.code, result.stderr).toBe(8);
    expect(result.stderr).not.toContain('Could not reach');
  });

  it('exits 6 for a 500 of deeply nested arrays', async (ctx) => {
    const server = await serverWith(ctx, {
      status: 500,
      headers: { ...JSON_TYPE, ...NO_WAIT },
      body: DEEP_ARRAYS,
    });
    const result = await fish(['credit', '--base-url', server.url]);
    expect(result.code, result.stderr).toBe(6);
    expect(result.stderr).not.toContain('Could not reach');
  });

  it('exits 4 for a 401 that echoes the key, without printing it', async (ctx) => {
    const server = await serverWith(ctx, (req) => ({
      status: 401,
      json: { status: 401, message: `bad key ${req.headers.authorization}` },
    }));
    const result = await fish(['credit', '--base-url', server.url]);
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toContain(`Bearer ${REDACTED}`);
  });

  it('exits 8 for a 200 that echoes the key into credit, without printing it', async (ctx) => {
    const server = await serverWith(ctx, (req) => ({
      json: apiCreditBody({ credit: String(req.headers.authorization) }),
    }));
    const result = await fish(['credit', '--base-url', server.url]);
    expect(result.code, result.stderr).toBe(8);
  });

  it('prints --json of a body that echoes the key without the key', async (ctx) => {
    const server = await serverWith(ctx, (req) => ({
      json: apiCreditBody({ note: `seen ${req.headers.authorization}` }),
    }));
    const result = await fish(['credit', '--json', '--base-url', server.url]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(REDACTED);
  });

  it('prints neither the raw nor the percent-encoded key from a plain-text 500', async (ctx) => {
    const key = 'sk+hostile/0123=abcdef';
    const server = await serverWith(ctx, {
      status: 500,
      headers: { 'content-type': 'text/plain', ...NO_WAIT },
      body: `upstream said Bearer%20${encodeURIComponent(key)} and Bearer ${key}`,
    });
    const result = await fish(['credit', '--base-url', server.url], {}, key);
    expect(result.code, result.stderr).toBe(6);
  });

  it("prints a 402 message unchanged when the key is the letter 'e'", async (ctx) => {
    const server = await serverWith(ctx, {
      status: 402,
      json: { status: 402, message: 'Check your credit' },
    });
    const result = await fish(['credit', '--base-url', server.url], {}, 'e');
    expect(result.code, result.stderr).toBe(5);
    expect(result.stderr).toContain('Check your credit');
    expect(result.stderr).not.toContain(REDACTED);
  });

  it('exits 0 for a 200 whose reason phrase is not ASCII', async (ctx) => {
    const text = JSON.stringify(apiCreditBody());
    const server = await serverWith(ctx, {
      raw: [rawHead('HTTP/1.1 200 Ökay', [['content-length', String(text.length)]]), text],
    });
    const result = await fish(['credit', '--base-url', server.url]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^API credit +12\.3400$/m);
  });

  it('exits 6 for a gzip 500 whose reason phrase is not ASCII', async (ctx) => {
    const packed = gzipSync(JSON.stringify({ status: 500, message: 'kaputt' }));
    const server = await serverWith(ctx, {
      raw: [
        rawHead('HTTP/1.1 500 Fehler ü', [
          ['content-encoding', 'gzip'],
          ...Object.entries(NO_WAIT),
          ['content-length', String(packed.length)],
        ]),
        packed,
      ],
    });
    const result = await fish(['credit', '--base-url', server.url]);
    expect(result.code, result.stderr).toBe(6);
    expect(result.stderr).toContain('kaputt');
  });
});
