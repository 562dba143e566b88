/**
 * Review 20: the waiting line shared by HTTP calls and the `tts --live` handshake, the quoting
 * of user-given values in error lines, and the test suite's build cache key.
 *
 * The command runs in-process; servers listen on 127.0.0.1 only; files go under os.tmpdir().
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi, type TestContext } from 'vitest';
import { EXIT_CODES, main } from '../../src/cli/index.js';
import { quoteName } from '../../src/cli/render.js';
import { buildKey, packKey } from '../setup/build.js';
import { startCli } from '../helpers/cli.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
// Long enough that the library's redactor finds it anywhere, not only as a whole token.
const KEY = 'sk-review20-5d1c9a7e3b2f4860aa';
const ENV = { FISH_API_KEY: KEY };
const CLOSED = 'http://127.0.0.1:9';

// C0 and C1 controls, DEL, line and paragraph separators, bidi overrides and isolates,
// zero-width characters, BOM, and lone surrogates (a terminal shows U+FFFD for either half).
const UNSAFE =
  /[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Runs `main` with captured output and no checks of its own (the tests make them). */
async function run(args: readonly string[], env: Record<string, string> = ENV) {
  let stderr = '';
  let stdout = '';
  const code = await main(args, env, {
    stdout: { isTTY: false, write: (chunk) => ((stdout += String(chunk)), true) },
    stderr: { isTTY: false, write: (chunk) => ((stderr += String(chunk)), true) },
    stdin: (async function* () {})(),
  });
  return { code, stdout, stderr, lines: stderr.split('\n').filter(Boolean) };
}

async function tempDir(ctx: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fish-review20-'));
  ctx.onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Takes connections and never answers; `request` resolves when the first request or handshake arrives. */
async function silentServer(ctx: TestContext) {
  const sockets = new Set<net.Socket>();
  const server = http.createServer(() => {});
  server.on('connection', (socket) => sockets.add(socket));
  const request = new Promise<void>((resolve) => {
    server.on('request', () => resolve());
    server.on('upgrade', () => resolve());
  });
  const drop = () => {
    for (const socket of sockets) socket.destroy();
  };
  await listen(server, ctx, drop);
  return { url: urlOf(server), request, drop };
}

/** Answers every request and every WebSocket handshake at once with `status`. */
async function refusingServer(ctx: TestContext, status: number) {
  const server = http.createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end('{"message":"no"}');
  });
  server.on('upgrade', (_req, socket: net.Socket) => {
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: application/json\r\n` +
        'content-length: 16\r\nconnection: close\r\n\r\n{"message":"no"}',
    );
  });
  await listen(server, ctx, () => server.closeAllConnections());
  return urlOf(server);
}

async function listen(server: http.Server, ctx: TestContext, drop: () => void) {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ctx.onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        drop();
        server.close(() => resolve());
      }),
  );
}

function urlOf(server: http.Server): string {
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

function fakeClock(ctx: TestContext, toFake: Array<'setTimeout' | 'clearTimeout' | 'Date'>) {
  vi.useFakeTimers({ toFake });
  ctx.onTestFinished(() => void vi.useRealTimers());
}

/** Whether `promise` has settled, checked without waiting for it. */
function tracked<T>(promise: Promise<T>) {
  const state = { settled: false };
  promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

const count = (text: string, word: string) => text.split(word).length - 1;

describe('the waiting line, for HTTP calls and the live handshake', () => {
  // Loaded before the clock is faked: the runner's module loading waits on timers of its own.
  beforeAll(async () => {
    await import('../../src/realtime/index.js');
    await import('ws');
  });

  it('names only the origin of a base URL whose path holds the key, once across retries, and leaves no timer', async (ctx) => {
    const { url, request } = await silentServer(ctx);
    fakeClock(ctx, ['setTimeout', 'clearTimeout']);
    const cli = startCli(['credit', '--base-url', `${url}/${KEY}/v9`], {
      env: ENV,
      tty: { stderr: true },
    });
    await request;
    // Three attempts of 15 s and their back-off.
    await vi.advanceTimersByTimeAsync(120_000);
    const done = await cli.done; // rejects if the key was printed
    expect(done.code).toBe(EXIT_CODES.NETWORK);
    expect(done.stderr).toContain(
      `waiting for ${url} (no answer yet; each attempt gives up after 15 s)...\n`,
    );
    expect(count(done.stderr, 'waiting for')).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives up on a silent server no later than the waiting line says, for a call made once', async (ctx) => {
    const { url, request } = await silentServer(ctx);
    fakeClock(ctx, ['setTimeout', 'clearTimeout']);
    // A POST that spends credit is not retried: its one attempt is the whole call.
    const cli = startCli(['tts', 'hi', '--model', 's1', '-o', '-', '--base-url', url], {
      env: ENV,
      tty: { stderr: true },
    });
    const state = tracked(cli.done);
    await request;
    await vi.advanceTimersByTimeAsync(2000);
    const said = /each attempt gives up after (\d+) s/.exec(cli.output().stderr);
    expect(said, cli.output().stderr).not.toBeNull();
    // The line is said 2 s in; "gives up after N s" is counted from the start of the attempt.
    await vi.advanceTimersByTimeAsync(Number(said![1]) * 1000 - 2000 + 100);
    const settled = state.settled;
    await vi.advanceTimersByTimeAsync(120_000);
    await cli.done;
    expect(settled, cli.output().stderr).toBe(true);
  });

  it('says nothing on stderr that is not a terminal, and leaves no timer', async (ctx) => {
    const { url, request } = await silentServer(ctx);
    fakeClock(ctx, ['setTimeout', 'clearTimeout']);
    const cli = startCli(['credit', '--base-url', url], { env: ENV });
    await request;
    await vi.advanceTimersByTimeAsync(120_000);
    const done = await cli.done;
    expect(done.code).toBe(EXIT_CODES.NETWORK);
    expect(done.stderr).not.toContain('waiting for');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('names only the origin for tts --live when the base URL path holds the key', async (ctx) => {
    const { url, request, drop } = await silentServer(ctx);
    fakeClock(ctx, ['setTimeout', 'clearTimeout']);
    const cli = startCli(['tts', '--live', '-o', '-', '--base-url', `${url}/${KEY}`], {
      env: ENV,
      tty: { stderr: true },
      stdin: 'one\n',
    });
    await request;
    await vi.advanceTimersByTimeAsync(2000);
    expect(cli.output().stderr).toContain(`waiting for ${url} (no answer yet;`);
    drop();
    const done = await cli.done;
    expect(done.code).not.toBe(0);
    expect(count(done.stderr, 'waiting for')).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it.for([
    ['the connection is refused', () => Promise.resolve(CLOSED), EXIT_CODES.NETWORK],
    [
      'the handshake gets HTTP 401',
      (ctx: TestContext) => refusingServer(ctx, 401),
      EXIT_CODES.AUTH,
    ],
    ['the handshake gets HTTP 404', (ctx: TestContext) => refusingServer(ctx, 404), EXIT_CODES.API],
  ] as const)(
    'says no waiting line and leaves no timer when %s at once (tts --live)',
    async ([, serve, code], ctx) => {
      const url = await serve(ctx);
      fakeClock(ctx, ['setTimeout', 'clearTimeout']);
      const cli = startCli(['tts', '--live', '-o', '-', '--base-url', url], {
        env: ENV,
        tty: { stderr: true },
        stdin: 'one\n',
      });
      const done = await cli.done;
      expect(done.code, done.stderr).toBe(code);
      expect(vi.getTimerCount()).toBe(0);
      await vi.advanceTimersByTimeAsync(5000);
      expect(cli.output().stderr).not.toContain('waiting for');
    },
  );

  it('says no waiting line when credit gets HTTP 401 at once', async (ctx) => {
    const url = await refusingServer(ctx, 401);
    fakeClock(ctx, ['setTimeout', 'clearTimeout']);
    const cli = startCli(['credit', '--base-url', url], { env: ENV, tty: { stderr: true } });
    expect((await cli.done).code).toBe(EXIT_CODES.AUTH);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(5000);
    expect(cli.output().stderr).not.toContain('waiting for');
  });

  it('states the --timeout it gives up after, and the live handshake gives up then', async (ctx) => {
    const { url, request } = await silentServer(ctx);
    // The live session's idle timer measures with Date.now.
    fakeClock(ctx, ['setTimeout', 'clearTimeout', 'Date']);
    const cli = startCli(['tts', '--live', '-o', '-', '--timeout', '5000', '--base-url', url], {
      env: ENV,
      tty: { stderr: true },
      stdin: 'one\n',
    });
    const state = tracked(cli.done);
    await request;
    await vi.advanceTimersByTimeAsync(2000);
    expect(cli.output().stderr).toContain('gives up after 5 s');
    await vi.advanceTimersByTimeAsync(3100);
    expect(state.settled, cli.output().stderr).toBe(true);
    const done = await cli.done;
    expect(done.code).toBe(EXIT_CODES.NETWORK);
    expect(vi.getTimerCount()).toBe(0);
  });
});

/**
 * Where a user-given value lands in an error line: each makes a command line from the value,
 * in a fresh temp folder. A value that cannot be a folder name (NUL) leaves `-o` a plain path.
 */
const CARRIERS: ReadonlyArray<
  readonly [string, (value: string, dir: string) => string[] | Promise<string[]>]
> = [
  ['--format', (v) => ['tts', 'hi', '--format', v, '-o', '-']],
  ['-o in a missing folder', (v, dir) => ['tts', 'hi', '-o', path.join(dir, v, 'speech.mp3')]],
  [
    '-o that is a folder',
    async (v, dir) => {
      await mkdir(path.join(dir, v)).catch(() => {});
      return ['tts', 'hi', '-o', path.join(dir, v)];
    },
  ],
  ['an unknown command', (v) => [`x${v}`]],
  ['an unknown voices subcommand', (v) => ['voices', `x${v}`]],
  ['an unknown flag', (v) => ['credit', `--x${v}`]],
  ['an extra argument', (v) => ['credit', `x${v}`]],
  ['--min', (v) => ['credit', '--min', `1${v}`]],
  ['--timeout', (v) => ['credit', '--timeout', `1${v}`]],
  ['asr FILE', (v, dir) => ['asr', path.join(dir, `${v}.wav`)]],
  [
    '--visibility',
    (v) => ['voices', 'create', '--title', 't', '--visibility', v, path.join(ROOT, 'package.json')],
  ],
];

/** Characters a terminal would hide, act on or show as something else. */
const HOSTILE = [
  ['NUL', '\x00'],
  ['ESC [2J', '\x1b[2J'],
  ['an OSC title sequence', '\x1b]0;pwned\x07'],
  ['DEL', '\x7f'],
  ['C1 NEL', '\x85'],
  ['C1 CSI', '\x9b'],
  ['U+2028', '\u2028'],
  ['U+2029', '\u2029'],
  ['a right-to-left override', '\u202e'],
  ['a first-strong isolate', '\u2068'],
  ['a zero-width space', '\u200b'],
  ['a BOM', '\ufeff'],
  ['a lone high surrogate', '\ud800'],
  ['a lone low surrogate', '\udc00'],
  ['a no-break space', '\u00a0'],
  ['a tag character (U+E0041, an astral format character)', '\u{E0041}'],
] as const;

/** Runs a carrier with `value` against a closed port (nothing is ever sent). */
async function runCarrier(
  make: (value: string, dir: string) => string[] | Promise<string[]>,
  value: string,
  ctx: TestContext,
) {
  const dir = await tempDir(ctx);
  return run([...(await make(value, dir)), '--base-url', CLOSED]);
}

/** What a line shows for `q<char>z` when the character is flattened to a space. */
const LOOKALIKE = 'q z';

describe('error lines quote what the person gave', () => {
  it.for(
    CARRIERS.flatMap(([carrier, make]) =>
      HOSTILE.map(([label, char]) => [carrier, label, char, make] as const),
    ),
  )(
    'writes no raw control, bidi, separator or lone-surrogate character for %s holding %s',
    async ([, , char, make], ctx) => {
      const { code, lines } = await runCarrier(make, `q${char}z`, ctx);
      expect(code).not.toBe(0);
      expect(lines.filter((line) => UNSAFE.test(line)).map((l) => JSON.stringify(l))).toEqual([]);
    },
  );

  // The quoting itself, through one carrier: each character escaped, never turned into a space.
  it.for(HOSTILE)(
    'shows a --format value holding %s as itself, not as a space',
    async ([, char], ctx) => {
      const { code, stderr } = await runCarrier(CARRIERS[0]![1], `q${char}z`, ctx);
      expect(code).toBe(EXIT_CODES.USAGE);
      expect(stderr).not.toContain(LOOKALIKE);
    },
  );

  // Every carrier, with one character that quoteName escapes: an unquoted copy shows a space.
  it.for(CARRIERS)(
    'shows a right-to-left override in %s as itself everywhere in the line',
    async ([, make], ctx) => {
      const { code, stderr } = await runCarrier(make, 'q\u202ez', ctx);
      expect(code).not.toBe(0);
      expect(stderr).toContain('q\\u202ez');
      expect(stderr).not.toContain(LOOKALIKE);
    },
  );

  it('escapes an astral format character whole, so two of them never read the same', () => {
    expect(quoteName('a\u{E0041}b')).not.toBe(quoteName('a\u{E0042}b'));
  });

  it.for(CARRIERS)(
    'keeps the error line for a 10 000-character %s under 1 000 characters',
    async ([, make], ctx) => {
      const { code, lines } = await runCarrier(make, 'v'.repeat(10_000), ctx);
      expect(code).not.toBe(0);
      expect(Math.max(...lines.map((line) => line.length))).toBeLessThan(1000);
    },
  );
});

describe('a value equal to FISH_API_KEY is never printed', () => {
  it.for([
    ...CARRIERS,
    ['the bare unknown command', () => [KEY]],
    ['--model (a warning)', () => ['tts', 'hi', '--model', KEY, '-o', '-']],
  ] as const)('in the line for %s', async ([, make], ctx) => {
    const { code, stderr } = await runCarrier(make, KEY, ctx);
    expect(code).not.toBe(0);
    expect(stderr).not.toContain(KEY);
  });
});

describe('the build cache key of the test suite', () => {
  it('is the same for two reads of an unchanged tree', async () => {
    const [first, second] = await Promise.all([buildKey(), buildKey()]);
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(second).toBe(first);
  });

  it('has a pack key of its own, the same for two reads, that follows the build key', async () => {
    const build = await buildKey();
    const [first, second] = await Promise.all([packKey(build), packKey(build)]);
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(second).toBe(first);
    expect(first).not.toBe(build);
    expect(await packKey('0'.repeat(32))).not.toBe(first);
  });

  // The scripts `npm run build` and the install run, and what they import, transitively.
  async function importedBy(...roots: string[]): Promise<string[]> {
    const seen = new Set<string>();
    const queue = [...roots];
    while (queue.length > 0) {
      const file = queue.shift()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const text = await readFile(path.join(ROOT, file), 'utf8');
      for (const [, spec] of text.matchAll(/^import [^;]*?from '(\.{1,2}\/[^']+)'/gm)) {
        queue.push(path.posix.join(path.posix.dirname(file), spec!.replace(/\.js$/, '.ts')));
      }
    }
    return [...seen];
  }

  async function listed(name: string): Promise<string[]> {
    const source = await readFile(path.join(ROOT, 'test/setup/build.ts'), 'utf8');
    const list = new RegExp(`const ${name} = \\[([\\s\\S]*?)\\];`).exec(source)?.[1] ?? '';
    return [...list.matchAll(/'([^']+)'/g)].map((match) => match[1]!);
  }

  const uncovered = (files: string[], inputs: string[]) =>
    files.filter((file) => !inputs.some((input) => file === input || file.startsWith(`${input}/`)));

  it('covers every local module the build scripts import in the build key', async () => {
    const build = await listed('BUILD_INPUTS');
    expect(build).toContain('src');
    // A README edit repacks, but does not rebuild.
    expect(build).not.toContain('README.md');
    expect(uncovered(await importedBy('tsup.config.ts', 'scripts/declarations.ts'), build)).toEqual(
      [],
    );
  });

  it('covers every local module the pack and install script imports in the pack key', async () => {
    const inputs = [...(await listed('BUILD_INPUTS')), ...(await listed('PACK_INPUTS'))];
    expect(inputs).toContain('README.md');
    expect(uncovered(await importedBy('scripts/lib/consumer.ts'), inputs)).toEqual([]);
  });
});
