/**
 * Findings of hostile reviews, each held by a test. The speech path: a body that contains
 * itself, unread streams, an error status whose body stalls, header precedence, a redirect that
 * puts the key in the URL, and a 2xx stream with no body. The streaming surfaces (issue 17's
 * review): a header named after the key, buffers and Blobs that hold no bytes, a refused live
 * handshake nested too deep, empty audio frames, odd close codes, aborts mid-body, and the
 * CLI's `-o` through a symlink or onto a private file.
 */
import { getEventListeners } from 'node:events';
import {
  chmod,
  lstat,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { openAsBlob } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { encode } from '@msgpack/msgpack';
import { WebSocketServer, type WebSocket } from 'ws';
import { afterEach, describe, expect, it, type TestContext } from 'vitest';
import {
  APIConnectionError,
  APIUserAbortError,
  AuthenticationError,
  FishAudio,
  FishAudioError,
  InvalidResponseError,
  InvalidOptionError,
  InvalidParameterError,
  RealtimeError,
  type ClientOptions,
} from '../../src/index.js';
import { openLiveSession } from '../../src/realtime/index.js';
import { startLiveStandIn } from '../../src/testing/live.js';
import { useFakeClock } from '../helpers/clock.js';
import { runCli } from '../helpers/cli.js';
import { expectNoSecret } from './support.js';

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

// ---------------------------------------------------------------------------------------------
// The streaming surfaces, reviewed as a hostile server and a careless caller would (issue 17).

/** The key with every character percent-encoded: still the key to whoever decodes it. */
const PERCENT_KEY = [...KEY].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');

describe('a header named after the key', () => {
  const forms = [
    ['as itself', `x-echo-${KEY}`],
    ['percent-encoded', `x-echo-${PERCENT_KEY}`],
  ] as const;
  type Surface = (client: FishAudio) => Promise<unknown>;
  const surfaces: Array<[string, number, string, Surface]> = [
    ['a 401', 401, 'application/json', (c) => c.wallet.getApiCredit().catch((e: unknown) => e)],
    [
      'a 200 that is not JSON (InvalidResponseError)',
      200,
      'text/plain',
      (c) => c.wallet.getApiCredit().catch((e: unknown) => e),
    ],
    ['a 200 audio stream (AudioResponse)', 200, 'audio/mpeg', (c) => c.tts.convert({ text: 'hi' })],
    [
      'a 200 event stream (EventStream)',
      200,
      'text/event-stream',
      (c) => c.tts.withTimestamps({ text: 'hi' }),
    ],
    [
      "a 200 of the wrong media type in 'error' mode",
      200,
      'text/html',
      (c) => c.tts.convert({ text: 'hi' }).catch((e: unknown) => e),
    ],
  ];
  const rows = surfaces.flatMap(([surface, status, type, run]) =>
    forms.map(([form, name]) => ({ surface, form, status, type, run, name })),
  );

  it.each(rows)(
    'is left out of what $surface shows, the name $form',
    async ({ status, type, run, name }) => {
      const { client } = await serve((_req, res) =>
        res.writeHead(status, { [name]: 'echo', 'content-type': type }).end('not json'),
      );
      const result = (await run(client({ validateResponses: 'error' }))) as {
        headers?: Headers;
        response?: { headers: Headers };
      };
      const headers = result.headers ?? result.response!.headers;
      expect([...headers.keys()].some((key) => key.startsWith('x-echo-'))).toBe(false);
      expectNoSecret(result, KEY, PERCENT_KEY);
    },
  );

  it('keeps every other header of the response', async () => {
    const { client } = await serve((_req, res) =>
      res
        .writeHead(401, { [`x-echo-${KEY}`]: '1', 'x-request-id': 'req-7' })
        .end('{"message":"no"}'),
    );
    const error = (await client()
      .wallet.getApiCredit()
      .catch((e: unknown) => e)) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.headers.get('x-request-id')).toBe('req-7');
  });
});

describe('bytes that are not there', () => {
  /** An ArrayBuffer transferred away, as postMessage does: it is detached, with no bytes. */
  const detached = () => {
    const buffer = new ArrayBuffer(8);
    structuredClone(buffer, { transfer: [buffer] });
    return buffer;
  };
  const viewOnDetached = () => {
    const buffer = new ArrayBuffer(8);
    const view = new Uint8Array(buffer, 2, 4);
    structuredClone(buffer, { transfer: [buffer] });
    return view;
  };
  type Call = (client: FishAudio, bytes: unknown) => Promise<unknown>;
  const calls: Array<[string, string, Call]> = [
    ['asr.transcribe', 'audio', (c, audio) => c.asr.transcribe({ audio } as never)],
    [
      'voices.create (multipart)',
      'voices[0]',
      (c, sample) => c.voices.create({ title: 't', voices: [sample] } as never),
    ],
    [
      'tts.convert (msgpack)',
      'references[0].audio',
      (c, audio) => c.tts.convert({ text: 'hi', references: [{ audio, text: 'x' }] } as never),
    ],
  ];
  const rows = calls.flatMap(([call, field, run]) =>
    (
      [
        ['a detached ArrayBuffer', detached],
        ['a Uint8Array on a detached buffer', viewOnDetached],
      ] as const
    ).map(([what, make]) => ({ what, call, field, run, make })),
  );

  it.each(rows)(
    'refuse $what as $call $field, naming the field and sending nothing',
    async ({ field, run, make }) => {
      const { client, seen } = await serve((_req, res) => res.end());
      const error = await run(client(), make()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidParameterError);
      expect((error as InvalidParameterError).parameter).toBe(field);
      expect((error as Error).message).toContain('detached');
      expect(seen).toHaveLength(0);
    },
  );

  it.for([
    ['changed', (file: string) => writeFile(file, 'a longer sample than before')],
    ['deleted', (file: string) => rm(file)],
  ] as const)(
    'refuse a file Blob whose file %s after opening, in a msgpack body, naming the field',
    async ([, change], ctx) => {
      const dir = await tempDir(ctx);
      const file = path.join(dir, 'sample.wav');
      await writeFile(file, 'RIFF');
      const blob = await openAsBlob(file);
      await change(file);
      const { client, seen } = await serve((_req, res) => res.end());
      const error = await client()
        .tts.convert({ text: 'hi', references: [{ audio: blob, text: 'x' }] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidParameterError);
      expect((error as InvalidParameterError).parameter).toBe('references[0].audio');
      expect(seen).toHaveLength(0);
    },
  );
});

/** A real temporary folder, removed after the test. */
async function tempDir(ctx: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fish-audio-review-'));
  ctx.onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A WebSocket server on 127.0.0.1 that does `onStart` when the client's first frame arrives. */
async function liveServer(
  options: {
    onStart?: (socket: WebSocket) => void;
    refuse?: { status: number; body: string };
  } = {},
) {
  const server = http.createServer();
  servers.push(server);
  const wss = new WebSocketServer({
    server,
    verifyClient: options.refuse
      ? (_info, callback) => callback(false, options.refuse!.status, options.refuse!.body)
      : undefined,
  });
  let upgrades = 0;
  wss.on('connection', (socket) => {
    upgrades++;
    socket.once('message', () => options.onStart?.(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    client: () => new FishAudio({ apiKey: KEY, baseUrl: url, maxRetries: 0 }),
    upgrades: () => upgrades,
  };
}

const audioFrame = (bytes: Uint8Array) => encode({ event: 'audio', audio: bytes });
const finish = encode({ event: 'finish', reason: 'stop' });

describe('a refused live handshake whose body is nested too deep to show', () => {
  it.each([
    ['30 000 arrays', '['.repeat(30_000) + ']'.repeat(30_000)],
    ['10 000 objects', '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)],
    ['129 arrays, one past the bound', '['.repeat(129) + ']'.repeat(129)],
  ])('keeps %s as text, so the error still turns into JSON', async (_what, body) => {
    const live = await liveServer({ refuse: { status: 401, body } });
    const error = await openLiveSession(live.client()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).body).toBe(body);
    expect(() => JSON.stringify(error)).not.toThrow();
  });

  it('still parses a body of ordinary depth', async () => {
    const live = await liveServer({ refuse: { status: 401, body: '{"message":"bad key"}' } });
    const error = await openLiveSession(live.client()).catch((e: unknown) => e);
    expect((error as AuthenticationError).body).toEqual({ message: 'bad key' });
  });
});

describe('empty audio frames from a live server', () => {
  it('are never yielded: the reader gets only chunks that hold bytes, in order', async () => {
    const live = await liveServer({
      onStart: (socket) => {
        socket.send(audioFrame(new Uint8Array(0)));
        socket.send(audioFrame(new Uint8Array([1, 2])));
        for (let i = 0; i < 100; i++) socket.send(audioFrame(new Uint8Array(0)));
        socket.send(audioFrame(new Uint8Array([3])));
        socket.send(finish);
      },
    });
    const session = await openLiveSession(live.client());
    const chunks: number[][] = [];
    for await (const chunk of session) chunks.push([...chunk]);
    expect(chunks).toEqual([[1, 2], [3]]);
  });

  it('leave a session that sends nothing else with no chunk at all, however many arrive', async () => {
    const live = await liveServer({
      onStart: (socket) => {
        for (let i = 0; i < 1000; i++) socket.send(audioFrame(new Uint8Array(0)));
        socket.send(finish);
      },
    });
    const session = await openLiveSession(live.client(), {}, { maxQueuedBytes: 1 });
    await session.done;
    const chunks: Uint8Array[] = [];
    for await (const chunk of session) chunks.push(chunk);
    expect(chunks).toEqual([]);
  });
});

describe('a live server that closes before finish', () => {
  it.each([
    ['with no status code (1005)', (s: WebSocket) => s.close(), 1005],
    ['with an internal error (1011)', (s: WebSocket) => s.close(1011, 'oops'), 1011],
    ['with an application code (4000)', (s: WebSocket) => s.close(4000), 4000],
    ['with the last application code (4999)', (s: WebSocket) => s.close(4999, 'x'), 4999],
    ['by dropping the connection (1006)', (s: WebSocket) => s.terminate(), 1006],
  ])('fails the session with a RealtimeError %s, after the audio', async (_what, close, code) => {
    const live = await liveServer({
      onStart: (socket) => {
        socket.send(audioFrame(new Uint8Array([7])), () => close(socket));
      },
    });
    const session = await openLiveSession(live.client());
    const chunks: number[][] = [];
    const error = await (async () => {
      for await (const chunk of session) chunks.push([...chunk]);
    })().catch((e: unknown) => e);
    expect(chunks).toEqual([[7]]);
    expect(error).toBeInstanceOf(RealtimeError);
    expect((error as RealtimeError).closeCode).toBe(code);
  });

  it('keeps a key percent-encoded in the close reason out of the error', async () => {
    const live = await liveServer({ onStart: (socket) => socket.close(4001, PERCENT_KEY) });
    const session = await openLiveSession(live.client());
    const error = await session.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RealtimeError);
    expect((error as Error).message).toContain('[redacted]');
    expectNoSecret(error, KEY, PERCENT_KEY);
  });
});

describe('an abort with a reason of its own', () => {
  /** A server that sends the first bytes of the audio and then stalls; `wrote` settles then. */
  async function stalling() {
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => (wrote = resolve));
    const api = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'audio/mpeg' });
      res.write('ID3', () => wrote());
    });
    return { ...api, written };
  }

  it.each([
    ['arrayBuffer()', (audio: { arrayBuffer(): Promise<unknown> }) => audio.arrayBuffer()],
    ['blob()', (audio: { blob(): Promise<unknown> }) => audio.blob()],
    [
      'a for await loop',
      async (audio: AsyncIterable<Uint8Array>) => {
        for await (const _chunk of audio);
      },
    ],
  ])('mid-body of %s is an APIUserAbortError whose cause is the reason', async (_how, read) => {
    const { client, written } = await stalling();
    const controller = new AbortController();
    const audio = await client().tts.convert({ text: 'hi' }, { signal: controller.signal });
    const reading = read(audio as never).catch((e: unknown) => e);
    await written;
    const reason = { why: 'the user left' };
    controller.abort(reason);
    const error = await reading;
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect((error as Error).cause).toBe(reason);
  });

  it('already given before a live session opens sends no upgrade, with the reason as cause', async () => {
    const live = await liveServer();
    const reason = new Error('not needed any more');
    const error = await openLiveSession(
      live.client(),
      {},
      { signal: AbortSignal.abort(reason) },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect((error as Error).cause).toBe(reason);
    expect(live.upgrades()).toBe(0);
  });
});

describe('event streams sharing one signal', () => {
  it('add no listener to it, however many wait for their next event', async () => {
    const { client } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"chunk_seq":1}\n\n');
    });
    const controller = new AbortController();
    const c = client({ validateResponses: 'off' });
    const iterators = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const events = await c.tts.withTimestamps({ text: 'hi' }, { signal: controller.signal });
        const iterator = events[Symbol.asyncIterator]();
        await iterator.next();
        return iterator;
      }),
    );
    // Each stream now waits for its second event.
    const waiting = iterators.map((iterator) => iterator.next().catch((e: unknown) => e));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    controller.abort();
    for (const error of await Promise.all(waiting)) expect(error).toBeInstanceOf(APIUserAbortError);
  });
});

describe('a body shorter than its Content-Length', () => {
  const lying = (type: string, body: string) => (_req: unknown, res: http.ServerResponse) => {
    res.writeHead(200, { 'content-type': type, 'content-length': String(body.length + 100) });
    res.end(body);
    // The connection ends before the bytes it promised.
    res.socket?.destroySoon();
  };

  it('fails an audio stream with APIConnectionError, not a short success', async () => {
    const { client } = await serve(lying('audio/mpeg', 'ID3 part'));
    const audio = await client().tts.convert({ text: 'hi' });
    const error = await audio.arrayBuffer().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
  });

  it('fails an event stream with APIConnectionError after the events that arrived whole', async () => {
    const { client } = await serve(
      lying('text/event-stream', 'data: {"chunk_seq":1}\n\ndata: {"chunk_seq":'),
    );
    const events = await client({ validateResponses: 'off' }).tts.withTimestamps({ text: 'hi' });
    const got: unknown[] = [];
    const error = await (async () => {
      for await (const event of events) got.push(event);
    })().catch((e: unknown) => e);
    expect(got).toEqual([{ chunk_seq: 1 }]);
    expect(error).toBeInstanceOf(APIConnectionError);
  });
});

describe('a redirect to another origin', () => {
  it('does not carry the key there', async () => {
    const other = await serve((_req, res) =>
      res.writeHead(200, { 'content-type': 'audio/mpeg' }).end('x'),
    );
    // localhost and 127.0.0.1 are the same machine but two origins.
    const elsewhere = other.url.replace('127.0.0.1', 'localhost');
    const { client } = await serve((_req, res) =>
      res.writeHead(307, { location: `${elsewhere}/v1/tts` }).end(),
    );
    await (await client().tts.convert({ text: 'hi' })).arrayBuffer();
    expect(other.seen).toHaveLength(1);
    expect(other.seen[0]!.authorization).toBeUndefined();
  });
});

describe('tts -o onto what is already there', () => {
  /** The two commands that write -o, with their words and stdin. */
  const WRITERS = [
    ['tts', ['hi'], ''],
    ['tts --live', ['--live'], 'hello\n'],
  ] as const;

  /** An audio server, or the live stand-in for --live. */
  async function apiFor(ctx: TestContext, words: readonly string[]): Promise<string> {
    if (words[0] === '--live') {
      const live = await startLiveStandIn({ apiKey: KEY });
      ctx.onTestFinished(() => live.close());
      return live.url;
    }
    return (
      await serve((_req, res) =>
        res.writeHead(200, { 'content-type': 'audio/mpeg' }).end('new audio'),
      )
    ).url;
  }

  const fish = (args: string[], url: string, stdin: string) =>
    runCli([...args, '--base-url', url], { env: { FISH_API_KEY: KEY }, stdin });

  it.for(WRITERS)(
    '%s writes through a symlink: the link stays, the file it leads to gets the audio',
    async ([, words, stdin], ctx) => {
      const dir = await tempDir(ctx);
      const real = path.join(dir, 'real.mp3');
      const link = path.join(dir, 'link.mp3');
      await writeFile(real, 'old audio');
      await symlink(real, link);
      const run = await fish(['tts', ...words, '-o', link], await apiFor(ctx, words), stdin);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect((await lstat(link)).isSymbolicLink()).toBe(true);
      expect((await readFile(real)).toString()).not.toBe('old audio');
      expect((await stat(real)).size).toBeGreaterThan(0);
    },
  );

  it('leaves no temporary file beside a link into another folder, nor beside its file', async (ctx) => {
    const dir = await tempDir(ctx);
    const other = await tempDir(ctx);
    const real = path.join(other, 'real.mp3');
    await writeFile(real, 'old audio');
    await symlink(real, path.join(dir, 'link.mp3'));
    const run = await fish(
      ['tts', 'hi', '-o', path.join(dir, 'link.mp3')],
      await apiFor(ctx, []),
      '',
    );
    expect(run.code).toBe(0);
    expect(await readdir(dir)).toEqual(['link.mp3']);
    expect(await readdir(other)).toEqual(['real.mp3']);
    expect((await readFile(real)).toString()).toBe('new audio');
  });

  it.for(WRITERS)(
    '%s keeps the permissions of the file it replaces (a private file stays private)',
    async ([, words, stdin], ctx) => {
      const dir = await tempDir(ctx);
      const out = path.join(dir, 'private.mp3');
      await writeFile(out, 'old audio');
      await chmod(out, 0o600);
      const run = await fish(['tts', ...words, '-o', out], await apiFor(ctx, words), stdin);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect((await stat(out)).mode & 0o777).toBe(0o600);
      expect((await readFile(out)).toString()).not.toBe('old audio');
    },
  );
});
