/**
 * Realtime speech over a real WebSocket on 127.0.0.1, against the live stand-in: audio comes
 * back while text is still being written, and every way a session can end badly is a typed
 * error that never shows the key.
 */
import path from 'node:path';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  AuthenticationError,
  FishAudio,
  FishAudioError,
  InvalidOptionError,
  RateLimitError,
  RealtimeError,
} from '../src/index.js';
import { liveSpeech, openLiveSession, type LiveOptions } from '../src/realtime/index.js';
import { loadWebSocket } from '../src/realtime/socket.js';
import {
  standInAudio,
  startLiveStandIn,
  type LiveStandIn,
  type LiveStandInOptions,
} from '../src/testing/live.js';
import { startStandIn } from '../src/testing/stand-in.js';
import { useFakeClock } from './helpers/clock.js';
import { ROOT } from './helpers/project-copy.js';
import { failure } from './helpers/settle.js';

// Long enough that the redactor treats it as secret wherever it stands.
const KEY = 'sk-live-0123456789abcdef-SECRET';

const standIns: LiveStandIn[] = [];
afterEach(async () => {
  for (const standIn of standIns.splice(0)) await standIn.close();
});

async function start(options: LiveStandInOptions = {}) {
  const live = await startLiveStandIn({ apiKey: KEY, ...options });
  standIns.push(live);
  const client = new FishAudio({ apiKey: KEY, baseUrl: live.url, maxRetries: 0 });
  return { live, client };
}

const text = (bytes: Uint8Array[]) => Buffer.concat(bytes).toString('utf8');

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

describe('liveSpeech', () => {
  it('yields the first audio chunk while the text is still being written', async () => {
    const { client } = await start();
    let releaseRest!: () => void;
    const rest = new Promise<void>((resolve) => (releaseRest = resolve));
    let textEnded = false;
    async function* tokens() {
      yield 'Hello ';
      await rest; // held open until the first chunk has arrived
      yield 'world.';
      textEnded = true;
    }
    const chunks: Uint8Array[] = [];
    const endedAtFirstChunk: boolean[] = [];
    for await (const chunk of liveSpeech(client, tokens())) {
      if (chunks.length === 0) {
        endedAtFirstChunk.push(textEnded);
        releaseRest();
      }
      chunks.push(chunk);
    }
    expect(endedAtFirstChunk).toEqual([false]);
    expect(text(chunks)).toBe('Hello world.');
  });

  it('yields each chunk as a plain Uint8Array holding only its own bytes, not a Buffer', async () => {
    const { client } = await start({ framesPerText: 2 });
    const chunks = await collect(liveSpeech(client, ['One, ', 'two.']));
    expect(chunks.length).toBe(4);
    for (const chunk of chunks) {
      expect(Object.getPrototypeOf(chunk)).toBe(Uint8Array.prototype);
      // A copy of a chunk is a copy (a Buffer's slice would be a view of the frame).
      const copy = chunk.slice();
      copy.fill(0);
      expect(chunk.some((byte) => byte !== 0)).toBe(true);
    }
    expect(text(chunks)).toBe('One, two.');
  });

  it('speaks a plain array of strings, in order, split into several frames each', async () => {
    const { client } = await start({ framesPerText: 3 });
    const chunks = await collect(liveSpeech(client, ['One, ', 'two, ', 'three.']));
    expect(chunks.length).toBe(9);
    expect(text(chunks)).toBe('One, two, three.');
  });

  it('throws the error of its text source and closes the connection', async () => {
    const { client, live } = await start();
    async function* broken() {
      yield 'Hi. ';
      throw new Error('the model stopped');
    }
    const error = await failure(collect(liveSpeech(client, broken())));
    expect(error.message).toBe('the model stopped');
    // Once closed, the server has every event the client sent.
    await live.until(() => live.connections[0]?.closed === true);
    expect(live.connections[0]!.events.map((e) => e.event)).not.toContain('stop');
  });

  it('closes the session when the loop is left early', async () => {
    const { client, live } = await start();
    async function* endless() {
      for (let i = 0; ; i++) {
        yield `word ${i} `;
        await new Promise(setImmediate);
      }
    }
    for await (const chunk of liveSpeech(client, endless())) {
      expect(chunk.byteLength).toBeGreaterThan(0);
      break;
    }
    // Without the close, this would wait until the test times out.
    await live.until(() => live.connections[0]?.closed === true);
    expect(live.connections[0]!.closed).toBe(true);
  });
});

describe('openLiveSession', () => {
  it('sends start with the request, then text, flush and stop, each a msgpack map', async () => {
    const { client, live } = await start();
    const session = await openLiveSession(client, {
      reference_id: 'voice-1',
      format: 'opus',
      model: 's2.1-pro-free',
    });
    session.send('Hello. ');
    session.flush();
    session.end();
    await collect(session);
    expect(live.connections[0]!.events).toEqual([
      { event: 'start', request: { text: '', reference_id: 'voice-1', format: 'opus' } },
      { event: 'text', text: 'Hello. ' },
      { event: 'flush' },
      { event: 'stop' },
    ]);
  });

  it('sends the model as a handshake header, not in the start request', async () => {
    const { client, live } = await start();
    const session = await openLiveSession(client, { model: 's2.1-pro-free' });
    session.end();
    await session.done;
    expect(live.connections[0]!.headers.model).toBe('s2.1-pro-free');
  });

  it("sends the client's key as a bearer token in the handshake", async () => {
    const { client, live } = await start();
    const session = await openLiveSession(client);
    session.end();
    await session.done;
    expect(live.connections[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("sends the client's default headers and the session's own headers", async () => {
    const live = await startLiveStandIn({ apiKey: KEY });
    standIns.push(live);
    const client = new FishAudio({
      apiKey: KEY,
      baseUrl: live.url,
      defaultHeaders: { 'x-app': 'demo', 'x-trace': 'client' },
    });
    const session = await openLiveSession(client, {}, { headers: { 'x-trace': 'session' } });
    session.end();
    await session.done;
    expect(live.connections[0]!.headers).toMatchObject({ 'x-app': 'demo', 'x-trace': 'session' });
  });

  it('resolves done on finish: stop, after every audio chunk has arrived', async () => {
    const { client } = await start();
    const session = await openLiveSession(client);
    session.send('Bye.');
    session.end();
    const chunks = await collect(session);
    await expect(session.done).resolves.toBeUndefined();
    expect(text(chunks)).toBe('Bye.');
  });

  it('answers a flush with the buffered text before the session ends', async () => {
    const { client } = await start({ bufferUntilFlush: true });
    const session = await openLiveSession(client);
    session.send('Buffered ');
    session.send('text.');
    session.flush();
    const iterator = session[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(Buffer.from(first.value as Uint8Array).toString()).toBe('Buffered text.');
    session.end();
    await session.done;
  });

  it('ignores events of kinds it does not know', async () => {
    const { client } = await start({ unknownEvents: true });
    const session = await openLiveSession(client);
    session.send('Still fine.');
    session.end();
    expect(text(await collect(session))).toBe('Still fine.');
  });

  it('refuses more text after end()', async () => {
    const { client } = await start();
    const session = await openLiveSession(client);
    session.end();
    expect(() => session.send('late')).toThrow(/after end\(\)/);
    await session.done;
  });

  it('pings the server every keepalive interval', async () => {
    const { client, live } = await start();
    const session = await openLiveSession(client, {}, { keepalive: 20 });
    await live.until(() => (live.connections[0]?.pings ?? 0) >= 2);
    session.end();
    await session.done;
    expect(live.connections[0]!.pings).toBeGreaterThanOrEqual(2);
  });

  it('waits for text as long as it takes: the idle deadline runs only while a frame is owed', async () => {
    const clock = useFakeClock();
    const { client } = await start();
    const session = await openLiveSession(client, {}, { timeout: 40 });
    // Ten deadlines pass with nothing owed; an armed deadline would have failed the session.
    await clock.advance(10 * 40);
    session.send('Late but fine.');
    session.end();
    expect(text(await collect(session))).toBe('Late but fine.');
  });
});

describe('a live session that ends badly', () => {
  it.each<[string, LiveStandInOptions, number | undefined]>([
    ['the server finishes with finish: error', { fault: 'finish-error' }, undefined],
    ['the connection drops before finish', { fault: 'drop' }, 1006],
    ['the connection drops after the first text', { fault: 'drop', faultAt: 2 }, 1006],
  ])('fails with RealtimeError when %s', async (_name, options, closeCode) => {
    const { client } = await start(options);
    const session = await openLiveSession(client);
    session.send('One. ');
    session.send('Two.');
    session.end();
    const error = await failure(collect(session));
    expect(error).toBeInstanceOf(RealtimeError);
    expect((error as RealtimeError).closeCode).toBe(closeCode);
    await expect(session.done).rejects.toBe(error);
  });

  it('delivers the audio that arrived before the connection dropped', async () => {
    const { client } = await start({ fault: 'drop', faultAt: 2 });
    const session = await openLiveSession(client);
    session.send('Kept. ');
    session.send('Lost.');
    const chunks: Uint8Array[] = [];
    const error = await failure(
      (async () => {
        for await (const chunk of session) chunks.push(chunk);
      })(),
    );
    expect(error).toBeInstanceOf(RealtimeError);
    expect(text(chunks)).toBe('Kept. ');
  });

  it.each<
    [string, LiveStandInOptions, (s: { send(t: string): void; flush(): void; end(): void }) => void]
  >([
    ['the server stalls after end()', { fault: 'stall' }, (s) => s.end()],
    [
      'the server stalls after a flush',
      { fault: 'stall', faultAt: 1 },
      (s) => {
        s.send('Anyone?');
        s.flush();
      },
    ],
  ])('fails with APIConnectionTimeoutError when %s', async (_name, options, act) => {
    const clock = useFakeClock();
    const { client } = await start(options);
    const session = await openLiveSession(client, {}, { timeout: 60 });
    act(session);
    const failed = failure(session.done);
    await clock.advance(60);
    const error = await failed;
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect(error.message).toContain('60 ms');
  });

  it('fails with APIUserAbortError when its signal aborts mid-session', async () => {
    const { client } = await start({ fault: 'stall' });
    const controller = new AbortController();
    const session = await openLiveSession(client, {}, { signal: controller.signal });
    session.send('Stop me.');
    session.end();
    const reading = failure(collect(session));
    controller.abort('user left');
    const error = await reading;
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(error.cause).toBe('user left');
  });

  it('rejects the opening with APIUserAbortError when the signal has already aborted', async () => {
    const { client, live } = await start();
    const error = await failure(
      openLiveSession(client, {}, { signal: AbortSignal.abort('no longer needed') }),
    );
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(live.connections).toHaveLength(0);
  });

  it('rejects the opening with AuthenticationError (401) when the key is refused', async () => {
    const { live } = await start();
    const client = new FishAudio({ apiKey: 'sk-wrong-key-0123456789abcdef', baseUrl: live.url });
    const error = await failure(openLiveSession(client));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).status).toBe(401);
    expect((error as AuthenticationError).body).toEqual({
      status: 401,
      message: 'Invalid API key: [redacted]',
    });
    expect(live.refused).toBe(1);
  });

  it('rejects the opening with APIConnectionError when nothing listens', async () => {
    const { live } = await start();
    const url = live.url;
    await live.close();
    const client = new FishAudio({ apiKey: KEY, baseUrl: url });
    const error = await failure(openLiveSession(client));
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as APIConnectionError).code).toBe('ECONNREFUSED');
  });
});

describe('the API key', () => {
  it.each<[string, LiveStandInOptions, LiveOptions, string]>([
    ['a refused handshake', { apiKey: 'other-key' }, {}, 'AuthenticationError'],
    ['finish: error', { fault: 'finish-error' }, {}, 'RealtimeError'],
    ['a dropped connection', { fault: 'drop' }, {}, 'RealtimeError'],
    ['a stalled server', { fault: 'stall' }, { timeout: 50 }, 'APIConnectionTimeoutError'],
  ])('never appears in the error of %s', async (_name, options, liveOptions, name) => {
    const clock = useFakeClock();
    const live = await startLiveStandIn({ apiKey: KEY, ...options });
    standIns.push(live);
    const client = new FishAudio({ apiKey: KEY, baseUrl: live.url });
    const error = await failure(
      (async () => {
        const session = await openLiveSession(client, {}, liveOptions);
        session.send(`Say ${KEY}`); // even text that holds the key stays out of errors
        session.end();
        const reading = collect(session);
        if (liveOptions.timeout) {
          // Only the stalled server's deadline runs out, and only as the clock moves on.
          reading.catch(() => {});
          await clock.advance(liveOptions.timeout);
        }
        await reading;
      })(),
    );
    expect(error.name).toBe(name);
    const shown = [error.message, inspect(error, { depth: 5 }), JSON.stringify(error)];
    for (const text of shown) expect(text).not.toContain(KEY);
  });
});

describe('options', () => {
  it.each<[string, LiveOptions, string]>([
    ['an unknown option', { idleTimeout: 5 } as LiveOptions, 'idleTimeout'],
    ['a negative keepalive', { keepalive: -1 }, 'keepalive'],
    ['a zero timeout', { timeout: 0 }, 'timeout'],
    ['an authorization header', { headers: { Authorization: 'x' } }, 'headers'],
  ])('refuses %s before connecting', async (_name, options, option) => {
    const { client, live } = await start();
    const error = await failure(openLiveSession(client, {}, options));
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as InvalidOptionError).option).toBe(option);
    expect(live.connections).toHaveLength(0);
  });

  it('refuses something that is not a client', async () => {
    const error = await failure(openLiveSession({} as FishAudio));
    expect(error).toBeInstanceOf(InvalidOptionError);
  });
});

describe('the WebSocket of each runtime', () => {
  /** A stand-in global WebSocket that records how it was constructed. */
  class Recording {
    static made: unknown[][] = [];
    constructor(...args: unknown[]) {
      Recording.made.push(args);
    }
  }

  it.each([
    ['Bun', { Bun: {}, WebSocket: Recording }],
    ['Deno', { Deno: {}, WebSocket: Recording }],
  ])('uses the global WebSocket with a headers option on %s', async (_name, global) => {
    Recording.made = [];
    let imported = false;
    const open = await loadWebSocket({
      global,
      importWs: async () => {
        imported = true;
        return {};
      },
    });
    open('wss://x/v1/tts/live', { authorization: 'Bearer k' });
    expect(Recording.made).toEqual([
      ['wss://x/v1/tts/live', { headers: { authorization: 'Bearer k' } }],
    ]);
    expect(imported).toBe(false);
  });

  it('imports ws where the global WebSocket cannot send headers (Node)', async () => {
    Recording.made = [];
    const { default: WebSocket } = await import('ws');
    const open = await loadWebSocket({
      global: { WebSocket: Recording },
      importWs: () => import('ws'),
    });
    const socket = open('ws://127.0.0.1:9/v1/tts/live', {}) as unknown as InstanceType<
      typeof WebSocket
    >;
    socket.on('error', () => {}); // port 9 refuses; only the class matters here
    expect(socket).toBeInstanceOf(WebSocket);
    expect(Recording.made).toEqual([]);
    socket.terminate();
  });

  /** A Bun- or Deno-shaped socket whose handshake the server refuses, as the runtime says it. */
  const refusing = (message: string) =>
    class Refusing {
      binaryType = 'blob';
      readonly #listeners = new Map<string, ((event: unknown) => void)[]>();
      constructor() {
        setTimeout(() => {
          this.#emit('error', { message });
          this.#emit('close', { code: 1006, reason: '' });
        });
      }
      addEventListener(type: string, listener: (event: unknown) => void) {
        this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
      }
      #emit(type: string, event: unknown) {
        for (const listener of this.#listeners.get(type) ?? []) listener(event);
      }
      send() {}
      close() {}
    };

  // [runtime, what its WebSocket says, the error expected]
  it.each<[string, string, new (...args: never[]) => Error, number | undefined]>([
    [
      'Bun',
      "WebSocket connection to 'ws://x' failed: Expected 101 status code: 401",
      AuthenticationError,
      401,
    ],
    ['Deno', 'failed to connect to WebSocket: Invalid status code: 401', AuthenticationError, 401],
    ['Deno', 'failed to connect to WebSocket: Invalid status code: 429', RateLimitError, 429],
    ['Bun', 'Expected 101 status code: 200', APIConnectionError, undefined],
    ['Deno', 'failed to connect to WebSocket: Connection refused', APIConnectionError, undefined],
  ])('on %s, "%s" is a %o', async (runtime, message, ErrorClass, status) => {
    const { client } = await start();
    const global = { [runtime]: {}, WebSocket: refusing(message) };
    const error = await failure(
      openLiveSession(client, {}, { runtime: { global, importWs: async () => ({}) } }),
    );
    expect(error).toBeInstanceOf(ErrorClass);
    expect((error as { status?: number }).status).toBe(status);
  });

  // [runtime, how its binaryType setter takes a value it does not know, the type the session uses]
  it.each([
    ['ws and Bun', 'takes it', 'nodebuffer'],
    ['a browser', 'ignores it', 'arraybuffer'],
    ['a runtime that throws on it', 'throws', 'arraybuffer'],
  ] as const)(
    'on %s (the setter %s), reads binary frames as %s',
    async (_runtime, setter, expected) => {
      const { client } = await start();
      const made: { binaryType: string }[] = [];
      // A socket that refuses at once, with a binaryType setter of this runtime's kind.
      class Picky {
        #type = 'blob';
        readonly #listeners = new Map<string, ((event: unknown) => void)[]>();
        constructor() {
          made.push(this);
          setTimeout(() => {
            for (const type of ['error', 'close']) {
              for (const listener of this.#listeners.get(type) ?? []) listener({ code: 1006 });
            }
          });
        }
        get binaryType() {
          return this.#type;
        }
        set binaryType(value: string) {
          if (value === 'arraybuffer' || value === 'blob' || setter === 'takes it')
            this.#type = value;
          else if (setter === 'throws') throw new TypeError(`invalid binaryType ${value}`);
        }
        addEventListener(type: string, listener: (event: unknown) => void) {
          this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
        }
        send() {}
        close() {}
      }
      const global = { Deno: {}, WebSocket: Picky };
      await failure(
        openLiveSession(client, {}, { runtime: { global, importWs: async () => ({}) } }),
      );
      expect(made.map((socket) => socket.binaryType)).toEqual([expected]);
    },
  );

  it('says to install ws when it is missing', async () => {
    const error = await failure(
      loadWebSocket({
        global: {},
        importWs: () => Promise.reject(new Error("Cannot find package 'ws'")),
      }),
    );
    expect(error).toBeInstanceOf(FishAudioError);
    expect(error.message).toContain('npm install ws');
  });

  it('says which runtimes have live sessions, not npm install ws, on an edge runtime', async () => {
    const error = await failure(
      loadWebSocket({
        global: {},
        hasProcess: false,
        importWs: () => Promise.reject(new Error('No such module "ws"')),
      }),
    );
    expect(error).toBeInstanceOf(FishAudioError);
    expect(error.message).not.toContain('npm install');
    expect(error.message).toMatch(
      /Node \(with ws\), Bun or Deno, or a browser through your own proxy/,
    );
  });
});

describe('a live session in a browser', () => {
  /** A browser-shaped WebSocket: a URL, no options, no headers. */
  class PageSocket {
    static made: unknown[][] = [];
    constructor(...args: unknown[]) {
      PageSocket.made.push(args);
    }
  }
  const page = (imported: { ws: boolean }) => ({
    global: { WebSocket: PageSocket },
    browser: true,
    importWs: async () => {
      imported.ws = true;
      return {};
    },
  });

  it.each([
    ['without a model', {}, 'ws://127.0.0.1:8787/v1/tts/live'],
    [
      'with the model as a query parameter',
      { model: 's1' },
      'ws://127.0.0.1:8787/v1/tts/live?model=s1',
    ],
  ])(
    "opens the browser's own WebSocket for a keyless client, %s, and never imports ws",
    async (_what, headers, url) => {
      PageSocket.made = [];
      const imported = { ws: false };
      const open = await loadWebSocket(page(imported));
      open('ws://127.0.0.1:8787/v1/tts/live', { 'user-agent': 'x', ...headers });
      expect(PageSocket.made).toEqual([[url]]);
      expect(imported.ws).toBe(false);
    },
  );

  it('refuses a client with a key before any socket opens, saying to go keyless through a proxy', async () => {
    PageSocket.made = [];
    const client = new FishAudio({ apiKey: 'sk-page-key', baseUrl: 'http://127.0.0.1:8787' });
    const error = await failure(
      openLiveSession(client, {}, { runtime: page({ ws: false }) } as LiveOptions),
    );
    expect(error).toBeInstanceOf(FishAudioError);
    expect(error.message).toMatch(/apiKey: null.*proxy.*relays \/v1\/tts\/live.*Use in a browser/);
    expect(error.message).not.toContain('sk-page-key');
    expect(PageSocket.made).toEqual([]);
  });

  it('bundles for the browser with no ws package to be found', async () => {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [path.join(ROOT, 'src', 'realtime', 'index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      plugins: [
        {
          name: 'no-ws',
          setup: (b) =>
            b.onResolve({ filter: /^ws$/ }, () => ({ errors: [{ text: 'no ws here' }] })),
        },
      ],
    });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles[0]!.text).not.toMatch(/require\(["']ws["']\)|from ["']ws["']/);
  });
});

describe('the live stand-in', () => {
  it('speaks the UTF-8 bytes of the text, so a test can read the audio back', () => {
    expect(Buffer.from(standInAudio('héllo')).toString('utf8')).toBe('héllo');
  });

  // [what, the client's events in order]
  it.each<[string, Record<string, unknown>[]]>([
    ['text before start', [{ event: 'text', text: 'hi' }]],
    ['a flush before start', [{ event: 'flush' }]],
    ['a stop before start', [{ event: 'stop' }]],
    [
      'a second start',
      [
        { event: 'start', request: { text: '' } },
        { event: 'start', request: {} },
      ],
    ],
  ])('ends the session on %s, with finish: error and close code 1008', async (_what, events) => {
    const { live } = await start();
    const { WebSocket } = await import('ws');
    const { decode, encode } = await import('@msgpack/msgpack');
    const socket = new WebSocket(`${live.url.replace('http', 'ws')}/v1/tts/live`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    const received: unknown[] = [];
    socket.on('message', (data) => received.push(decode(data as Buffer)));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    for (const event of events) socket.send(encode(event));
    const [code, reason] = await new Promise<[number, Buffer]>((resolve) =>
      socket.once('close', (...closed) => resolve(closed)),
    );
    expect(code).toBe(1008);
    expect(reason.toString()).toMatch(/'start'/);
    expect(received).toEqual([{ event: 'finish', reason: 'error' }]);
  });
});

describe('the HTTP stand-in', () => {
  it('serves the live endpoint on its own address, so one client reaches both', async () => {
    const api = await startStandIn({ apiKey: KEY, live: { framesPerText: 2 } });
    try {
      const client = new FishAudio({ apiKey: KEY, baseUrl: api.url, maxRetries: 0 });
      expect((await client.wallet.getApiCredit()).credit).toBe('100.0000');
      const chunks = await collect(liveSpeech(client, ['One, ', 'two.']));
      expect(text(chunks)).toBe('One, two.');
      expect(chunks.length).toBeGreaterThanOrEqual(4);
      expect(api.live?.connections.map((c) => c.events.map((e) => e.event))).toEqual([
        ['start', 'text', 'text', 'stop'],
      ]);
    } finally {
      await api.close();
    }
  });

  it('refuses a live handshake with another key, counting it, as the API does', async () => {
    const api = await startStandIn({ apiKey: KEY });
    try {
      const client = new FishAudio({ apiKey: 'sk-wrong', baseUrl: api.url, maxRetries: 0 });
      const error = await collect(liveSpeech(client, ['hi'])).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(api.live?.refused).toBe(1);
    } finally {
      await api.close();
    }
  });

  it('answers 404 to a handshake on another path', async () => {
    const api = await startStandIn({ apiKey: KEY });
    try {
      const { WebSocket } = await import('ws');
      const socket = new WebSocket(`${api.url.replace('http', 'ws')}/v1/tts/other`, {
        headers: { authorization: `Bearer ${KEY}` },
      });
      const status = await new Promise<number | undefined>((resolve) => {
        socket.once('unexpected-response', (_request, response) => resolve(response.statusCode));
        socket.once('error', () => resolve(undefined));
      });
      expect(status).toBe(404);
    } finally {
      await api.close();
    }
  });
});
