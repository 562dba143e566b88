/**
 * Hostile cases for the command's lines for a person: help wrapped at the terminal's width,
 * the waiting line, and the `Saved ... of audio to FILE.` note (and `-q`), file names with
 * control characters included.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it, vi, type TestContext } from 'vitest';
import { COMMANDS, GROUPS } from '../../src/cli/args.js';
import { helpWidth } from '../../src/cli/help.js';
import { startStandIn } from '../../src/testing/index.js';
import { runCli, startCli } from '../helpers/cli.js';

const KEY = 'sk-cli-notes-3b9d1e7f5a2c4680';
const TTY = { stdout: true, stderr: true };

async function tempDir(ctx: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fish-notes-'));
  ctx.onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function standIn(ctx: TestContext) {
  const api = await startStandIn({ apiKey: KEY });
  ctx.onTestFinished(() => api.close());
  return api;
}

/**
 * A server that takes connections and never answers, on 127.0.0.1; `upgrade` resolves when a
 * WebSocket handshake reaches it, and `drop()` resets every connection.
 */
async function silentServer(
  ctx: TestContext,
): Promise<{ url: string; upgrade: Promise<void>; drop: () => void }> {
  const sockets = new Set<net.Socket>();
  const server = http.createServer(() => {});
  server.on('connection', (socket) => sockets.add(socket));
  const upgrade = new Promise<void>((resolve) => server.on('upgrade', () => resolve()));
  const drop = () => {
    for (const socket of sockets) socket.destroy();
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ctx.onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, upgrade, drop };
}

/** The `Saved` line of a run's stderr, without the erased progress line before it. */
function savedLine(stderr: string): string | undefined {
  const line = stderr.split('\n').find((l) => l.includes('Saved '));
  return line?.slice(line.indexOf('Saved '));
}

// C0 and C1 controls, DEL, and the bidirectional and zero-width format characters that make a
// terminal show text other than what it is.
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;

describe('the Saved line at a terminal, for a hostile -o name', () => {
  it.for([
    ['a line feed', 'a\nb.mp3'],
    ['a carriage return', 'shown\rhidden.mp3'],
    ['an ESC colour sequence', 'x\x1b[31mred\x1b[0m.mp3'],
    ['an OSC title sequence', 'x\x1b]0;pwned\x07.mp3'],
    ['a C1 CSI', 'x\x9b2J.mp3'],
    ['a backspace', 'good\b\b\b\bevil.mp3'],
    ['a right-to-left override', 'invoice\u202egpj.mp3'],
    ['a line separator', 'a\u2028b.mp3'],
    ['a zero-width space', 'a\u200bb.mp3'],
  ] as const)('prints no raw control or bidi character for %s', async ([, name], ctx) => {
    const api = await standIn(ctx);
    const dir = await tempDir(ctx);
    const file = path.join(dir, name);
    const run = await runCli(['tts', 'Hello', '--model', 's1', '-o', file, '--base-url', api.url], {
      env: { FISH_API_KEY: KEY },
      tty: TTY,
    });
    expect(run.code, run.stderr).toBe(0);
    expect((await readFile(file)).length).toBeGreaterThan(0);
    const saved = savedLine(run.stderr);
    expect(saved).toBeDefined();
    expect(saved!).not.toMatch(UNSAFE);
  });

  it.for([
    ['two spaces', 'a  b.mp3'],
    ['a line feed', 'a\nb.mp3'],
    ['a leading space', ' lead.mp3'],
  ] as const)(
    'names the file it wrote unambiguously for a name with %s (not a different name)',
    async ([, name], ctx) => {
      const api = await standIn(ctx);
      const dir = await tempDir(ctx);
      const file = path.join(dir, name);
      const run = await runCli(
        ['tts', 'Hello', '--model', 's1', '-o', file, '--base-url', api.url],
        { env: { FISH_API_KEY: KEY }, tty: TTY },
      );
      expect(run.code, run.stderr).toBe(0);
      const saved = savedLine(run.stderr)!;
      // Either the name as it is, or quoted as the error lines quote it (a second space escaped).
      const shown = [
        file,
        JSON.stringify(file),
        JSON.stringify(file).replace('  ', ' \\u0020'),
      ].filter((form) => !UNSAFE.test(form));
      expect(
        shown.some((form) => saved.includes(form)),
        saved,
      ).toBe(true);
    },
  );

  it('-q prints nothing on stderr for -o FILE at a terminal', async (ctx) => {
    const api = await standIn(ctx);
    const file = path.join(await tempDir(ctx), 'q.mp3');
    const run = await runCli(['tts', 'Hello', '-q', '-o', file, '--base-url', api.url], {
      env: { FISH_API_KEY: KEY },
      tty: TTY,
    });
    expect([run.code, run.stderr]).toEqual([0, '']);
  });
});

describe('error lines quote what the person gave as the Saved line does', () => {
  const RLO = 'invoice\u202egpj';
  // What each line must show: the value with its format character and second space escaped.
  it.for([
    ['an unknown command', [`cr${RLO}`], `"cr${'invoice\\u202egpj'}"`],
    [
      'a --format value',
      ['tts', 'hi', '--format', `mp3${RLO}`, '-o', '-'],
      '"mp3invoice\\u202egpj"',
    ],
    ['a --min value', ['credit', '--min', `1  ${RLO}`], '"1 \\u0020invoice\\u202egpj"'],
    [
      'a missing file to read',
      ['asr', `/nonexistent/${RLO}.wav`],
      '"/nonexistent/invoice\\u202egpj.wav"',
    ],
    [
      'an -o in a missing folder',
      ['tts', 'hi', '-o', `/nonexistent/${RLO}.mp3`],
      '"/nonexistent/invoice\\u202egpj.mp3"',
    ],
  ] as const)('for %s', async ([, args, shown]) => {
    const run = await runCli([...args, '--base-url', 'http://127.0.0.1:9'], {
      env: { FISH_API_KEY: KEY },
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(shown);
    for (const line of run.stderr.split('\n')) expect(line).not.toMatch(UNSAFE);
  });
});

describe('-q and --live', () => {
  it('--live -q -o FILE at a terminal writes the audio and nothing on stderr', async (ctx) => {
    const api = await standIn(ctx);
    const file = path.join(await tempDir(ctx), 'live.mp3');
    const run = await runCli(['tts', '--live', '-q', '-o', file, '--base-url', api.url], {
      env: { FISH_API_KEY: KEY },
      tty: TTY,
      stdin: 'one\ntwo\n',
    });
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect((await readFile(file, 'utf8')).length).toBeGreaterThan(0);
  });

  it('--live -o FILE at a terminal without -q notes the default model and the saved file', async (ctx) => {
    const api = await standIn(ctx);
    const file = path.join(await tempDir(ctx), 'live.mp3');
    const run = await runCli(['tts', '--live', '-o', file, '--base-url', api.url], {
      env: { FISH_API_KEY: KEY },
      tty: TTY,
      stdin: 'one\n',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/no --model/);
    expect(savedLine(run.stderr)).toMatch(/^Saved \d+ bytes? of audio to ".*live\.mp3"\.$/);
  });

  it('--live -q -o - at a terminal stderr says nothing either', async (ctx) => {
    const api = await standIn(ctx);
    const run = await runCli(['tts', '--live', '-q', '-o', '-', '--base-url', api.url], {
      env: { FISH_API_KEY: KEY },
      tty: { stderr: true },
      stdin: 'one\n',
    });
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.bytes.length).toBeGreaterThan(0);
  });
});

describe('the waiting line of the live handshake', () => {
  // Loaded before the clock is faked: the command imports them on first use, and the test
  // runner's module loading waits on timers of its own.
  beforeAll(async () => {
    await import('../../src/realtime/index.js');
    await import('ws');
  });

  it('says, at a terminal, what tts --live waits for after 2 s, as an HTTP call does', async (ctx) => {
    const { url, upgrade, drop } = await silentServer(ctx);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    ctx.onTestFinished(() => void vi.useRealTimers());
    const run = startCli(['tts', '--live', '-o', '-', '--base-url', `${url}/sk-in-path`], {
      env: { FISH_API_KEY: KEY },
      tty: { stderr: true },
      stdin: 'one\n',
    });
    await upgrade;
    await vi.advanceTimersByTimeAsync(1999);
    expect(run.output().stderr).not.toContain('waiting for');
    await vi.advanceTimersByTimeAsync(1);
    expect(run.output().stderr).toContain(
      `waiting for ${url} (no answer yet; each attempt gives up after 15 s)...`,
    );
    // Said once however long the wait; the run ends when the server drops the connection.
    await vi.advanceTimersByTimeAsync(10_000);
    drop();
    const done = await run.done;
    expect(done.code).not.toBe(0);
    expect(done.stderr.match(/waiting for/g)).toHaveLength(1);
  });

  it('says nothing while waiting when stderr is not a terminal', async (ctx) => {
    const { url, upgrade, drop } = await silentServer(ctx);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    ctx.onTestFinished(() => void vi.useRealTimers());
    const run = startCli(['tts', '--live', '-o', '-', '--base-url', url], {
      env: { FISH_API_KEY: KEY },
      stdin: 'one\n',
    });
    await upgrade;
    await vi.advanceTimersByTimeAsync(10_000);
    drop();
    const done = await run.done;
    expect(done.code).not.toBe(0);
    expect(done.stderr).not.toContain('waiting for');
  });
});

describe('help at any terminal width', () => {
  const targets: string[][] = [
    [],
    ...Object.keys(COMMANDS).map((name) => name.split(' ')),
    ...Object.keys(GROUPS).map((name) => [name]),
  ];
  const words = (text: string) => text.split(/\s+/).filter(Boolean).sort();

  it('wraps every help text at each width from 80 to 120: no line longer, no word cut or lost', async () => {
    const problems: string[] = [];
    for (const target of targets) {
      const reference = words(
        (await runCli([...target, '--help'], { env: {}, tty: { stdout: true }, columns: 120 }))
          .stdout,
      );
      for (let width = 80; width <= 120; width++) {
        const { stdout, code } = await runCli([...target, '--help'], {
          env: {},
          tty: { stdout: true },
          columns: width,
        });
        if (code !== 0) problems.push(`${target.join(' ')} at ${width}: exit ${code}`);
        for (const line of stdout.split('\n')) {
          if (line.length > width) problems.push(`${target.join(' ')} at ${width}: ${line}`);
          if (/\s$/.test(line)) problems.push(`${target.join(' ')} at ${width}: trailing space`);
        }
        if (words(stdout).join(' ') !== reference.join(' ')) {
          problems.push(`${target.join(' ')} at ${width}: words differ from 120 columns`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it.for([
    [Number.NaN, 80],
    [0, 80],
    [-1, 80],
    [-Infinity, 80],
    [79.9, 80],
    [120.9, 120],
    [1e9, 120],
    [Number.MAX_SAFE_INTEGER, 120],
  ] as const)('holds a terminal of %s columns to %i', async ([columns, width]) => {
    expect(helpWidth({ isTTY: true, columns })).toBe(width);
    for (const target of targets) {
      const { stdout, code } = await runCli([...target, '--help'], {
        env: {},
        tty: { stdout: true },
        columns,
      });
      expect(code).toBe(0);
      expect(stdout.split('\n').filter((line) => line.length > width)).toEqual([]);
    }
  });
});
