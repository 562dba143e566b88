/**
 * `experimental_streamSpeech` from the real `ai` package, fed by `streamText`'s `textStream`
 * from the SDK's own mock language model, through `fish-audio-api/ai`, against the live
 * stand-in (which answers each text with audio made of its UTF-8 bytes): the audio, the order
 * of the parts, what went over the one session, flushes, abort, and every way it ends badly.
 */
import {
  APICallError,
  InvalidArgumentError,
  UnsupportedFunctionalityError,
  type Experimental_SpeechModelV4StreamPart as StreamPart,
} from '@ai-sdk/provider';
import { experimental_streamSpeech as streamSpeech, streamText } from 'ai';
import { MockLanguageModelV4, simulateReadableStream } from 'ai/test';
import { afterEach, describe, expect, it } from 'vitest';
import { createFishAudio, FishAudioSpeechModel } from '../../src/ai/index.js';
import { FishAudio, RealtimeError } from '../../src/index.js';
import {
  startLiveStandIn,
  type LiveStandIn,
  type LiveStandInOptions,
} from '../../src/testing/index.js';

// Long enough to be redacted wherever it stands, and distinctive enough to search for.
const KEY = 'sk-live-stream-0123456789abcdef-SECRET';

const standIns: LiveStandIn[] = [];
afterEach(async () => {
  for (const standIn of standIns.splice(0)) await standIn.close();
});

async function start(options: LiveStandInOptions = {}) {
  const live = await startLiveStandIn({ apiKey: KEY, ...options });
  standIns.push(live);
  return { live, fish: createFishAudio({ apiKey: KEY, baseUrl: live.url }) };
}

/** A language model that writes `deltas`, one text delta each. */
function llm(deltas: string[]) {
  return new MockLanguageModelV4({
    doStream: async () => ({
      stream: simulateReadableStream<StreamPart | Record<string, unknown>>({
        chunks: [
          { type: 'stream-start', warnings: [] },
          { type: 'text-start', id: 't' },
          ...deltas.map((delta) => ({ type: 'text-delta', id: 't', delta })),
          { type: 'text-end', id: 't' },
          {
            type: 'finish',
            finishReason: { unified: 'stop', raw: 'stop' },
            usage: {
              inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
              outputTokens: { total: deltas.length, text: deltas.length, reasoning: 0 },
            },
          },
        ],
      }) as never,
    }),
  });
}

/** `streamText`'s text stream of a mock model that writes `deltas`. */
const textStream = (deltas: string[]) =>
  streamText({ model: llm(deltas), prompt: 'Speak' }).textStream;

const utf8 = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** The audio parts of a full stream, as text, until it ends or fails. */
async function audioParts(
  parts: AsyncIterable<{ type: string; audio?: Uint8Array }>,
): Promise<{ texts: string[]; error?: unknown }> {
  const texts: string[] = [];
  try {
    for await (const part of parts) {
      texts.push(part.type === 'audio' ? utf8(part.audio!) : `<${part.type}>`);
    }
  } catch (error) {
    return { texts, error };
  }
  return { texts };
}

/** A text source that writes `first` and then stays open; it records its cancellation. */
function openText(first: string) {
  const seen: { cancelled?: unknown } = {};
  const stream = new ReadableStream<string>({
    start(controller) {
      controller.enqueue(first);
    },
    cancel(reason) {
      seen.cancelled = reason ?? 'cancelled';
    },
  });
  return { stream, seen };
}

describe('experimental_streamSpeech with fishAudio.speech', () => {
  it("speaks streamText's text stream: the audio is the bytes the server made for it", async () => {
    const { fish } = await start();
    const result = streamSpeech({
      model: fish.speech('s2.1-pro-free'),
      text: textStream(['Hello', ' from', ' Fish', ' Audio!']),
    });
    const chunks: Uint8Array[] = [];
    for await (const chunk of result.audioStream) chunks.push(chunk);
    expect(utf8(Buffer.concat(chunks))).toBe('Hello from Fish Audio!');
  });

  it('gives the audio parts in the order the text was written, each with its format', async () => {
    const { fish } = await start();
    const parts: unknown[] = [];
    const result = streamSpeech({
      model: fish.speech('s1'),
      text: textStream(['One. ', 'Two. ', 'Three.']),
    });
    for await (const part of result.fullStream) {
      parts.push(part.type === 'audio' ? [utf8(part.audio), part.audioFormat] : part.type);
    }
    expect(parts).toEqual([
      ['One. ', { type: 'audio/mpeg' }],
      ['Two. ', { type: 'audio/mpeg' }],
      ['Three.', { type: 'audio/mpeg' }],
    ]);
  });

  it('sends start, each text in order and stop over one session', async () => {
    const { live, fish } = await start();
    await streamSpeech({
      model: fish.speech('s1'),
      text: textStream(['Hi ', 'there']),
      voice: 'voice-123',
    }).usage;
    expect(live.connections).toHaveLength(1);
    expect(live.connections[0]?.events).toEqual([
      { event: 'start', request: { text: '', reference_id: 'voice-123' } },
      { event: 'text', text: 'Hi ' },
      { event: 'text', text: 'there' },
      { event: 'stop' },
    ]);
  });

  it('flushes after a part whose providerOptions ask for it, and after no other', async () => {
    const { live, fish } = await start({ bufferUntilFlush: true });
    const flush = { fishAudio: { flush: true } };
    const { texts } = await audioParts(
      streamSpeech({
        model: fish.speech('s1'),
        text: [
          { type: 'text', text: 'First sentence. ', providerOptions: flush },
          'Second ',
          { type: 'text', text: 'sentence.' },
        ],
      }).fullStream,
    );
    expect(texts).toEqual(['First sentence. ', 'Second sentence.']);
    expect(live.connections[0]?.events.map((e) => e.event)).toEqual([
      'start',
      'text',
      'flush',
      'text',
      'text',
      'stop',
    ]);
  });

  it('sends the model id as the model header and outputFormat as format and sample_rate', async () => {
    const { live, fish } = await start();
    const result = streamSpeech({
      model: fish.speech('s2-pro'),
      text: 'Hi',
      outputFormat: { type: 'audio/pcm', rate: 24_000 },
      speed: 1.25,
      providerOptions: { fishAudio: { latency: 'balanced' } },
    });
    const formats: unknown[] = [];
    for await (const part of result.fullStream)
      if (part.type === 'audio') formats.push(part.audioFormat);
    expect(formats).toEqual([{ type: 'audio/pcm', rate: 24_000 }]);
    const [connection] = live.connections;
    expect(connection?.headers.model).toBe('s2-pro');
    expect(connection?.events[0]).toEqual({
      event: 'start',
      request: {
        text: '',
        format: 'pcm',
        sample_rate: 24_000,
        prosody: { speed: 1.25 },
        latency: 'balanced',
      },
    });
  });

  it('joins the client user agent and the AI SDK one in the handshake', async () => {
    const { live, fish } = await start();
    await streamSpeech({ model: fish.speech('s1'), text: 'Hi' }).usage;
    expect(live.connections[0]?.headers['user-agent']).toMatch(/^fish-audio-api\/\S+ ai\/7\./);
  });

  it('reports the characters sent as usage', async () => {
    const { fish } = await start();
    const usage = await streamSpeech({
      model: fish.speech('s1'),
      text: textStream(['Grüß ', 'dich']),
    }).usage;
    expect(usage).toEqual({ inputCharacters: 9 });
  });

  it('warns about instructions and a language, which the live request has no field for', async () => {
    const { live, fish } = await start();
    const result = streamSpeech({
      model: fish.speech('s1'),
      text: 'Hi',
      instructions: 'whisper',
      language: 'de',
    });
    const warnings = await result.warnings;
    await result.usage;
    expect(warnings.map((w) => w.type === 'unsupported' && w.feature)).toEqual([
      'instructions',
      'language',
    ]);
    expect(live.connections[0]?.events[0]).toEqual({ event: 'start', request: { text: '' } });
  });

  it('calls through a client passed as { client }', async () => {
    const { live } = await start();
    const client = new FishAudio({ apiKey: KEY, baseUrl: live.url });
    const { texts } = await audioParts(
      streamSpeech({ model: createFishAudio({ client }).speech('s1'), text: 'Yo' }).fullStream,
    );
    expect(texts).toEqual(['Yo']);
  });
});

describe('abort mid-stream', () => {
  it("rejects the stream with the signal's reason after the audio already read", async () => {
    const { fish } = await start();
    const controller = new AbortController();
    const reason = new DOMException('the user left', 'AbortError');
    const { stream } = openText('Hello');
    const parts = streamSpeech({
      model: fish.speech('s1'),
      text: stream,
      abortSignal: controller.signal,
    }).fullStream[Symbol.asyncIterator]();
    const first = await parts.next();
    expect(first.value).toMatchObject({ type: 'audio' });
    controller.abort(reason);
    await expect(parts.next()).rejects.toBe(reason);
  });

  it('cancels the text stream and closes the socket', async () => {
    const { live, fish } = await start();
    const controller = new AbortController();
    const { stream, seen } = openText('Hello');
    const parts = streamSpeech({
      model: fish.speech('s1'),
      text: stream,
      abortSignal: controller.signal,
    }).fullStream[Symbol.asyncIterator]();
    await parts.next();
    controller.abort(new Error('stop'));
    await parts.next().catch(() => {});
    await live.until(() => live.connections[0]?.closed === true);
    expect(seen.cancelled).toBeDefined();
    expect(live.connections[0]?.events.map((e) => e.event)).toEqual(['start', 'text']);
  });

  it('cancels the text stream and closes the socket when the reader leaves early', async () => {
    const { live, fish } = await start();
    const { stream, seen } = openText('Hello');
    for await (const chunk of streamSpeech({ model: fish.speech('s1'), text: stream })
      .audioStream) {
      expect(utf8(chunk)).toBe('Hello');
      break;
    }
    await live.until(() => live.connections[0]?.closed === true);
    expect(seen.cancelled).toBeDefined();
  });
});

describe('a stream that ends badly', () => {
  it('ends in an APICallError after the audio received before finish: error', async () => {
    const { fish } = await start({ fault: 'finish-error', faultAt: 2 });
    const { texts, error } = await audioParts(
      streamSpeech({ model: fish.speech('s1'), text: textStream(['One', 'Two', 'Three']) })
        .fullStream,
    );
    expect(texts).toEqual(['One']);
    expect(APICallError.isInstance(error)).toBe(true);
    const call = error as APICallError;
    expect(call.message).toMatch(/finish: error/);
    expect(call.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/tts\/live$/);
    expect(RealtimeError.is(call.cause)).toBe(true);
  });

  it('ends in an APICallError whose cause has close code 1006 when the socket drops', async () => {
    const { fish } = await start({ fault: 'drop', faultAt: 2 });
    const { texts, error } = await audioParts(
      streamSpeech({ model: fish.speech('s1'), text: textStream(['One', 'Two']) }).fullStream,
    );
    expect(texts).toEqual(['One']);
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as APICallError).cause).toMatchObject({ name: 'RealtimeError', closeCode: 1006 });
  });

  it('is an APICallError with status 401 and no trace of the key when the handshake is refused', async () => {
    const { live } = await start();
    const wrong = 'sk-wrong-key-0123456789abcdef-SECRET';
    const fish = createFishAudio({ apiKey: wrong, baseUrl: live.url });
    const { error } = await audioParts(
      streamSpeech({ model: fish.speech('s1'), text: 'Hi' }).fullStream,
    );
    expect(live.refused).toBe(1);
    expect(APICallError.isInstance(error)).toBe(true);
    const call = error as APICallError;
    expect(call.statusCode).toBe(401);
    const everything = JSON.stringify([
      call.message,
      call.url,
      call.requestBodyValues,
      call.responseHeaders,
      call.responseBody,
      call.data,
      String(call.cause),
    ]);
    expect(everything).toContain('[redacted]');
    expect(everything).not.toContain(wrong);
  });

  it("ends with the text stream's own error when the text stream fails, and hangs up", async () => {
    const { live, fish } = await start();
    const broken = new Error('the language model broke');
    const text = new ReadableStream<string>({
      start(controller) {
        controller.enqueue('Hi');
      },
      pull(controller) {
        controller.error(broken);
      },
    });
    const { error } = await audioParts(streamSpeech({ model: fish.speech('s1'), text }).fullStream);
    expect(error).toBe(broken);
    await live.until(() => live.connections[0]?.closed === true);
    expect(live.connections[0]?.events.map((e) => e.event)).not.toContain('stop');
  });

  it('fails with InvalidArgumentError for a part whose voice is not the call voice, and cancels the text', async () => {
    const { live, fish } = await start();
    const cancelled: unknown[] = [];
    const text = new ReadableStream({
      start(controller) {
        controller.enqueue({ type: 'text' as const, text: 'Hi', voice: 'other-voice' });
      },
      cancel: (reason) => void cancelled.push(reason),
    });
    const { texts, error } = await audioParts(
      streamSpeech({ model: fish.speech('s1'), text, voice: 'voice-123' }).fullStream,
    );
    expect(texts).toEqual([]);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('voice');
    expect(cancelled).toHaveLength(1);
    await live.until(() => live.connections[0]?.closed === true);
    expect(live.connections[0]?.events.map((e) => e.event)).toEqual(['start']);
  });

  it('is an UnsupportedFunctionalityError naming ws when ws cannot be loaded, and sends nothing', async () => {
    const { live } = await start();
    const client = new FishAudio({ apiKey: KEY, baseUrl: live.url });
    const model = new FishAudioSpeechModel('s1', {
      client: () => client,
      idempotent: false,
      // Node without ws: no Bun or Deno global, and the import fails as a missing package does.
      socketRuntime: {
        global: {},
        importWs: () =>
          Promise.reject(
            Object.assign(new Error("Cannot find package 'ws'"), { code: 'ERR_MODULE_NOT_FOUND' }),
          ),
      },
    });
    const { error } = await audioParts(streamSpeech({ model, text: 'Hi' }).fullStream);
    expect(UnsupportedFunctionalityError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/needs the ws package.*npm install ws/);
    expect(live.connections).toHaveLength(0);
  });
});
