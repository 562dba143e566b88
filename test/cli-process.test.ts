/**
 * What only a real process shows, run against the built command (`dist/cli.js`, which the
 * package project's global setup builds from the current source) with this Node: the bin link,
 * real pipes for stdin and stdout, a reader that closes early, the exit code after a large
 * output, and module resolution without `ws`; SIGINT and SIGTERM, and a file-size limit.
 * Everything else about the command is tested in-process (cli*.test.ts). Not concurrent: the
 * children a test started are killed when any test ends.
 */
import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
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
  /** A shell line run first, such as `ulimit -f 1`: Node then replaces the shell. */
  shell?: string;
}

/**
 * Starts the script with this Node and pipes for stdin, stdout and stderr; the child is
 * tracked (killed when its test ends) and killed after 30 s. `done` rejects if the key was
 * printed or stderr holds a stack trace.
 */
function start(args: string[], options: StartOptions = {}) {
  const { env = {}, node = [], script = CLI, shell } = options;
  const command = [process.execPath, ...node, script, ...args];
  const [file, ...rest] = shell
    ? ['/bin/sh', '-c', `${shell} && exec "$@"`, 'sh', ...command]
    : command;
  const child = track(
    spawn(file!, rest, {
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

/** Resolves once a temporary `.part` file in `dir` holds bytes: checked now and on each change. */
function partHoldsBytes(ctx: TestContext, dir: string): Promise<void> {
  const watcher = watch(dir);
  ctx.onTestFinished(() => watcher.close());
  return new Promise((resolve) => {
    const check = async () => {
      const names = await readdir(dir).catch(() => []);
      for (const name of names.filter((n) => n.endsWith('.part'))) {
        const size = await stat(path.join(dir, name)).then(
          (info) => info.size,
          () => 0,
        );
        if (size > 0) resolve();
      }
    };
    watcher.on('change', () => void check());
    watcher.on('error', () => {});
    void check();
  });
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

describe('careless callers of the built command', () => {
  it('voices list | head -n 1: asks for no page after the reader has left, and exits 0', async (ctx) => {
    let pipeClosed!: () => void;
    const closed = new Promise<void>((resolve) => (pipeClosed = resolve));
    // 61 pages of 10 voices; the second is answered only once the reader has gone.
    const api = await serve(ctx, (_req, res, seen) => {
      const page = Number(new URL(seen.url, 'http://x').searchParams.get('page_number') ?? '1');
      const items = Array.from({ length: 10 }, (_, i) => ({ _id: `v${page}-${i}`, title: 'A' }));
      const answer = () =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ total: 610, items }));
      if (page === 1) answer();
      else void closed.then(answer);
    });
    const { child, done, until } = start(['voices', 'list', '--base-url', api.url]);
    child.stdin.end();
    await until((stdout) => stdout.includes('\n'));
    // As `head -n 1` does once it has its line.
    child.stdout.destroy();
    child.stdout.once('close', pipeClosed);
    expect(await done).toMatchObject({ code: 0, stderr: '' });
    // Page 2 may or may not have been asked before the pipe closed (a write of page 1 can
    // already fail); page 3 never is.
    expect(api.requests.length).toBeLessThanOrEqual(2);
  });

  it.for([
    ['SIGINT', EXIT_CODES.INTERRUPTED],
    ['SIGTERM', EXIT_CODES.TERMINATED],
  ] as const)(
    '%s during tts -o FILE removes the temporary file and exits %i',
    async ([signal, code], ctx) => {
      const dir = await tempDir(ctx);
      // Half of the audio, then nothing: only the signal ends the run.
      const api = await serve(ctx, (_req, res) => res.writeHead(200, AUDIO).write(AUDIO_BYTES));
      const out = path.join(dir, 'speech.mp3');
      const { child, done } = start(['tts', 'hi', '-o', out, '--base-url', api.url]);
      child.stdin.end();
      await partHoldsBytes(ctx, dir);
      child.kill(signal);
      expect(await done).toEqual({
        code,
        stdout: Buffer.alloc(0),
        stderr: `error: Interrupted by ${signal}; ${JSON.stringify(out)} was not written.\n`,
      });
      expect(await readdir(dir)).toEqual([]);
    },
  );

  it('a write that fails midway (EFBIG under ulimit -f) exits 10, removing the temporary file and keeping the old one', async (ctx) => {
    const dir = await tempDir(ctx);
    const out = path.join(dir, 'speech.mp3');
    await writeFile(out, 'the old take');
    const api = await serve(ctx, (_req, res) =>
      res.writeHead(200, AUDIO).end(Buffer.alloc(65_536, 1)),
    );
    // A file-size limit of one block (512 or 1024 bytes): the temporary file's writes fail.
    const exit = await run(['tts', 'hi', '-o', out, '--base-url', api.url], {
      shell: 'ulimit -f 1',
    });
    expect(exit).toEqual({
      code: EXIT_CODES.FILE_SYSTEM,
      stdout: Buffer.alloc(0),
      stderr: `error: Could not write ${JSON.stringify(out)}: file too large (EFBIG); it was left as it was.\n`,
    });
    expect(await readdir(dir)).toEqual(['speech.mp3']);
    expect(await readFile(out, 'utf8')).toBe('the old take');
  });
});
