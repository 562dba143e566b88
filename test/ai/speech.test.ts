/**
 * `generateSpeech` from the real `ai` package, through `fish-audio-api/ai`, against the
 * stand-in: the audio bytes, what the request carried, the warnings and the response metadata.
 */
import { generateSpeech } from 'ai';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createFishAudio } from '../../src/ai/index.js';
import { FishAudio } from '../../src/index.js';
import { startStandIn } from '../../src/testing/index.js';

const api = await startStandIn({ ttsChunks: 3 });
const fish = createFishAudio({ apiKey: api.apiKey, baseUrl: api.url });
beforeEach(() => api.reset());
afterAll(() => api.close());

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('generateSpeech with fishAudio.speech', () => {
  it('returns the audio the server streamed, every chunk joined in order', async () => {
    const { audio } = await generateSpeech({
      model: fish.speech('s2.1-pro-free'),
      text: 'Hello there',
      outputFormat: 'mp3',
    });
    expect(text(audio.uint8Array)).toBe(
      'ID3\u0004\u0000\u0000\u0000\u0000\u0000\u00000:Hello there;1:Hello there;2:Hello there;',
    );
    expect(audio.mediaType).toBe('audio/mpeg');
  });

  it('sends the model id as the model header and the settings as TTS fields', async () => {
    await generateSpeech({
      model: fish.speech('s1'),
      text: 'Hi',
      voice: 'voice-123',
      outputFormat: 'audio/wav',
      speed: 1.25,
      providerOptions: { fishAudio: { latency: 'balanced', prosody: { volume: -3 } } },
    });
    const [request] = api.requests;
    expect(request?.headers.model).toBe('s1');
    expect(request?.body).toEqual({
      text: 'Hi',
      reference_id: 'voice-123',
      format: 'wav',
      prosody: { speed: 1.25, volume: -3 },
      latency: 'balanced',
    });
  });

  it('warns about instructions and a language, which Fish Audio has no field for', async () => {
    const { warnings } = await generateSpeech({
      model: fish.speech('s2.1-pro-free'),
      text: 'Hi',
      instructions: 'whisper',
      language: 'de',
    });
    expect(warnings.map((w) => w.type === 'unsupported' && w.feature)).toEqual([
      'instructions',
      'language',
    ]);
    expect(api.requests[0]?.body).toEqual({ text: 'Hi' });
  });

  it('reports the response headers, model id and time of the response', async () => {
    const before = new Date();
    const { responses } = await generateSpeech({ model: fish.speech('s2-pro'), text: 'Hi' });
    expect(responses).toHaveLength(1);
    expect(responses[0]?.modelId).toBe('s2-pro');
    expect(responses[0]?.headers?.['content-type']).toBe('audio/mpeg');
    expect(responses[0]?.timestamp.getTime()).toBeGreaterThanOrEqual(before.getTime());
  });

  it('joins the client user agent and the AI SDK one in one header', async () => {
    await generateSpeech({ model: fish.speech('s1'), text: 'Hi' });
    expect(api.requests[0]?.headers['user-agent']).toMatch(/^fish-audio-api\/\S+ ai\/7\./);
  });

  it('calls through a client passed as { client }', async () => {
    const client = new FishAudio({ apiKey: api.apiKey, baseUrl: api.url });
    const { audio } = await generateSpeech({
      model: createFishAudio({ client }).speech('s1'),
      text: 'Yo',
      outputFormat: 'pcm',
    });
    // pcm is whole 16-bit samples: the stand-in pads an odd length with a space.
    expect(text(audio.uint8Array)).toBe('0:Yo;1:Yo;2:Yo; ');
  });

  it('refuses an output format Fish Audio cannot make, before sending anything', async () => {
    await expect(
      generateSpeech({ model: fish.speech('s1'), text: 'Hi', outputFormat: 'flac' }),
    ).rejects.toMatchObject({ name: 'AI_InvalidArgumentError', argument: 'outputFormat' });
    expect(api.requests).toHaveLength(0);
  });

  it('refuses a provider option that is not a TTS field, naming it', async () => {
    await expect(
      generateSpeech({
        model: fish.speech('s1'),
        text: 'Hi',
        providerOptions: { fishAudio: { lantency: 'low' } },
      }),
    ).rejects.toThrow(/providerOptions\.fishAudio\.lantency is not a field of the TTS request/);
    expect(api.requests).toHaveLength(0);
  });
});
