/**
 * One programmable HTTP server on 127.0.0.1 (an ephemeral port) for every suite that needs a
 * real server: a queue of scripted replies, a default reply for when the queue is empty, and a
 * record of every request received.
 *
 * A reply can be an ordinary response (status, reason phrase, headers, a body sent whole or in
 * chunks with delays, optionally gzip-compressed), raw bytes written straight onto the socket
 * (for status lines and framing that `node:http` refuses to produce), a stall (never answer)
 * or a reset (destroy the socket before a byte is written). A reply can also be a function of
 * the request, for servers that echo what they were sent.
 *
 * It is meant to replace `server.ts` (`reply`, `handle`, `requests`) and `fault-server.ts`
 * (per-scenario attempt counts: `count(prefix)`, or a function reply that looks at `url`).
 *
 * ```ts
 * const server = await startHttpServer();
 * server.enqueue({ status: 503, json: { status: 503, message: 'busy' } });
 * server.setDefault({ json: apiCreditBody() });
 * // ... run the client against server.url ...
 * expect(server.count()).toBe(2);
 * await server.close();
 * ```
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';

/** One request as the server received it. */
export interface RecordedRequest {
  method: string;
  /** The request target exactly as sent, still percent-encoded, e.g. `/wallet/a%2Fb/x?y=1`. */
  url: string;
  /** The path part of `url`, still percent-encoded. */
  path: string;
  /** The query parameters, decoded (a repeated name keeps every value, in order). */
  query: URLSearchParams;
  /** Header names in lower case; repeated headers as Node joins them. */
  headers: http.IncomingHttpHeaders;
  /** Names and values exactly as sent, alternating. */
  rawHeaders: string[];
  /** The request body as UTF-8 text (`''` for none). */
  body: string;
  /** Which connection carried it, counted from 0: tells keep-alive reuse from a new socket. */
  connection: number;
}

/** A piece of a body or of raw socket output; `{ delayMs }` waits before the next piece. */
export type Chunk = string | Uint8Array | { delayMs: number };

/** What to do once everything scripted has been written. */
export type Ending = 'end' | 'stall' | 'reset';

/** An ordinary HTTP response, written through `node:http`. */
export interface HttpReply {
  /** Default 200. */
  status?: number;
  /** The reason phrase; default Node's for the status. */
  statusText?: string;
  /**
   * Response headers. Pairs keep their order and may repeat a name; an object maps a name to
   * one value or to several (sent as repeated header lines).
   */
  headers?: Record<string, string | string[]> | Array<[string, string]>;
  /** A JSON body: serialised, with `content-type: application/json` unless headers say else. */
  json?: unknown;
  /** A body sent as is (with `content-length`, unless `chunks` or headers say otherwise). */
  body?: string | Uint8Array;
  /** A body sent piece by piece (chunked transfer coding unless headers set a length). */
  chunks?: Chunk[];
  /** Compress `json`/`body` with gzip and say so in `content-encoding`. */
  gzip?: boolean;
  /** Wait this long before writing anything. */
  delayMs?: number;
  /** After the body: end the response (default), keep it open forever, or destroy the socket. */
  then?: Ending;
}

/** Bytes written directly onto the socket, bypassing `node:http` entirely. */
export interface RawReply {
  raw: string | Uint8Array | Chunk[];
  /** After the bytes: close the socket (default `'end'`), leave it open, or destroy it. */
  then?: Ending;
}

/** Never answer; the socket stays open until the client gives up or the server closes. */
export interface StallReply {
  stall: true;
}

/** Destroy the socket before writing a byte (the client sees a reset / "other side closed"). */
export interface ResetReply {
  reset: true;
}

export type Reply = HttpReply | RawReply | StallReply | ResetReply;

/** A reply, or a function that builds one from the request and its 0-based index. */
export type Script = Reply | ((request: RecordedRequest, index: number) => Reply);

/** An escape hatch: a plain `node:http` handler, as `server.ts` had. */
export type Handler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  request: RecordedRequest,
) => void;

export interface HttpServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Every request received since the start or the last `reset()`, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** How many requests arrived (whose url starts with `prefix`, when given). */
  count(prefix?: string): number;
  /** How many TCP connections were accepted. */
  connections(): number;
  /** Queues replies: each is used for exactly one request, in order. */
  enqueue(...scripts: Script[]): void;
  /** The reply used whenever the queue is empty (initially a 500 saying nothing is scripted). */
  setDefault(script: Script): void;
  /** Answers every request with this handler instead of the queue and default. */
  handle(handler: Handler | undefined): void;
  /** Resolves once `n` requests have arrived in total; rejects after `timeoutMs`. */
  waitForRequests(n: number, timeoutMs?: number): Promise<void>;
  /** Empties the queue and the record and restores the initial default. */
  reset(): void;
  /** Destroys every open socket (stalled ones included) and stops listening. */
  close(): Promise<void>;
}

const UNSCRIPTED: Reply = {
  status: 500,
  json: { status: 500, message: 'http-server: no reply scripted for this request' },
};

/** Starts a server on 127.0.0.1 with an ephemeral port. */
export async function startHttpServer(): Promise<HttpServer> {
  const requests: RecordedRequest[] = [];
  const queue: Script[] = [];
  let fallback: Script = UNSCRIPTED;
  let handler: Handler | undefined;
  const sockets = new Set<Socket>();
  const socketIds = new WeakMap<Socket, number>();
  let connectionCount = 0;
  let waiters: Array<() => void> = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => {});
    req.on('end', () => {
      const target = req.url ?? '';
      const mark = target.indexOf('?');
      const request: RecordedRequest = {
        method: req.method ?? '',
        url: target,
        path: mark === -1 ? target : target.slice(0, mark),
        query: new URLSearchParams(mark === -1 ? '' : target.slice(mark + 1)),
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks).toString('utf8'),
        connection: socketIds.get(req.socket) ?? -1,
      };
      const index = requests.length;
      requests.push(request);
      const ready = waiters;
      waiters = [];
      for (const wake of ready) wake();
      if (handler) return handler(req, res, request);
      const script = queue.shift() ?? fallback;
      const reply = typeof script === 'function' ? script(request, index) : script;
      void perform(reply, req.socket, res);
    });
  });
  server.on('connection', (socket) => {
    socketIds.set(socket, connectionCount++);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A client that goes away mid-reply is part of the game, not a failure of the server.
    socket.on('error', () => {});
  });
  // Garbage on purpose from a hostile test client must not crash the server.
  server.on('clientError', (_error, socket) => socket.destroy());

  // Idle connections stay open until the client closes them: a server that timed one out just
  // as the client reused it would turn a request into a reset on a busy machine.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    count: (prefix) =>
      prefix === undefined
        ? requests.length
        : requests.filter((r) => r.url.startsWith(prefix)).length,
    connections: () => connectionCount,
    enqueue: (...scripts) => void queue.push(...scripts),
    setDefault(script) {
      fallback = script;
    },
    handle(next) {
      handler = next;
    },
    waitForRequests(n, timeoutMs = 5_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new Error(`waited ${timeoutMs} ms for ${n} requests, got ${requests.length}`)),
          timeoutMs,
        );
        const check = () => {
          if (requests.length >= n) {
            clearTimeout(timer);
            resolve();
          } else waiters.push(check);
        };
        check();
      });
    },
    reset() {
      queue.length = 0;
      requests.length = 0;
      fallback = UNSCRIPTED;
      handler = undefined;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function perform(reply: Reply, socket: Socket, res: http.ServerResponse): Promise<void> {
  if ('reset' in reply) return void socket.destroy();
  if ('stall' in reply) return;
  if ('raw' in reply) {
    const pieces = Array.isArray(reply.raw) ? reply.raw : [reply.raw];
    for (const piece of pieces) {
      if (socket.destroyed) return;
      if (typeof piece === 'object' && 'delayMs' in piece) await sleep(piece.delayMs);
      else socket.write(piece);
    }
    return finish(reply.then, socket, () => socket.end());
  }

  if (reply.delayMs) await sleep(reply.delayMs);
  if (socket.destroyed) return;
  const headerPairs: Array<[string, string]> = Array.isArray(reply.headers)
    ? reply.headers
    : Object.entries(reply.headers ?? {}).flatMap(([name, value]) =>
        (Array.isArray(value) ? value : [value]).map((v): [string, string] => [name, v]),
      );
  const has = (name: string) => headerPairs.some(([n]) => n.toLowerCase() === name);
  let body: Uint8Array | string | undefined =
    reply.json !== undefined ? JSON.stringify(reply.json) : reply.body;
  if (reply.json !== undefined && !has('content-type')) {
    headerPairs.push(['content-type', 'application/json']);
  }
  if (reply.gzip && body !== undefined) {
    body = gzipSync(body);
    if (!has('content-encoding')) headerPairs.push(['content-encoding', 'gzip']);
  }
  if (body !== undefined && !reply.chunks && !has('content-length') && !has('transfer-encoding')) {
    headerPairs.push(['content-length', String(Buffer.byteLength(body))]);
  }
  const flat = headerPairs.flat();
  if (reply.statusText === undefined) res.writeHead(reply.status ?? 200, flat);
  else res.writeHead(reply.status ?? 200, reply.statusText, flat);
  if (body !== undefined) res.write(body);
  for (const piece of reply.chunks ?? []) {
    if (socket.destroyed) return;
    if (typeof piece === 'object' && 'delayMs' in piece) await sleep(piece.delayMs);
    else res.write(piece);
  }
  finish(reply.then, socket, () => res.end());
}

function finish(ending: Ending | undefined, socket: Socket, end: () => void): void {
  if (socket.destroyed) return;
  if (ending === 'stall') return;
  if (ending === 'reset') return void socket.destroy();
  end();
}

/**
 * The header block of a raw response: a status line of your choosing and header lines. Unless
 * told otherwise it says `connection: close` (not on an interim 1xx), because a raw reply ends
 * its socket: without it the client may send its retry on that socket as it closes, a
 * connection error that only a busy machine shows.
 */
export function rawHead(statusLine: string, headers: Array<[string, string]> = []): string {
  const interim = /^HTTP\/\S+ 1\d\d\b/.test(statusLine); // a 103 says nothing of the socket
  const all =
    interim || headers.some(([name]) => name.toLowerCase() === 'connection')
      ? headers
      : [...headers, ['connection', 'close'] as [string, string]];
  return `${statusLine}\r\n${all.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
}

/** A body in chunked transfer coding, as raw bytes. */
export function rawChunked(...pieces: Array<string | Uint8Array>): Buffer {
  const parts = pieces.flatMap((piece) => {
    const bytes = typeof piece === 'string' ? Buffer.from(piece) : Buffer.from(piece);
    return [Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')];
  });
  return Buffer.concat([...parts, Buffer.from('0\r\n\r\n')]);
}
