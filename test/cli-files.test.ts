/**
 * Where `fish-audio-api` writes, against a careless caller: an `-o` that is a FIFO, a device or
 * a socket is never replaced by a regular file; a full disk or another file-system failure is
 * its own exit code and one line, leaving no temporary file and an existing file as it was;
 * SIGINT and SIGTERM remove the temporary file; a stdout whose reader has left stops the work.
 * Called in-process (`main`) against servers on 127.0.0.1. A real process's signals and pipes
 * are in cli-process.test.ts.
 *
 * Devices are reached through a symlink in the test's own folder: the tests may run as root,
 * and a command that wrongly renamed onto its `-o` then replaces the link, never /dev/null.
 */
import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { constants, watch } from 'node:fs';
import {
  lstat,
  mkdir,
  mkdtemp,
  open,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  unlink,
  writeFile,
} from 'node:fs/promises';
import type http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it, type TestContext } from 'vitest';
import { EXIT_CODES, main } from '../src/cli/index.js';
import { startLiveStandIn } from '../src/testing/live.js';
import { runCli, type CliRunOptions } from './helpers/cli.js';
import { listenLoopback, type LoopbackHandler } from './helpers/loopback.js';

const KEY = 'sk-cli-files-2b8d4f6a0c1e3a57';
/** Every byte value, so that any text decoding on the way would show. */
const AUDIO_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const AUDIO = { 'content-type': 'audio/mpeg' };
const JSON_TYPE = { 'content-type': 'application/json' };

async function tempDir(ctx: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fish-audio-files-'));
  ctx.onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A loopback server for one test, closed when the test finishes. */
async function serve(ctx: TestContext, handler: LoopbackHandler) {
  const api = await listenLoopback(handler);
  ctx.onTestFinished(api.close);
  return api;
}

/** Serves the audio whole. */
const audio: LoopbackHandler = (_req, res) => res.writeHead(200, AUDIO).end(AUDIO_BYTES);

/** Serves audio without end: a command that kept downloading would never finish. */
const endless: LoopbackHandler = (_req, res) => {
  res.writeHead(200, AUDIO);
  const timer = setInterval(() => res.write(AUDIO_BYTES), 5);
  res.on('close', () => clearInterval(timer));
};

/** Runs the command to its end with the test key. */
function fish(args: string[], options: Omit<CliRunOptions, 'env'> = {}) {
  return runCli(args, { ...options, env: { FISH_API_KEY: KEY } });
}

async function liveStandIn(ctx: TestContext) {
  const live = await startLiveStandIn({ apiKey: KEY });
  ctx.onTestFinished(() => live.close());
  return live;
}

/** A FIFO in `dir`, and what a reader gets from it: the reader opens it at once. */
function fifoIn(ctx: TestContext, dir: string, read: 'all' | 'first chunk' = 'all') {
  const fifo = path.join(dir, 'speech.mp3');
  execFileSync('mkfifo', [fifo]);
  let opened = false;
  const received = (async () => {
    const handle = await open(fifo, 'r');
    opened = true;
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of handle.createReadStream({ autoClose: false })) {
        chunks.push(chunk as Buffer);
        if (read === 'first chunk') break;
      }
      return Buffer.concat(chunks);
    } finally {
      await handle.close();
    }
  })();
  // A reader still waiting for a writer blocks a thread: a writer that opens and closes frees it.
  ctx.onTestFinished(async () => {
    if (!opened) await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).then((h) => h.close());
  });
  return { fifo, received };
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

/** A stdout whose writes fail with `code` (as a closed pipe or a full disk does) after `ok` writes. */
function failingStdout(code: 'EPIPE' | 'ENOSPC', ok = 0) {
  let writes = 0;
  const stdout = new Writable({
    write(_chunk, _encoding, done) {
      writes += 1;
      if (writes <= ok) return done();
      done(Object.assign(new Error(`write ${code}`), { code, syscall: 'write' }));
    },
  });
  // As the command's own process.stdout has: a write error must not crash the test's process.
  stdout.on('error', () => {});
  return stdout;
}

interface MainRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Calls `main` with what the helper cannot give it (a stdout stream that fails, a source of
 * signals), checking the same invariants: the key never printed, no stack trace.
 */
function startMain(
  args: string[],
  extra: { stdout?: Writable; signals?: EventEmitter; stdin?: PassThrough },
) {
  let stdout = '';
  let stderr = '';
  const done = main(args, { FISH_API_KEY: KEY }, {
    stdout: extra.stdout ?? { write: (chunk) => void (stdout += String(chunk)) },
    stderr: { write: (chunk) => void (stderr += String(chunk)) },
    ...(extra.stdin ? { stdin: extra.stdin } : {}),
    ...(extra.signals ? { signals: extra.signals } : {}),
  } as Parameters<typeof main>[2]).then((code): MainRun => {
    if ((stdout + stderr).includes(KEY)) throw new Error(`The key was printed: ${stderr}`);
    if (/^\s+at /m.test(stderr)) throw new Error(`A stack trace: ${stderr}`);
    return { code, stdout, stderr };
  });
  done.catch(() => {});
  return done;
}

/** One voice per item, `total` voices in pages of 10: 61 pages for 610. */
function voicePages(total: number): LoopbackHandler {
  return (_req, res, seen) => {
    const page = Number(new URL(seen.url, 'http://x').searchParams.get('page_number') ?? '1');
    const items = Array.from(
      { length: Math.max(0, Math.min(10, total - (page - 1) * 10)) },
      (_, i) => ({
        _id: `v${(page - 1) * 10 + i + 1}`,
        title: 'A voice',
        state: 'trained',
        visibility: 'private',
      }),
    );
    res.writeHead(200, JSON_TYPE).end(JSON.stringify({ total, items }));
  };
}

/** The two commands that write -o: a name, their words before -o, and their stdin. */
const WRITERS: ReadonlyArray<readonly [name: string, words: string[], stdin: string]> = [
  ['tts', ['hi'], ''],
  ['tts --live', ['--live'], 'hello\n'],
];

/** The server a writer talks to: an audio server, or the live stand-in for --live. */
async function serverFor(ctx: TestContext, words: readonly string[]) {
  return words[0] === '--live' ? await liveStandIn(ctx) : await serve(ctx, audio);
}

/** `-o` names in the test's folder that lead to a device: a symlink to it. */
async function deviceLink(dir: string, device: '/dev/null' | '/dev/full'): Promise<string> {
  const link = path.join(dir, `${path.basename(device)}.mp3`);
  await symlink(device, link);
  return link;
}

// Not concurrent: a FIFO's reader and writer each hold one of Node's few file-system threads
// while they wait for the other side.
describe('-o that is a FIFO, a device or a socket: written in place, never replaced', () => {
  it('streams the audio through a FIFO byte for byte, and the FIFO stays a FIFO', async (ctx) => {
    const dir = await tempDir(ctx);
    const api = await serve(ctx, audio);
    const { fifo, received } = fifoIn(ctx, dir);
    const run = await fish(['tts', 'hi', '-o', fifo, '--base-url', api.url]);
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(await received).toEqual(AUDIO_BYTES);
    expect((await lstat(fifo)).isFIFO()).toBe(true);
  });

  it('leaves nothing beside a FIFO it wrote', async (ctx) => {
    const dir = await tempDir(ctx);
    const api = await serve(ctx, audio);
    const { fifo, received } = fifoIn(ctx, dir);
    await fish(['tts', 'hi', '-o', fifo, '--base-url', api.url]);
    await received;
    expect(await readdir(dir)).toEqual(['speech.mp3']);
  });

  it('streams tts --live audio through a FIFO, and the FIFO stays a FIFO', async (ctx) => {
    const dir = await tempDir(ctx);
    const live = await liveStandIn(ctx);
    const { fifo, received } = fifoIn(ctx, dir);
    const args = ['tts', '--live', '-o', fifo, '--base-url', live.url];
    const run = await fish(args, { stdin: 'one\ntwo\n' });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect((await received).toString()).toBe('one\ntwo\n');
    expect((await lstat(fifo)).isFIFO()).toBe(true);
  });

  it('closes the FIFO when the API fails, so its reader sees the end', async (ctx) => {
    const dir = await tempDir(ctx);
    const api = await serve(ctx, (_req, res) => res.writeHead(500).end());
    const { fifo, received } = fifoIn(ctx, dir);
    const run = await fish(['tts', 'hi', '-o', fifo, '--base-url', api.url]);
    expect(run.code, run.stderr).toBe(EXIT_CODES.API);
    expect(await received).toEqual(Buffer.alloc(0));
  });

  it("stops the download and exits 0 quietly when the FIFO's reader leaves early", async (ctx) => {
    const dir = await tempDir(ctx);
    const api = await serve(ctx, endless);
    const { fifo, received } = fifoIn(ctx, dir, 'first chunk');
    const run = await fish(['tts', 'hi', '-o', fifo, '--base-url', api.url]);
    expect((await received).length).toBeGreaterThan(0);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    await api.whenClosed(1);
    expect(api.requests).toHaveLength(1);
  });

  it.for(WRITERS)(
    '%s writes a device (/dev/null) in place: it stays a device',
    async ([, words, stdin], ctx) => {
      const dir = await tempDir(ctx);
      const api = await serverFor(ctx, words);
      const link = await deviceLink(dir, '/dev/null');
      const run = await fish(['tts', ...words, '-o', link, '--base-url', api.url], { stdin });
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect((await lstat(link)).isSymbolicLink()).toBe(true);
      expect((await stat(link)).isCharacterDevice()).toBe(true);
      expect(await readdir(dir)).toEqual(['null.mp3']);
    },
  );

  it('refuses a socket as -o with exit 2 before anything is sent, and the socket stays', async (ctx) => {
    const dir = await tempDir(ctx);
    const api = await serve(ctx, audio);
    const socket = path.join(dir, 'speech.sock');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    ctx.onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const run = await fish(['tts', 'hi', '-o', socket, '--base-url', api.url]);
    expect(run.code, run.stderr).toBe(EXIT_CODES.USAGE);
    expect(run.stderr).toMatch(
      /^error: Cannot write -o "[^"]+speech\.sock": [^\n]*\(ENXIO\)[^\n]*\n$/,
    );
    expect(api.requests).toHaveLength(0);
    expect((await lstat(socket)).isSocket()).toBe(true);
  });
});

describe.concurrent('file-system errors while writing: exit 10 and one line', () => {
  it.for(WRITERS)(
    '%s to a full disk (/dev/full) names the path and ENOSPC',
    async ([, words, stdin], ctx) => {
      const dir = await tempDir(ctx);
      const api = await serverFor(ctx, words);
      const link = await deviceLink(dir, '/dev/full');
      const run = await fish(['tts', ...words, '-o', link, '--base-url', api.url], { stdin });
      expect(run.code, run.stderr).toBe(EXIT_CODES.FILE_SYSTEM);
      expect(run.stderr).toBe(
        `error: Could not write ${JSON.stringify(link)}: no space left on device (ENOSPC).\n`,
      );
      expect((await stat(link)).isCharacterDevice()).toBe(true);
    },
  );

  it('removes the temporary file when the target became a directory meanwhile (EISDIR)', async (ctx) => {
    const dir = await tempDir(ctx);
    const out = path.join(dir, 'speech.mp3');
    const api = await serve(ctx, (_req, res) => {
      void mkdir(out).then(() => res.writeHead(200, AUDIO).end(AUDIO_BYTES));
    });
    const run = await fish(['tts', 'hi', '-o', out, '--base-url', api.url]);
    expect(run.code, run.stderr).toBe(EXIT_CODES.FILE_SYSTEM);
    expect(run.stderr).toBe(
      `error: Could not write ${JSON.stringify(out)}: illegal operation on a directory (EISDIR); it was left as it was.\n`,
    );
    expect(await readdir(dir)).toEqual(['speech.mp3']);
  });

  it('leaves an existing file as it was when the temporary file vanished meanwhile (ENOENT)', async (ctx) => {
    const dir = await tempDir(ctx);
    const out = path.join(dir, 'speech.mp3');
    await writeFile(out, 'the old take');
    const api = await serve(ctx, (_req, res) => {
      // Someone cleans the folder of hidden files while the audio is on its way.
      void readdir(dir)
        .then((names) =>
          Promise.all(
            names.filter((n) => n.endsWith('.part')).map((n) => unlink(path.join(dir, n))),
          ),
        )
        .then(() => res.writeHead(200, AUDIO).end(AUDIO_BYTES));
    });
    const run = await fish(['tts', 'hi', '-o', out, '--base-url', api.url]);
    expect(run.code, run.stderr).toBe(EXIT_CODES.FILE_SYSTEM);
    expect(run.stderr).toMatch(
      /^error: Could not write "[^"]+": no such file or directory \(ENOENT\); it was left as it was\.\n$/,
    );
    expect(await readFile(out, 'utf8')).toBe('the old take');
  });

  it.for([
    ['tts -o -', ['tts', 'hi', '-o', '-']],
    ['voices list', ['voices', 'list']],
    ['credit --json', ['credit', '--json']],
  ] as const)(
    '%s into a full stdout exits 10 with one line naming stdout',
    async ([, args], ctx) => {
      const api = await serve(ctx, (req, res, seen) => {
        if (seen.url.startsWith('/model')) return voicePages(30)(req, res, seen);
        if (seen.url.startsWith('/wallet'))
          return res.writeHead(200, JSON_TYPE).end('{"credit":"1"}');
        audio(req, res, seen);
      });
      const run = await startMain([...args, '--base-url', api.url], {
        stdout: failingStdout('ENOSPC'),
      });
      expect(run.code, run.stderr).toBe(EXIT_CODES.FILE_SYSTEM);
      expect(run.stderr).toBe(
        'error: Could not write to stdout: no space left on device (ENOSPC).\n',
      );
      expect(api.requests).toHaveLength(1);
    },
  );
});

describe.concurrent('a stdout whose reader has left (EPIPE) stops the work', () => {
  it.for([
    ['voices list', []],
    ['voices list --json', ['--json']],
  ] as const)(
    '%s asks for no page after the write that failed, and exits 0 quietly',
    async ([, flags], ctx) => {
      const api = await serve(ctx, voicePages(610));
      const stdout = failingStdout('EPIPE', 1);
      const run = await startMain(['voices', 'list', ...flags, '--base-url', api.url], { stdout });
      expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
      expect(api.requests).toHaveLength(1);
    },
  );

  it('tts -o - stops the download and exits 0 quietly', async (ctx) => {
    const api = await serve(ctx, endless);
    const stdout = failingStdout('EPIPE', 1);
    const run = await startMain(['tts', 'hi', '-o', '-', '--base-url', api.url], { stdout });
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
    await api.whenClosed(1);
    expect(api.requests).toHaveLength(1);
  });
});

/** A server that sends half of the audio, then the rest once `release` is called. */
function halfThenHold(ctx: TestContext) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const handler: LoopbackHandler = (_req, res: http.ServerResponse) => {
    res.writeHead(200, AUDIO).write(AUDIO_BYTES.subarray(0, 128));
    void released.then(() => res.end(AUDIO_BYTES.subarray(128)));
  };
  ctx.onTestFinished(() => release());
  return { handler, release: () => release() };
}

describe.concurrent('SIGINT and SIGTERM while tts writes -o FILE', () => {
  it.for([
    ['SIGINT', EXIT_CODES.INTERRUPTED],
    ['SIGTERM', EXIT_CODES.TERMINATED],
  ] as const)(
    '%s mid-download removes the temporary file and exits %i',
    async ([signal, code], ctx) => {
      const dir = await tempDir(ctx);
      const { handler, release } = halfThenHold(ctx);
      const api = await serve(ctx, handler);
      const signals = new EventEmitter();
      const out = path.join(dir, 'speech.mp3');
      const run = startMain(['tts', 'hi', '-o', out, '--base-url', api.url], { signals });
      await partHoldsBytes(ctx, dir);
      signals.emit(signal);
      // A command that did not heed the signal would now finish the file and exit 0.
      release();
      expect(await run).toEqual({
        code,
        stdout: '',
        stderr: `error: Interrupted by ${signal}; ${JSON.stringify(out)} was not written.\n`,
      });
      expect(await readdir(dir)).toEqual([]);
    },
  );

  it('SIGINT before the audio starts removes the temporary file', async (ctx) => {
    const dir = await tempDir(ctx);
    let asked!: (answer: () => void) => void;
    const waiting = new Promise<() => void>((resolve) => (asked = resolve));
    const api = await serve(ctx, (_req, res) => {
      asked(() => res.writeHead(200, AUDIO).end(AUDIO_BYTES));
    });
    const signals = new EventEmitter();
    const run = startMain(['tts', 'hi', '-o', path.join(dir, 'a.mp3'), '--base-url', api.url], {
      signals,
    });
    const answer = await waiting;
    expect((await readdir(dir)).filter((name) => name.endsWith('.part'))).toHaveLength(1);
    signals.emit('SIGINT');
    answer();
    expect((await run).code).toBe(EXIT_CODES.INTERRUPTED);
    expect(await readdir(dir)).toEqual([]);
  });

  it('SIGTERM leaves an existing file as it was', async (ctx) => {
    const dir = await tempDir(ctx);
    const out = path.join(dir, 'speech.mp3');
    await writeFile(out, 'the old take');
    const { handler, release } = halfThenHold(ctx);
    const api = await serve(ctx, handler);
    const signals = new EventEmitter();
    const run = startMain(['tts', 'hi', '-o', out, '--base-url', api.url], { signals });
    await partHoldsBytes(ctx, dir);
    signals.emit('SIGTERM');
    release();
    expect((await run).code).toBe(EXIT_CODES.TERMINATED);
    expect(await readdir(dir)).toEqual(['speech.mp3']);
    expect(await readFile(out, 'utf8')).toBe('the old take');
  });

  it('SIGINT during tts --live -o FILE removes the temporary file and exits 130', async (ctx) => {
    const dir = await tempDir(ctx);
    const live = await liveStandIn(ctx);
    const stdin = new PassThrough();
    ctx.onTestFinished(() => void stdin.end());
    const signals = new EventEmitter();
    const out = path.join(dir, 'live.mp3');
    const run = startMain(['tts', '--live', '-o', out, '--base-url', live.url], {
      signals,
      stdin,
    });
    stdin.write('one\n');
    await partHoldsBytes(ctx, dir);
    signals.emit('SIGINT');
    // A command that did not heed the signal would now end the session and keep the file.
    stdin.end('two\n');
    expect((await run).code).toBe(EXIT_CODES.INTERRUPTED);
    expect(await readdir(dir)).toEqual([]);
  });

  it.for([
    ['succeeded', 200, EXIT_CODES.OK],
    ['failed', 500, EXIT_CODES.API],
  ] as const)('leaves no signal listener behind once a run %s', async ([, status, code], ctx) => {
    const dir = await tempDir(ctx);
    const api = await serve(ctx, (_req, res) => res.writeHead(status, AUDIO).end(AUDIO_BYTES));
    const signals = new EventEmitter();
    const args = ['tts', 'hi', '-o', path.join(dir, 'a.mp3'), '--base-url', api.url];
    expect((await startMain(args, { signals })).code).toBe(code);
    expect([signals.listenerCount('SIGINT'), signals.listenerCount('SIGTERM')]).toEqual([0, 0]);
  });

  it('leaves no signal listener behind once a run was interrupted', async (ctx) => {
    const dir = await tempDir(ctx);
    const { handler, release } = halfThenHold(ctx);
    const api = await serve(ctx, handler);
    const signals = new EventEmitter();
    const args = ['tts', 'hi', '-o', path.join(dir, 'a.mp3'), '--base-url', api.url];
    const run = startMain(args, { signals });
    await partHoldsBytes(ctx, dir);
    signals.emit('SIGINT');
    release();
    expect((await run).code).toBe(EXIT_CODES.INTERRUPTED);
    expect([signals.listenerCount('SIGINT'), signals.listenerCount('SIGTERM')]).toEqual([0, 0]);
  });
});
