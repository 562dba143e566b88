/**
 * Streamed successes from a hostile server: an event line that never ends, a 2xx that is not
 * the documented audio or event stream, a server's own `event: error`, a broken event among
 * good ones, a stream read twice, and timestamp events `collectTimestamps` cannot use. Each
 * ends as a typed FishAudioError, the client stops reading as soon as it knows, and the key
 * never shows.
 */
import type http from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import {
  APIConnectionTimeoutError,
  AudioResponse,
  DEFAULTS,
  EventStream,
  FishAudio,
  FishAudioError,
  InvalidOptionError,
  InvalidResponseError,
  collectTimestamps,
  type ClientOptions,
  type TimestampEvent,
} from '../../src/index.js';
import type { Redactor } from '../../src/redact.js';
import { useFakeClock } from '../helpers/clock.js';
import { clientFor, expectNoSecret, failure, KEY, REDACTED, useHttpServer } from './support.js';

const server = useHttpServer();
const SSE = { 'content-type': 'text/event-stream' };
const AUDIO = { 'content-type': 'audio/mpeg' };

/** A client that never retries, so each test sees exactly one request. */
const client = (options: ClientOptions = {}) => clientFor(server, { maxRetries: 0, ...options });
/** A client whose 'warn' lines land in `warn`. */
function quiet(options: ClientOptions = {}) {
  const warn = vi.fn();
  return { warn, fish: client({ logger: { warn }, ...options }) };
}

/** One well-formed timestamp event as an SSE block. */
const event = (seq: number, audio = 'ab', words = ['Hi']) =>
  `data: ${JSON.stringify({
    audio_base64: Buffer.from(audio).toString('base64'),
    content: words.join(' '),
    chunk_seq: seq,
    chunk_audio_offset_sec: seq,
    alignment: {
      audio_duration: 1,
      segments: words.map((text, i) => ({ text, start: i, end: i + 0.5 })),
    },
  })}\n\n`;

/** Every event of a stream, or the error that ended it, with what came before the error. */
async function drain<T>(events: AsyncIterable<T>): Promise<{ got: T[]; error: unknown }> {
  const got: T[] = [];
  try {
    for await (const one of events) got.push(one);
  } catch (error) {
    return { got, error };
  }
  return { got, error: undefined };
}

/** How a response the server kept writing ended: bytes handed to the socket, and whether it finished. */
interface Outcome {
  written: number;
  finished: boolean;
}

/**
 * Answers with `head`, then writes `piece` again and again (respecting backpressure) until
 * `limit` bytes are written or the client closes the connection.
 */
function pour(
  headers: Record<string, string>,
  head: string,
  piece: string,
  limit: number,
): Promise<Outcome> {
  return new Promise((resolve) => {
    server.handle((_req, res: http.ServerResponse) => {
      let written = 0;
      res.on('close', () => resolve({ written, finished: res.writableFinished }));
      res.writeHead(200, headers);
      res.write(head);
      const pump = () => {
        while (written < limit) {
          if (res.destroyed) return;
          written += piece.length;
          if (!res.write(piece)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
  });
}

const KiB = 1024;
const MiB = 1024 * KiB;
const LINE = 'a'.repeat(16 * KiB);

describe('one server-sent event is bounded by maxEventBytes', () => {
  it('is 8 MiB by default, declared in DEFAULTS', () => {
    expect(DEFAULTS.maxEventBytes).toBe(8 * MiB);
  });

  it('fails an endless line with InvalidResponseError naming the bound and how to raise it', async () => {
    void pour(SSE, 'data: ', LINE, 256 * MiB);
    const events = await client({ maxEventBytes: 64 * KiB }).tts.withTimestamps({ text: 'x' });
    const { got, error } = await drain(events);
    expect(got).toEqual([]);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toMatch(/65536/);
    expect((error as Error).message).toMatch(/raise maxEventBytes/);
  });

  it('stops reading an endless line: the server sees the connection closed long before its end', async () => {
    const outcome = pour(SSE, 'data: ', LINE, 256 * MiB);
    const events = await client({ maxEventBytes: 64 * KiB }).tts.withTimestamps({ text: 'x' });
    expect((await drain(events)).error).toBeInstanceOf(InvalidResponseError);
    const { written, finished } = await outcome;
    expect(finished).toBe(false);
    expect(written).toBeLessThan(256 * MiB);
  });

  it('stops a 64 MiB line at the default bound instead of reading it whole', async () => {
    const outcome = pour(SSE, 'data: ', LINE, 64 * MiB);
    const { got, error } = await drain(await client().tts.withTimestamps({ text: 'x' }));
    expect(got).toEqual([]);
    expect((error as Error).message).toMatch(/maxEventBytes/);
    expect((await outcome).finished).toBe(false);
  });

  it('counts the data lines of one event together', async () => {
    const outcome = pour(SSE, '', `data: ${'b'.repeat(1000)}\n`, 64 * MiB);
    const { error } = await drain(
      await client({ maxEventBytes: 32 * KiB }).tts.withTimestamps({ text: 'x' }),
    );
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((await outcome).finished).toBe(false);
  });

  it('refuses an oversized event that arrives whole in one write', async () => {
    server.setDefault({ headers: SSE, body: `data: "${'c'.repeat(200 * KiB)}"\n\n${event(0)}` });
    const { got, error } = await drain(
      await client({ maxEventBytes: 16 * KiB }).tts.withTimestamps({ text: 'x' }),
    );
    expect(got).toEqual([]);
    expect((error as Error).message).toMatch(/maxEventBytes/);
  });

  it('yields events under the bound, however long the stream', async () => {
    server.setDefault({ headers: SSE, chunks: Array.from({ length: 40 }, (_, i) => event(i)) });
    const fish = client({ maxEventBytes: 1 * KiB, validateResponses: 'error' });
    const { got, error } = await drain(await fish.tts.withTimestamps({ text: 'x' }));
    expect(error).toBeUndefined();
    expect(got).toHaveLength(40);
  });

  it('never counts keep-alive comments towards the bound', async () => {
    const comments = ': keep-alive\n\n'.repeat(2 * KiB); // 28 KiB of comments
    server.setDefault({ headers: SSE, chunks: [comments, event(7)] });
    const fish = client({ maxEventBytes: 1 * KiB, validateResponses: 'error' });
    const { got, error } = await drain(await fish.tts.withTimestamps({ text: 'x' }));
    expect(error).toBeUndefined();
    expect(got.map((e) => e.chunk_seq)).toEqual([7]);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '1048576', 2 ** 53])(
    'refuses maxEventBytes: %s with an InvalidOptionError naming it',
    (value) => {
      let error: unknown;
      try {
        new FishAudio({ apiKey: KEY, maxEventBytes: value as number });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect((error as InvalidOptionError).option).toBe('maxEventBytes');
    },
  );
});

describe('a 2xx whose media type is not the documented one', () => {
  const INSUFFICIENT = JSON.stringify({ status: 402, message: 'Insufficient balance' });

  it("is an InvalidResponseError for tts.convert answering JSON in 'error' mode, with the body", async () => {
    server.setDefault({ headers: { 'content-type': 'application/json' }, body: INSUFFICIENT });
    const call = client({ validateResponses: 'error' }).tts.convert({ text: 'x' });
    const error = await failure(() => call);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).body).toEqual({
      status: 402,
      message: 'Insufficient balance',
    });
    expect((error as Error).message).toMatch(/application\/json.*audio\/\*/);
    expect((error as Error).message).toMatch(/Insufficient balance/);
  });

  it("is an InvalidResponseError for an HTML page on tts.withTimestamps in 'error' mode", async () => {
    const page = '<html><body>Please log in</body></html>';
    server.setDefault({ headers: { 'content-type': 'text/html; charset=utf-8' }, body: page });
    const call = client({ validateResponses: 'error' }).tts.withTimestamps({ text: 'x' });
    const error = await failure(() => call);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).body).toBe(page);
    expect((error as Error).message).toMatch(/text\/html.*text\/event-stream/);
  });

  it('warns once by default for tts (whose mode is warn) and returns the stream', async () => {
    server.setDefault({ headers: { 'content-type': 'application/json' }, body: INSUFFICIENT });
    const { warn, fish } = quiet();
    for (let i = 0; i < 3; i++) {
      const audio = await fish.tts.convert({ text: 'x' });
      expect(audio).toBeInstanceOf(AudioResponse);
      expect(audio.contentType).toBe('application/json');
      await audio.arrayBuffer();
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/POST \/v1\/tts.*audio\/\*.*application\/json/);
  });

  it("checks nothing with 'off': no error, no warning", async () => {
    server.setDefault({ headers: { 'content-type': 'text/html' }, body: '<html></html>' });
    const { warn, fish } = quiet({ validateResponses: 'off' });
    const audio = await fish.tts.convert({ text: 'x' });
    expect(new TextDecoder().decode(await audio.arrayBuffer())).toBe('<html></html>');
    expect(warn).not.toHaveBeenCalled();
  });

  it.each([
    ['audio/mpeg'],
    ['AUDIO/MPEG'],
    ['audio/mpeg; charset=binary'],
    ['audio/ogg;codecs=opus'],
    ['  audio/wav  '],
    [undefined],
    [''],
  ])('accepts %j as audio', async (type) => {
    server.setDefault({ headers: type === undefined ? {} : { 'content-type': type }, body: 'ID3' });
    const audio = await client({ validateResponses: 'error' }).tts.convert({ text: 'x' });
    expect(new TextDecoder().decode(await audio.arrayBuffer())).toBe('ID3');
  });

  it.each([['text/event-stream'], ['Text/Event-Stream; charset=utf-8'], [undefined]])(
    'accepts %j as an event stream',
    async (type) => {
      server.setDefault({
        headers: type === undefined ? {} : { 'content-type': type },
        body: event(3),
      });
      const events = await client({ validateResponses: 'error' }).tts.withTimestamps({ text: 'x' });
      expect((await drain(events)).got.map((e) => e.chunk_seq)).toEqual([3]);
    },
  );

  it.each([
    ['convert', 'application/octet-stream'],
    ['convert', 'text/event-stream'],
    ['convert', 'audio'],
    ['convert', 'audiox/mpeg'],
    ['convert', 'audio/mpeg, text/html'],
    ['withTimestamps', 'audio/mpeg'],
    ['withTimestamps', 'text/event-stream-x'],
    ['withTimestamps', 'application/json'],
  ] as const)("refuses tts.%s answering %j in 'error' mode", async (method, type) => {
    server.setDefault({ headers: { 'content-type': type }, body: '{}' });
    const fish = client({ validateResponses: 'error' });
    const error = await failure(() => fish.tts[method]({ text: 'x' }));
    expect(error).toBeInstanceOf(InvalidResponseError);
  });

  it('reads no more of a refused body than maxResponseBytes, and closes the connection', async () => {
    const outcome = pour({ 'content-type': 'text/html' }, '<html>', 'x'.repeat(16 * KiB), 64 * MiB);
    const fish = client({ validateResponses: 'error', maxResponseBytes: 1024 });
    const error = await failure(() => fish.tts.convert({ text: 'x' }));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(((error as InvalidResponseError).body as string).length).toBeLessThanOrEqual(1024);
    expect((error as InvalidResponseError).body).toMatch(/^<html>x+$/);
    expect((await outcome).finished).toBe(false);
  });

  it('reports the media type even when the refused body stalls until the deadline', async () => {
    server.setDefault({ headers: { 'content-type': 'text/html' }, chunks: ['<h'], then: 'stall' });
    // The deadline may only run out once the headers are in: they arrive through this fetch.
    let headersIn!: () => void;
    const arrived = new Promise<void>((resolve) => (headersIn = resolve));
    const fetch = async (url: string, init: RequestInit) => {
      const response = await globalThis.fetch(url, init);
      headersIn();
      return response;
    };
    const clock = useFakeClock();
    const call = client({ validateResponses: 'error', timeout: 500, fetch })
      .tts.convert({ text: 'x' })
      .catch((e: unknown) => e);
    await arrived;
    await clock.advance(500);
    const error = await call;
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).not.toBeInstanceOf(APIConnectionTimeoutError);
    expect((error as Error).message).toMatch(/text\/html/);
  });

  it('keeps an echoed key out of the error, its body and its message', async () => {
    const echo = JSON.stringify({ message: `bad key Bearer ${KEY}` });
    server.setDefault({ headers: { 'content-type': 'application/json' }, body: echo });
    const error = await failure(() =>
      client({ validateResponses: 'error' }).tts.convert({ text: 'x' }),
    );
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(JSON.stringify((error as InvalidResponseError).body)).toContain(REDACTED);
    expectNoSecret(error, KEY);
  });

  it('keeps a key echoed into the content-type out of the warning line', async () => {
    server.setDefault({ headers: { 'content-type': `text/${KEY}` }, body: 'x' });
    const { warn, fish } = quiet({ validateResponses: 'warn' });
    await (await fish.tts.convert({ text: 'x' })).arrayBuffer();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).not.toContain(KEY);
  });
});

describe("a server's event: error", () => {
  it('ends the stream with an InvalidResponseError carrying its data, after the events before it', async () => {
    const failureEvent = `event: error\ndata: ${JSON.stringify({ status: 402, message: 'Insufficient balance' })}\n\n`;
    server.setDefault({ headers: SSE, body: event(0) + failureEvent + event(1) });
    const { got, error } = await drain(await client().tts.withTimestamps({ text: 'x' }));
    expect(got.map((e) => e.chunk_seq)).toEqual([0]);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).body).toEqual({
      status: 402,
      message: 'Insufficient balance',
    });
    expect((error as Error).message).toMatch(/error event.*Insufficient balance/);
  });

  it('keeps data that is not JSON as text', async () => {
    server.setDefault({ headers: SSE, body: 'event: error\ndata: upstream exploded\n\n' });
    const { error } = await drain(await client().tts.withTimestamps({ text: 'x' }));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).body).toBe('upstream exploded');
  });

  it("is an error with validateResponses: 'off' too", async () => {
    server.setDefault({ headers: SSE, body: 'event: error\ndata: {"message":"boom"}\n\n' });
    const fish = client({ validateResponses: 'off' });
    const { error } = await drain(await fish.tts.withTimestamps({ text: 'x' }));
    expect(error).toBeInstanceOf(InvalidResponseError);
  });

  it('keeps a key it echoes out of the error', async () => {
    const body = `event: error\ndata: {"message":"invalid key ${KEY}"}\n\n`;
    server.setDefault({ headers: SSE, body });
    const { error } = await drain(await client().tts.withTimestamps({ text: 'x' }));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).body).toEqual({ message: `invalid key ${REDACTED}` });
    expectNoSecret(error, KEY);
  });

  it('still skips events of other types, and yields explicit message events', async () => {
    const body = `event: ping\ndata: {}\n\n${'event: message\n'}${event(4)}`;
    server.setDefault({ headers: SSE, body });
    const fish = client({ validateResponses: 'error' });
    const { got, error } = await drain(await fish.tts.withTimestamps({ text: 'x' }));
    expect(error).toBeUndefined();
    expect(got.map((e) => e.chunk_seq)).toEqual([4]);
  });
});

describe('an event stream behaves like the audio stream', () => {
  it('yields nothing after an unparseable event, even from the same chunk', async () => {
    server.setDefault({ headers: SSE, body: event(0) + 'data: {not json\n\n' + event(1) });
    const { got, error } = await drain(await client().tts.withTimestamps({ text: 'x' }));
    expect(got.map((e) => e.chunk_seq)).toEqual([0]);
    expect(error).toBeInstanceOf(InvalidResponseError);
  });

  it("yields nothing after an event that breaks the schema in 'error' mode", async () => {
    const bad = `data: ${JSON.stringify({ chunk_seq: 'one' })}\n\n`;
    server.setDefault({ headers: SSE, body: event(0) + bad + event(1) });
    const fish = client({ validateResponses: 'error' });
    const { got, error } = await drain(await fish.tts.withTimestamps({ text: 'x' }));
    expect(got.map((e) => e.chunk_seq)).toEqual([0]);
    expect(error).toBeInstanceOf(InvalidResponseError);
  });

  it("throws a FishAudioError saying 'already read' on a second loop", async () => {
    server.setDefault({ headers: SSE, body: event(0) });
    const events = await client().tts.withTimestamps({ text: 'x' });
    expect((await drain(events)).got).toHaveLength(1);
    const { error } = await drain(events);
    expect(error).toBeInstanceOf(FishAudioError);
    expect((error as Error).message).toMatch(/already read/);
  });

  it('throws a FishAudioError for a second loop started while the first still runs', async () => {
    server.setDefault({ headers: SSE, chunks: [event(0)], then: 'stall' });
    const events = await client().tts.withTimestamps({ text: 'x' });
    const first = events[Symbol.asyncIterator]();
    expect((await first.next()).value).toMatchObject({ chunk_seq: 0 });
    const { error } = await drain(events);
    expect(error).toBeInstanceOf(FishAudioError);
    expect((error as Error).message).toMatch(/already read/);
    await first.return?.();
  });

  it('frees the socket when an event fails to parse', async () => {
    const closed = new Promise<boolean>((resolve) =>
      server.handle((_req, res) => {
        res.on('close', () => resolve(res.writableFinished));
        res.writeHead(200, SSE).write('data: {oops\n\n'); // and never ends
      }),
    );
    const { error } = await drain(await client().tts.withTimestamps({ text: 'x' }));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(await closed).toBe(false);
  });

  it.each([
    ['as itself', `"${KEY}"`],
    ['JSON-escaped', `"${[...KEY].map((c) => `\\u00${c.charCodeAt(0).toString(16)}`).join('')}"`],
    ['percent-encoded', `"${encodeURIComponent(`Bearer ${KEY}`)}"`],
  ])('redacts a key echoed %s into an event the caller receives', async (_how, echoed) => {
    const body = `data: {"audio_base64":"","content":${echoed},"alignment":null,"chunk_seq":0,"chunk_audio_offset_sec":0}\n\n`;
    server.setDefault({ headers: SSE, body });
    const { got } = await drain(await client().tts.withTimestamps({ text: 'x' }));
    expect(got).toHaveLength(1);
    expect(got[0]!.content).toContain(REDACTED);
    expect(JSON.stringify(got)).not.toContain(KEY);
  });

  it('redacts a key echoed as a property name of an event', async () => {
    server.setDefault({ headers: SSE, body: `data: {"${KEY}":1,"chunk_seq":0}\n\n` });
    const { got } = await drain(await quiet().fish.tts.withTimestamps({ text: 'x' }));
    expect(Object.keys(got[0]!)).toContain(REDACTED);
    expect(JSON.stringify(got)).not.toContain(KEY);
  });

  it('keeps a key out of the error for an unparseable event that echoes it', async () => {
    server.setDefault({ headers: SSE, body: `data: {"echo": "${KEY}"\n\n` });
    const { error } = await drain(await client().tts.withTimestamps({ text: 'x' }));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expectNoSecret(error, KEY);
  });

  // Escaped as a Python server would (ensure_ascii), the raw text holds `\u`: a string of the
  // value may then spell the key in a way the text does not, so the value is redacted once.
  const ensureAscii = (line: string) =>
    line.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  it.each<[string, (line: string) => string, number]>([
    ['with JSON escapes: only its parsed value', ensureAscii, 1],
    ['without escapes: nothing at all', (line) => line, 0],
  ])('runs a key-free event %s through redaction', async (_how, spell, redactions) => {
    const text = vi.fn((t: string) => t);
    const value = vi.fn((v: unknown) => v);
    const holds = vi.fn(() => false);
    const redact: Redactor = { text, value: value as Redactor['value'], headers: (h) => h, holds };
    const data = { content: 'can\u2019t \u00e9t\u00e9', audio_base64: 'QUJD'.repeat(1000) };
    const body = new Response(`data: ${spell(JSON.stringify(data))}\n\n`).body!;
    const stream = new EventStream<unknown>(body, rawResponse(), {
      idleTimeout: 1000,
      signal: undefined,
      attempts: 1,
      baseUrl: 'http://127.0.0.1',
      redact,
      key: 'POST /v1/tts/stream/with-timestamp',
      validateResponses: 'off',
      maxEventBytes: MiB,
      check: () => [],
      warn: () => {},
    });
    const { got, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect(got).toEqual([data]);
    expect(text).not.toHaveBeenCalled();
    expect(value).toHaveBeenCalledTimes(redactions);
  });
});

/** A 200 with an event-stream content type, as the client records it. */
function rawResponse() {
  return { status: 200, headers: new Headers(SSE), url: 'http://127.0.0.1/' };
}

describe('collectTimestamps under default options', () => {
  const fields = JSON.parse(event(0).slice('data: '.length)) as TimestampEvent;
  const line = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;

  it.each<[string, unknown]>([
    ['a null event', null],
    ['an array event', [fields]],
    ['a string event', 'hello'],
    ['a number event', 7],
    ['audio_base64 that is not base64', { ...fields, audio_base64: '!!!not base64!!!' }],
    ['audio_base64 that is a number', { ...fields, audio_base64: 42 }],
    ['an alignment that is a string', { ...fields, alignment: 'soon' }],
    ['an alignment without a numeric chunk_seq', { ...fields, chunk_seq: 'first' }],
  ])('throws InvalidResponseError for %s', async (_what, bad) => {
    server.setDefault({ headers: SSE, body: event(0) + line(bad) });
    const { fish } = quiet();
    const events = await fish.tts.withTimestamps({ text: 'x' });
    const error = await failure(() => collectTimestamps(events));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).status).toBe(200);
  });

  it('throws a FishAudioError for a bad event from an iterable of your own', async () => {
    async function* own(): AsyncGenerator<TimestampEvent> {
      yield null as unknown as TimestampEvent;
    }
    const error = await failure(() => collectTimestamps(own()));
    expect(error).toBeInstanceOf(FishAudioError);
    expect(error).not.toBeInstanceOf(TypeError);
  });

  it('still joins the audio of events without an alignment yet', async () => {
    const early = {
      ...fields,
      audio_base64: Buffer.from('zz').toString('base64'),
      alignment: null,
    };
    server.setDefault({ headers: SSE, body: line(early) + event(0, 'ab') });
    const events = await client({ validateResponses: 'error' }).tts.withTimestamps({ text: 'x' });
    const { audio, alignments } = await collectTimestamps(events);
    expect(Buffer.from(audio).toString()).toBe('zzab');
    expect(alignments).toHaveLength(1);
  });
});
