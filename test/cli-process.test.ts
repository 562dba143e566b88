/**
 * What only a real process shows, run against the built command (`dist/cli.js`, which the
 * package project's global setup builds from the current source) with this Node: the bin link,
 * real pipes for stdin and stdout, a reader that closes early, the exit code after a large
 * output, and module resolution without `ws`. Everything else about the command is tested
 * in-process (cli*.test.ts). Not concurrent: the children a test started are killed when any
 * test ends.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, type TestContext } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { track } from '../scripts/lib/process.js';
import { ROOT } from '../scripts/lib/root.js';
import { EXIT_CODES } from '../src/cli/index.js';
import { startLiveStandIn } from '../src/testing/live.js';
import { listenLoopback, type LoopbackHandler } from './helpers/loopback.js';
import { apiCreditBody, startServer } from './helpers/server.js';
import { builtPackage } from './helpers/built.js';

// dist/ is built once per run by test/setup/build.ts.
await builtPackage();
const CLI = path.join(ROOT, 'dist', 'cli.js');
const KEY = 'sk-cli-process-5e7a9c1b3d2f4a68';
/** Every byte value, so that any text decoding on the way would show. */
const AUDIO_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const AUDIO = { 'content-type': 'audio/mpeg' };

interface Exit {
  /** The exit code, or `null` when a signal ended the process. */
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

interface StartOptions {
  /** Added to the test key; nothing else of this process's environment is passed on. */
  env?: Record<string, string>;
  /** Node flags before the script. */
  node?: string[];
  /** The script Node runs; default dist/cli.js. */
  script?: string;
}

/**
 * Starts the script with this Node and pipes for stdin, stdout and stderr; the child is
 * tracked (killed when its test ends) and killed after 30 s. `done` rejects if the key was
 * printed or stderr holds a stack trace.
 */
function start(args: string[], options: StartOptions = {}) {
  const { env = {}, node = [], script = CLI } = options;
  const child = track(
    spawn(process.execPath, [...node, script, ...args], {
      env: { FISH_API_KEY: KEY, ...env },
      timeout: 30_000,
      killSignal: 'SIGKILL',
    }),
  );
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<Exit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const exit = { code, stdout: Buffer.concat(stdout), stderr };
      if ((exit.stdout.toString('latin1') + stderr).includes(KEY)) {
        reject(new Error(`The key was printed: ${stderr}`));
      } else if (/^\s+at /m.test(stderr)) reject(new Error(`A stack trace: ${stderr}`));
      else resolve(exit);
    });
  });
  /** Resolves once stdout so far satisfies `ready`; rejects if the process ends first. */
  const until = (ready: (stdout: Buffer) => boolean) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!ready(Buffer.concat(stdout))) return;
        child.stdout.off('data', check);
        resolve();
      };
      child.stdout.on('data', check);
      child.once('close', () => reject(new Error(`The command ended first: ${stderr}`)));
      check();
    });
  return { child, done, until };
}

/** Runs the script to its end with `stdin` piped in (or nothing). */
function run(args: string[], options: StartOptions & { stdin?: string } = {}) {
  const { child, done } = start(args, options);
  child.stdin.end(options.stdin ?? '');
  return done;
}

async function tempDir(ctx: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fish-audio-process-'));
  ctx.onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A loopback server for one test, closed when the test finishes. */
async function serve(ctx: TestContext, handler: LoopbackHandler) {
  const api = await listenLoopback(handler);
  ctx.onTestFinished(api.close);
  return api;
}

async function liveStandIn(ctx: TestContext, options: Parameters<typeof startLiveStandIn>[0]) {
  const live = await startLiveStandIn({ apiKey: KEY, ...options });
  ctx.onTestFinished(() => live.close());
  return live;
}

describe('the built command as a process', () => {
  it('runs through a symlink, as from node_modules/.bin', async (ctx) => {
    const dir = await tempDir(ctx);
    await mkdir(path.join(dir, '.bin'));
    const link = path.join(dir, '.bin', 'fish-audio-api');
    await symlink(CLI, link);
    const exit = await run(['--version'], { script: link });
    expect(exit).toEqual({ code: 0, stdout: Buffer.from(`${pkg.version}\n`), stderr: '' });
  });

  it('does nothing when imported by another script', async (ctx) => {
    const script = path.join(await tempDir(ctx), 'importer.mjs');
    const cli = pathToFileURL(CLI).href;
    await writeFile(
      script,
      `const m = await import(${JSON.stringify(cli)});\nconsole.log(typeof m.main);\n`,
    );
    const exit = await run([], { script });
    expect(exit).toEqual({ code: 0, stdout: Buffer.from('function\n'), stderr: '' });
  });

  it('reads the text of tts - from a piped stdin and writes the audio to a piped stdout', async (ctx) => {
    const api = await serve(ctx, (_req, res) => res.writeHead(200, AUDIO).end(AUDIO_BYTES));
    const exit = await run(['tts', '-', '-o', '-', '--base-url', api.url], {
      stdin: 'Grüße\nvon stdin\n',
    });
    expect(exit).toEqual({ code: 0, stdout: AUDIO_BYTES, stderr: '' });
    expect(JSON.parse(api.requests[0]!.body.toString()).text).toBe('Grüße\nvon stdin\n');
  });

  it('exits 0 and stops the download when the reader of -o - closes the pipe early', async (ctx) => {
    const api = await serve(ctx, (_req, res) => {
      res.writeHead(200, AUDIO);
      // Never ends: a command that kept downloading would never exit.
      const timer = setInterval(() => res.write(Buffer.alloc(16_384)), 5);
      res.on('close', () => clearInterval(timer));
    });
    const { child, done, until } = start(['tts', 'hi', '-o', '-', '--base-url', api.url]);
    child.stdin.end();
    await until((stdout) => stdout.length > 0);
    // As `| head -c 100` does once it has what it wants.
    child.stdout.destroy();
    expect(await done).toMatchObject({ code: 0, stderr: '' });
  });

  it('delivers a large output whole through a pipe, and then exits with its code', async (ctx) => {
    // Far more than a pipe holds, from a run that fails after printing it: --json --min.
    const body = apiCreditBody({ credit: '2.5000', note: 'x'.repeat(512 * 1024) });
    const api = await startServer();
    ctx.onTestFinished(() => api.close());
    api.reply(200, body);
    const exit = await run(['credit', '--json', '--min', '3', '--base-url', api.url]);
    expect(exit.code, exit.stderr).toBe(EXIT_CODES.BELOW_MIN);
    expect(exit.stdout.toString()).toBe(`${JSON.stringify(body, null, 2)}\n`);
    expect(exit.stderr).toMatch(/^error: API credit 2\.5000 is below --min 3\. [^\n]+\n$/);
  });
});

describe('tts --live as a process', () => {
  it("streams each piped line's audio to stdout before stdin is closed", async (ctx) => {
    // The stand-in speaks a text as its UTF-8 bytes, and only on flush when buffering.
    const live = await liveStandIn(ctx, { bufferUntilFlush: true });
    const { child, done, until } = start(['tts', '--live', '-o', '-', '--base-url', live.url]);
    child.stdin.write('Hello there.\n');
    await until((stdout) => stdout.toString() === 'Hello there.\n');
    child.stdin.end('Second line\n');
    expect(await done).toEqual({
      code: 0,
      stdout: Buffer.from('Hello there.\nSecond line\n'),
      stderr: '',
    });
  });

  it('exits with its code when the session fails while stdin is still open', async (ctx) => {
    const live = await liveStandIn(ctx, { apiKey: 'another-key' });
    const { child, done } = start(['tts', '--live', '-o', '-', '--base-url', live.url]);
    // Never ended: the command stops reading stdin once the session has failed.
    child.stdin.write('hi\n');
    const exit = await done;
    expect([exit.code, exit.stdout.length]).toEqual([EXIT_CODES.AUTH, 0]);
    expect(exit.stderr).toMatch(/^error: The API refused the key \(HTTP 401[^\n]*\n$/);
  });

  it('without the ws package: one line, exit 3, before anything is sent', async (ctx) => {
    const dir = await tempDir(ctx);
    // A resolve hook that finds no `ws`, as where it is not installed.
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
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
    );
    const live = await liveStandIn(ctx, {});
    const exit = await run(['tts', '--live', '-o', '-', '--base-url', live.url], {
      node: ['--import', register],
      stdin: 'hi\n',
    });
    expect(exit).toEqual({
      code: EXIT_CODES.CONFIG,
      stdout: Buffer.alloc(0),
      stderr:
        "error: tts --live needs the ws package, which is not installed: run 'npm install ws' where fish-audio-api is installed.\n",
    });
    expect(live.connections).toHaveLength(0);
  });
});
