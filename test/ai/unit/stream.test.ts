/**
 * Streaming speech's pure mapping, without the `ai` package (so it runs on Node 20 too, in the
 * library project): the call's settings to the live session's request and the audio parts'
 * format, and each text part to what is sent.
 */
import { describe, expect, it } from 'vitest';
import { readPart, streamRequest } from '../../../src/ai/stream.js';

describe('streamRequest', () => {
  it.each([
    [{ type: 'audio/mpeg' }, { format: 'mp3' }, { type: 'audio/mpeg' }],
    [{ type: 'mp3' }, { format: 'mp3' }, { type: 'audio/mpeg' }],
    [{ type: 'audio/wav' }, { format: 'wav' }, { type: 'audio/wav' }],
    [{ type: 'audio/pcm' }, { format: 'pcm' }, { type: 'audio/pcm', rate: 44_100 }],
    [
      { type: 'audio/pcm', rate: 16_000 },
      { format: 'pcm', sample_rate: 16_000 },
      { type: 'audio/pcm', rate: 16_000 },
    ],
    [{ type: 'audio/ogg' }, { format: 'opus' }, { type: 'audio/ogg' }],
    [
      { type: 'audio/opus', rate: 24_000 },
      { format: 'opus', sample_rate: 24_000 },
      { type: 'audio/ogg', rate: 24_000 },
    ],
  ])('maps outputFormat %j to %j and audio parts of %j', (outputFormat, fields, audioFormat) => {
    const result = streamRequest('s1', { outputFormat });
    expect(result.request).toEqual({ model: 's1', ...fields });
    expect(result.audioFormat).toEqual(audioFormat);
  });

  it('gives mp3 parts when no format is asked for, as the server does', () => {
    expect(streamRequest('s1', {}).audioFormat).toEqual({ type: 'audio/mpeg' });
  });

  it('refuses a format Fish Audio cannot make and a rate that is not a whole number', () => {
    expect(() => streamRequest('s1', { outputFormat: { type: 'audio/flac' } })).toThrow(
      /cannot produce outputFormat "audio\/flac"/,
    );
    expect(() => streamRequest('s1', { outputFormat: { type: 'pcm', rate: 22.05 } })).toThrow(
      /outputFormat\.rate must be a whole number/,
    );
  });

  it('warns about features, which the live request has not, and does not send them', () => {
    const { request, warnings } = streamRequest('s1', {
      providerOptions: { fishAudio: { features: ['x'], latency: 'low' } },
    });
    expect(request).toEqual({ model: 's1', latency: 'low' });
    expect(warnings).toEqual([
      expect.objectContaining({ feature: 'providerOptions.fishAudio.features' }),
    ]);
  });
});

describe('readPart', () => {
  it('sends the text, and flushes only when the part asks for it', () => {
    expect(readPart({ type: 'text', text: 'Hi' }, undefined)).toEqual({ text: 'Hi', flush: false });
    expect(
      readPart({ type: 'text', text: 'Hi.', providerOptions: { fishAudio: { flush: true } } }, 'v'),
    ).toEqual({ text: 'Hi.', flush: true });
  });

  it("accepts a part's voice only when it is the call's", () => {
    expect(readPart({ type: 'text', text: 'Hi', voice: 'v' }, 'v').text).toBe('Hi');
    expect(() => readPart({ type: 'text', text: 'Hi', voice: 'w' }, 'v')).toThrow(
      /one voice per stream \("v"\), and a text part asks for "w"/,
    );
  });

  it('refuses a part option other than flush, naming it', () => {
    expect(() =>
      readPart({ type: 'text', text: 'Hi', providerOptions: { fishAudio: { flsuh: true } } }, 'v'),
    ).toThrow(/providerOptions\.fishAudio\.flsuh is not a field of a streamed text part/);
  });
});
