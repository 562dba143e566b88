/**
 * A stand-in for the live text-to-speech endpoint (`/v1/tts/live`): a real WebSocket server on
 * 127.0.0.1 that speaks the msgpack protocol, so code using `fish-audio-api/realtime` can be
 * tested without network, key or credit. Node only; needs the `ws` package, imported when the
 * stand-in starts.
 *
 * ```ts
 * const live = await startLiveStandIn();
 * const client = new FishAudio({ apiKey: live.apiKey, baseUrl: live.url });
 * ```
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { decode, encode } from '@msgpack/msgpack';
import { FishAudioError } from '../errors.js';
import type * as WS from 'ws';

/** What the stand-in does wrong, on purpose, when `faultAt` comes. */
export type LiveFault = 'finish-error' | 'drop' | 'stall';

/** How the stand-in behaves. */
export interface LiveStandInOptions {
  /** The bearer key it accepts (default `'test-key'`); any other gets a 401 that echoes it. */
  apiKey?: string;
  /** Audio frames per answered text, which together hold its UTF-8 bytes (default 1). */
  framesPerText?: number;
  /**
   * `false` (default): each `text` is answered at once. `true`: texts are buffered, as the
   * real server does, and answered together on `flush` or `stop`.
   */
  bufferUntilFlush?: boolean;
  /**
   * `finish-error`: answers with `finish: error` and closes; `drop`: destroys the connection
   * without a close frame; `stall`: stays open and silent. Happens at `faultAt`.
   */
  fault?: LiveFault;
  /** The 1-based `text` event at which `fault` happens, before answering it; default: `stop`. */
  faultAt?: number;
  /** Sends an event of an unknown kind before every answer, as a newer server might. */
  unknownEvents?: boolean;
}

/** One connection the stand-in accepted. */
export interface LiveConnection {
  /** The handshake's headers, names in lower case. */
  // A plain record rather than node:http's type, so the declarations need no Node types.
  headers: Record<string, string | string[] | undefined>;
  /** The client's events, decoded, in arrival order. */
  events: Record<string, unknown>[];
  /** Pings received. */
  pings: number;
  /** Whether the connection has closed, from either side. */
  closed: boolean;
}

/** A running stand-in. */
export interface LiveStandIn {
  /** `http://127.0.0.1:PORT`: pass it as the client's `baseUrl`. */
  url: string;
  /** The key it accepts. */
  apiKey: string;
  /** Every accepted connection, oldest first. */
  connections: LiveConnection[];
  /** How many handshakes it refused. */
  refused: number;
  /**
   * Resolves once `check()` holds: checked at once and again after everything the stand-in
   * sees (a handshake, an event, a ping, a close), so a test waits for the server's side of
   * the conversation without polling.
   */
  until(check: () => boolean): Promise<void>;
  /** Stops the server and drops every connection. */
  close(): Promise<void>;
}

/** The bytes the stand-in speaks for `text`: its UTF-8, so tests can read the audio back. */
export function standInAudio(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** The live endpoint's server side, to mount on an HTTP server's `upgrade` event. */
export interface LiveEndpoint extends Omit<LiveStandIn, 'url' | 'close'> {
  /** Takes over an upgrade request: a handshake on `/v1/tts/live`, anything else a 404. */
  upgrade(request: http.IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Drops every live connection. */
  closeAll(): void;
}

/** The path the API serves its live endpoint on. */
export const LIVE_PATH = '/v1/tts/live';

/**
 * The live endpoint without a server of its own: {@link startLiveStandIn} mounts it on one,
 * and `startStandIn` on the HTTP stand-in's, so one origin serves both, as the API does.
 * Imports `ws` (an optional peer) and fails with a clear message without it.
 */
export async function liveEndpoint(options: LiveStandInOptions = {}): Promise<LiveEndpoint> {
  const { WebSocketServer } = await importWs();
  const apiKey = options.apiKey ?? 'test-key';
  const framesPerText = options.framesPerText ?? 1;
  const connections: LiveConnection[] = [];
  const standIn = { apiKey, connections, refused: 0 };
  let waiters: Array<() => void> = [];
  const changed = () => {
    const ready = waiters;
    waiters = [];
    for (const check of ready) check();
  };
  const server = new WebSocketServer({
    noServer: true,
    verifyClient: (info, callback) => {
      if (info.req.headers.authorization === `Bearer ${apiKey}`) return callback(true);
      standIn.refused++;
      changed();
      // Echoes what it was sent, as careless servers do, so tests can see it is redacted.
      const sent = info.req.headers.authorization ?? '';
      const message = `Invalid API key: ${sent.replace(/^Bearer /, '')}`;
      callback(false, 401, JSON.stringify({ status: 401, message }), {
        'content-type': 'application/json',
      });
    },
  });

  server.on('connection', (socket, request) => {
    const connection: LiveConnection = {
      headers: request.headers,
      events: [],
      pings: 0,
      closed: false,
    };
    connections.push(connection);
    changed();
    let texts = 0;
    let buffered = '';
    let stalled = false;
    const send = (message: Record<string, unknown>) => socket.send(encode(message));
    const speak = (text: string) => {
      if (text === '') return;
      if (options.unknownEvents) send({ event: 'log', message: 'a newer event' });
      const bytes = standInAudio(text);
      const size = Math.ceil(bytes.byteLength / framesPerText);
      for (let at = 0; at < bytes.byteLength; at += size) {
        send({ event: 'audio', audio: bytes.subarray(at, at + size) });
      }
    };
    const fault = (): boolean => {
      if (options.fault === 'finish-error') {
        send({ event: 'finish', reason: 'error' });
        socket.close(1000);
      } else if (options.fault === 'drop') socket.terminate();
      else if (options.fault === 'stall') stalled = true;
      return options.fault !== undefined;
    };
    socket.on('ping', () => {
      connection.pings++;
      changed();
    });
    socket.on('close', () => {
      connection.closed = true;
      changed();
    });
    let started = false;
    socket.on('message', (data, isBinary) => {
      if (stalled || !isBinary) return;
      const message = decode(data as Buffer) as Record<string, unknown>;
      connection.events.push(message);
      changed();
      // The protocol's order: one `start` (which carries the request) first, then text and
      // flushes, then `stop`. Anything else ends the session, so a client that gets the order
      // wrong fails here as it would against the API rather than passing its tests.
      if (started === (message.event === 'start')) {
        send({ event: 'finish', reason: 'error' });
        socket.close(1008, started ? "'start' was sent twice" : "'start' must come first");
        return;
      }
      if (message.event === 'start') started = true;
      else if (message.event === 'text' && typeof message.text === 'string') {
        texts++;
        if (texts === options.faultAt && fault()) return;
        if (options.bufferUntilFlush) buffered += message.text;
        else speak(message.text);
      } else if (message.event === 'flush') {
        speak(buffered);
        buffered = '';
      } else if (message.event === 'stop') {
        if (options.faultAt === undefined && fault()) return;
        speak(buffered);
        send({ event: 'finish', reason: 'stop' });
        socket.close(1000);
      }
    });
  });

  return Object.assign(standIn, {
    until: (check: () => boolean) =>
      new Promise<void>((resolve) => {
        const test = () => (check() ? resolve() : void waiters.push(test));
        test();
      }),
    upgrade(request: http.IncomingMessage, socket: Duplex, head: Buffer) {
      if (new URL(request.url ?? '/', 'http://stand-in').pathname !== LIVE_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      server.handleUpgrade(request, socket, head, (ws) => server.emit('connection', ws, request));
    },
    closeAll() {
      for (const client of server.clients) client.terminate();
    },
  });
}

/** Starts the stand-in on a free port of 127.0.0.1. */
export async function startLiveStandIn(options: LiveStandInOptions = {}): Promise<LiveStandIn> {
  const endpoint = await liveEndpoint(options);
  const server = http.createServer((_request, response) => {
    response.writeHead(404).end();
  });
  server.on('upgrade', (request, socket, head) => endpoint.upgrade(request, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  // The endpoint itself, not a copy: `refused` is a number it keeps counting.
  return Object.assign(endpoint, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        endpoint.closeAll();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

/** `ws`, or a typed error that says how to get it, as the realtime entry's does. */
async function importWs(): Promise<typeof WS> {
  try {
    return (await import('ws')) as typeof WS;
  } catch (cause) {
    throw new FishAudioError(
      "fish-audio-api/testing's live stand-in needs the ws package (its WebSocket server on " +
        'Node): npm install --save-dev ws',
      { cause },
    );
  }
}
