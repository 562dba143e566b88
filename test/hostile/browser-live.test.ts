/**
 * Hostile cases for the browser live path: `loadWebSocket` with a browser runtime and
 * `openLiveSession` over it (part 1), and the README's proxy run as a child process, relaying
 * `/v1/tts/live` to the stand-in (part 2).
 */
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { decode, encode } from '@msgpack/msgpack';
import { afterAll, afterEach, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { readmeProxy, startProxy } from '../../scripts/runtimes.js';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  FishAudio,
  FishAudioError,
  InvalidOptionError,
  InvalidParameterError,
} from '../../src/index.js';
import { openLiveSession, type LiveOptions } from '../../src/realtime/index.js';
import { loadWebSocket, type SocketEvent } from '../../src/realtime/socket.js';
import { startStandIn } from '../../src/testing/index.js';
import { expectNoSecret, failure } from './support.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const KEY = 'sk-browser-live-5e1f0c9a7b3d2468';

// ---------------------------------------------------------------------------------------------
// Part 1: the library's browser path
// ---------------------------------------------------------------------------------------------

/** A browser-shaped WebSocket the test drives: a URL, no options, events it fires itself. */
class PageSocket {
  static made: PageSocket[] = [];
  binaryType = 'blob';
  readyState = 0;
  closed: unknown[][] = [];
  sent: Uint8Array[] = [];
  readonly args: unknown[];
  readonly #listeners = new Map<string, Array<(event: SocketEvent) => void>>();
  constructor(...args: unknown[]) {
    this.args = args;
    PageSocket.made.push(this);
  }
  addEventListener(type: string, listener: (event: SocketEvent) => void) {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }
  fire(type: string, event: SocketEvent = {}) {
    for (const listener of this.#listeners.get(type) ?? []) listener(event);
  }
  send(data: Uint8Array) {
    this.sent.push(data);
  }
  close(...args: unknown[]) {
    this.closed.push(args);
    this.readyState = 2;
  }
}

function page(imported = { ws: false }) {
  return {
    global: { WebSocket: PageSocket } as Record<string, unknown>,
    browser: true,
    importWs: async () => {
      imported.ws = true;
      return {};
    },
  };
}

/** A keyless client of the page's own proxy. */
function keyless(options: ConstructorParameters<typeof FishAudio>[0] = {}) {
  return new FishAudio({ apiKey: null, baseUrl: 'http://127.0.0.1:8787', ...options });
}

/** Opens a session over PageSocket and lets its socket open; resolves to that socket's URL. */
async function openedUrl(
  client: FishAudio,
  request: Parameters<typeof openLiveSession>[1] = {},
  options: LiveOptions = {},
): Promise<URL> {
  PageSocket.made = [];
  const opening = openLiveSession(client, request, { runtime: page(), ...options } as LiveOptions);
  // The factory is called after an await of loadWebSocket: wait for the socket to exist.
  for (let i = 0; i < 50 && PageSocket.made.length === 0; i++) await Promise.resolve();
  const socket = PageSocket.made[0];
  expect(socket, 'a socket was made').toBeDefined();
  socket!.readyState = 1;
  socket!.fire('open');
  const session = await opening;
  session.close();
  expect(socket!.args).toHaveLength(1);
  return new URL(socket!.args[0] as string);
}

describe('browser live: the key never reaches a page socket', () => {
  afterEach(() => {
    PageSocket.made = [];
  });

  it.each([
    ['defaultHeaders Authorization', { defaultHeaders: { Authorization: `Bearer ${KEY}` } }, {}],
    ['defaultHeaders AUTHORIZATION', { defaultHeaders: { AUTHORIZATION: `Bearer ${KEY}` } }, {}],
    ['session headers aUtHoRiZaTiOn', {}, { headers: { aUtHoRiZaTiOn: `Bearer ${KEY}` } }],
    ['an empty authorization default header', { defaultHeaders: { authorization: '' } }, {}],
  ] as const)(
    'refuses apiKey: null with %s before any socket opens, without echoing it',
    async (_what, clientOptions, sessionOptions) => {
      PageSocket.made = [];
      const error = await failure(async () => {
        const client = keyless(clientOptions as never);
        return openLiveSession(client, {}, { runtime: page(), ...sessionOptions } as LiveOptions);
      });
      expect(error).toBeInstanceOf(FishAudioError);
      expect(PageSocket.made).toEqual([]);
      expectNoSecret(error, KEY);
    },
  );

  it('puts no header but the model in the URL: a key in another default header stays out of it', async () => {
    const client = keyless({
      defaultHeaders: { 'X-Api-Key': KEY, Cookie: `session=${KEY}` },
    });
    const url = await openedUrl(client, { model: 's1' });
    expect(url.href).not.toContain(KEY);
    expect([...url.searchParams.keys()]).toEqual(['model']);
  });

  it('refuses a keyed client with a custom Authorization default too, and never echoes either', async () => {
    const error = await failure(() => {
      const client = new FishAudio({
        apiKey: KEY,
        baseUrl: 'http://127.0.0.1:8787',
        defaultHeaders: { Authorization: 'Bearer other-secret-value-123' },
      });
      return openLiveSession(client, {}, { runtime: page() } as LiveOptions);
    });
    expect(error).toBeInstanceOf(FishAudioError);
    expectNoSecret(error, KEY, 'other-secret-value-123');
    PageSocket.made = [];
  });
});

describe('browser live: the URL the page socket opens', () => {
  it.each([
    ['&', 's1&apiKey=x'],
    ['#', 's1#frag'],
    ['=', 'a=b'],
    ['+ and space', 'a+b c'],
    ['%', '100%25'],
    ['latin-1 obs-text', 'mod\u00e8le'],
  ])('carries a model holding %s as one query parameter that round-trips', async (_what, model) => {
    const url = await openedUrl(keyless(), { model: model as never });
    expect([...url.searchParams.keys()]).toEqual(['model']);
    expect(url.searchParams.get('model')).toBe(model);
    expect(url.hash).toBe('');
    expect(url.pathname).toBe('/v1/tts/live');
  });

  it('refuses a model a header cannot carry (CJK, a line break) with InvalidParameterError', async () => {
    for (const model of ['\u6a21\u578b', 'a\r\nb', 'a\u0000b']) {
      PageSocket.made = [];
      const error = await failure(() =>
        openLiveSession(keyless(), { model: model as never }, { runtime: page() } as LiveOptions),
      );
      expect(error).toBeInstanceOf(InvalidParameterError);
      expect(PageSocket.made).toEqual([]);
    }
  });

  it('takes the model from a session header of any case when the request has none', async () => {
    const url = await openedUrl(keyless(), {}, { headers: { MODEL: 's2-pro' } });
    expect(url.searchParams.get('model')).toBe('s2-pro');
  });

  it.each([
    ['a path', 'http://127.0.0.1:8787/fish', 'ws://127.0.0.1:8787/fish/v1/tts/live?model=s1'],
    ['a path with a slash at its end', 'http://h.test/p/', 'ws://h.test/p/v1/tts/live?model=s1'],
    ['https', 'https://proxy.test', 'wss://proxy.test/v1/tts/live?model=s1'],
    [
      'HTTPS in capitals',
      'HTTPS://Proxy.Test:8443/x',
      'wss://proxy.test:8443/x/v1/tts/live?model=s1',
    ],
    ['an encoded ? in its path', 'http://h.test/a%3Fb', 'ws://h.test/a%3Fb/v1/tts/live?model=s1'],
  ])('opens the right socket for a baseUrl with %s', async (_what, baseUrl, expected) => {
    const url = await openedUrl(keyless({ baseUrl }), { model: 's1' });
    expect(url.href).toBe(expected);
  });

  it.each([
    ['a query', 'http://h.test/?a=1'],
    ['an empty query', 'http://h.test/?'],
    ['a fragment', 'http://h.test/#x'],
    ['credentials', `http://user:${KEY}@h.test`],
  ])('refuses a baseUrl with %s when the client is made, not echoing it', (_what, baseUrl) => {
    let error: unknown;
    try {
      keyless({ baseUrl });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidOptionError);
    expectNoSecret(error, KEY);
  });
});

describe('browser live: a page socket that never opens', () => {
  it('fails with APIConnectionTimeoutError after the timeout and closes the socket it made', async () => {
    PageSocket.made = [];
    const opening = openLiveSession(keyless(), {}, {
      runtime: page(),
      timeout: 50,
    } as LiveOptions);
    const error = await failure(() => opening);
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect(PageSocket.made).toHaveLength(1);
    // A browser's close() on a connecting socket takes only 1000 or 3000-4999.
    expect(PageSocket.made[0]!.closed).toEqual([[1000]]);
  });

  it('fails with APIConnectionError when the page socket closes during its handshake (1006)', async () => {
    PageSocket.made = [];
    const opening = openLiveSession(keyless(), {}, { runtime: page() } as LiveOptions);
    for (let i = 0; i < 50 && PageSocket.made.length === 0; i++) await Promise.resolve();
    const socket = PageSocket.made[0]!;
    socket.fire('error', {});
    socket.fire('close', { code: 1006, reason: '' });
    const error = await failure(() => opening);
    expect(error).toBeInstanceOf(APIConnectionError);
  });

  it('passes on, rather than hides, a browser constructor that throws (a blocked URL)', async () => {
    class Blocked {
      constructor() {
        throw new DOMException('blocked', 'SecurityError');
      }
    }
    const error = await failure(() =>
      openLiveSession(keyless(), {}, {
        runtime: { global: { WebSocket: Blocked }, browser: true, importWs: async () => ({}) },
      } as LiveOptions),
    );
    expect(String(error)).toMatch(/blocked/);
  });
});

// ---------------------------------------------------------------------------------------------
// Part 2: the README's proxy as a child process
// ---------------------------------------------------------------------------------------------

const ORIGIN = 'http://page.test';
const children = new Set<ChildProcess>();

/** Kills `child` and resolves when it has exited. */
function killed(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

afterEach(async () => {
  const ending = [...children];
  children.clear();
  await Promise.all(ending.map(killed));
});

interface Proxy {
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  alive: () => boolean;
}

/** Registers what to undo at the end: of a test (`ctx.onTestFinished`) or of a describe block. */
type OnEnd = (undo: () => void | Promise<void>) => void;

/** Undo steps of the blocks that share a server; each block runs its own in `afterAll`. */
function sharedScope(): { onEnd: OnEnd; end: () => Promise<void> } {
  const undos: Array<() => void | Promise<void>> = [];
  return {
    onEnd: (undo) => undos.push(undo),
    end: async () => {
      for (const undo of undos.splice(0).reverse()) await undo();
    },
  };
}

// The README's proxy as a file, written once for the whole file: only its environment differs.
let proxyFile: Promise<string> | undefined;
afterAll(async () => {
  if (proxyFile) await rm(path.dirname(await proxyFile), { recursive: true, force: true });
});
function readmeProxyFile(): Promise<string> {
  proxyFile ??= (async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fish-proxy-hostile-'));
    await mkdir(path.join(dir, 'node_modules'));
    await symlink(path.join(ROOT, 'node_modules', 'ws'), path.join(dir, 'node_modules', 'ws'));
    const file = path.join(dir, 'cors-proxy.mjs');
    await writeFile(file, await readmeProxy());
    return file;
  })();
  return proxyFile;
}

/**
 * The README's proxy, started as scripts/runtimes.ts `startProxy` does. Given a test's context
 * it is killed after the test; given a block's `onEnd`, after the block (a proxy shared by the
 * block's tests must keep serving through every one of them).
 */
async function startReadmeProxy(
  scope: TestContext | OnEnd,
  upstream: string,
  key = KEY,
): Promise<Proxy> {
  const { url, child, output } = await startProxy(await readmeProxyFile(), {
    ...process.env,
    PORT: '0',
    UPSTREAM: upstream,
    ALLOW_ORIGIN: ORIGIN,
    FISH_API_KEY: key,
  });
  if ('onTestFinished' in scope) children.add(child);
  else scope(() => killed(child));
  return {
    url,
    port: Number(new URL(url).port),
    child,
    output,
    alive: () => child.exitCode === null && child.signalCode === null,
  };
}

/** The proxy still serves: it is running and answers an OPTIONS preflight. */
async function expectAnswering(proxy: Proxy): Promise<void> {
  // No wait: the proxy reads its connections in order, so a crash on the hostile request
  // happens before this later request is answered.
  expect(proxy.alive(), `the proxy died: ${proxy.output().slice(0, 600)}`).toBe(true);
  const status = await new Promise<number>((resolve, reject) => {
    const req = http.request(`${proxy.url}/v1/tts`, { method: 'OPTIONS' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
  expect(status).toBe(204);
}

/** A page's socket (Node's ws standing in for a browser), with its events recorded. */
function openPage(
  ctx: TestContext,
  url: string,
  headers: Record<string, string> = { Origin: ORIGIN },
  options: { maxPayload?: number } = {},
) {
  const socket = new WebSocket(url, { headers, ...options });
  ctx.onTestFinished(() => socket.terminate());
  const received: Array<{ data: Buffer; binary: boolean }> = [];
  socket.on('message', (data, binary) => received.push({ data: data as Buffer, binary }));
  const opened = new Promise<boolean>((resolve) => {
    socket.once('open', () => resolve(true));
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  socket.on('error', () => {});
  return { socket, received, opened, closed };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function standIn(scope: TestContext | OnEnd) {
  const api = await startStandIn({ apiKey: KEY });
  onEndOf(scope)(() => api.close());
  expect(api.live, 'the stand-in serves /v1/tts/live (ws installed)').toBeDefined();
  return api;
}

function onEndOf(scope: TestContext | OnEnd): OnEnd {
  // A test's context is callable too (the old done callback): told apart by its method.
  return 'onTestFinished' in scope ? (undo) => scope.onTestFinished(undo) : scope;
}

/** Sends a raw HTTP upgrade request and resolves with what came back (or '' on a reset). */
function rawUpgrade(port: number, target: string, origin?: string): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
          (origin ? `Origin: ${origin}\r\n` : '') +
          '\r\n',
      );
    });
    socket.on('data', (chunk) => (got += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => resolve(got));
    setTimeout(() => socket.destroy(), 1000);
  });
}

/** An upstream speaking raw WebSocket, so that it can send what `ws` would refuse to. */
async function rawUpstream(
  scope: TestContext | OnEnd,
  onOpen: (socket: net.Socket) => void,
): Promise<{ url: string; handshakes: number }> {
  const state = { url: '', handshakes: 0 };
  const upgraded = new Set<Duplex>();
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket) => {
    state.handshakes++;
    upgraded.add(socket);
    const accept = createHash('sha1')
      .update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    socket.on('error', () => {});
    onOpen(socket as net.Socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onEndOf(scope)(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of upgraded) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  state.url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return state;
}

/** A server-to-client close frame (unmasked) with this code as its payload. */
function closeFrame(code: number, reason = ''): Buffer {
  const payload = Buffer.concat([Buffer.from([code >> 8, code & 0xff]), Buffer.from(reason)]);
  return Buffer.concat([Buffer.from([0x88, payload.length]), payload]);
}

// One stand-in and one proxy for the handshake blocks: the proxy must refuse, and keep serving,
// through every hostile handshake in turn.
describe('README proxy: handshakes', () => {
  const shared = sharedScope();
  let api: Awaited<ReturnType<typeof standIn>>;
  let proxy: Proxy;
  beforeAll(async () => {
    api = await standIn(shared.onEnd);
    proxy = await startReadmeProxy(shared.onEnd, api.url);
  });
  afterAll(() => shared.end());

  describe('who may open /v1/tts/live', () => {
    it.for([
      ['no Origin', {}],
      ['another Origin', { Origin: 'http://evil.test' }],
      ['the Origin with a suffix', { Origin: 'http://page.test.evil.test' }],
      ['the Origin in capitals', { Origin: 'HTTP://PAGE.TEST' }],
      ['the Origin "null"', { Origin: 'null' }],
    ] as const)(
      'refuses a page with %s, and no upstream socket is opened',
      async ([, headers], ctx) => {
        const [connections, refused] = [api.live!.connections.length, api.live!.refused];
        const { opened } = openPage(ctx, `ws${proxy.url.slice(4)}/v1/tts/live`, headers);
        expect(await within(opened, 5000, 'refusal')).toBe(false);
        expect(api.live!.connections).toHaveLength(connections);
        expect(api.live!.refused).toBe(refused);
        await expectAnswering(proxy);
      },
    );

    it.for(['/v1/tts/live/', '/v1/tts/livex', '/v1/tts', '/V1/TTS/LIVE', '/v1/tts/%6Cive', '/'])(
      'refuses the right Origin on another path (%s)',
      async (target, ctx) => {
        const connections = api.live!.connections.length;
        const { opened } = openPage(ctx, `ws${proxy.url.slice(4)}${target}`);
        expect(await within(opened, 5000, 'refusal')).toBe(false);
        expect(api.live!.connections).toHaveLength(connections);
        await expectAnswering(proxy);
      },
    );
  });

  describe('survives hostile handshakes', () => {
    it.for(['//[', 'http://[', '//[::1'])(
      'is still answering after an upgrade request whose target is %s (no Origin needed)',
      async (target) => {
        await rawUpgrade(proxy.port, target);
        await expectAnswering(proxy);
      },
    );

    it.for([
      ['a line feed', '%0A'],
      ['a CR LF with a header after it', 'x%0D%0AX-Evil:%201'],
      ['a NUL', 'a%00b'],
      ['a CJK name', '%E6%A8%A1%E5%9E%8B'],
    ])(
      'is still answering after a page (right Origin) asks for ?model= with %s',
      async ([, model], ctx) => {
        const { closed } = openPage(ctx, `ws${proxy.url.slice(4)}/v1/tts/live?model=${model}`);
        await within(closed, 5000, 'the page closed');
        await expectAnswering(proxy);
        // Never relayed as a header that splits the request.
        for (const connection of api.live!.connections) {
          expect(connection.headers['x-evil']).toBeUndefined();
        }
      },
    );
  });
});

describe('README proxy: relaying a session', () => {
  it('queues what the page sends before the upstream opens, adds the key and the model, and relays the audio back', async (ctx) => {
    const api = await standIn(ctx);
    const proxy = await startReadmeProxy(ctx, api.url);
    const page = openPage(ctx, `ws${proxy.url.slice(4)}/v1/tts/live?model=s1%26x`);
    expect(await page.opened).toBe(true);
    // At once, in one tick: the upstream cannot be open yet.
    page.socket.send(encode({ event: 'start', request: { text: '' } }));
    page.socket.send(encode({ event: 'text', text: 'hello ' }));
    page.socket.send(encode({ event: 'text', text: 'world' }));
    page.socket.send(encode({ event: 'stop' }));
    const { code } = await within(page.closed, 5000, 'the session ended');
    expect(code).toBe(1000);
    const [connection] = api.live!.connections;
    expect(connection!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(connection!.headers.model).toBe('s1&x');
    expect(connection!.events.map((e) => e.event)).toEqual(['start', 'text', 'text', 'stop']);
    const events = page.received.map((m) => decode(m.data) as Record<string, unknown>);
    const audio = events
      .filter((e) => e.event === 'audio')
      .map((e) => Buffer.from(e.audio as Uint8Array).toString())
      .join('');
    expect(audio).toBe('hello world');
    expect(events.at(-1)).toEqual({ event: 'finish', reason: 'stop' });
    expect(page.received.every((m) => m.binary)).toBe(true);
    await expectAnswering(proxy);
  });

  it('closes the upstream socket when the page closes mid-session', async (ctx) => {
    const api = await standIn(ctx);
    const proxy = await startReadmeProxy(ctx, api.url);
    const page = openPage(ctx, `ws${proxy.url.slice(4)}/v1/tts/live`);
    expect(await page.opened).toBe(true);
    page.socket.send(encode({ event: 'start', request: { text: '' } }));
    await within(
      api.live!.until(() => api.live!.connections[0]?.events.length === 1),
      5000,
      'start relayed',
    );
    page.socket.close(1000);
    await within(
      api.live!.until(() => api.live!.connections[0]!.closed),
      5000,
      'upstream closed',
    );
    await expectAnswering(proxy);
  });

  it('drops the upstream handshake when the page leaves before the upstream opens', async (ctx) => {
    // An upstream that takes the TCP connection and never answers the upgrade.
    const sockets: net.Socket[] = [];
    const silent = http.createServer();
    silent.on('upgrade', (_req, socket) => {
      // Read, so that the other side's end is seen.
      socket.on('error', () => {});
      socket.resume();
      sockets.push(socket as net.Socket);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    ctx.onTestFinished(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          silent.close(() => resolve());
        }),
    );
    const proxy = await startReadmeProxy(
      ctx,
      `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`,
    );
    const page = openPage(ctx, `ws${proxy.url.slice(4)}/v1/tts/live`);
    expect(await page.opened).toBe(true);
    page.socket.send(encode({ event: 'start', request: { text: '' } }));
    await within(
      (async () => {
        while (sockets.length === 0) await new Promise((r) => setTimeout(r, 20));
      })(),
      5000,
      'upstream handshake arrived',
    );
    page.socket.close(1000);
    await within(
      new Promise<void>((resolve) => {
        // The proxy's side ended (an upgrade socket is half-open: 'end', not 'close').
        if (sockets[0]!.destroyed || sockets[0]!.readableEnded) resolve();
        sockets[0]!.once('end', () => resolve());
        sockets[0]!.once('close', () => resolve());
      }),
      5000,
      'upstream connection dropped',
    );
    await expectAnswering(proxy);
  });

  it('closes the page, without hanging and without the key, when the upstream refuses the key', async (ctx) => {
    const api = await standIn(ctx);
    const proxy = await startReadmeProxy(ctx, api.url, 'sk-wrong-key-for-upstream-99');
    const page = openPage(ctx, `ws${proxy.url.slice(4)}/v1/tts/live`);
    expect(await page.opened).toBe(true);
    page.socket.send(encode({ event: 'start', request: { text: '' } }));
    const { code, reason } = await within(page.closed, 5000, 'the page heard of the refusal');
    expect(code).toBe(1011);
    expect(reason).toMatch(/401/);
    expect(reason).not.toContain('sk-wrong-key');
    expect(api.live!.refused).toBe(1);
    await expectAnswering(proxy);
  });

  it('relays an 8 MiB frame each way', async (ctx) => {
    const api = await standIn(ctx);
    const proxy = await startReadmeProxy(ctx, api.url);
    const page = openPage(ctx, `ws${proxy.url.slice(4)}/v1/tts/live`);
    expect(await page.opened).toBe(true);
    const text = 'a'.repeat(8 * 1024 * 1024);
    page.socket.send(encode({ event: 'start', request: { text: '' } }));
    page.socket.send(encode({ event: 'text', text }));
    page.socket.send(encode({ event: 'stop' }));
    const { code } = await within(page.closed, 20_000, 'the session ended');
    expect(code).toBe(1000);
    const audio = page.received
      .map((m) => decode(m.data) as Record<string, unknown>)
      .filter((e) => e.event === 'audio')
      .reduce((n, e) => n + (e.audio as Uint8Array).byteLength, 0);
    expect(audio).toBe(text.length);
    await expectAnswering(proxy);
  });

  it('keeps a text frame a text frame and a binary frame binary, both ways', async (ctx) => {
    const seen: Array<{ text: string; binary: boolean }> = [];
    const upstream = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    ctx.onTestFinished(() => new Promise<void>((resolve) => upstream.close(() => resolve())));
    await new Promise<void>((resolve) => upstream.once('listening', resolve));
    upstream.on('connection', (socket) => {
      socket.on('message', (data, binary) => {
        seen.push({ text: (data as Buffer).toString(), binary });
        socket.send(data as Buffer, { binary });
      });
    });
    const port = (upstream.address() as net.AddressInfo).port;
    const proxy = await startReadmeProxy(ctx, `http://127.0.0.1:${port}`);
    const page = openPage(ctx, `ws${proxy.url.slice(4)}/v1/tts/live`);
    expect(await page.opened).toBe(true);
    page.socket.send('a text frame');
    page.socket.send(Buffer.from('a binary frame'), { binary: true });
    await within(
      (async () => {
        while (page.received.length < 2) await new Promise((r) => setTimeout(r, 20));
      })(),
      5000,
      'both echoed',
    );
    expect(seen).toEqual([
      { text: 'a text frame', binary: false },
      { text: 'a binary frame', binary: true },
    ]);
    expect(page.received.map((m) => [m.data.toString(), m.binary])).toEqual([
      ['a text frame', false],
      ['a binary frame', true],
    ]);
    await expectAnswering(proxy);
  });
});

describe('README proxy: close codes from the upstream', () => {
  // One raw upstream and one proxy for the block: what the upstream does to the next session
  // is set by each test, and the proxy must keep running through all of them.
  const shared = sharedScope();
  let act: (socket: net.Socket) => void = () => {};
  let proxy: Proxy;
  beforeAll(async () => {
    const upstream = await rawUpstream(shared.onEnd, (socket) => setTimeout(() => act(socket), 50));
    proxy = await startReadmeProxy(shared.onEnd, upstream.url);
  });
  afterAll(() => shared.end());

  async function relayClose(
    ctx: TestContext,
    then: (socket: net.Socket) => void,
  ): Promise<{ code: number; reason: string; proxy: Proxy }> {
    act = then;
    const page = openPage(ctx, `ws${proxy.url.slice(4)}/v1/tts/live`);
    expect(await page.opened).toBe(true);
    const closed = await within(page.closed, 5000, 'the page heard the close');
    return { ...closed, proxy };
  }

  it('relays an application close code and its reason (4001 bye)', async (ctx) => {
    const { code, reason, proxy } = await relayClose(ctx, (socket) =>
      socket.end(closeFrame(4001, 'bye')),
    );
    expect([code, reason]).toEqual([4001, 'bye']);
    await expectAnswering(proxy);
  });

  it('says 1011 to the page for an upstream that drops the connection (1006)', async (ctx) => {
    const { code, proxy } = await relayClose(ctx, (socket) => socket.destroy());
    expect(code).toBe(1011);
    await expectAnswering(proxy);
  });

  it.for([
    ['1005 on the wire (reserved, never sent)', 1005],
    ['1006 on the wire (reserved, never sent)', 1006],
    ['1015 on the wire (reserved, never sent)', 1015],
    ['1004 (reserved)', 1004],
    ['999 (out of range)', 999],
    ['5000 (out of range)', 5000],
  ] as const)(
    'closes the page and keeps running for an upstream close frame with %s',
    async ([, sent], ctx) => {
      const { code, proxy } = await relayClose(ctx, (socket) => socket.end(closeFrame(sent)));
      expect(code).not.toBe(sent === 1005 ? -1 : sent);
      await expectAnswering(proxy);
    },
  );

  it('relays a clean close without a status (1005 at the proxy) as a clean close, not as 1011', async (ctx) => {
    // A close frame with an empty payload: the upstream ended normally, saying no code.
    const { code, proxy } = await relayClose(ctx, (socket) =>
      socket.end(Buffer.from([0x88, 0x00])),
    );
    expect([1000, 1005]).toContain(code);
    await expectAnswering(proxy);
  });
});
