/**
 * A last hostile review of the live session (frames read as Node Buffers, audio copied out of
 * them) and of `fish-audio-api tts --live`.
 *
 * - A server that echoes the key in many spellings, wherever a frame can carry text: the key
 *   never shows in what the session throws (message, stack, inspect, JSON).
 * - Audio that is not bytes, and frames at the largest size the client takes.
 * - Back-pressure seen through a scripted socket: when the session pauses and resumes, and
 *   that no silence deadline outlives a session closed while it held the server back.
 * - A server that stalls mid-session, under a fake clock.
 * - The command's stdout or FIFO reader leaving, SIGINT/SIGTERM with --live -o FILE, and a
 *   finish reason that echoes the key.
 */
import { execFileSync } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { constants } from 'node:fs';
import { lstat, mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { inspect } from 'node:util';
import { encode, ExtData } from '@msgpack/msgpack';
import WebSocket, { WebSocketServer } from 'ws';
import { afterEach, describe, expect, it, vi, type TestContext } from 'vitest';
import {
  APIConnectionTimeoutError,
  APIUserAbortError,
  FishAudio,
  RealtimeError,
} from '../../src/index.js';
import { openLiveSession, type LiveOptions, type LiveSession } from '../../src/realtime/index.js';
import { MAX_FRAME_BYTES } from '../../src/realtime/messages.js';
import type { LiveSocket, SocketEvent, SocketRuntime } from '../../src/realtime/socket.js';
import { EXIT_CODES, main } from '../../src/cli/index.js';
import { startLiveStandIn } from '../../src/testing/live.js';
import { failure, readAll } from '../helpers/settle.js';

const KEY = 'rf9Q2xK7mP4vL8sT3nW6yB1cZ5hJ0dGe';

const closers: Array<() => unknown> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const close of closers.splice(0).reverse()) await close();
});

// ---------------------------------------------------------------------------------------------
// Helpers

interface Peer {
  socket: WebSocket;
  raw: Socket;
}

/** A WebSocket server on 127.0.0.1; `onStart` runs when the client's first message arrives. */
async function liveServer(
  onStart: (peer: Peer) => void,
  holdUpgrade = false,
): Promise<{ url: string; closed: Promise<void>; upgraded: Promise<void> }> {
  const http = createServer();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const raws = new Set<Socket>();
  let markClosed!: () => void;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  let markUpgraded!: () => void;
  const upgraded = new Promise<void>((resolve) => (markUpgraded = resolve));
  http.on('upgrade', (request: IncomingMessage, raw: Socket, head: Buffer) => {
    raws.add(raw);
    raw.on('error', () => {});
    raw.on('close', () => markClosed());
    // The HTTP server's sockets are half-open: the client's end is heard as 'end'.
    raw.on('end', () => markClosed());
    markUpgraded();
    // Read (and ignored), so that the server hears the client hang up.
    if (holdUpgrade) return void raw.resume();
    wss.handleUpgrade(request, raw, head, (socket) => {
      socket.on('error', () => {});
      let started = false;
      socket.on('message', () => {
        if (started) return;
        started = true;
        onStart({ socket, raw });
      });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const raw of raws) raw.destroy();
        wss.close();
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  );
  const { port } = http.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, closed, upgraded };
}

const clientFor = (url: string) => new FishAudio({ apiKey: KEY, baseUrl: url, maxRetries: 0 });

const text = (chunks: readonly Uint8Array[]) => chunks.map((c) => Buffer.from(c).toString());
const audio = (bytes: Uint8Array | string) =>
  encode({ event: 'audio', audio: typeof bytes === 'string' ? Buffer.from(bytes) : bytes });

// The key in the spellings a careless server might echo it in.
const percent = (s: string, lower = false) =>
  [...s]
    .map((c) => {
      const hex = c.charCodeAt(0).toString(16).padStart(2, '0');
      return `%${lower ? hex : hex.toUpperCase()}`;
    })
    .join('');
const jsonEscaped = [...KEY].map((c) => `\\u00${c.charCodeAt(0).toString(16)}`).join('');
const b64 = (s: string) => Buffer.from(s).toString('base64');
const b64url = (s: string) => Buffer.from(s).toString('base64url');
const FORMS: Array<[string, string]> = [
  ['as itself', KEY],
  ['percent-encoded, upper-case hex', percent(KEY)],
  ['percent-encoded, lower-case hex', percent(KEY, true)],
  ['half raw, half percent-encoded', KEY.slice(0, 16) + percent(KEY.slice(16))],
  ['JSON-escaped', jsonEscaped],
  ['as base64', b64(KEY)],
  ['as unpadded base64url', b64url(KEY)],
  ['as base64 of its Bearer header', b64(`Bearer ${KEY}`)],
  ['as base64 of user:key', b64(`user:${KEY}`)],
  ['as base64 after one other byte', b64(`x${KEY}`)],
  ['as base64 with percent-encoded padding', b64(`ab${KEY}`).replace(/=/g, '%3D')],
  // Hex and UTF-16 echoes are outside what src/redact.ts finds (raw, percent-encoded,
  // JSON-escaped, base64): a server that re-encodes the key so is not caught, by design.
];

/** Every way an error can be shown, none of which may hold the key or a long piece of it. */
function shownOf(error: unknown): string {
  const e = error as Error;
  const cause = (e as { cause?: unknown }).cause;
  return [
    e.message,
    e.stack,
    inspect(e, { depth: 8 }),
    JSON.stringify(e),
    cause === undefined ? '' : inspect(cause, { depth: 8 }),
  ].join('\n');
}
function keyPiecesIn(shown: string): string[] {
  // As shown, with the NULs of UTF-16 and the `?` that stand for them taken out, and hex read.
  const plain = shown.replace(/[\0?]/g, '');
  const hexes = shown.match(/[0-9a-f]{24,}/g) ?? [];
  const fromHex = hexes.map((h) =>
    Buffer.from(h.slice(0, h.length - (h.length % 2)), 'hex').toString('latin1'),
  );
  const haystacks = [shown, plain, ...fromHex];
  const pieces = [KEY, KEY.slice(0, 12), KEY.slice(10, 22), KEY.slice(-12)];
  return pieces.filter((piece) => haystacks.some((h) => h.includes(piece)));
}

// ---------------------------------------------------------------------------------------------
// A scripted socket: the test delivers each frame and sees every pause and resume.

class ScriptedSocket implements LiveSocket {
  binaryType = 'blob';
  readyState = 0;
  pauses = 0;
  resumes = 0;
  paused = false;
  closedWith: number | undefined;
  readonly sent: Uint8Array[] = [];
  readonly #listeners = new Map<string, Array<(event: SocketEvent) => void>>();
  send(data: Uint8Array) {
    this.sent.push(data);
  }
  close(code?: number) {
    if (this.readyState === 3) return;
    this.closedWith = code;
    this.readyState = 3;
    this.emit('close', { code: code ?? 1005, reason: '' });
  }
  terminate() {
    this.readyState = 3;
  }
  ping() {}
  pause() {
    this.pauses++;
    this.paused = true;
  }
  resume() {
    this.resumes++;
    this.paused = false;
  }
  addEventListener(type: string, listener: (event: SocketEvent) => void) {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }
  emit(type: string, event: SocketEvent) {
    for (const listener of this.#listeners.get(type) ?? []) listener(event);
  }
  open() {
    this.readyState = 1;
    this.emit('open', {});
  }
  /** One binary frame, as `ws` with binaryType 'nodebuffer' hands it over. */
  frame(bytes: Uint8Array) {
    this.emit('message', { data: Buffer.from(bytes) });
  }
}

async function scriptedSession(options: LiveOptions = {}) {
  let made!: (socket: ScriptedSocket) => void;
  const socketMade = new Promise<ScriptedSocket>((resolve) => (made = resolve));
  class Made extends ScriptedSocket {
    constructor() {
      super();
      made(this);
    }
  }
  const runtime: SocketRuntime = { global: {}, importWs: async () => ({ default: Made }) };
  const client = new FishAudio({ apiKey: KEY, baseUrl: 'http://127.0.0.1:9', maxRetries: 0 });
  const opening = openLiveSession(client, {}, { runtime, ...options });
  const socket = await socketMade;
  socket.open();
  const session = await opening;
  return { session, socket };
}

/** Reads one chunk (it must be there already). */
async function take(session: LiveSession): Promise<Uint8Array> {
  const result = await session[Symbol.asyncIterator]().next();
  if (result.done) throw new Error('no chunk');
  return result.value;
}

function fakeClock() {
  // Date too: the session's silence deadline measures the wait with Date.now().
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
}

// ---------------------------------------------------------------------------------------------

describe('the key, echoed by a live server in many spellings', () => {
  type Place = [string, (echo: string) => (peer: Peer) => void, number];
  const places: Place[] = [
    [
      'a finish reason',
      (echo) => (peer) => peer.socket.send(encode({ event: 'finish', reason: echo })),
      Infinity,
    ],
    [
      'a finish reason after 30 other characters',
      (echo) => (peer) =>
        peer.socket.send(encode({ event: 'finish', reason: `${'r'.repeat(30)} ${echo}` })),
      Infinity,
    ],
    ['a text frame', (echo) => (peer) => peer.socket.send(`echo: ${echo}`), Infinity],
    [
      'a text frame of 3 000 characters, 190 in',
      (echo) => (peer) =>
        peer.socket.send(`${'t'.repeat(190)}${echo}${'t'.repeat(3000 - 190 - echo.length)}`),
      Infinity,
    ],
    ['a close reason', (echo) => (peer) => peer.socket.close(4001, `no: ${echo}`), 118],
    [
      'an audio event whose audio is a string',
      (echo) => (peer) => peer.socket.send(encode({ event: 'audio', audio: echo })),
      Infinity,
    ],
    [
      'an unknown event, before a finish: error',
      (echo) => (peer) => {
        peer.socket.send(encode({ event: 'debug', authorization: `Bearer ${echo}`, echo }));
        peer.socket.send(encode({ event: 'finish', reason: 'error' }));
      },
      Infinity,
    ],
  ];
  const rows = places.flatMap(([place, make, maxBytes]) =>
    FORMS.filter(([, echo]) => Buffer.byteLength(echo) <= maxBytes).map(([form, echo]) => ({
      place,
      form,
      onStart: make(echo),
    })),
  );

  it.for(rows)('shows no piece of the key when it stands in $place, $form', async ({ onStart }) => {
    const server = await liveServer(onStart);
    const session = await openLiveSession(clientFor(server.url));
    const { error } = await readAll(session);
    expect(error).toBeInstanceOf(RealtimeError);
    expect(keyPiecesIn(shownOf(error))).toEqual([]);
  });
});

describe('audio that is not bytes', () => {
  const values: Array<[string, unknown]> = [
    ['a whole number', 42],
    ['a float', 1.5],
    ['nil', null],
    ['true', true],
    ['a map', { data: Buffer.from('bytes') }],
    ['an array holding bytes', [Buffer.from('bytes')]],
    ['an ext type holding bytes', new ExtData(7, Buffer.from('bytes'))],
    ['a timestamp ext', new Date(0)],
  ];
  it.for(values)(
    'ends the session with a RealtimeError, after the audio before it, when audio is %s',
    async ([, value]) => {
      const server = await liveServer((peer) => {
        peer.socket.send(audio('kept'));
        peer.socket.send(encode({ event: 'audio', audio: value }));
        peer.socket.send(audio('after'));
        peer.socket.send(encode({ event: 'finish', reason: 'stop' }));
      });
      const session = await openLiveSession(clientFor(server.url));
      const { chunks, error } = await readAll(session);
      expect(text(chunks)).toEqual(['kept']);
      expect(error).toBeInstanceOf(RealtimeError);
      expect(error!.message).toMatch(/audio event without bytes/);
    },
  );
});

describe('a single frame at the largest size the client takes', () => {
  // {event: 'audio', audio: bin32 of n bytes} is n + 24 bytes of msgpack.
  const OVERHEAD = 24;

  it('yields a frame of exactly MAX_FRAME_BYTES whole, past a maxQueuedBytes of 1 KiB', async () => {
    const payload = new Uint8Array(MAX_FRAME_BYTES - OVERHEAD).fill(0x5a);
    payload[0] = 1;
    payload[payload.length - 1] = 2;
    const frame = audio(payload);
    expect(frame.byteLength).toBe(MAX_FRAME_BYTES);
    const server = await liveServer((peer) => {
      peer.socket.send(frame);
      peer.socket.send(encode({ event: 'finish', reason: 'stop' }));
    });
    const session = await openLiveSession(clientFor(server.url), {}, { maxQueuedBytes: 1024 });
    const { chunks, error } = await readAll(session);
    expect(error).toBeUndefined();
    expect(chunks.map((c) => [c.byteLength, c[0], c[c.length - 1]])).toEqual([
      [MAX_FRAME_BYTES - OVERHEAD, 1, 2],
    ]);
    // Its own copy: the chunk does not keep the 16 MiB frame's msgpack header alive around it.
    expect(chunks[0]!.buffer.byteLength).toBe(MAX_FRAME_BYTES - OVERHEAD);
  });

  it.for([
    ['one frame', 1],
    ['four fragments', 4],
  ] as const)(
    'ends with a RealtimeError (1009) for a message one byte past MAX_FRAME_BYTES sent as %s',
    async ([, pieces]) => {
      const frame = audio(new Uint8Array(MAX_FRAME_BYTES - OVERHEAD + 1));
      const server = await liveServer((peer) => {
        peer.socket.send(audio('kept'));
        const size = Math.ceil(frame.byteLength / pieces);
        for (let at = 0; at < frame.byteLength; at += size) {
          peer.socket.send(frame.subarray(at, at + size), {
            binary: true,
            fin: at + size >= frame.byteLength,
          });
        }
      });
      const session = await openLiveSession(clientFor(server.url));
      const { chunks, error } = await readAll(session);
      expect(text(chunks)).toEqual(['kept']);
      expect(error).toBeInstanceOf(RealtimeError);
      expect((error as RealtimeError).closeCode).toBe(1009);
    },
  );
});

describe('back-pressure, seen through a scripted socket', () => {
  const BOUND = 100;
  const forty = (n: number) => audio(new Uint8Array(40).fill(n));

  it('reads binary frames as Node Buffers', async () => {
    const { socket } = await scriptedSession();
    expect(socket.binaryType).toBe('nodebuffer');
  });

  it('does not pause while the unread audio is at most maxQueuedBytes', async () => {
    const { socket } = await scriptedSession({ maxQueuedBytes: BOUND });
    socket.frame(forty(1));
    socket.frame(forty(2));
    socket.frame(audio(new Uint8Array(20)));
    expect(socket.pauses).toBe(0);
  });

  it('pauses the socket once when the unread audio passes maxQueuedBytes, however much more comes', async () => {
    const { socket } = await scriptedSession({ maxQueuedBytes: BOUND });
    for (let i = 0; i < 50; i++) socket.frame(forty(i));
    expect(socket.pauses).toBe(1);
  });

  it('stays paused while a read leaves more than maxQueuedBytes unread', async () => {
    const { session, socket } = await scriptedSession({ maxQueuedBytes: BOUND });
    for (let i = 0; i < 5; i++) socket.frame(forty(i));
    await take(session);
    await take(session);
    expect([socket.paused, socket.resumes]).toEqual([true, 0]);
  });

  it('resumes once a read leaves maxQueuedBytes or less unread', async () => {
    const { session, socket } = await scriptedSession({ maxQueuedBytes: BOUND });
    for (let i = 0; i < 5; i++) socket.frame(forty(i));
    for (let i = 0; i < 3; i++) await take(session);
    expect([socket.paused, socket.resumes]).toEqual([false, 1]);
  });

  it('yields every frame in order across a pause and a resume', async () => {
    const { session, socket } = await scriptedSession({ maxQueuedBytes: BOUND });
    for (let i = 0; i < 6; i++) socket.frame(forty(i));
    const firsts: number[] = [];
    for (let i = 0; i < 3; i++) firsts.push((await take(session))[0]!);
    for (let i = 6; i < 8; i++) socket.frame(forty(i));
    socket.frame(encode({ event: 'finish', reason: 'stop' }));
    const { chunks, error } = await readAll(session);
    expect(error).toBeUndefined();
    expect([...firsts, ...chunks.map((c) => c[0])]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('takes a single chunk larger than maxQueuedBytes, pauses, and resumes once it is read', async () => {
    const { session, socket } = await scriptedSession({ maxQueuedBytes: BOUND });
    socket.frame(audio(new Uint8Array(1000).fill(9)));
    expect(socket.pauses).toBe(1);
    const chunk = await take(session);
    expect([chunk.byteLength, socket.resumes, socket.paused]).toEqual([1000, 1, false]);
  });

  it('leaves no silence deadline behind when closed while paused with no flush owed', async () => {
    fakeClock();
    const { session, socket } = await scriptedSession({ maxQueuedBytes: BOUND, timeout: 5000 });
    for (let i = 0; i < 5; i++) socket.frame(forty(i));
    expect(socket.paused).toBe(true);
    session.close();
    await session.done;
    expect(vi.getTimerCount()).toBe(0);
  });

  const endings: Array<[string, (session: LiveSession, abort: AbortController) => unknown]> = [
    ['close()', (session) => session.close()],
    ['leaving the loop', (session) => session[Symbol.asyncIterator]().return!()],
    ['an abort', (_session, abort) => abort.abort(new Error('stop'))],
  ];
  it.for(endings)(
    'leaves no silence deadline behind when ended by %s while paused with a flush owed',
    async ([, end]) => {
      fakeClock();
      const abort = new AbortController();
      const { session, socket } = await scriptedSession({
        maxQueuedBytes: BOUND,
        timeout: 5000,
        signal: abort.signal,
      });
      for (let i = 0; i < 5; i++) socket.frame(forty(i));
      expect(socket.paused).toBe(true);
      session.flush();
      await end(session, abort);
      await session.done.catch(() => {});
      // A timer left here keeps a script's process alive for the whole timeout (60 s by default).
      expect(vi.getTimerCount()).toBe(0);
    },
  );
});

describe('a server that stalls mid-session', () => {
  const TIMEOUT = 1000;

  it('times out after end() when the server sends some audio and then nothing, and yields that audio first', async () => {
    fakeClock();
    const { session, socket } = await scriptedSession({ timeout: TIMEOUT });
    session.end();
    socket.frame(audio('one'));
    socket.frame(audio('two'));
    let settled = false;
    session.done.catch(() => (settled = true));
    await vi.advanceTimersByTimeAsync(TIMEOUT);
    expect(settled).toBe(true);
    const { chunks, error } = await readAll(session);
    expect(text(chunks)).toEqual(['one', 'two']);
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
  });

  it('counts the silence from the last audio after end(), not from end()', async () => {
    fakeClock();
    const { session, socket } = await scriptedSession({ timeout: TIMEOUT });
    let settled = false;
    session.done.catch(() => (settled = true));
    session.end();
    await vi.advanceTimersByTimeAsync(TIMEOUT - 100);
    socket.frame(audio('late'));
    await vi.advanceTimersByTimeAsync(TIMEOUT - 100);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(settled).toBe(true);
  });

  it('starts the silence deadline only once a paused session resumes after end()', async () => {
    fakeClock();
    const { session, socket } = await scriptedSession({ timeout: TIMEOUT, maxQueuedBytes: 100 });
    let settled = false;
    session.done.catch(() => (settled = true));
    session.end();
    for (let i = 0; i < 3; i++) socket.frame(audio(new Uint8Array(40)));
    expect(socket.paused).toBe(true);
    await vi.advanceTimersByTimeAsync(10 * TIMEOUT);
    expect(settled).toBe(false);
    await take(session);
    expect(socket.paused).toBe(false);
    await vi.advanceTimersByTimeAsync(TIMEOUT - 1);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe(true);
    await expect(session.done).rejects.toBeInstanceOf(APIConnectionTimeoutError);
  });

  it('keeps waiting, without a deadline, for more audio after a flush was answered', async () => {
    fakeClock();
    const { session, socket } = await scriptedSession({ timeout: TIMEOUT });
    let settled = false;
    session.done.catch(() => (settled = true));
    session.flush();
    socket.frame(audio('answered'));
    await vi.advanceTimersByTimeAsync(10 * TIMEOUT);
    expect(settled).toBe(false);
    session.close();
    await expect(session.done).resolves.toBeUndefined();
  });

  it('times out on a real server that stalls after answering one text, then end()', async () => {
    fakeClock();
    const server = await liveServer((peer) => peer.socket.send(audio('only')));
    const session = await openLiveSession(clientFor(server.url), {}, { timeout: TIMEOUT });
    const iterator = session[Symbol.asyncIterator]();
    const first = await iterator.next();
    session.end();
    let settled = false;
    session.done.catch(() => (settled = true));
    await vi.advanceTimersByTimeAsync(TIMEOUT - 1);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe(true);
    expect(text([first.value!])).toEqual(['only']);
    await expect(iterator.next()).rejects.toBeInstanceOf(APIConnectionTimeoutError);
  });
});

describe('an abort while the server floods a paused session', () => {
  it('fails with APIUserAbortError whose cause is the reason, and drops the unread audio', async () => {
    const abort = new AbortController();
    const { session, socket } = await scriptedSession({
      maxQueuedBytes: 100,
      signal: abort.signal,
    });
    for (let i = 0; i < 10; i++) socket.frame(audio(new Uint8Array(40)));
    const reason = new Error('user left');
    abort.abort(reason);
    const { chunks, error } = await readAll(session);
    expect(chunks).toEqual([]);
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect((error as Error & { cause?: unknown }).cause).toBe(reason);
  });
});

// ---------------------------------------------------------------------------------------------
// The command

async function tempDir(ctx: TestContext) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fish-review-final-'));
  ctx.onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function standIn(ctx: TestContext, options: Parameters<typeof startLiveStandIn>[0] = {}) {
  const live = await startLiveStandIn({ apiKey: KEY, ...options });
  ctx.onTestFinished(() => live.close());
  return live;
}

function stdinFor(ctx: TestContext) {
  const stdin = new PassThrough();
  ctx.onTestFinished(() => void stdin.end());
  return stdin;
}

const SECRET_FORMS = [
  KEY,
  encodeURIComponent(KEY),
  b64(`Bearer ${KEY}`).slice(8, 40),
  KEY.slice(0, 12),
  KEY.slice(-12),
];

/** `main` with a stdout of the test's own, checking that no piece of the key is printed. */
function startMain(
  args: string[],
  io: {
    stdout?: Parameters<typeof main>[2]['stdout'];
    stdin?: PassThrough | string;
    signals?: EventEmitter;
  },
) {
  let stdout = '';
  let stderr = '';
  const stdin =
    typeof io.stdin === 'string'
      ? (async function* () {
          yield Buffer.from(io.stdin as string);
        })()
      : io.stdin;
  const done = main(args, { FISH_API_KEY: KEY }, {
    stdout: io.stdout ?? {
      write: (chunk: string | Uint8Array) => void (stdout += Buffer.from(chunk).toString()),
    },
    stderr: {
      write: (chunk: string | Uint8Array) => void (stderr += Buffer.from(chunk).toString()),
    },
    ...(stdin ? { stdin } : {}),
    ...(io.signals ? { signals: io.signals } : {}),
  } as Parameters<typeof main>[2]).then((code) => {
    const leaked = SECRET_FORMS.filter((s) => (stdout + stderr).includes(s));
    return { code, stdout, stderr, leaked };
  });
  done.catch(() => {});
  return done;
}

const epipe = () =>
  Object.assign(new Error('write EPIPE'), { code: 'EPIPE', errno: -32, syscall: 'write' });

describe('tts --live when its reader goes away', () => {
  it('exits 0 quietly and closes the session, stdin still open, when stdout (a stream) fails with EPIPE', async (ctx) => {
    const live = await standIn(ctx);
    const stdin = stdinFor(ctx);
    let writes = 0;
    const stdout = new Writable({
      write(_chunk, _encoding, done) {
        writes++;
        done(epipe());
      },
    });
    stdout.on('error', () => {});
    const run = startMain(['tts', '--live', '-o', '-', '--base-url', live.url], { stdout, stdin });
    stdin.write('one\n');
    const result = await run;
    expect(result).toMatchObject({ code: EXIT_CODES.OK, stderr: '', leaked: [] });
    expect(writes).toBe(1);
    await live.until(() => live.connections[0]?.closed === true);
    expect(live.connections[0]!.closed).toBe(true);
  });

  it('exits 0 quietly when stdout’s write throws EPIPE', async (ctx) => {
    const live = await standIn(ctx);
    const stdin = stdinFor(ctx);
    const stdout = {
      write() {
        throw epipe();
      },
    };
    const run = startMain(['tts', '--live', '-o', '-', '--base-url', live.url], { stdout, stdin });
    stdin.write('one\n');
    expect(await run).toMatchObject({ code: EXIT_CODES.OK, stderr: '', leaked: [] });
  });

  it('stops writing after stdout reports a failed write through its callback', async (ctx) => {
    const live = await standIn(ctx);
    let writes = 0;
    const stdout = {
      errored: null as Error | null,
      write(_chunk: unknown, done?: (error?: Error | null) => void) {
        writes++;
        const error = epipe();
        this.errored = error;
        if (done) process.nextTick(() => done(error));
        return false;
      },
    };
    const run = await startMain(['tts', '--live', '-o', '-', '--base-url', live.url], {
      stdout,
      stdin: 'one\ntwo\nthree\nfour\n',
    });
    expect(run.code).toBe(EXIT_CODES.OK);
    // Each further chunk went on into a pipe whose reader had left (and was paid for).
    expect(writes).toBe(1);
  });

  it('exits 0 quietly, with the session already closed, when the FIFO’s reader leaves after the first audio', async (ctx) => {
    const dir = await tempDir(ctx);
    const live = await standIn(ctx);
    const fifo = path.join(dir, 'live.fifo');
    execFileSync('mkfifo', [fifo], { timeout: 5000 });
    let opened = false;
    const firstRead = (async () => {
      const handle = await open(fifo, 'r');
      opened = true;
      try {
        // One read, then the reader is gone: no read is left pending on the FIFO.
        const { bytesRead, buffer } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024);
        return buffer.subarray(0, bytesRead).toString();
      } finally {
        await handle.close();
      }
    })();
    ctx.onTestFinished(async () => {
      if (!opened) {
        await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK)
          .then((h) => h.close())
          .catch(() => {});
      }
    });
    const stdin = stdinFor(ctx);
    const run = startMain(['tts', '--live', '-o', fifo, '--base-url', live.url], { stdin });
    stdin.write('one\n');
    expect(await firstRead).toBe('one\n');
    // The reader is gone: the next audio meets a FIFO with no reader.
    stdin.write('two\n');
    expect(await run).toMatchObject({ code: EXIT_CODES.OK, stderr: '', leaked: [] });
    expect((await lstat(fifo)).isFIFO()).toBe(true);
    // main() has returned. A session it left open hears stdin's end and sends `stop`; a closed
    // one sends nothing more. Either way the server's side settles.
    stdin.end();
    const connection = live.connections[0]!;
    await live.until(() => connection.closed || connection.events.some((e) => e.event === 'stop'));
    expect(connection.events.map((e) => e.event)).not.toContain('stop');
  });
});

describe('signals during tts --live -o FILE', () => {
  it('SIGINT while the server stalls after stop removes the temporary file, closes the session and exits 130', async (ctx) => {
    const dir = await tempDir(ctx);
    const live = await standIn(ctx, { fault: 'stall' });
    const signals = new EventEmitter();
    const out = path.join(dir, 'live.mp3');
    const run = startMain(['tts', '--live', '-o', out, '--base-url', live.url], {
      stdin: 'one\n',
      signals,
    });
    await live.until(() => live.connections[0]?.events.some((e) => e.event === 'stop') === true);
    signals.emit('SIGINT');
    const result = await run;
    expect(result).toEqual({
      code: EXIT_CODES.INTERRUPTED,
      stdout: '',
      stderr: `error: Interrupted by SIGINT; ${JSON.stringify(out)} was not written.\n`,
      leaked: [],
    });
    expect(await readdir(dir)).toEqual([]);
    await live.until(() => live.connections[0]!.closed);
    expect([signals.listenerCount('SIGINT'), signals.listenerCount('SIGTERM')]).toEqual([0, 0]);
  });

  it('SIGTERM during the live handshake removes the temporary file and exits 143', async (ctx) => {
    const dir = await tempDir(ctx);
    const server = await liveServer(() => {}, true);
    const signals = new EventEmitter();
    const out = path.join(dir, 'live.mp3');
    const run = startMain(['tts', '--live', '-o', out, '--base-url', server.url], {
      stdin: 'one\n',
      signals,
    });
    await server.upgraded;
    signals.emit('SIGTERM');
    const result = await run;
    expect(result.code).toBe(EXIT_CODES.TERMINATED);
    expect(result.stderr).toBe(
      `error: Interrupted by SIGTERM; ${JSON.stringify(out)} was not written.\n`,
    );
    expect(await readdir(dir)).toEqual([]);
    await server.closed;
  });
});

describe('tts --live against a server that echoes the key', () => {
  const rows: Array<[string, (peer: Peer) => void]> = [
    ['in a finish reason', (peer) => peer.socket.send(encode({ event: 'finish', reason: KEY }))],
    [
      'percent-encoded in a finish reason',
      (peer) => peer.socket.send(encode({ event: 'finish', reason: percent(KEY) })),
    ],
    [
      'as base64 of its Bearer header in a finish reason',
      (peer) => peer.socket.send(encode({ event: 'finish', reason: b64(`Bearer ${KEY}`) })),
    ],
    ['in a close reason', (peer) => peer.socket.close(4002, `bad key ${KEY}`)],
    ['in a text frame', (peer) => peer.socket.send(`{"error":"bad key ${KEY}"}`)],
  ];
  it.for(rows)('prints no piece of it on stderr when it stands %s', async ([, onStart]) => {
    const server = await liveServer(onStart);
    const result = await startMain(['tts', '--live', '-o', '-', '--base-url', server.url], {
      stdin: 'hello\n',
    });
    expect(result.code).toBe(EXIT_CODES.NETWORK);
    expect(result.stderr).toMatch(/^error: The live session with .* ended early: /);
    expect(result.leaked).toEqual([]);
    expect(keyPiecesIn(result.stderr)).toEqual([]);
  });
});
