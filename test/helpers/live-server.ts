/**
 * A WebSocket server on 127.0.0.1 that stands in for the live endpoint at the level of frames,
 * for the hostile realtime tests: it runs `onStart` when the client's `start` event arrives and
 * is closed when the test that started it finishes.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { decode, encode } from '@msgpack/msgpack';
import WebSocket, { WebSocketServer, type RawData } from 'ws';
import { onTestFinished } from 'vitest';

/** One accepted session, seen from the server. */
export interface Peer {
  socket: WebSocket;
  /** The TCP connection under it. */
  raw: Socket;
  /** Resolves when the TCP connection has closed, from either side. */
  ended: Promise<void>;
  send(message: unknown): void;
}

/** What the server does, beyond accepting the handshake. */
export interface LiveServerOptions {
  /** Runs when the client's `start` event arrives. */
  onStart?: (peer: Peer) => unknown;
  /** Runs on each client event after `start`. */
  onEvent?: (peer: Peer, event: Record<string, unknown>) => void;
  /** Answers the upgrade request itself, instead of accepting it. */
  onUpgrade?: (request: IncomingMessage, raw: Socket) => void;
  /** Accepts or refuses the handshake, with the status, body and headers of a refusal. */
  verifyClient?: WebSocket.VerifyClientCallbackAsync;
  /** Offers permessage-deflate on every message (which the client accepts). */
  deflate?: boolean;
}

/** Starts the server; closed, with every connection, when the current test finishes. */
export async function liveServer(options: LiveServerOptions = {}) {
  const http = createServer();
  const wss = new WebSocketServer({
    noServer: true,
    verifyClient: options.verifyClient,
    perMessageDeflate: options.deflate ? { threshold: 0 } : false,
  });
  const raws = new Set<Socket>();
  const peers: Peer[] = [];
  let upgrades = 0;
  http.on('upgrade', (request: IncomingMessage, raw: Socket, head: Buffer) => {
    upgrades++;
    raws.add(raw);
    // Each send its own TCP write, so a test decides how frames are cut.
    raw.setNoDelay(true);
    if (options.onUpgrade) return options.onUpgrade(request, raw);
    wss.handleUpgrade(request, raw, head, (socket) => {
      // A write to a client that has gone fails with EPIPE: the end is what the tests watch.
      raw.on('error', () => {});
      const peer: Peer = {
        socket,
        raw,
        ended: new Promise((resolve) => raw.once('close', () => resolve())),
        send: (message) => socket.send(encode(message)),
      };
      peers.push(peer);
      let started = false;
      socket.on('message', (data: RawData) => {
        const event = decode(data as Buffer) as Record<string, unknown>;
        if (!started) {
          started = true;
          void options.onStart?.(peer);
        } else options.onEvent?.(peer, event);
      });
    });
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  onTestFinished(async () => {
    for (const raw of raws) raw.destroy();
    wss.close();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return { url, peers, upgrades: () => upgrades };
}
