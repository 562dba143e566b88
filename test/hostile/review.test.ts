/**
 * Findings of a hostile review of the speech path, each held by a test: a body that contains
 * itself, unread streams, an error status whose body stalls, header precedence, a redirect that
 * puts the key in the URL, and a 2xx stream with no body.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  FishAudio,
  FishAudioError,
  InvalidResponseError,
  InvalidOptionError,
  InvalidParameterError,
  type ClientOptions,
} from '../../src/index.js';
import { useFakeClock } from '../helpers/clock.js';

const KEY = 'sk-review-0123456789abcdef';
const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: http.RequestListener) {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => handler(req, res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A deadline that never fires before this server answers, however busy the machine.
  const client = (options: ClientOptions = {}) =>
    new FishAudio({ apiKey: KEY, baseUrl: url, timeout: 30_000, ...options });
  return { url, seen, client };
}

describe('what the review found', () => {
  it('refuses a body that contains itself, sending nothing', async () => {
    const { client, seen } = await serve((_req, res) => res.end());
    const prosody: Record<string, unknown> = { speed: 1 };
    prosody.self = prosody;
    const call = client().tts.convert({ text: 'hi', prosody } as never);
    await expect(call).rejects.toBeInstanceOf(InvalidParameterError);
    expect(seen).toHaveLength(0);
  });

  it('accepts an object shared by two fields, which is not a cycle', async () => {
    const { client, seen } = await serve((_req, res) =>
      res.writeHead(200, { 'content-type': 'audio/mpeg' }).end('x'),
    );
    const shared = { speed: 1, volume: 0 };
    await (
      await client().tts.convert({ text: 'hi', prosody: shared, references: [] })
    ).arrayBuffer();
    expect(seen).toHaveLength(1);
  });

  it('refuses a BigInt in a body with a typed error', async () => {
    const { client } = await serve((_req, res) => res.end());
    const call = client().tts.convert({ text: 'hi', temperature: 1n } as never);
    await expect(call).rejects.toBeInstanceOf(InvalidParameterError);
  });

  it('holds no timer and adds no listener to a shared signal for streams nobody reads', async () => {
    const { client } = await serve((_req, res) =>
      res.writeHead(200, { 'content-type': 'audio/mpeg' }).end('abcd'),
    );
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const controller = new AbortController();
      const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
      const before = timers();
      const c = client();
      for (let i = 0; i < 12; i++)
        await c.tts.convert({ text: 'x' }, { signal: controller.signal });
      await new Promise(setImmediate);
      expect(timers()).toBeLessThanOrEqual(before);
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('reports a 401 whose body stalls as AuthenticationError, not a retried timeout', async () => {
    const { client, seen } = await serve((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.write('{"message":"bad');
    });
    const clock = useFakeClock();
    let headersArrived!: () => void;
    const arrived = new Promise<void>((resolve) => (headersArrived = resolve));
    const call = client({
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        headersArrived();
        return response;
      },
    })
      .wallet.getApiCredit()
      .catch((e: unknown) => e);
    // The deadline runs out while the body stalls, after the status has arrived.
    await arrived;
    await clock.advance(30_000);
    expect(await call).toBeInstanceOf(AuthenticationError);
    expect(seen).toHaveLength(1);
  });

  it('sends the model the call names, not one from defaultHeaders', async () => {
    const { client, seen } = await serve((_req, res) =>
      res.writeHead(200, { 'content-type': 'audio/mpeg' }).end('x'),
    );
    const c = client({ defaultHeaders: { model: 's2.1-pro' } });
    await (await c.tts.convert({ text: 'hi', model: 's2.1-pro-free' })).arrayBuffer();
    expect(seen[0]!.model).toBe('s2.1-pro-free');
  });

  it('refuses a content-type in defaultHeaders, since the client sets it from the body', () => {
    expect(() => new FishAudio({ apiKey: KEY, defaultHeaders: { 'Content-Type': 'x' } })).toThrow(
      InvalidOptionError,
    );
  });

  it('redacts the key from the final URL after a redirect that puts it there', async () => {
    const { client } = await serve((req, res) => {
      if (req.url!.startsWith('/echo')) {
        res.writeHead(200, { 'content-type': 'audio/mpeg' }).end('x');
        return;
      }
      const key = String(req.headers.authorization).slice('Bearer '.length);
      res.writeHead(307, { location: `/echo?k=${key}` }).end();
    });
    const { response } = await client().tts.convert({ text: 'hi' }).withResponse();
    expect(response.url).toContain('/echo?k=[redacted]');
    expect(response.url).not.toContain(KEY);
  });

  it('ends at once a 2xx audio stream that has no body', async () => {
    const { client } = await serve((_req, res) => res.writeHead(204).end());
    // On a fake clock no deadline can end the stream: only the missing body can.
    useFakeClock();
    const audio = await client().tts.convert({ text: 'hi' });
    expect((await audio.arrayBuffer()).byteLength).toBe(0);
  });
});

describe('a refused parameter value', () => {
  it('is described, never quoted, so a key in the wrong field does not reach the message', async () => {
    const c = new FishAudio({ apiKey: KEY, baseUrl: 'http://127.0.0.1:9' });
    const error = await c.voices.list({ page_size: KEY as never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect((error as Error).message).toContain(`a string of ${KEY.length} characters`);
    expect((error as Error).message).not.toContain(KEY);
  });
});

describe('an encoded echo of the key', () => {
  const percent = [...KEY].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
  const escaped = [...KEY]
    .map((c) => `\\u00${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .join('');
  it.each([
    [
      'every byte percent-encoded, lower-case hex, in a truncated 401',
      `{"message":"bad ${percent}`,
    ],
    ['JSON \\u escapes in a truncated 401', `{"message":"bad key ${escaped}`],
  ])('is redacted: %s', async (_what, body) => {
    const { client } = await serve((_req, res) =>
      res.writeHead(401, { 'content-type': 'application/json' }).end(body),
    );
    const error = (await client()
      .wallet.getApiCredit()
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toContain('[redacted]');
    expect(error.message).not.toContain(percent);
    expect(error.message).not.toContain(escaped);
  });
});

describe('results read the wrong way', () => {
  it('refuses a second read of an AudioResponse with a typed error', async () => {
    const { client } = await serve((_req, res) =>
      res.writeHead(200, { 'content-type': 'audio/mpeg' }).end('abc'),
    );
    const audio = await client().tts.convert({ text: 'hi' });
    expect(new TextDecoder().decode(await audio.arrayBuffer())).toBe('abc');
    await expect(audio.arrayBuffer()).rejects.toBeInstanceOf(FishAudioError);
  });

  it('gives InvalidResponseError, not a TypeError, for designed voices without candidates', async () => {
    const { client } = await serve((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"candidates":null}'),
    );
    const call = client({ logger: { warn: () => {} } }).voices.design({ instruction: 'calm' });
    await expect(call).rejects.toBeInstanceOf(InvalidResponseError);
  });
});
