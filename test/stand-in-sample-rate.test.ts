/**
 * The stand-in's `sample_rate` in `POST /v1/tts` WAV headers: hostile values through
 * the real HTTP server. Each request is either refused by the spec's validator (a 4xx) or
 * answered with a WAV whose header is valid (RIFF sizes consistent, sample rate and byte rate
 * the values a decoder would use, fitting 32 bits, block align 2), and `close()` never rejects.
 */
import { encode as encodeMsgpack } from '@msgpack/msgpack';
import { afterEach, describe, expect, it } from 'vitest';
import { FishAudio } from '../src/index.js';
import { liveSpeech } from '../src/realtime/index.js';
import { startStandIn, type StandIn } from '../src/testing/index.js';

const started: StandIn[] = [];
afterEach(() => {
  started.length = 0;
});

async function standIn(): Promise<StandIn> {
  const api = await startStandIn();
  started.push(api);
  return api;
}

/** What a WAV file's header says, as a decoder reads it. */
function readWav(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = (offset: number, length: number) =>
    String.fromCharCode(...bytes.subarray(offset, offset + length));
  return {
    riff: text(0, 4),
    riffSize: view.getUint32(4, true),
    wave: text(8, 4),
    fmt: text(12, 4),
    fmtSize: view.getUint32(16, true),
    format: view.getUint16(20, true),
    channels: view.getUint16(22, true),
    sampleRate: view.getUint32(24, true),
    byteRate: view.getUint32(28, true),
    blockAlign: view.getUint16(32, true),
    bitsPerSample: view.getUint16(34, true),
    data: text(36, 4),
    dataBytes: view.getUint32(40, true),
  };
}

/** A valid header: what every decoder checks before it plays a byte. */
function expectValidWav(audio: Uint8Array, expectedRate?: number) {
  const wav = readWav(audio);
  expect(wav).toMatchObject({
    riff: 'RIFF',
    wave: 'WAVE',
    fmt: 'fmt ',
    fmtSize: 16,
    format: 1,
    channels: 1,
    blockAlign: 2,
    bitsPerSample: 16,
    data: 'data',
  });
  expect(wav.riffSize).toBe(audio.byteLength - 8);
  expect(wav.dataBytes).toBe(audio.byteLength - 44);
  expect(wav.sampleRate).toBeGreaterThan(0);
  // The byte rate must be sample rate × block align, which it cannot be after a 32-bit wrap.
  expect(wav.byteRate).toBe(wav.sampleRate * 2);
  if (expectedRate !== undefined) expect(wav.sampleRate).toBe(expectedRate);
  return wav;
}

type Outcome = { status: number; audio?: Uint8Array; text?: string };

async function tts(api: StandIn, body: unknown, msgpack = false): Promise<Outcome> {
  const response = await fetch(`${api.url}/v1/tts`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${api.apiKey}`,
      'content-type': msgpack ? 'application/msgpack' : 'application/json',
    },
    body: msgpack ? encodeMsgpack(body) : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const bytes = new Uint8Array(await response.arrayBuffer());
  return response.ok
    ? { status: response.status, audio: bytes }
    : { status: response.status, text: Buffer.from(bytes).toString('utf8') };
}

/**
 * Either a 4xx from the validator, or a valid WAV that declares `declared` when given; and the
 * stand-in then closes without rejecting.
 */
async function check(body: unknown, options: { msgpack?: boolean; declared?: number } = {}) {
  const api = await standIn();
  let outcome: Outcome | undefined;
  try {
    outcome = await tts(api, body, options.msgpack);
  } finally {
    await expect(api.close()).resolves.toBeUndefined();
  }
  if (outcome.status >= 400 && outcome.status < 500) return outcome;
  expect(outcome.status).toBe(200);
  expectValidWav(outcome.audio!, options.declared);
  return outcome;
}

describe('POST /v1/tts wav: sample_rate in the header (JSON bodies)', () => {
  it('declares a plain sample_rate (48000) and the matching byte rate', async () => {
    await check({ text: 'hello', format: 'wav', sample_rate: 48_000 }, { declared: 48_000 });
  });

  it('declares 44100 when sample_rate is null', async () => {
    await check({ text: 'hello', format: 'wav', sample_rate: null }, { declared: 44_100 });
  });

  it('declares 44100 when sample_rate is absent', async () => {
    await check({ text: 'hello', format: 'wav' }, { declared: 44_100 });
  });

  it('declares 1 for sample_rate 1 (smallest positive)', async () => {
    await check({ text: 'hello', format: 'wav', sample_rate: 1 }, { declared: 1 });
  });

  it('2**31 - 1: the largest rate whose byte rate (x2) still fits 32 bits', async () => {
    await check({ text: 'hello', format: 'wav', sample_rate: 2 ** 31 - 1 });
  });

  it('2**31: refused, or a header whose byte rate did not wrap to 0', async () => {
    await check({ text: 'hello', format: 'wav', sample_rate: 2 ** 31 });
  });

  it('2**32: refused, or a header whose sample rate did not wrap to 0', async () => {
    await check({ text: 'hello', format: 'wav', sample_rate: 2 ** 32 });
  });

  it('2**32 + 44100: refused, or a header that does not silently say 44100', async () => {
    const api = await standIn();
    const outcome = await tts(api, { text: 'hello', format: 'wav', sample_rate: 2 ** 32 + 44_100 });
    await expect(api.close()).resolves.toBeUndefined();
    if (outcome.status < 400 || outcome.status >= 500) {
      // Declaring 44100 for a request of 4295011396 Hz is a wrong header that looks valid.
      expect(readWav(outcome.audio!).sampleRate).not.toBe(44_100);
    }
    expect(outcome.status).toBeGreaterThanOrEqual(400);
  });

  it('Number.MAX_SAFE_INTEGER: refused, or a valid header', async () => {
    await check({ text: 'hello', format: 'wav', sample_rate: Number.MAX_SAFE_INTEGER });
  });

  it('1e300 (an integer to JSON and to Number.isInteger): refused, or a valid header', async () => {
    await check('{"text":"hello","format":"wav","sample_rate":1e300}');
  });

  it('0: refused, or 44100 (never a header of rate 0)', async () => {
    await check({ text: 'hello', format: 'wav', sample_rate: 0 });
  });

  it('-44100: refused, or a valid header', async () => {
    await check({ text: 'hello', format: 'wav', sample_rate: -44_100 });
  });

  it('-1: refused, or a valid header', async () => {
    await check({ text: 'hello', format: 'wav', sample_rate: -1 });
  });

  it('44100.5 (fractional): refused, or a valid header', async () => {
    await check({ text: 'hello', format: 'wav', sample_rate: 44_100.5 });
  });

  it('48000.0 written in JSON text is the integer 48000', async () => {
    await check('{"text":"hello","format":"wav","sample_rate":48000.0}', { declared: 48_000 });
  });

  it('"48000" (a string): refused, or a valid header', async () => {
    await check({ text: 'hello', format: 'wav', sample_rate: '48000' });
  });

  it('true / [] / {}: refused, or a valid header', async () => {
    for (const value of [true, [], {}]) {
      await check({ text: 'hello', format: 'wav', sample_rate: value });
    }
  });

  it('odd text length with a custom rate: data padded, sizes still add up', async () => {
    await check({ text: 'odd!', format: 'wav', sample_rate: 22_050 }, { declared: 22_050 });
  });

  it('pcm ignores sample_rate (no header) and mp3 is unaffected by a huge one', async () => {
    const api = await standIn();
    const pcm = await tts(api, { text: 'hello', format: 'pcm', sample_rate: 2 ** 32 });
    const mp3 = await tts(api, { text: 'hello', format: 'mp3', sample_rate: 2 ** 32 });
    await expect(api.close()).resolves.toBeUndefined();
    if (pcm.status === 200) {
      expect(Buffer.from(pcm.audio!).toString('latin1').startsWith('0:hello;')).toBe(true);
    }
    if (mp3.status === 200) expect(Buffer.from(mp3.audio!.subarray(0, 3)).toString()).toBe('ID3');
  });
});

describe('POST /v1/tts wav: sample_rate in msgpack bodies', () => {
  it('declares a msgpack sample_rate (16000)', async () => {
    await check(
      { text: 'hello', format: 'wav', sample_rate: 16_000 },
      { msgpack: true, declared: 16_000 },
    );
  });

  it('a msgpack uint32 2**32 - 1: refused, or a valid header', async () => {
    await check({ text: 'hello', format: 'wav', sample_rate: 2 ** 32 - 1 }, { msgpack: true });
  });

  it('a msgpack uint64 2**40: refused, or a valid header', async () => {
    await check({ text: 'hello', format: 'wav', sample_rate: 2 ** 40 }, { msgpack: true });
  });

  it('a msgpack bigint 2n**63n: refused (4xx), or a valid header; never a 5xx', async () => {
    const api = await standIn();
    const response = await fetch(`${api.url}/v1/tts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.apiKey}`, 'content-type': 'application/msgpack' },
      body: encodeMsgpack(
        { text: 'hello', format: 'wav', sample_rate: 2n ** 63n },
        { useBigInt64: true },
      ),
    });
    const bytes = new Uint8Array(await response.arrayBuffer());
    await expect(api.close()).resolves.toBeUndefined();
    if (response.ok) expectValidWav(bytes);
    else expect(response.status).toBeLessThan(500);
  });

  it('a msgpack float64 44100.0 reads as the integer 44100', async () => {
    // encode writes 44100 as an integer; force a float64 with forceFloat32/forceIntegerToFloat.
    const body = encodeMsgpack(
      { text: 'hello', format: 'wav', sample_rate: 22_050 },
      { forceIntegerToFloat: true },
    );
    const api = await standIn();
    const response = await fetch(`${api.url}/v1/tts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.apiKey}`, 'content-type': 'application/msgpack' },
      body,
    });
    const bytes = new Uint8Array(await response.arrayBuffer());
    await expect(api.close()).resolves.toBeUndefined();
    if (response.ok) expectValidWav(bytes, 22_050);
    else expect(response.status).toBeLessThan(500);
  });

  it('a msgpack float 44100.5: refused, or a valid header', async () => {
    await check({ text: 'hello', format: 'wav', sample_rate: 44_100.5 }, { msgpack: true });
  });

  it('a msgpack negative -48000: refused, or a valid header', async () => {
    await check({ text: 'hello', format: 'wav', sample_rate: -48_000 }, { msgpack: true });
  });
});

describe('the other speech endpoints are unaffected by sample_rate', () => {
  it('the timestamp stream with format wav and a huge sample_rate: events, or a 4xx', async () => {
    const api = await standIn();
    const response = await fetch(`${api.url}/v1/tts/stream/with-timestamp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'one two three', format: 'wav', sample_rate: 2 ** 32 }),
    });
    const text = await response.text();
    await expect(api.close()).resolves.toBeUndefined();
    if (response.ok) {
      expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
      const events = text
        .split('\n\n')
        .filter(Boolean)
        .map((e) => JSON.parse(e.replace(/^data: /, '')));
      expect(events.map((e) => e.content).join(' ')).toBe('one two three');
      // No WAV header in the timestamp audio (the change must not have added one).
      const first = Buffer.from(events[0].audio_base64, 'base64').toString('latin1');
      expect(first.startsWith('0:')).toBe(true);
    } else {
      expect(response.status).toBeLessThan(500);
    }
  });

  it('the timestamp stream with a normal sample_rate is the same as without one', async () => {
    const api = await standIn();
    const post = async (body: unknown) =>
      (
        await fetch(`${api.url}/v1/tts/stream/with-timestamp`, {
          method: 'POST',
          headers: { authorization: `Bearer ${api.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).text();
    const a = await post({ text: 'one two three', format: 'wav' });
    const b = await post({ text: 'one two three', format: 'wav', sample_rate: 16_000 });
    await expect(api.close()).resolves.toBeUndefined();
    expect(b).toBe(a);
  });

  it('the live endpoint serves its audio for a wav request with a huge sample_rate', async () => {
    const api = await standIn();
    if (!api.live) {
      await api.close();
      return; // ws not installed: nothing to check
    }
    const client = new FishAudio({ apiKey: api.apiKey, baseUrl: api.url, maxRetries: 0 });
    const chunks: Uint8Array[] = [];
    for await (const chunk of liveSpeech(client, ['Hello. '], {
      format: 'wav',
      sample_rate: 2 ** 32,
    } as never)) {
      chunks.push(chunk);
    }
    await expect(api.close()).resolves.toBeUndefined();
    expect(Buffer.concat(chunks).toString('utf8')).toBe('Hello. ');
  });
});

describe('the bound the stand-in sets on sample_rate', () => {
  it.each([0, -1, 384_001, 2 ** 31, 2 ** 32])(
    'refuses %i Hz with a 422 that names sample_rate, before any audio',
    async (rate) => {
      const api = await standIn();
      const response = await fetch(`${api.url}/v1/tts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${api.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'hi', format: 'wav', sample_rate: rate }),
      });
      expect(response.status).toBe(422);
      expect(await response.text()).toMatch(/sample_rate.*from 1 to 384000 Hz/);
      await expect(api.close()).resolves.toBeUndefined();
    },
  );

  it.each([1, 8000, 384_000])('declares %i Hz, as asked', async (rate) => {
    const api = await standIn();
    const response = await fetch(`${api.url}/v1/tts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hi', format: 'wav', sample_rate: rate }),
    });
    expect(readWav(new Uint8Array(await response.arrayBuffer())).sampleRate).toBe(rate);
    await expect(api.close()).resolves.toBeUndefined();
  });
});
