/**
 * `fish-audio-api tts --live`, called in-process (`main`) against `startLiveStandIn` on
 * 127.0.0.1: each stdin line is spoken while stdin is still open, and failures are one line
 * and a code. A real pipe, and a Node without `ws`, are in cli-process.test.ts.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it, type TestContext } from 'vitest';
import { EXIT_CODES } from '../src/cli/index.js';
import { startLiveStandIn } from '../src/testing/live.js';
import { startCli } from './helpers/cli.js';
import { listenLoopback } from './helpers/loopback.js';

const KEY = 'sk-cli-live-7c1e9b3d5f2a4e80';

/** Starts the command with the test key against `url`, reading `stdin`. */
function start(args: string[], url: string, stdin: string | PassThrough) {
  return startCli([...args, '--base-url', url], { env: { FISH_API_KEY: KEY }, stdin });
}

/** A stdin the test writes to as it goes, ended when the test finishes at the latest. */
function pipe(ctx: TestContext): PassThrough {
  const stdin = new PassThrough();
  ctx.onTestFinished(() => void stdin.end());
  return stdin;
}

async function standIn(ctx: TestContext, options: Parameters<typeof startLiveStandIn>[0] = {}) {
  const live = await startLiveStandIn({ apiKey: KEY, ...options });
  ctx.onTestFinished(() => live.close());
  return live;
}

describe.concurrent('fish-audio-api tts --live', () => {
  it("streams the first line's audio to stdout before stdin is closed", async (ctx) => {
    // The stand-in speaks a text as its UTF-8 bytes, and only on flush when buffering.
    const live = await standIn(ctx, { bufferUntilFlush: true });
    const stdin = pipe(ctx);
    const args = ['tts', '--live', '--voice', 'v1', '--format', 'mp3', '-o', '-'];
    const run = start(args, live.url, stdin);
    stdin.write('Hello there.\n');
    await run.until(({ stdout }) => stdout === 'Hello there.\n');
    stdin.end('\nSecond line');
    const done = await run.done;
    expect(done).toMatchObject({ code: 0, stdout: 'Hello there.\nSecond line', stderr: '' });
    const [connection] = live.connections;
    expect(connection!.headers.authorization).toBe(`Bearer ${KEY}`);
    const kinds = connection!.events.map((event) => event.event);
    expect(kinds).toEqual(['start', 'text', 'flush', 'text', 'flush', 'stop']);
    expect(connection!.events[0]).toMatchObject({ request: { reference_id: 'v1', format: 'mp3' } });
  });

  it('writes -o FILE only once the session has finished', async (ctx) => {
    const live = await standIn(ctx);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fish-audio-live-'));
    ctx.onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const out = path.join(dir, 'live.mp3');
    const run = await start(['tts', '--live', '-o', out], live.url, 'one\ntwo\n').done;
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(await readFile(out, 'utf8')).toBe('one\ntwo\n');
  });

  it('a refused key, a broken session and no text are one line with their exit codes', async (ctx) => {
    const live = await standIn(ctx, { apiKey: 'another-key' });
    const open = pipe(ctx);
    const refused = start(['tts', '--live', '-o', '-'], live.url, open);
    open.write('hi\n');
    const r = await refused.done;
    expect([r.code, r.stdout]).toEqual([EXIT_CODES.AUTH, '']);
    expect(r.stderr).toMatch(/^error: The API refused the key \(HTTP 401[^\n]*\n$/);

    const dropping = await standIn(ctx, { fault: 'drop', faultAt: 2 });
    const lines = pipe(ctx);
    const broken = start(['tts', '--live', '-o', '-'], dropping.url, lines);
    lines.write('one\n');
    await broken.until(({ stdout }) => stdout === 'one\n');
    lines.write('two\n');
    const b = await broken.done;
    expect(b.code, b.stderr).toBe(EXIT_CODES.NETWORK);
    expect(b.stderr).toMatch(/^error: [^\n]+\n$/);

    const quiet = await standIn(ctx);
    const n = await start(['tts', '--live', '-o', '-'], quiet.url, '\n  \n').done;
    expect([n.code, n.stderr]).toEqual([
      EXIT_CODES.USAGE,
      "error: There is no text to speak. Run 'fish-audio-api tts --help' for usage.\n",
    ]);
  });

  it('says, for a 404 on the handshake, that nothing serves the live endpoint, not to check --voice', async (ctx) => {
    // A server that is not the API: every path, the live one included, is a 404.
    const api = await listenLoopback((_req, res) =>
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not Found"}'),
    );
    ctx.onTestFinished(api.close);
    const run = await start(['tts', '--live', '-o', '-'], api.url, 'hello\n').done;
    expect(run.code).toBe(EXIT_CODES.API);
    expect(run.stderr).toMatch(
      /^error: Not found \(HTTP 404[^\n]*\)\. Nothing serves the live endpoint \(\/v1\/tts\/live\) there: check that --base-url points at the Fish Audio API\.\n$/,
    );
    expect(run.stderr).not.toContain('--voice');
  });

  it('--live takes no TEXT but -', async (ctx) => {
    const live = await standIn(ctx);
    const done = await start(['tts', 'Hello', '--live', '-o', '-'], live.url, '').done;
    expect(done.code).toBe(EXIT_CODES.USAGE);
    expect(done.stderr).toMatch(/^error: tts --live reads its text from stdin/);
  });
});
