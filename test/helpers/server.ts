/**
 * A real HTTP server on 127.0.0.1 with an ephemeral port, for tests. Each test sets how it
 * answers; every request it receives is recorded with its exact request line and headers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  /** The request target exactly as sent, e.g. `/wallet/a%2Fb/api-credit?x=1`. */
  url: string;
  headers: http.IncomingHttpHeaders;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface TestServer {
  url: string;
  requests: ReceivedRequest[];
  /** Sets how the next requests are answered. */
  handle(handler: Handler): void;
  /** Answers every request with this status, headers and body. */
  reply(status: number, body: string | object, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

export async function startServer(): Promise<TestServer> {
  const requests: ReceivedRequest[] = [];
  let handler: Handler = (_req, res) => res.writeHead(500).end();
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    handler(req, res);
  });
  // Idle connections stay open until the client closes them: a server that timed one out just
  // as the client reused it would turn a request into a reset on a busy machine.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle(next) {
      handler = next;
    },
    reply(status, body, headers = {}) {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const type = typeof body === 'string' ? 'text/plain' : 'application/json';
      handler = (_req, res) =>
        res.writeHead(status, { 'content-type': type, ...headers }).end(text);
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A 200 body that matches the checked-in spec. */
export function apiCreditBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    _id: '6612d0f0a1b2c3d4e5f60718',
    user_id: 'u_123',
    credit: '12.3400',
    created_at: '2026-01-02T03:04:05Z',
    updated_at: '2026-11-20T10:00:00Z',
    has_phone_sha256: true,
    has_free_credit: null,
    cumulative_top_up: '50.0000',
    ...overrides,
  };
}

/** A platform-credit package body that matches the checked-in spec. */
export function packageBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    user_id: 'u_123',
    type: 'plus',
    total: 2000,
    balance: 1500,
    created_at: '2026-01-02T03:04:05Z',
    updated_at: '2026-11-20T10:00:00Z',
    finished_at: '2026-12-02T03:04:05Z',
    billing_period: 'month',
    extra_balance: 0,
    ...overrides,
  };
}
