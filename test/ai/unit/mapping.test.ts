/**
 * The AI SDK entry's pure mapping, without the `ai` package (so it runs on Node 20 too, in the
 * library project): settings to TTS and ASR fields, and client errors to the SDK's errors.
 */
import { APICallError } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { toAISDKError, type FailedCall } from '../../../src/ai/errors.js';
import { speechRequest } from '../../../src/ai/speech-request.js';
import { transcript, transcriptionRequest } from '../../../src/ai/transcription.js';
import { APIConnectionError, APIError, InvalidParameterError } from '../../../src/index.js';
import { redactor } from '../../../src/redact.js';

const call = (idempotent: boolean): FailedCall => ({
  url: 'http://127.0.0.1:1/v1/tts',
  requestBodyValues: { text: 'Hi' },
  redact: redactor('k'),
  idempotent,
  signal: undefined,
});
const apiError = (status: number) =>
  APIError.from({ status, headers: new Headers(), body: { status, message: 'no' }, attempts: 1 });

describe('speechRequest', () => {
  it.each([
    ['mp3', 'mp3'],
    ['MP3', 'mp3'],
    ['audio/mpeg', 'mp3'],
    ['audio/wav', 'wav'],
    ['pcm', 'pcm'],
    ['audio/ogg', 'opus'],
  ])('maps outputFormat %s to format %s', (outputFormat, format) => {
    expect(speechRequest('s1', { text: 'Hi', outputFormat }).request.format).toBe(format);
  });

  it('lets a provider option win over the setting it overlaps', () => {
    const { request } = speechRequest('s1', {
      text: 'Hi',
      voice: 'a',
      outputFormat: 'mp3',
      speed: 1.5,
      providerOptions: {
        fishAudio: { reference_id: ['a', 'b'], format: 'wav', prosody: { speed: 2 } },
      },
    });
    expect(request).toMatchObject({
      reference_id: ['a', 'b'],
      format: 'wav',
      prosody: { speed: 2 },
    });
  });

  it('turns base64 reference audio into bytes', () => {
    const { request } = speechRequest('s1', {
      text: 'Hi',
      providerOptions: { fishAudio: { references: [{ audio: 'AAEC', text: 'sample' }] } },
    });
    expect(request.references).toEqual([{ audio: new Uint8Array([0, 1, 2]), text: 'sample' }]);
  });

  it('refuses a provider option of the wrong type, naming what it should be', () => {
    expect(() =>
      speechRequest('s1', { text: 'Hi', providerOptions: { fishAudio: { latency: 'fast' } } }),
    ).toThrow('providerOptions.fishAudio.latency must be one of "low", "normal", "balanced".');
  });

  it.each(['', '  '])('refuses an empty voice (%j) before anything is sent', (voice) => {
    expect(() => speechRequest('s1', { text: 'Hi', voice })).toThrow(
      expect.objectContaining({ name: 'AI_InvalidArgumentError', argument: 'voice' }),
    );
  });

  it('gives no warning for language "auto", which is what Fish Audio does anyway', () => {
    expect(speechRequest('s1', { text: 'Hi', language: 'auto' }).warnings).toEqual([]);
  });
});

describe('transcriptionRequest and transcript', () => {
  it('lets an explicit ignore_timestamps win over timestampGranularities', () => {
    const { request } = transcriptionRequest({
      audio: new Uint8Array(),
      mediaType: 'audio/wav',
      timestampGranularities: ['segment'],
      providerOptions: { fishAudio: { ignore_timestamps: true } },
    });
    expect(request).toEqual({ ignore_timestamps: true });
  });

  it('reads a transcription without a language as an undefined language', () => {
    expect(transcript({ text: 'x', duration: 1.5, segments: [] })).toEqual({
      text: 'x',
      segments: [],
      language: undefined,
      durationInSeconds: 1.5,
    });
  });
});

describe('toAISDKError', () => {
  it.each([429, 503, 408])(
    'marks a %i retryable only when the provider is idempotent',
    (status) => {
      const plain = toAISDKError(apiError(status), call(false)) as APICallError;
      const safe = toAISDKError(apiError(status), call(true)) as APICallError;
      expect([plain.isRetryable, safe.isRetryable]).toEqual([false, true]);
    },
  );

  it('never marks a 400 retryable', () => {
    expect((toAISDKError(apiError(400), call(true)) as APICallError).isRetryable).toBe(false);
  });

  it('makes a connection failure an APICallError without a status', () => {
    const error = toAISDKError(
      new APIConnectionError('refused', { attempts: 1, code: 'ECONNREFUSED' }),
      call(true),
    ) as APICallError;
    expect([APICallError.isInstance(error), error.statusCode, error.isRetryable]).toEqual([
      true,
      undefined,
      true,
    ]);
  });

  it('makes a refused parameter an InvalidArgumentError naming it', () => {
    const error = toAISDKError(new InvalidParameterError('format', 'bad'), call(false));
    expect(error).toMatchObject({ name: 'AI_InvalidArgumentError', argument: 'format' });
  });

  it('returns an error that is not the client’s unchanged', () => {
    const error = new TypeError('a bug');
    expect(toAISDKError(error, call(false))).toBe(error);
  });
});
