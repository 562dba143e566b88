/**
 * One misbehaving HTTP server for the fault-injection suite. The first path segment names the
 * scenario (a client's baseUrl is `<server>/<scenario>`), and the server counts the attempts
 * each scenario receives, so a test can assert exactly how many requests were made.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { apiCreditBody } from './server.js';

type Scenario = (res: http.ServerResponse, attempt: number, req: http.IncomingMessage) => void;

const json = (res: http.ServerResponse, status: number, body: unknown, headers = {}) =>
  res
    .writeHead(status, { 'content-type': 'application/json', ...headers })
    .end(JSON.stringify(body));
const ok = (res: http.ServerResponse) => json(res, 200, apiCreditBody());
const error = (status: number) => ({ status, message: `scenario error ${status}` });
const MIB = 1024 * 1024;

export const scenarios: Record<string, Scenario> = {
  ok,
  'reset-before-headers': (res) => res.socket?.destroy(),
  'reset-mid-body': (res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '400' });
    res.write('{"_id": "abc", "cre');
    setTimeout(() => res.socket?.destroy(), 20);
  },
  'stalled-body': (res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '400' });
    res.write('{"_id": "abc", "cre');
  },
  'slow-headers': () => {
    /* never answers */
  },
  'slow-headers-timeout': () => {
    /* never answers */
  },
  'truncated-json': (res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"_id": "abc", "credit": "1'),
  'retry-after-seconds': (res, n) =>
    n === 1 ? json(res, 429, error(429), { 'retry-after': '1' }) : ok(res),
  'retry-after-date': (res, n) =>
    n === 1
      ? json(res, 429, error(429), {
          'retry-after': new Date(Date.now() + 2000).toUTCString(),
        })
      : ok(res),
  'retry-after-ms': (res, n) =>
    n === 1 ? json(res, 429, error(429), { 'retry-after-ms': '150' }) : ok(res),
  'retry-after-hour': (res) => json(res, 429, error(429), { 'retry-after': '3600' }),
  '503-then-200': (res, n) => (n === 1 ? json(res, 503, error(503)) : ok(res)),
  '500-always': (res) => json(res, 500, error(500)),
  '401': (res) => json(res, 401, error(401)),
  '404': (res) => json(res, 404, error(404)),
  '408-then-200': (res, n) => (n === 1 ? json(res, 408, error(408)) : ok(res)),
  '409-then-200': (res, n) => (n === 1 ? json(res, 409, error(409)) : ok(res)),
  'html-502': (res) =>
    res
      .writeHead(502, { 'content-type': 'text/html' })
      .end('<html><h1>502 Bad Gateway</h1></html>'),
  'huge-declared': (res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(2 * MIB) });
    res.end('{}'.padEnd(2 * MIB, ' '));
  },
  'huge-chunked': (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = ' '.repeat(64 * 1024);
    let sent = 0;
    const pump = () => {
      while (sent < 4 * MIB) {
        sent += chunk.length;
        if (!res.write(chunk)) return res.once('drain', pump);
      }
      res.end();
    };
    res.on('error', () => {});
    pump();
  },
  // 4 KiB on the wire, 4 MiB once decoded: the declared length says nothing about the body.
  'gzip-bomb': (res) => {
    const packed = gzipSync(Buffer.alloc(4 * MIB, ' '));
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'content-length': String(packed.length),
    });
    res.end(packed);
  },
  // Answers, but later than a 50 ms timer set before the request would fire.
  'slow-ok': (res) => setTimeout(() => ok(res), 100),
};

export interface FaultServer {
  url: string;
  /** Requests received per scenario. */
  attempts(scenario: string): number;
  /** Resolves once `scenario` has received `n` requests in all. */
  arrived(scenario: string, n: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultServer(): Promise<FaultServer> {
  const counts = new Map<string, number>();
  let waiters: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '').split('/')[1] ?? '');
    const attempt = (counts.get(name) ?? 0) + 1;
    counts.set(name, attempt);
    const ready = waiters;
    waiters = [];
    for (const wake of ready) wake();
    req.resume();
    const scenario = scenarios[name];
    if (scenario) scenario(res, attempt, req);
    else json(res, 400, { status: 400, message: `unknown scenario ${name}` });
  });
  // Idle connections stay open until the client closes them: a server that timed one out just
  // as the client reused it would turn a request into a reset on a busy machine.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    attempts: (scenario) => counts.get(scenario) ?? 0,
    arrived(scenario, n) {
      return new Promise((resolve) => {
        const check = () => ((counts.get(scenario) ?? 0) >= n ? resolve() : waiters.push(check));
        check();
      });
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
