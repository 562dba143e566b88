/**
 * The wire's three facts, each written once in src/http/ and shared by every user: the
 * identity headers (HTTP calls and the live handshake alike), time and abort (no listener on
 * the caller's signal, however many calls share it), and what a failed connection means (the
 * same code on the JSON path and in a stream, on every runtime's wording).
 */
import { getEventListeners } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { encode } from '@msgpack/msgpack';
import { WebSocketServer } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { APIConnectionError, FishAudio, RealtimeError, type Fetch } from '../../src/index.js';
import { networkCode } from '../../src/http/network-error.js';
import { openLiveSession } from '../../src/realtime/index.js';
import { useFakeClock } from '../helpers/clock.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
import { apiCreditBody } from '../helpers/server.js';
import { failure } from '../helpers/settle.js';

const KEY = 'sk-wire-0123456789abcdef-SECRET';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function httpServer(): Promise<HttpServer> {
  const server = await startHttpServer();
  closers.push(() => server.close());
  return server;
}

/** A WebSocket server on 127.0.0.1 that records handshakes and runs `onStart` per session. */
async function liveServer(onStart: (send: (message: object) => void) => void = () => {}) {
  const handshakes: IncomingHttpHeaders[] = [];
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (socket, request) => {
    handshakes.push(request.headers);
    socket.on('message', () => onStart((message) => socket.send(encode(message))));
  });
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  );
  const url = `http://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  return { url, handshakes };
}

describe('identity headers', () => {
  const identities = [
    { name: 'a keyed client', apiKey: KEY, authorization: `Bearer ${KEY}` },
    { name: 'a keyless client (apiKey: null)', apiKey: null, authorization: undefined },
  ];

  it.each(identities)(
    'are the same on an HTTP call and on the live handshake, for $name',
    async ({ apiKey, authorization }) => {
      const http = await httpServer();
      http.setDefault({ json: apiCreditBody() });
      const live = await liveServer((send) => send({ event: 'finish', reason: 'stop' }));
      const defaultHeaders = { 'x-team': 'blue' };
      const viaHttp = new FishAudio({ apiKey, baseUrl: http.url, defaultHeaders });
      await viaHttp.wallet.getApiCredit();
      const viaLive = new FishAudio({ apiKey, baseUrl: live.url, defaultHeaders });
      const session = await openLiveSession(viaLive);
      session.end();
      await session.done;

      for (const headers of [http.requests[0]!.headers, live.handshakes[0]!]) {
        expect(headers.authorization).toBe(authorization);
        expect(headers['user-agent']).toMatch(/^fish-audio-api\/\d/);
        expect(headers['x-team']).toBe('blue');
      }
    },
  );

  it('never sends "Bearer null" on the live handshake of a keyless client', async () => {
    const live = await liveServer((send) => send({ event: 'finish', reason: 'stop' }));
    const session = await openLiveSession(new FishAudio({ apiKey: null, baseUrl: live.url }));
    session.end();
    await session.done;
    expect(JSON.stringify(live.handshakes[0])).not.toContain('null');
  });
});

describe('the caller signal', () => {
  const CALLS = 12;

  it('gains no listener from concurrent calls sleeping between retries', async () => {
    const clock = useFakeClock();
    const server = await httpServer();
    server.setDefault({ status: 503, json: { status: 503, message: 'busy' } });
    const client = new FishAudio({ apiKey: KEY, baseUrl: server.url, maxRetries: 1 });
    const controller = new AbortController();
    const calls = Array.from({ length: CALLS }, () =>
      failure(client.wallet.getApiCredit({}, { signal: controller.signal })),
    );
    await clock.timersOf('http/retry.ts', CALLS);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    controller.abort();
    for (const error of await Promise.all(calls)) expect(error.name).toBe('APIUserAbortError');
  });

  it('gains no listener from concurrent audio streams waiting for their next chunk', async () => {
    const server = await httpServer();
    server.setDefault({
      headers: { 'content-type': 'audio/mpeg' },
      chunks: ['ID3'],
      then: 'stall',
    });
    const client = new FishAudio({ apiKey: KEY, baseUrl: server.url, maxRetries: 0 });
    const controller = new AbortController();
    const streams = await Promise.all(
      Array.from({ length: CALLS }, () =>
        client.tts.convert({ text: 'hi' }, { signal: controller.signal }),
      ),
    );
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    controller.abort();
    for (const audio of streams) {
      expect((await failure(audio.arrayBuffer())).name).toBe('APIUserAbortError');
    }
  });

  it('gains no listener from concurrent live sessions', async () => {
    const live = await liveServer();
    const client = new FishAudio({ apiKey: KEY, baseUrl: live.url });
    const controller = new AbortController();
    const sessions = await Promise.all(
      Array.from({ length: CALLS }, () =>
        openLiveSession(client, {}, { signal: controller.signal }),
      ),
    );
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    controller.abort();
    for (const session of sessions) {
      expect((await failure(session.done)).name).toBe('APIUserAbortError');
    }
  });
});

describe('a failed connection', () => {
  // How each runtime reports a reset connection: Node (undici) puts the code on the cause, Bun
  // on the error itself, Deno only in its words.
  const resets = [
    {
      runtime: 'Node',
      error: Object.assign(new TypeError('terminated'), { cause: { code: 'ECONNRESET' } }),
    },
    {
      runtime: 'Bun',
      error: Object.assign(new Error('The socket connection was closed'), { code: 'ECONNRESET' }),
    },
    {
      runtime: 'Deno',
      error: new TypeError('error reading a body from connection: connection reset'),
    },
  ];

  it.each(resets)('reads $runtime wording as ECONNRESET', ({ error }) => {
    expect(networkCode(error)).toBe('ECONNRESET');
  });

  it.each(resets)(
    'gives the same code on the JSON path and in a stream, as $runtime reports it',
    async ({ error }) => {
      const failing: Fetch = async () => {
        throw error;
      };
      const breaking: Fetch = async () =>
        new Response(
          new ReadableStream({
            pull: (controller) => controller.error(error),
          }),
          { headers: { 'content-type': 'audio/mpeg' } },
        );
      const options = { apiKey: KEY, baseUrl: 'http://127.0.0.1:9', maxRetries: 0 };
      const json = await failure(
        new FishAudio({ ...options, fetch: failing }).wallet.getApiCredit(),
      );
      const audio = await new FishAudio({ ...options, fetch: breaking }).tts.convert({
        text: 'hi',
      });
      const stream = await failure(audio.arrayBuffer());
      for (const thrown of [json, stream]) {
        expect(thrown).toBeInstanceOf(APIConnectionError);
        expect((thrown as APIConnectionError).code).toBe('ECONNRESET');
      }
    },
  );

  it("explains a port fetch refuses to use (9), with Node's real fetch, instead of only 'bad port'", async () => {
    const client = new FishAudio({ apiKey: KEY, baseUrl: 'http://127.0.0.1:9', maxRetries: 0 });
    const error = await failure(client.wallet.getApiCredit());
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error.message).toMatch(
      /never connects to this port.*Fetch standard blocks it.*use another port/,
    );
    expect(error.message).not.toMatch(/check the network/i);
    expect((error as APIConnectionError).code).toBe('ERR_BLOCKED_PORT');
  });

  it('does not retry a port fetch refuses: no attempt can succeed', async () => {
    const client = new FishAudio({ apiKey: KEY, baseUrl: 'http://127.0.0.1:9', maxRetries: 3 });
    const error = await failure(client.wallet.getApiCredit());
    expect((error as APIConnectionError).attempts).toBe(1);
  });

  it('is described without throwing when the thrown value has no prototype', async () => {
    const odd: Fetch = async () => {
      throw Object.create(null);
    };
    const client = new FishAudio({ apiKey: KEY, fetch: odd, maxRetries: 0 });
    const error = await failure(client.wallet.getApiCredit());
    expect(error).toBeInstanceOf(APIConnectionError);
  });
});

describe('a finish reason that echoes the key', () => {
  const reasons = [
    { where: 'alone', reason: KEY },
    { where: 'after 30 characters of text', reason: `${'x'.repeat(30)} ${KEY}` },
    { where: 'inside a long message', reason: `refused for ${KEY} because the quota is spent` },
  ];

  it.each(reasons)(
    'is redacted in the RealtimeError when the key stands $where',
    async ({ reason }) => {
      const live = await liveServer((send) => send({ event: 'finish', reason }));
      const session = await openLiveSession(new FishAudio({ apiKey: KEY, baseUrl: live.url }));
      session.end();
      const error = await failure(session.done);
      expect(error).toBeInstanceOf(RealtimeError);
      // Nor any piece of it long enough to matter: a cut key would still leak.
      const shown = [error.message, error.stack, inspect(error), JSON.stringify(error)].join('\n');
      expect(shown).not.toContain(KEY.slice(0, 12));
      expect(shown).not.toContain(KEY.slice(-12));
    },
  );
});
