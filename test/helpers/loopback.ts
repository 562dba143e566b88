/**
 * The small server most suites need: listens on 127.0.0.1, reads each request's whole body,
 * records it, then hands it to the test's handler. (`http-server.ts` is the programmable one
 * for faults: raw bytes, stalls, resets.)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server received it. */
export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Answers a request once its body has arrived. */
export type LoopbackHandler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  received: Received,
) => void;

/** A running loopback server; `close()` also ends open connections. */
export interface Loopback {
  url: string;
  requests: Received[];
  /** URLs of requests whose response has closed (finished or abandoned). */
  closed: string[];
  /** Resolves once `n` responses have closed. */
  whenClosed(n: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a loopback server answering with `handler`. */
export async function listenLoopback(handler: LoopbackHandler): Promise<Loopback> {
  const requests: Received[] = [];
  const closed: string[] = [];
  let waiters: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received = {
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(received);
      res.on('close', () => {
        closed.push(req.url!);
        const ready = waiters;
        waiters = [];
        for (const check of ready) check();
      });
      handler(req, res, received);
    });
  });
  // Idle connections stay open until the client closes them: a server that timed one out just
  // as the client reused it would turn a request into a reset on a busy machine.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    closed,
    whenClosed: (n) =>
      new Promise<void>((resolve) => {
        const check = () => (closed.length >= n ? resolve() : void waiters.push(check));
        check();
      }),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
