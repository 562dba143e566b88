/**
 * `fish-audio-api tts --live`, run as a real process against `startLiveStandIn` on 127.0.0.1:
 * each stdin line is spoken while stdin is still open, and failures are one line and a code.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { EXIT_CODES } from '../src/cli/index.js';
import { startLiveStandIn } from '../src/testing/live.js';
import { PROJECT_DIR } from './helpers/cli-run.js';

const KEY = 'sk-cli-live-7c1e9b3d5f2a4e80';

function start(args: string[], url: string, node: string[] = []) {
  const base = Object.fromEntries(
    ['PATH', 'HOME', 'TMPDIR'].map((name) => [name, process.env[name]]),
  );
  const env = Object.entries({ ...base, FISH_API_KEY: KEY }).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  const child = spawn(
    process.execPath,
    [...node, '--import', 'tsx', 'src/cli/index.ts', ...args, '--base-url', url],
    {
      cwd: PROJECT_DIR,
      env: Object.fromEntries(env),
      timeout: 30_000,
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => {
        if ((stdout + stderr).includes(KEY)) reject(new Error(`The key was printed: ${stderr}`));
        else if (/^\s+at /m.test(stderr)) reject(new Error(`A stack trace: ${stderr}`));
        else resolve({ code, stdout, stderr });
      });
    },
  );
  return { child, done, stdout: () => stdout };
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
    const run = start(['tts', '--live', '--voice', 'v1', '--format', 'mp3', '-o', '-'], live.url);
    run.child.stdin.write('Hello there.\n');
    await ctx.expect.poll(run.stdout, { timeout: 20_000 }).toBe('Hello there.\n');
    run.child.stdin.end('\nSecond line');
    const done = await run.done;
    expect(done).toEqual({ code: 0, stdout: 'Hello there.\nSecond line', stderr: '' });
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
    const run = start(['tts', '--live', '-o', out], live.url);
    run.child.stdin.end('one\ntwo\n');
    expect(await run.done).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await readFile(out, 'utf8')).toBe('one\ntwo\n');
  });

  it('a refused key, a broken session and no text are one line with their exit codes', async (ctx) => {
    const live = await standIn(ctx, { apiKey: 'another-key' });
    const refused = start(['tts', '--live', '-o', '-'], live.url);
    refused.child.stdin.write('hi\n');
    const r = await refused.done;
    expect([r.code, r.stdout]).toEqual([EXIT_CODES.AUTH, '']);
    expect(r.stderr).toMatch(/^error: The API refused the key \(HTTP 401[^\n]*\n$/);

    const dropping = await standIn(ctx, { fault: 'drop', faultAt: 2 });
    const broken = start(['tts', '--live', '-o', '-'], dropping.url);
    broken.child.stdin.write('one\n');
    await ctx.expect.poll(broken.stdout, { timeout: 20_000 }).toBe('one\n');
    broken.child.stdin.write('two\n');
    const b = await broken.done;
    expect(b.code, b.stderr).toBe(EXIT_CODES.NETWORK);
    expect(b.stderr).toMatch(/^error: [^\n]+\n$/);

    const quiet = await standIn(ctx);
    const none = start(['tts', '--live', '-o', '-'], quiet.url);
    none.child.stdin.end('\n  \n');
    const n = await none.done;
    expect([n.code, n.stderr]).toEqual([
      EXIT_CODES.USAGE,
      "error: There is no text to speak. Run 'fish-audio-api tts --help' for usage.\n",
    ]);
  });

  it('without the ws package: one line, exit 3, before anything is sent', async (ctx) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fish-audio-nows-'));
    ctx.onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const hooks = path.join(dir, 'hooks.mjs');
    await writeFile(
      hooks,
      `export async function resolve(specifier, context, next) {
  if (specifier === 'ws') throw Object.assign(new Error("Cannot find package 'ws'"), { code: 'ERR_MODULE_NOT_FOUND' });
  return next(specifier, context);
}`,
    );
    const register = path.join(dir, 'register.mjs');
    await writeFile(
      register,
      `import { register } from 'node:module';\nregister(${JSON.stringify(new URL(`file://${hooks}`).href)});\n`,
    );
    const live = await standIn(ctx);
    const run = start(['tts', '--live', '-o', '-'], live.url, ['--import', register]);
    run.child.stdin.end('hi\n');
    const done = await run.done;
    expect(done).toEqual({
      code: EXIT_CODES.CONFIG,
      stdout: '',
      stderr:
        "error: tts --live needs the ws package, which is not installed: run 'npm install ws' where fish-audio-api is installed.\n",
    });
    expect(live.connections).toHaveLength(0);
  });

  it('--live takes no TEXT but -', async (ctx) => {
    const live = await standIn(ctx);
    const run = start(['tts', 'Hello', '--live', '-o', '-'], live.url);
    run.child.stdin.end();
    const done = await run.done;
    expect(done.code).toBe(EXIT_CODES.USAGE);
    expect(done.stderr).toMatch(/^error: tts --live reads its text from stdin/);
  });
});
