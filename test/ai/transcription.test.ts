/**
 * `transcribe` from the real `ai` package, through `fish-audio-api/ai`, against the stand-in:
 * text, segments in seconds, language and duration, and what the upload carried.
 */
import { transcribe } from 'ai';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createFishAudio } from '../../src/ai/index.js';
import { startStandIn } from '../../src/testing/index.js';

const api = await startStandIn();
const fish = createFishAudio({ apiKey: api.apiKey, baseUrl: api.url });
beforeEach(() => api.reset());
afterAll(() => api.close());

// 64 000 bytes: two seconds at the stand-in's 32 000 bytes a second. A WAV header, so the AI
// SDK recognises audio.
const audio = new Uint8Array(64_000);
audio.set(new TextEncoder().encode('RIFF\u0000\u0000\u0000\u0000WAVEfmt '));

describe('transcribe with fishAudio.transcription', () => {
  it('returns the text, the segments in seconds and the duration', async () => {
    const result = await transcribe({
      model: fish.transcription(),
      audio,
      timestampGranularities: ['segment'],
    });
    const words = 'Stand-in transcript of 64000 bytes of audio';
    expect(result.text).toBe(words);
    expect(result.segments).toEqual([{ text: words, startSecond: 0, endSecond: 2 }]);
    expect(result.durationInSeconds).toBe(2);
  });

  it('uploads the audio bytes as they are, with no timestamps asked for by default', async () => {
    await transcribe({ model: fish.transcription(), audio });
    const body = api.requests[0]?.body as Record<string, unknown>;
    expect(body.audio).toEqual(audio);
    expect(body.ignore_timestamps).toBeUndefined();
  });

  it('returns the detected language as its ISO 639-1 code', async () => {
    api.setResponse('POST /v1/asr', {
      text: 'Hallo',
      duration: 1,
      segments: [],
      language_code: 'de',
      language: 'German',
    });
    const result = await transcribe({ model: fish.transcription(), audio });
    expect(result.language).toBe('de');
  });

  it('passes providerOptions.fishAudio as ASR fields', async () => {
    await transcribe({
      model: fish.transcription('asr'),
      audio,
      providerOptions: { fishAudio: { language: 'en', ignore_timestamps: false } },
    });
    const body = api.requests[0]?.body as Record<string, unknown>;
    expect(body.language).toBe('en');
    expect(body.ignore_timestamps).toBe('false');
  });

  it('warns that word timings are not available and asks for segments instead', async () => {
    const result = await transcribe({
      model: fish.transcription(),
      audio,
      timestampGranularities: ['word'],
    });
    expect(result.warnings).toEqual([
      expect.objectContaining({ type: 'unsupported', feature: 'timestampGranularities: word' }),
    ]);
    expect((api.requests[0]?.body as Record<string, unknown>).ignore_timestamps).toBe('false');
  });

  it('refuses a transcription model id other than asr', () => {
    expect(() => fish.transcriptionModel('whisper-1')).toThrow(/one transcription model, 'asr'/);
  });
});
