/**
 * Speech over real HTTP on 127.0.0.1: text to speech streams (the first chunk reaches the
 * caller while the server is still sending), timestamps arrive as checked server-sent events,
 * and transcription uploads its audio as multipart, byte for byte.
 */
import { decode } from '@msgpack/msgpack';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  APIConnectionTimeoutError,
  APIUserAbortError,
  AudioResponse,
  FishAudio,
  InvalidParameterError,
  InvalidResponseError,
  PaymentRequiredError,
  collectTimestamps,
  type ClientOptions,
} from '../src/index.js';
import { useFakeClock } from './helpers/clock.js';
import { listenLoopback, type Loopback, type LoopbackHandler } from './helpers/loopback.js';

const servers: Loopback[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** A server whose handler runs after the whole request body has arrived. */
async function serve(handler: LoopbackHandler) {
  const server = await listenLoopback(handler);
  servers.push(server);
  const { url, requests: seen, closed } = server;
  // A deadline that never fires before this server answers, however busy the machine.
  const client = (options: ClientOptions = {}) =>
    new FishAudio({ apiKey: 'sk-speech', baseUrl: url, timeout: 30_000, ...options });
  return { url, seen, closed, whenClosed: server.whenClosed, client };
}

const AUDIO = { 'content-type': 'audio/mpeg' };

describe('client.tts.convert', () => {
  it('hands over the first chunk while the server is still sending', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const { client } = await serve((_req, res) => {
      res.writeHead(200, AUDIO);
      res.write(Buffer.from('first'));
      // The rest is sent only once the caller has the first chunk in hand.
      void released.then(() => res.end(Buffer.from('-second')));
    });
    const audio = await client().tts.convert({ text: 'hello', reference_id: 'v' });
    expect(audio).toBeInstanceOf(AudioResponse);
    const iterator = audio[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(Buffer.from(first.value as Uint8Array).toString()).toBe('first');
    release();
    const rest: Buffer[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      rest.push(Buffer.from(next.value));
    }
    expect(Buffer.concat(rest).toString()).toBe('-second');
  });

  it('posts the request as JSON with no model header and no defaults of its own', async () => {
    const { client, seen } = await serve((_req, res) => res.writeHead(200, AUDIO).end('x'));
    await (await client().tts.convert({ text: 'hi', reference_id: 'v' })).arrayBuffer();
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.url).toBe('/v1/tts');
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(seen[0]!.headers.model).toBeUndefined();
    expect(JSON.parse(seen[0]!.body.toString())).toEqual({ text: 'hi', reference_id: 'v' });
  });

  it('sends the model as a header when given, a known one or a newer string', async () => {
    const { client, seen } = await serve((_req, res) => res.writeHead(200, AUDIO).end('x'));
    await (await client().tts.convert({ text: 'a', model: 's2.1-pro-free' })).arrayBuffer();
    await (await client().tts.convert({ text: 'b', model: 's9-future' })).arrayBuffer();
    expect(seen.map((s) => s.headers.model)).toEqual(['s2.1-pro-free', 's9-future']);
    expect(JSON.parse(seen[0]!.body.toString())).toEqual({ text: 'a' });
  });

  it('switches to msgpack when a reference carries audio bytes, keeping them exact', async () => {
    const { client, seen } = await serve((_req, res) => res.writeHead(200, AUDIO).end('x'));
    const bytes = new Uint8Array([0, 1, 2, 253, 254, 255]);
    const audio = await client().tts.convert({
      text: 'clone me',
      references: [{ audio: bytes, text: 'sample' }],
    });
    await audio.arrayBuffer();
    expect(seen[0]!.headers['content-type']).toBe('application/msgpack');
    const sent = decode(seen[0]!.body) as { text: string; references: { audio: Uint8Array }[] };
    expect(sent.text).toBe('clone me');
    expect([...sent.references[0]!.audio]).toEqual([...bytes]);
  });

  it('gives PaymentRequiredError on a 402, saying API credit is separate', async () => {
    const { client } = await serve((_req, res) =>
      res
        .writeHead(402, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 402, message: 'Insufficient API credit' })),
    );
    const error = await client()
      .tts.convert({ text: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaymentRequiredError);
    expect((error as Error).message).toMatch(/API credit is separate from platform/);
  });

  it('stops the download and frees the socket when aborted mid-stream', async () => {
    const { client, closed, whenClosed } = await serve((_req, res) => {
      res.writeHead(200, AUDIO);
      res.write('chunk');
      // Never ends: only the client's abort can close this response.
    });
    const controller = new AbortController();
    const audio = await client().tts.convert({ text: 'x' }, { signal: controller.signal });
    const iterator = audio[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort(new Error('user left'));
    const error = await iterator.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect((error as Error).cause).toEqual(new Error('user left'));
    await whenClosed(1);
    expect(closed).toEqual(['/v1/tts']);
  });

  it('frees the socket when the caller leaves the loop early', async () => {
    const { client, closed, whenClosed } = await serve((_req, res) => {
      res.writeHead(200, AUDIO);
      res.write('chunk');
    });
    const audio = await client().tts.convert({ text: 'x' });
    for await (const _chunk of audio) break;
    await whenClosed(1);
    expect(closed).toEqual(['/v1/tts']);
  });

  it('fails with a timeout when the audio stalls between chunks', async () => {
    const { client } = await serve((_req, res) => {
      res.writeHead(200, AUDIO);
      res.write('chunk');
    });
    const clock = useFakeClock();
    const audio = await client({ timeout: 150 }).tts.convert({ text: 'x' });
    const chunks = audio[Symbol.asyncIterator]();
    expect(Buffer.from((await chunks.next()).value!).toString()).toBe('chunk');
    // Waiting for the next chunk: only now may the idle deadline run out.
    const next = chunks.next().catch((e: unknown) => e);
    await clock.advance(150);
    expect(await next).toBeInstanceOf(APIConnectionTimeoutError);
  });

  it('is not retried after a 503, since every call spends credit', async () => {
    const { client, seen } = await serve((_req, res) =>
      res
        .writeHead(503, { 'content-type': 'application/json' })
        .end('{"status":503,"message":"busy"}'),
    );
    await client()
      .tts.convert({ text: 'x' })
      .catch(() => {});
    expect(seen).toHaveLength(1);
  });

  it('refuses a misspelt field before sending anything', async () => {
    const { client, seen } = await serve((_req, res) => res.writeHead(200, AUDIO).end('x'));
    const call = client().tts.convert({ text: 'x', refrence_id: 'v' } as never);
    await expect(call).rejects.toBeInstanceOf(InvalidParameterError);
    expect(seen).toHaveLength(0);
  });
});

const EVENT = (seq: number, audio: string, words: string[]) =>
  `data: ${JSON.stringify({
    audio_base64: Buffer.from(audio).toString('base64'),
    content: words.join(' '),
    chunk_seq: seq,
    chunk_audio_offset_sec: seq * 1.5,
    alignment: {
      audio_duration: 1.5,
      segments: words.map((text, i) => ({ text, start: i * 0.5, end: i * 0.5 + 0.4 })),
    },
  })}\n\n`;

describe('client.tts.withTimestamps', () => {
  it('yields each event as it arrives, and collectTimestamps keeps the latest alignment per chunk', async () => {
    const { client } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(EVENT(0, 'ab', ['Hello']));
      res.write(EVENT(0, 'cd', ['Hello', 'there']));
      res.end(EVENT(1, 'ef', ['friend']));
    });
    const events = await client().tts.withTimestamps({ text: 'Hello there friend' });
    const collected = await collectTimestamps(events);
    expect(Buffer.from(collected.audio).toString()).toBe('abcdef');
    expect(collected.alignments.map((a) => a.chunk_seq)).toEqual([0, 1]);
    expect(JSON.stringify(collected.alignments[0])).toContain('there');
  });

  it('throws InvalidResponseError for an event that breaks its schema in error mode', async () => {
    const { client } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${JSON.stringify({ audio_base64: 42, chunk_seq: 'x' })}\n\n`);
    });
    const events = await client({ validateResponses: 'error' }).tts.withTimestamps({ text: 'x' });
    const error = await collectTimestamps(events).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).mismatches.length).toBeGreaterThan(0);
  });

  it('warns once per kind of drift and keeps yielding in warn mode', async () => {
    const { client } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < 5; i++) res.write(`data: ${JSON.stringify({ audio_base64: i })}\n\n`);
      res.end();
    });
    const warn = vi.fn();
    const events = await client({ validateResponses: 'warn', logger: { warn } }).tts.withTimestamps(
      { text: 'x' },
    );
    let count = 0;
    for await (const _event of events) count++;
    expect(count).toBe(5);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('only warns about a drifting event by default, since the speech spec is young', async () => {
    const { client } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${JSON.stringify({ audio_base64: 42 })}\n\n`);
    });
    const warn = vi.fn();
    const events = await client({ logger: { warn } }).tts.withTimestamps({ text: 'x' });
    let count = 0;
    for await (const _event of events) count++;
    expect(count).toBe(1);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('cancels the body when the loop is left early', async () => {
    const { client, closed, whenClosed } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(EVENT(0, 'ab', ['Hi']));
    });
    for await (const _event of await client().tts.withTimestamps({ text: 'x' })) break;
    await whenClosed(1);
    expect(closed).toHaveLength(1);
  });
});

describe('client.asr.transcribe', () => {
  it('uploads the audio as multipart, byte for byte, and returns the typed result', async () => {
    const bytes = new Uint8Array(256).map((_, i) => i);
    let parts: FormData | undefined;
    const { client, seen } = await serve((req, res) => {
      const body = seen.at(-1)!.body;
      void new Response(new Uint8Array(body), {
        headers: { 'content-type': req.headers['content-type']! },
      })
        .formData()
        .then((form) => {
          parts = form;
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ text: 'hello', duration: 1.2, segments: [] }));
        });
    });
    const result = await client().asr.transcribe({ audio: bytes, language: 'en' });
    expect(result.text).toBe('hello');
    expect(seen[0]!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const audio = parts!.get('audio') as Blob;
    expect([...new Uint8Array(await audio.arrayBuffer())]).toEqual([...bytes]);
    expect(parts!.get('language')).toBe('en');
  });

  it('passes a File through with its name', async () => {
    let name: string | undefined;
    const { client, seen } = await serve((req, res) => {
      void new Response(new Uint8Array(seen.at(-1)!.body), {
        headers: { 'content-type': req.headers['content-type']! },
      })
        .formData()
        .then((form) => {
          name = (form.get('audio') as File).name;
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end('{"text":"","duration":0,"segments":[]}');
        });
    });
    await client().asr.transcribe({ audio: new File([new Uint8Array([1])], 'clip.wav') });
    expect(name).toBe('clip.wav');
  });
});

describe('server-sent events at the edges', () => {
  it('yields a last event the server did not end with a blank line, and skips keep-alives', async () => {
    const { client } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': comment\n\ndata:\n\n');
      res.write('event: ping\ndata: {"x":1}\n\n');
      res.end(EVENT(0, 'ab', ['Hi']).trimEnd());
    });
    const events = await client({ validateResponses: 'error' }).tts.withTimestamps({ text: 'Hi' });
    const seqs: number[] = [];
    for await (const event of events) seqs.push(event.chunk_seq);
    expect(seqs).toEqual([0]);
  });
});
