/**
 * Voices against the stand-in behave like the API's over time: a created voice can be fetched,
 * listed, updated and deleted (then 404), it becomes `trained` after the configured number of
 * reads, `GET /model/{id}` answers the id asked for, and the list honours its filters, its sort
 * order and `page_number` over a seeded catalogue big enough to page.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FishAudio, NotFoundError, type CreateVoiceParams } from '../src/index.js';
import { startStandIn, type StandIn } from '../src/testing/index.js';

const SAMPLE = new Uint8Array(64).map((_, i) => i);
const NEW_VOICE: CreateVoiceParams = {
  title: 'My narrator',
  type: 'tts',
  train_mode: 'fast',
  voices: [SAMPLE],
  texts: ['What the sample says.'],
  tags: ['mine'],
};

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

async function ids(params: Record<string, unknown>): Promise<string[]> {
  const page = await client.voices.list(params);
  return page.items.map((voice) => voice._id);
}

describe('a created voice', () => {
  it('can be fetched by the id the create answered', async () => {
    const created = await client.voices.create(NEW_VOICE);
    const fetched = await client.voices.get(created._id);
    expect(fetched).toMatchObject({ _id: created._id, title: 'My narrator', tags: ['mine'] });
  });

  it('carries a sample for each text it was created with', async () => {
    const created = await client.voices.create(NEW_VOICE);
    expect(created.samples).toEqual([
      expect.objectContaining({ text: 'What the sample says.', audio: expect.any(String) }),
    ]);
  });

  it('is trained at once by default, as a fast-mode voice is', async () => {
    const created = await client.voices.create(NEW_VOICE);
    expect(created.state).toBe('trained');
    expect((await client.voices.get(created._id)).state).toBe('trained');
  });

  it('is listed among the caller’s own voices, and no seeded voice is', async () => {
    const first = await client.voices.create(NEW_VOICE);
    const second = await client.voices.create({ ...NEW_VOICE, title: 'Second' });
    expect((await ids({ self: true })).sort()).toEqual([first._id, second._id].sort());
    expect(first._id).not.toBe(second._id);
  });

  it('is changed by an update', async () => {
    const created = await client.voices.create(NEW_VOICE);
    await client.voices.update(created._id, { title: 'Renamed', visibility: 'private' });
    const fetched = await client.voices.get(created._id);
    expect(fetched).toMatchObject({ title: 'Renamed', visibility: 'private' });
  });

  it('is gone after a delete: fetching it is a 404', async () => {
    const created = await client.voices.create(NEW_VOICE);
    await client.voices.delete(created._id);
    await expect(client.voices.get(created._id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('is no longer listed after a delete', async () => {
    const created = await client.voices.create(NEW_VOICE);
    await client.voices.delete(created._id);
    expect(await ids({ self: true })).toEqual([]);
  });

  it('is forgotten by reset()', async () => {
    await client.voices.create(NEW_VOICE);
    api.reset();
    expect(await ids({ self: true })).toEqual([]);
  });
});

describe('a created voice with voiceTrainingReads', () => {
  it('answers created to the first N reads, then trained', async () => {
    const slow = await startStandIn({ voiceTrainingReads: 2 });
    try {
      const own = new FishAudio({ apiKey: slow.apiKey, baseUrl: slow.url, maxRetries: 0 });
      const created = await own.voices.create(NEW_VOICE);
      const states = [created.state];
      for (let i = 0; i < 3; i++) states.push((await own.voices.get(created._id)).state);
      expect(states).toEqual(['created', 'created', 'created', 'trained']);
    } finally {
      await slow.close();
    }
  });

  it.each([-1, 1.5, 1001, '2'])(
    'refuses voiceTrainingReads %j naming the option',
    async (value) => {
      await expect(startStandIn({ voiceTrainingReads: value as number })).rejects.toThrow(
        expect.objectContaining({ name: 'InvalidOptionError', option: 'voiceTrainingReads' }),
      );
    },
  );
});

describe('GET /model/{id}', () => {
  it('answers the id it was asked for', async () => {
    expect((await client.voices.get('any-id-at-all'))._id).toBe('any-id-at-all');
  });

  it('answers a seeded voice with the fields a client reads', async () => {
    const voice = await client.voices.get('stand-in-voice-02');
    expect(voice).toMatchObject({
      title: 'Stand-in voice 02',
      description: expect.any(String),
      languages: [expect.any(String)],
      samples: [expect.objectContaining({ text: expect.any(String) })],
    });
  });
});

describe('the voice list', () => {
  it('pages the seeded catalogue: page 2 follows page 1', async () => {
    const first = await ids({ page_size: 10, page_number: 1 });
    const second = await ids({ page_size: 10, page_number: 2 });
    expect(second).toHaveLength(10);
    expect(second.filter((id) => first.includes(id))).toEqual([]);
  });

  it('reports the total of the whole catalogue', async () => {
    expect((await client.voices.list({ page_size: 5 })).total).toBe(24);
  });

  it('yields every voice once when iterated page by page', async () => {
    const seen: string[] = [];
    for await (const voice of client.voices.list({ page_size: 7 })) seen.push(voice._id);
    expect(new Set(seen).size).toBe(24);
    expect(seen).toHaveLength(24);
  });

  it('answers an empty page past the end', async () => {
    expect(await ids({ page_size: 10, page_number: 4 })).toEqual([]);
  });

  it('keeps only voices whose title holds the title filter, in any case', async () => {
    const page = await client.voices.list({ title: 'VOICE 1', page_size: 100 });
    expect(page.items.map((v) => v.title).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `Stand-in voice ${10 + i}`),
    );
  });

  it('keeps only voices with one of the tags asked for', async () => {
    const page = await client.voices.list({ tag: 'calm', page_size: 100 });
    expect(page.total).toBeGreaterThan(0);
    expect(page.items.every((v) => v.tags.includes('calm'))).toBe(true);
  });

  it('keeps only voices speaking one of the languages asked for', async () => {
    const page = await client.voices.list({ language: ['ja', 'de'], page_size: 100 });
    expect(page.total).toBe(12);
    expect(page.items.every((v) => ['ja', 'de'].includes(v.languages![0]!))).toBe(true);
  });

  it('keeps only the voices of the author asked for', async () => {
    const page = await client.voices.list({ author_id: 'stand-in-author-2', page_size: 100 });
    expect(page.total).toBe(8);
    expect(page.items.every((v) => v.author._id === 'stand-in-author-2')).toBe(true);
  });

  it('sorts by created_at, newest first', async () => {
    const page = await client.voices.list({ sort_by: 'created_at', page_size: 100 });
    const dates = page.items.map((v) => v.created_at);
    expect(dates).toHaveLength(24);
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it('sorts by task_count, highest first', async () => {
    const page = await client.voices.list({ sort_by: 'task_count', page_size: 100 });
    const counts = page.items.map((v) => v.task_count);
    expect(counts).toHaveLength(24);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
  });
});
