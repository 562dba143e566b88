/**
 * Voice design against the stand-in: the README's `client.voices.design()` works, and each
 * candidate is a WAV file whose header agrees with the `sample_rate` and `duration_ms` served
 * next to it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FishAudio, type VoiceCandidate } from '../src/index.js';
import { startStandIn, type StandIn } from '../src/testing/index.js';

let api: StandIn;
let client: FishAudio;
beforeAll(async () => {
  api = await startStandIn();
  client = new FishAudio({ apiKey: api.apiKey, baseUrl: api.url, maxRetries: 0 });
});
afterEach(() => api.reset());
afterAll(async () => {
  await api.close();
});

/** What a WAV file's header says, read as any decoder reads it. */
function readWav(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = (offset: number, length: number) =>
    String.fromCharCode(...bytes.subarray(offset, offset + length));
  const dataBytes = view.getUint32(40, true);
  const byteRate = view.getUint32(28, true);
  return {
    riff: text(0, 4),
    wave: text(8, 4),
    riffSize: view.getUint32(4, true),
    format: view.getUint16(20, true),
    channels: view.getUint16(22, true),
    sampleRate: view.getUint32(24, true),
    bitsPerSample: view.getUint16(34, true),
    data: text(36, 4),
    dataBytes,
    durationMs: (dataBytes / byteRate) * 1000,
    samples: new Int16Array(bytes.slice(44).buffer),
  };
}

async function design(params: Record<string, unknown> = {}): Promise<VoiceCandidate[]> {
  return client.voices.design({ instruction: 'a calm, warm narrator', ...params });
}

describe('voice design against the stand-in', () => {
  it('runs the README example: the first candidate has audio bytes', async () => {
    const [candidate] = await client.voices.design({ instruction: 'a calm, warm narrator' });
    expect(candidate?.audio.byteLength).toBeGreaterThan(44);
  });

  it('gives two candidates when n is not sent, as the spec defaults', async () => {
    expect(await design()).toHaveLength(2);
  });

  it('gives as many candidates as n asks for', async () => {
    expect(await design({ n: 4 })).toHaveLength(4);
  });

  it('gives each candidate a PCM WAV file, 16-bit mono, whose sizes add up', async () => {
    for (const { audio } of await design()) {
      const wav = readWav(audio);
      expect(wav).toMatchObject({ riff: 'RIFF', wave: 'WAVE', data: 'data', format: 1 });
      expect(wav).toMatchObject({ channels: 1, bitsPerSample: 16 });
      expect(wav.riffSize).toBe(audio.byteLength - 8);
      expect(wav.dataBytes).toBe(audio.byteLength - 44);
    }
  });

  it('serves the sample_rate the WAV header states', async () => {
    for (const candidate of await design()) {
      expect(readWav(candidate.audio).sampleRate).toBe(candidate.sample_rate);
    }
  });

  it('serves the duration_ms the WAV data lasts', async () => {
    for (const candidate of await design()) {
      expect(candidate.duration_ms).toBeGreaterThan(0);
      expect(readWav(candidate.audio).durationMs).toBe(candidate.duration_ms);
    }
  });

  it('gives audio that is not silence', async () => {
    const [candidate] = await design();
    const { samples } = readWav(candidate!.audio);
    expect(Math.max(...samples.map(Math.abs))).toBeGreaterThan(1000);
  });

  it('gives each candidate different audio', async () => {
    const [a, b] = await design();
    expect(Buffer.from(a!.audio).equals(Buffer.from(b!.audio))).toBe(false);
  });

  it('numbers the candidates and echoes the instruction and language', async () => {
    const candidates = await design({ language: 'en' });
    expect(candidates.map((c) => c.index)).toEqual([0, 1]);
    expect(candidates[0]).toMatchObject({ instruct: 'a calm, warm narrator', language: 'en' });
  });

  it('serves a body set with setResponse instead of designing', async () => {
    const [first] = await design();
    api.setResponse('POST /v1/voice-design', {
      candidates: [{ ...toWire(first!), id: 'fixed' }],
    });
    expect((await design({ n: 3 })).map((c) => c.id)).toEqual(['fixed']);
  });
});

function toWire({ audio, ...rest }: VoiceCandidate): Record<string, unknown> {
  return { ...rest, audio_base64: Buffer.from(audio).toString('base64') };
}

describe('TTS audio from the stand-in', () => {
  const speak = async (text: string, format: 'wav' | 'pcm') =>
    new Uint8Array(await (await client.tts.convert({ text, format })).arrayBuffer());

  it.each(['hello', 'odd!'])(
    'is a PCM WAV file whose sizes add up, for %j, as one stream of chunks',
    async (text) => {
      const audio = await speak(text, 'wav');
      const wav = readWav(audio);
      expect(wav).toMatchObject({ riff: 'RIFF', wave: 'WAVE', data: 'data', format: 1 });
      expect(wav).toMatchObject({ channels: 1, bitsPerSample: 16, sampleRate: 44_100 });
      expect(wav.riffSize).toBe(audio.byteLength - 8);
      expect(wav.dataBytes).toBe(audio.byteLength - 44);
      expect(wav.dataBytes % 2).toBe(0);
    },
  );

  it('keeps the text it was sent readable in the WAV data', async () => {
    const audio = await speak('hello', 'wav');
    expect(Buffer.from(audio.subarray(44)).toString('latin1')).toMatch(
      /^0:hello;1:hello;2:hello;3:hello; ?$/,
    );
  });

  it('gives pcm as whole 16-bit samples, no header', async () => {
    for (const text of ['hello', 'odd!']) {
      const audio = await speak(text, 'pcm');
      expect(audio.byteLength % 2).toBe(0);
      expect(Buffer.from(audio).toString('latin1').startsWith(`0:${text};`)).toBe(true);
    }
  });
});
