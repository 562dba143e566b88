/**
 * A live session against servers that misbehave, each a real WebSocket server on 127.0.0.1:
 * one that floods audio at a reader that reads nothing (the session holds a bounded queue and
 * the rest waits on the server's side), one that ignores the closing handshake (the connection
 * still ends, after a short grace), one that echoes the key wherever it can (it shows nowhere),
 * and ones that send frames no server should. Each ends in a typed error, after every chunk
 * received before it.
 */
import { once } from 'node:events';
import { inspect } from 'node:util';
import { decode, encode } from '@msgpack/msgpack';
import WebSocket from 'ws';
import { describe, expect, it, vi } from 'vitest';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  AuthenticationError,
  FishAudio,
  FishAudioError,
  InvalidOptionError,
  RealtimeError,
} from '../../src/index.js';
import {
  DEFAULT_MAX_QUEUED_BYTES,
  liveSpeech,
  openLiveSession,
  type LiveOptions,
  type LiveSession,
} from '../../src/realtime/index.js';
import { MAX_FRAME_BYTES, MAX_FRAME_DEPTH, MAX_FRAME_VALUES } from '../../src/realtime/messages.js';
import { CLOSE_GRACE_MS, MAX_REFUSAL_BODY } from '../../src/realtime/session.js';
import type { LiveSocket, SocketEvent, SocketRuntime } from '../../src/realtime/socket.js';
import { useFakeClock } from '../helpers/clock.js';
import { liveServer, type LiveServerOptions, type Peer } from '../helpers/live-server.js';
import { failure, readAll } from '../helpers/settle.js';

// Shaped like a real key (32 lowercase hex), so that it can also stand in a header's name.
const KEY = 'f3a9c2e17b5d4088a6e1c0d9b2f47e63';
const BEARER_BASE64 = Buffer.from(`Bearer ${KEY}`).toString('base64');

/** Sends `message` and resolves once the client has read it (the pong follows it). */
async function deliver(peer: Peer, message: unknown): Promise<void> {
  peer.send(message);
  peer.socket.ping();
  await once(peer.socket, 'pong');
}

/** Makes the server deaf to the client: it reads the bytes and ignores them, close frames too. */
function ignoreClient(peer: Peer): void {
  // `ws` reads its socket through 'data' listeners; replacing them keeps the socket flowing
  // (so the server still sees the connection end) while no frame is ever answered.
  peer.raw.removeAllListeners('data');
  peer.raw.on('data', () => {});
}

function clientFor(server: { url: string }): FishAudio {
  return new FishAudio({ apiKey: KEY, baseUrl: server.url, maxRetries: 0 });
}

const audio = (text: string) => ({ event: 'audio', audio: Buffer.from(text) });
const texts = (chunks: Uint8Array[]) => chunks.map((c) => Buffer.from(c).toString());

/** Every way an error can be shown, none of which may hold the key or a piece of it. */
function expectNoKey(error: unknown): void {
  const e = error as Error;
  const shown = [e.message, e.stack, inspect(e, { depth: 8 }), JSON.stringify(e)].join('\n');
  for (const piece of [KEY, KEY.slice(0, 12), KEY.slice(-12), BEARER_BASE64.slice(8, 40)]) {
    expect(shown).not.toContain(piece);
  }
}

/**
 * The `ws` WebSocket, recorded as the session makes it, so a test can see the client's side:
 * `made` holds the sockets, `counted.bytes` the bytes of every message they have read.
 */
function recordingRuntime() {
  const made: WebSocket[] = [];
  const counted = { bytes: 0 };
  class Recording extends WebSocket {
    constructor(url: string, options: WebSocket.ClientOptions) {
      super(url, options);
      made.push(this);
      this.on('message', (data: ArrayBuffer | Buffer) => (counted.bytes += data.byteLength));
    }
  }
  const runtime: SocketRuntime = { global: {}, importWs: async () => ({ default: Recording }) };
  return { runtime, made, counted };
}

/**
 * A socket shaped like Deno's (a WHATWG WebSocket that takes headers): no `pause`, no `on`, so
 * no status for a refused handshake — only an error event, whose words quote what the server
 * said, as a runtime's message may. Built on a real `ws` socket to a real server.
 */
function wordyRuntime(): SocketRuntime {
  class Wordy implements LiveSocket {
    binaryType = 'arraybuffer';
    readonly #ws: WebSocket;
    readonly #listeners = new Map<string, Array<(event: SocketEvent) => void>>();
    constructor(url: string, options: { headers: Record<string, string> }) {
      this.#ws = new WebSocket(url, { headers: options.headers });
      this.#ws.on('unexpected-response', async (request, response) => {
        let body = '';
        for await (const chunk of response) body += String(chunk);
        this.#emit('error', { message: `Unexpected response ${response.statusCode}: ${body}` });
        this.#emit('close', { code: 1006, reason: '' });
        request.destroy();
      });
      this.#ws.on('open', () => this.#emit('open', {}));
      this.#ws.on('message', (data: Buffer, isBinary) => {
        if (isBinary) this.#emit('message', { data: new Uint8Array(data).slice().buffer });
        else this.#emit('error', { message: `Protocol error: ${String(data)}` });
      });
      this.#ws.on('close', (code, reason) => this.#emit('close', { code, reason: String(reason) }));
      this.#ws.on('error', (error) => this.#emit('error', { error }));
    }
    get readyState() {
      return this.#ws.readyState;
    }
    send(data: Uint8Array) {
      this.#ws.send(data);
    }
    close(code?: number, reason?: string) {
      this.#ws.close(code, reason);
    }
    addEventListener(type: string, listener: (event: SocketEvent) => void) {
      this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
    }
    #emit(type: string, event: SocketEvent) {
      for (const listener of this.#listeners.get(type) ?? []) listener(event);
    }
  }
  return { global: { Deno: {}, WebSocket: Wordy }, importWs: () => import('ws') };
}

describe('unread audio', () => {
  const BOUND = 64 * 1024;
  const FRAME = 16 * 1024;
  // What the server must have waiting on its own side before it stops: more than it could
  // hold for long if the client were reading.
  const BACKLOG = 1024 * 1024;
  // Where a client that never pauses would have taken it all in.
  const CAP = 64 * 1024 * 1024;
  // `ws` reads a connection 64 KiB at a time, and delivers every frame of a read it began.
  const ONE_READ = 64 * 1024;

  const frame = (index: number) =>
    encode({ event: 'audio', audio: new Uint8Array(FRAME).fill(index % 256) });

  /**
   * Floods audio until frames wait on the server's side (back-pressure) or CAP bytes have gone
   * out; yields between batches so that a reading client can take them in.
   */
  function flood(peer: Peer): Promise<{ sent: number; waiting: number }> {
    return new Promise((resolve) => {
      let sent = 0;
      const batch = () => {
        for (let i = 0; i < 16 && peer.socket.bufferedAmount < BACKLOG; i++) {
          peer.socket.send(frame(sent++));
        }
        const waiting = peer.socket.bufferedAmount;
        if (waiting >= BACKLOG || sent * FRAME >= CAP) resolve({ sent, waiting });
        else setImmediate(batch);
      };
      batch();
    });
  }

  /** A session whose server floods it when it starts, or when it ends (`at: 'stop'`). */
  async function flooded(options: LiveOptions = {}, at: 'start' | 'stop' = 'start') {
    let begin!: (peer: Peer) => void;
    const flooding = new Promise<Peer>((resolve) => (begin = resolve)).then(flood);
    const server = await liveServer({
      onStart: (peer) => at === 'start' && begin(peer),
      onEvent: (peer, event) => at === 'stop' && event.event === 'stop' && begin(peer),
    });
    const { runtime, made, counted } = recordingRuntime();
    const session = await openLiveSession(
      clientFor(server),
      {},
      { maxQueuedBytes: BOUND, runtime, ...options },
    );
    return { server, session, made, counted, flooding };
  }

  it('stops reading past maxQueuedBytes, so the rest waits on the server side', async () => {
    const { session, made, counted, flooding } = await flooded();
    const { sent, waiting } = await flooding;
    expect(sent * FRAME).toBeLessThan(CAP);
    expect(waiting).toBeGreaterThanOrEqual(BACKLOG);
    expect(made[0]!.isPaused).toBe(true);
    expect(counted.bytes).toBeLessThanOrEqual(BOUND + FRAME + ONE_READ);
    session.close();
  });

  it('reads again as the reader drains, and delivers every frame in order', async () => {
    const { server, session, flooding } = await flooded();
    const { sent } = await flooding;
    server.peers[0]!.send({ event: 'finish', reason: 'stop' });
    let count = 0;
    for await (const chunk of session) {
      expect(chunk.byteLength).toBe(FRAME);
      expect(chunk[0]).toBe(count++ % 256);
    }
    expect(count).toBe(sent);
    await expect(session.done).resolves.toBeUndefined();
  });

  it('does not count the time it holds the server back as silence', async () => {
    const clock = useFakeClock();
    const { server, session, flooding } = await flooded({ timeout: 50 }, 'stop');
    session.end();
    const { sent } = await flooding;
    await clock.advance(10 * 50);
    server.peers[0]!.send({ event: 'finish', reason: 'stop' });
    const { chunks, error } = await readAll(session);
    expect(error).toBeUndefined();
    expect(chunks).toHaveLength(sent);
  });

  it('answers the closing handshake when closed while holding the server back', async () => {
    // A fake clock that never moves: only the handshake, not the grace period, can end it.
    useFakeClock();
    const { server, session, flooding } = await flooded();
    await flooding;
    const closed = once(server.peers[0]!.socket, 'close');
    session.close();
    const [code] = (await closed) as [number];
    expect(code).toBe(1000);
  });

  it('fails with a RealtimeError naming the bound where the socket cannot pause, after the audio it queued', async () => {
    const server = await liveServer({
      onStart: (peer) => {
        for (let i = 0; i < 8; i++) peer.socket.send(frame(i));
        peer.send({ event: 'finish', reason: 'stop' });
      },
    });
    const session = await openLiveSession(
      clientFor(server),
      {},
      { maxQueuedBytes: BOUND, runtime: wordyRuntime() },
    );
    const error = await failure(session.done);
    expect(error).toBeInstanceOf(RealtimeError);
    expect(error.message).toContain(`More than ${BOUND} bytes`);
    expect(error.message).toContain('maxQueuedBytes');
    // Four frames are the bound; the fifth passed it, and is delivered too.
    const { chunks, error: thrown } = await readAll(session);
    expect(chunks.map((c) => c[0])).toEqual([0, 1, 2, 3, 4]);
    expect(thrown).toBe(error);
  });

  it.each<[string, unknown]>([
    ['0', 0],
    ['a negative number', -1],
    ['a fraction', 1.5],
    ['NaN', NaN],
    ['a string', '4 MiB'],
  ])('refuses a maxQueuedBytes of %s before connecting', async (_name, value) => {
    const server = await liveServer();
    const options = { maxQueuedBytes: value } as LiveOptions;
    const error = await failure(openLiveSession(clientFor(server), {}, options));
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as InvalidOptionError).option).toBe('maxQueuedBytes');
    expect(error.message).toContain('1 or more');
    expect(server.upgrades()).toBe(0);
  });

  it.each([1, DEFAULT_MAX_QUEUED_BYTES, Infinity])(
    'accepts a maxQueuedBytes of %s',
    async (value) => {
      const server = await liveServer({
        onStart: (peer) => peer.send({ event: 'finish', reason: 'stop' }),
      });
      const session = await openLiveSession(clientFor(server), {}, { maxQueuedBytes: value });
      await expect(session.done).resolves.toBeUndefined();
    },
  );
});

describe('a server that ignores the closing handshake', () => {
  const finish = (reason: string) => (peer: Peer) => peer.send({ event: 'finish', reason });
  const speak = (peer: Peer) => peer.send(audio('one'));
  it.each<[string, (peer: Peer) => void, (client: FishAudio) => Promise<unknown>]>([
    ['finish: stop', finish('stop'), async (client) => (await openLiveSession(client)).done],
    [
      'finish: error',
      finish('error'),
      async (client) => (await openLiveSession(client)).done.catch(() => {}),
    ],
    [
      'close() by the caller',
      speak,
      async (client) => {
        const session = await openLiveSession(client);
        // Once the audio is here the server is deaf: only then may the close frame go out.
        await session[Symbol.asyncIterator]().next();
        session.close();
      },
    ],
    [
      'a loop left early',
      speak,
      async (client) => {
        for await (const _chunk of liveSpeech(client, ['Hello.'])) break;
      },
    ],
  ])('loses the connection one grace period after %s', async (_name, act, run) => {
    const clock = useFakeClock();
    const server = await liveServer({
      onStart: (peer) => {
        ignoreClient(peer);
        act(peer);
      },
    });
    await run(clientFor(server));
    await clock.advance(CLOSE_GRACE_MS);
    // Without the grace period the connection would stay open until ws gives up, in 30 s.
    await server.peers[0]!.ended;
    expect(clock.timers).toContainEqual({ file: 'realtime/session.ts', ms: CLOSE_GRACE_MS });
  });

  it('leaves no timer behind when the server does answer it', async () => {
    useFakeClock();
    const server = await liveServer({
      onStart: (peer) => peer.send({ event: 'finish', reason: 'stop' }),
    });
    const { runtime, made } = recordingRuntime();
    const session = await openLiveSession(clientFor(server), {}, { runtime });
    await session.done;
    if (made[0]!.readyState !== WebSocket.CLOSED) await once(made[0]!, 'close');
    await server.peers[0]!.ended;
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('the key, echoed by the server', () => {
  type Place = (echo: string) => LiveServerOptions & { runtime?: SocketRuntime };
  const refuse = (status: number, body: string, headers: Record<string, string> = {}) => ({
    verifyClient: ((_info, callback) =>
      callback(false, status, body, headers)) as WebSocket.VerifyClientCallbackAsync,
  });
  const places: Array<[string, Place]> = [
    ['a close reason', (echo) => ({ onStart: (peer) => peer.socket.close(4000, `bad ${echo}`) })],
    [
      'a finish reason',
      (echo) => ({ onStart: (peer) => peer.send({ event: 'finish', reason: echo }) }),
    ],
    ['a text frame', (echo) => ({ onStart: (peer) => peer.socket.send(`{"key":"${echo}"}`) })],
    [
      'a refused handshake’s body',
      (echo) => refuse(401, JSON.stringify({ message: `Invalid key ${echo}` })),
    ],
    [
      'a refused handshake’s header',
      (echo) => refuse(401, '', { 'www-authenticate': `Bearer error="invalid", token="${echo}"` }),
    ],
    [
      'an error event before the socket opens',
      (echo) => ({ ...refuse(401, `no: ${echo}`), runtime: wordyRuntime() }),
    ],
    [
      'an error event after the socket opened',
      (echo) => ({
        onStart: (peer) => peer.socket.send(`session broke for ${echo}`),
        runtime: wordyRuntime(),
      }),
    ],
  ];
  const forms: Array<[string, string]> = [
    ['as itself', KEY],
    ['as base64 of its Bearer header', BEARER_BASE64],
  ];
  const rows = places.flatMap(([place, make]) =>
    forms.map(([form, echo]) => ({ place, form, options: make(echo) })),
  );

  it.each(rows)('is not shown when it stands in $place, $form', async ({ options }) => {
    const { runtime, ...serverOptions } = options;
    const server = await liveServer(serverOptions);
    const error = await failure(
      (async () => {
        const session = await openLiveSession(clientFor(server), {}, { runtime });
        session.end();
        await readAll(session);
        await session.done;
      })(),
    );
    expect(error).toBeInstanceOf(FishAudioError);
    expectNoKey(error);
  });

  it('is not shown when a refused handshake’s body runs past the bound the client reads', async () => {
    // The key starts a few characters before the bound: a body cut there would show its start.
    const body = 'x'.repeat(MAX_REFUSAL_BODY - 12) + KEY + 'x'.repeat(100);
    const server = await liveServer(refuse(403, body));
    const error = await failure(openLiveSession(clientFor(server)));
    expect(error).toBeInstanceOf(APIError);
    expectNoKey(error);
  });

  it('is not shown when it names a header of a refused handshake', async () => {
    const server = await liveServer(refuse(401, '', { [`x-key-${KEY}`]: 'echo' }));
    const error = await failure(openLiveSession(clientFor(server)));
    expect(error).toBeInstanceOf(AuthenticationError);
    expectNoKey(error);
  });

  it('shows no control characters of a close reason', async () => {
    const server = await liveServer({
      onStart: (peer) => peer.socket.close(4000, 'bad\u001b[2J\r\nINFO: all fine'),
    });
    const session = await openLiveSession(clientFor(server));
    const error = await failure(session.done);
    expect(error).toBeInstanceOf(RealtimeError);
    expect(error.message).toContain('bad?[2J??INFO: all fine');
  });
});

describe('a hostile server', () => {
  // {event: 'log', data: [[[…nil…]]]}, the arrays `levels` deep.
  const deep = (levels: number) =>
    Buffer.concat([
      Buffer.from([0x82, 0xa5, ...Buffer.from('event'), 0xa3, ...Buffer.from('log')]),
      Buffer.from([0xa4, ...Buffer.from('data')]),
      Buffer.alloc(levels, 0x91),
      Buffer.from([0xc0]),
    ]);
  const huge = () => {
    const map: Record<string, number | string> = { event: 'log' };
    for (let i = 0; i < 200_000; i++) map[`k${i}`] = i;
    return Buffer.from(encode(map));
  };
  const protoKey = Buffer.from([0x81, 0xa9, ...Buffer.from('__proto__'), 0xc0]);

  it.each<[string, () => Buffer | string, RegExp]>([
    [
      'a map nested 100 000 levels deep',
      () => deep(100_000),
      new RegExp(`deeper than ${MAX_FRAME_DEPTH} levels`),
    ],
    ['a map of 200 000 entries', huge, new RegExp(`more than ${MAX_FRAME_VALUES} values`)],
    [
      'a map that claims 4 294 967 295 entries',
      () => Buffer.from([0xdf, 0xff, 0xff, 0xff, 0xff]),
      /more than \d+ values/,
    ],
    ['msgpack that is a number', () => Buffer.from(encode(42)), /not a msgpack map/],
    [
      'msgpack that is a list of events',
      () => Buffer.from(encode([audio('x')])),
      /not a msgpack map/,
    ],
    ['a map with a __proto__ key', () => protoKey, /does not decode as msgpack/],
    [
      'bytes after the map',
      () => Buffer.concat([Buffer.from(encode(audio('x'))), Buffer.from([0])]),
      /does not decode/,
    ],
    [
      'a map holding a reserved msgpack byte',
      () => Buffer.from([0x81, 0xa1, 0x61, 0xc1]),
      /does not decode as msgpack/,
    ],
    [
      'audio as a string',
      () => Buffer.from(encode({ event: 'audio', audio: 'AAAA' })),
      /without bytes/,
    ],
    [
      'audio as an array of numbers',
      () => Buffer.from(encode({ event: 'audio', audio: [1, 2] })),
      /without bytes/,
    ],
    [
      'an audio event without audio',
      () => Buffer.from(encode({ event: 'audio' })),
      /without bytes/,
    ],
    ['a text frame', () => '{"event":"audio"}', /text frame.*"\{"event":"audio"\}"/],
  ])(
    'ends the session with a RealtimeError, after the audio before it, when it sends %s',
    async (_name, make, message) => {
      const server = await liveServer({
        onStart: (peer) => {
          peer.send(audio('kept'));
          peer.socket.send(make());
          peer.send(audio('after'));
          peer.send({ event: 'finish', reason: 'stop' });
        },
      });
      const session = await openLiveSession(clientFor(server));
      const { chunks, error } = await readAll(session);
      expect(texts(chunks)).toEqual(['kept']);
      expect(error).toBeInstanceOf(RealtimeError);
      expect(error!.message).toMatch(message);
    },
  );

  it('ends the session with a RealtimeError (1009) when a frame is larger than the client takes', async () => {
    const server = await liveServer({
      onStart: (peer) => {
        peer.send(audio('kept'));
        peer.send({ event: 'audio', audio: new Uint8Array(MAX_FRAME_BYTES) });
        peer.send({ event: 'finish', reason: 'stop' });
      },
    });
    const session = await openLiveSession(clientFor(server));
    const { chunks, error } = await readAll(session);
    expect(texts(chunks)).toEqual(['kept']);
    expect(error).toBeInstanceOf(RealtimeError);
    expect((error as RealtimeError).closeCode).toBe(1009);
    expect(error!.message).toContain(`larger than ${MAX_FRAME_BYTES} bytes`);
  });

  it('times out after end() when it sends only events of unknown kinds, never finish', async () => {
    const clock = useFakeClock();
    let stopped!: (peer: Peer) => void;
    const stop = new Promise<Peer>((resolve) => (stopped = resolve));
    const server = await liveServer({ onEvent: (peer) => stopped(peer) });
    const session = await openLiveSession(clientFor(server), {}, { timeout: 100 });
    let settled = false;
    const failed = failure(session.done).finally(() => (settled = true));
    session.end();
    const peer = await stop;
    // An event every half deadline, for two deadlines: each one read before the clock moves.
    for (let i = 0; i < 4 && !settled; i++) {
      await Promise.race([deliver(peer, { event: 'log', message: 'still working' }), failed]);
      await clock.advance(50);
    }
    expect(settled).toBe(true);
    expect(await failed).toBeInstanceOf(APIConnectionTimeoutError);
  });

  it('fails with a RealtimeError (code 1000) when it closes normally before finish, after every chunk', async () => {
    const server = await liveServer({
      onStart: (peer) => {
        for (const word of ['one', 'two', 'three']) peer.send(audio(word));
        peer.socket.close(1000, 'done');
      },
    });
    const session = await openLiveSession(clientFor(server));
    const { chunks, error } = await readAll(session);
    expect(texts(chunks)).toEqual(['one', 'two', 'three']);
    expect(error).toBeInstanceOf(RealtimeError);
    expect((error as RealtimeError).closeCode).toBe(1000);
  });

  it('yields nothing it sends after finish', async () => {
    const server = await liveServer({
      onStart: (peer) => {
        peer.send(audio('before'));
        peer.send({ event: 'finish', reason: 'stop' });
        peer.send(audio('after'));
        peer.send({ event: 'finish', reason: 'error' });
      },
    });
    const session = await openLiveSession(clientFor(server));
    const { chunks, error } = await readAll(session);
    expect(error).toBeUndefined();
    expect(texts(chunks)).toEqual(['before']);
    await expect(session.done).resolves.toBeUndefined();
  });

  it.each<[string, string]>([
    ['200', 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello'],
    ['204', 'HTTP/1.1 204 No Content\r\n\r\n'],
    ['302', 'HTTP/1.1 302 Found\r\nLocation: LOCATION\r\nContent-Length: 0\r\n\r\n'],
  ])(
    'fails the opening with APIConnectionError, not an APIError, when it answers the upgrade with %s',
    async (status, response) => {
      const elsewhere = await liveServer();
      const server = await liveServer({
        onUpgrade: (_request, raw) =>
          raw.end(response.replace('LOCATION', `${elsewhere.url}/v1/tts/live`)),
      });
      const error = await failure(openLiveSession(clientFor(server)));
      expect(error).toBeInstanceOf(APIConnectionError);
      expect(error).not.toBeInstanceOf(APIError);
      expect(error.message).toContain(`answered its handshake with ${status}`);
      expect(elsewhere.upgrades()).toBe(0);
    },
  );

  it.each<[string, (session: LiveSession) => void]>([
    ['send', (session) => session.send('more')],
    ['flush', (session) => session.flush()],
    ['end', (session) => session.end()],
  ])('makes %s() throw the error it failed the session with', async (_name, call) => {
    const server = await liveServer({
      onStart: (peer) => peer.send({ event: 'finish', reason: 'error' }),
    });
    const session = await openLiveSession(clientFor(server));
    const error = await failure(session.done);
    let thrown: unknown;
    try {
      call(session);
    } catch (caught) {
      thrown = caught;
    }
    expect(thrown).toBe(error);
    expect(thrown).toBeInstanceOf(RealtimeError);
  });
});
