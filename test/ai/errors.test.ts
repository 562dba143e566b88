/**
 * Failures as the AI SDK sees them, through the real `ai` package: an `APICallError` with the
 * status, headers and body and never the key, one retry loop (the SDK's, and only for calls
 * the caller said may be sent twice), an abort that rejects with the signal's reason, and a
 * missing key found on first use.
 */
import { APICallError, LoadAPIKeyError } from '@ai-sdk/provider';
import { generateSpeech, transcribe } from 'ai';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFishAudio } from '../../src/ai/index.js';
import { PaymentRequiredError } from '../../src/index.js';
import { startStandIn } from '../../src/testing/index.js';
import { listenLoopback } from '../helpers/loopback.js';

// Long enough to be redacted wherever it stands, and distinctive enough to search for.
const KEY = 'sk-echoed-secret-0123456789abcdef';
const api = await startStandIn({ apiKey: KEY });
const fish = createFishAudio({ apiKey: KEY, baseUrl: api.url });
// A server that puts the key it receives into its answer's header, message and body.
const echo = await listenLoopback((req, res) => {
  const auth = req.headers.authorization ?? '';
  res
    .writeHead(402, { 'content-type': 'application/json', 'x-echo': auth })
    .end(JSON.stringify({ status: 402, message: `no credit for ${auth}`, reason: KEY }));
});
const echoed = createFishAudio({ apiKey: KEY, baseUrl: echo.url });

// Answers TTS slowly: the second chunk comes a minute after the first.
const slow = await startStandIn({ apiKey: KEY, ttsChunks: 2, ttsChunkDelayMs: 60_000 });
const slowFish = createFishAudio({ apiKey: KEY, baseUrl: slow.url });
beforeEach(() => api.reset());
afterAll(async () => {
  await Promise.all([api.close(), echo.close(), slow.close()]);
});

/** The rejection of `promise`, which must reject. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('the call resolved'),
    (error: unknown) => error,
  );
}

/** Every field of an APICallError that could carry a secret, as one text. */
function everything(error: APICallError): string {
  return JSON.stringify([
    error.message,
    error.url,
    error.requestBodyValues,
    error.responseHeaders,
    error.responseBody,
    error.data,
    String(error.cause),
    (error.cause as { body?: unknown }).body,
  ]);
}

describe('a 402 from generateSpeech', () => {
  it('is an APICallError with status 402, not retryable, and the client error as cause', async () => {
    api.failNext(402);
    const error = await rejection(generateSpeech({ model: fish.speech('s1'), text: 'Hi' }));
    expect(APICallError.isInstance(error)).toBe(true);
    const call = error as APICallError;
    expect(call.statusCode).toBe(402);
    expect(call.isRetryable).toBe(false);
    expect(call.url).toBe(`${api.url}/v1/tts`);
    expect(call.requestBodyValues).toEqual({ text: 'Hi', model: 's1' });
    expect(PaymentRequiredError.is(call.cause)).toBe(true);
  });
});

describe('a server that echoes the key', () => {
  it('gets the key into no field of the APICallError of a speech call', async () => {
    const error = (await rejection(
      generateSpeech({ model: echoed.speech('s1'), text: `say ${KEY}` }),
    )) as APICallError;
    expect(error.statusCode).toBe(402);
    expect(echo.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(everything(error)).not.toContain(KEY);
    expect(error.responseHeaders?.['x-echo']).toBe('Bearer [redacted]');
  });

  it('gets the key into no field of the APICallError of a transcription call', async () => {
    const error = (await rejection(
      transcribe({ model: echoed.transcription(), audio: new Uint8Array([82, 73, 70, 70]) }),
    )) as APICallError;
    expect(error.statusCode).toBe(402);
    expect(everything(error)).not.toContain(KEY);
    expect(error.requestBodyValues).toEqual({ audio: '[4 bytes of audio/wav]' });
  });
});

describe('retries', () => {
  it("makes one request only by default, whatever generateSpeech's maxRetries", async () => {
    api.failNext(503, undefined, { 'retry-after-ms': '1' });
    api.failNext(503, undefined, { 'retry-after-ms': '1' });
    const error = (await rejection(
      generateSpeech({ model: fish.speech('s1'), text: 'Hi', maxRetries: 2 }),
    )) as APICallError;
    expect(error.statusCode).toBe(503);
    expect(error.isRetryable).toBe(false);
    expect(api.requests).toHaveLength(1);
  });

  it("lets generateSpeech's maxRetries retry a 503 when the provider is idempotent", async () => {
    const retrying = createFishAudio({ apiKey: KEY, baseUrl: api.url, idempotent: true });
    api.failNext(503, undefined, { 'retry-after-ms': '1' });
    api.failNext(503, undefined, { 'retry-after-ms': '1' });
    const { audio } = await generateSpeech({
      model: retrying.speech('s1'),
      text: 'Hi',
      maxRetries: 2,
    });
    expect(audio.uint8Array.byteLength).toBeGreaterThan(0);
    expect(api.requests).toHaveLength(3);
  });

  it("never adds the client's own retries to the AI SDK's", async () => {
    const retrying = createFishAudio({
      apiKey: KEY,
      baseUrl: api.url,
      idempotent: true,
      maxRetries: 5,
    });
    api.failNext(503, undefined, { 'retry-after-ms': '1' });
    await rejection(generateSpeech({ model: retrying.speech('s1'), text: 'Hi', maxRetries: 0 }));
    expect(api.requests).toHaveLength(1);
  });
});

describe('abort', () => {
  it('rejects with the reason of a signal aborted while the audio streams', async () => {
    const controller = new AbortController();
    const reason = new DOMException('the user left', 'AbortError');
    const call = generateSpeech({
      model: slowFish.speech('s1'),
      text: 'Hi',
      abortSignal: controller.signal,
    });
    while (slow.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(reason);
    expect(await rejection(call)).toBe(reason);
  });

  it('sends nothing for a signal aborted before the call', async () => {
    const before = slow.requests.length;
    const error = await rejection(
      transcribe({
        model: slowFish.transcription(),
        audio: new Uint8Array([82, 73, 70, 70]),
        abortSignal: AbortSignal.abort(),
      }),
    );
    expect((error as Error).name).toBe('AbortError');
    expect(slow.requests).toHaveLength(before);
  });
});

describe('the key from FISH_API_KEY', () => {
  const saved = process.env.FISH_API_KEY;
  afterEach(() => {
    if (saved === undefined) delete process.env.FISH_API_KEY;
    else process.env.FISH_API_KEY = saved;
  });

  it('is read on first use, not when the provider is made', async () => {
    delete process.env.FISH_API_KEY;
    const lazy = createFishAudio({ baseUrl: api.url });
    process.env.FISH_API_KEY = KEY;
    const { audio } = await generateSpeech({ model: lazy.speech('s1'), text: 'Hi' });
    expect(audio.uint8Array.byteLength).toBeGreaterThan(0);
  });

  it('is a LoadAPIKeyError on the first call when it is missing', async () => {
    delete process.env.FISH_API_KEY;
    const lazy = createFishAudio({ baseUrl: api.url });
    const error = await rejection(generateSpeech({ model: lazy.speech('s1'), text: 'Hi' }));
    expect(LoadAPIKeyError.isInstance(error)).toBe(true);
    expect(api.requests).toHaveLength(0);
  });
});
