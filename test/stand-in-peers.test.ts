/**
 * The stand-in against code nobody here wrote: the official `fish-audio` SDK (0.1.0) makes its
 * documented calls — credit, package, TTS with and without references, ASR, voice create, get,
 * list, update and delete, and a realtime session — against `startStandIn()` with no
 * `setResponse` tweak, over one address, and every answer passes the stand-in's own check.
 */
import { FishAudioClient, RealtimeEvents } from 'fish-audio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandIn, type StandIn } from '../src/testing/index.js';

let api: StandIn;
let sdk: FishAudioClient;
beforeAll(async () => {
  api = await startStandIn();
  sdk = new FishAudioClient({ apiKey: api.apiKey, baseUrl: api.url });
});
afterAll(async () => {
  // Rejects if any answer above failed the stand-in's check against the spec.
  await api.close();
});

const file = (bytes: number, name: string) => new File([new Uint8Array(bytes)], name);

/** The SDK's audio, a web ReadableStream, read to its end. */
async function read(audio: ReadableStream<Uint8Array>): Promise<string> {
  return Buffer.from(await new Response(audio).arrayBuffer()).toString('latin1');
}

describe('the official fish-audio SDK against the stand-in', () => {
  it('reads the API credit', async () => {
    expect(await sdk.user.get_api_credit()).toMatchObject({ credit: '100.0000' });
  });

  it('reads the package', async () => {
    expect(await sdk.user.get_package()).toMatchObject({ user_id: 'stand-in-user' });
  });

  it('speaks a text, streaming the audio the stand-in makes of it', async () => {
    const audio = await sdk.textToSpeech.convert({ text: 'hello' });
    expect(await read(audio)).toMatch(/^ID3.*0:hello;.*3:hello;$/s);
  });

  it('speaks with a reference voice sent as a file, which the stand-in receives byte for byte', async () => {
    const audio = await sdk.textToSpeech.convert({
      text: 'cloned',
      references: [{ audio: new File([new Uint8Array([1, 2, 3])], 'a.wav'), text: 'sample' }],
    });
    expect(await read(audio)).toContain('0:cloned;');
    const body = api.requests.at(-1)?.body as { references: { audio: Uint8Array }[] };
    expect([...body.references[0]!.audio]).toEqual([1, 2, 3]);
  });

  it('transcribes an upload', async () => {
    const result = await sdk.speechToText.convert({ audio: file(64_000, 'a.wav') });
    expect(result).toMatchObject({
      text: 'Stand-in transcript of 64000 bytes of audio',
      duration: 2,
    });
  });

  it('creates a voice, reads it, finds it in a list, renames and deletes it', async () => {
    const created = await sdk.voices.ivc.create({ title: 'mine', voices: [file(100, 'v.wav')] });
    expect(created).toMatchObject({ title: 'mine', state: 'trained' });
    expect(await sdk.voices.get(created._id)).toMatchObject({ _id: created._id });
    const listed = await sdk.voices.search({ self: true });
    expect(listed.items.map((voice) => voice._id)).toContain(created._id);
    await sdk.voices.update(created._id, { title: 'renamed' });
    expect(await sdk.voices.get(created._id)).toMatchObject({ title: 'renamed' });
    await sdk.voices.delete(created._id);
    await expect(sdk.voices.get(created._id)).rejects.toThrow();
  });

  it('speaks a text stream over a realtime session on the same address', async () => {
    async function* text() {
      yield 'Hello ';
      yield 'world';
    }
    const connection = await sdk.textToSpeech.convertRealtime({ text: '' }, text());
    const spoken = await new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      connection.on(RealtimeEvents.AUDIO_CHUNK, (audio: unknown) =>
        chunks.push(Buffer.from(audio as Uint8Array)),
      );
      connection.on(RealtimeEvents.ERROR, reject);
      connection.on(RealtimeEvents.CLOSE, () => resolve(Buffer.concat(chunks).toString()));
    });
    expect(spoken).toBe('Hello world');
    expect(api.live?.connections.at(-1)?.events.map((e) => e.event)).toEqual([
      'start',
      'text',
      'text',
      'stop',
    ]);
  });
});
