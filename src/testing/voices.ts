/**
 * The stand-in's voices (the API's models): a seeded catalogue big enough to page, and the
 * voices a test creates, which can be fetched, listed, updated and deleted, and which move from
 * `created` to `trained` after a configurable number of reads. Only answers are made here; the
 * stand-in checks every one against the spec before it is sent.
 */

export const VOICE_LIST = 'GET /model';
export const VOICE_GET = 'GET /model/{id}';
export const VOICE_CREATE = 'POST /model';
export const VOICE_UPDATE = 'PATCH /model/{id}';
export const VOICE_DELETE = 'DELETE /model/{id}';
export const VOICE_KEYS: readonly string[] = [
  VOICE_LIST,
  VOICE_GET,
  VOICE_CREATE,
  VOICE_UPDATE,
  VOICE_DELETE,
];

/** The user the stand-in's key belongs to (the wallet's `user_id`): the author of created voices. */
export const SELF_ID = 'stand-in-user';
/** How many voices the catalogue is seeded with. */
export const CATALOGUE_SIZE = 24;

type Voice = Record<string, unknown>;

/** An answer: a status and a JSON body, or none. */
export interface VoiceAnswer {
  status: number;
  body?: unknown;
}

const LANGUAGES = ['en', 'zh', 'ja', 'de'];
const TAGS = ['narration', 'calm', 'energetic', 'character'];
const DAY = 24 * 60 * 60 * 1000;
const EPOCH = Date.parse('2025-01-01T00:00:00Z');

/**
 * The voices of one stand-in. `template` is a complete, spec-valid voice (the default body of
 * `GET /model/{id}`): every voice here is that template with its own values over it, so a
 * property the spec adds later is present too.
 */
export class VoiceStore {
  readonly #template: Voice;
  readonly #trainAfterReads: number;
  #voices = new Map<string, Voice>();
  #reads = new Map<string, number>();
  #created = new Set<string>();
  #deleted = new Set<string>();
  #count = 0;

  constructor(template: Voice, trainAfterReads: number) {
    this.#template = template;
    this.#trainAfterReads = trainAfterReads;
    this.reset();
  }

  /** Back to the seeded catalogue: created voices, reads and deletions are forgotten. */
  reset(): void {
    this.#voices = new Map();
    this.#reads.clear();
    this.#created.clear();
    this.#deleted.clear();
    this.#count = 0;
    for (let i = 0; i < CATALOGUE_SIZE; i++) {
      const voice = this.#seeded(i);
      this.#voices.set(voice._id as string, voice);
    }
  }

  /** The answer to one voice operation, or `undefined` for an operation not handled here. */
  answer(
    key: string,
    pathValues: Record<string, string>,
    query: Record<string, string[]>,
    body: unknown,
    success: number,
  ): VoiceAnswer | undefined {
    const id = pathValues.id ?? '';
    const fields = isRecord(body) ? body : {};
    switch (key) {
      case VOICE_LIST:
        return { status: success, body: this.#list(query) };
      case VOICE_CREATE:
        return { status: success, body: this.#create(fields) };
      case VOICE_GET:
        if (this.#deleted.has(id)) return notFound();
        return { status: success, body: this.#read(id) };
      case VOICE_UPDATE:
        if (this.#deleted.has(id)) return notFound();
        this.#update(id, fields);
        return { status: success };
      case VOICE_DELETE:
        if (this.#deleted.has(id)) return notFound();
        this.#voices.delete(id);
        this.#deleted.add(id);
        return { status: success };
    }
    return undefined;
  }

  #seeded(i: number): Voice {
    const n = String(i + 1).padStart(2, '0');
    const language = LANGUAGES[i % LANGUAGES.length]!;
    const created = new Date(EPOCH + i * DAY).toISOString();
    return this.#voice({
      _id: i === 0 ? 'stand-in-voice' : `stand-in-voice-${n}`,
      title: i === 0 ? 'Stand-in voice' : `Stand-in voice ${n}`,
      description: `A seeded ${language} voice of the stand-in catalogue.`,
      tags: [TAGS[i % TAGS.length]!, TAGS[(i + 1) % TAGS.length]!],
      languages: [language],
      created_at: created,
      updated_at: created,
      // Spread so that each sort order gives a different page 1.
      like_count: (i * 7) % CATALOGUE_SIZE,
      task_count: (i * 11) % CATALOGUE_SIZE,
      author: { _id: `stand-in-author-${(i % 3) + 1}`, nickname: `Author ${(i % 3) + 1}` },
    });
  }

  #voice(values: Voice): Voice {
    const template = this.#template;
    const id = String(values._id);
    return {
      ...template,
      type: 'tts',
      train_mode: 'fast',
      state: 'trained',
      visibility: 'public',
      cover_image: '',
      samples: [sample(id, 1, 'Hello from the stand-in.')],
      ...values,
      author: { ...(template.author as Voice), ...(values.author as Voice) },
    };
  }

  #list(query: Record<string, string[]>): Voice {
    const one = (name: string) => query[name]?.at(-1);
    const many = (name: string) => query[name] ?? [];
    const title = one('title')?.toLowerCase();
    const tags = many('tag');
    const languages = many('language');
    const author = one('author_id');
    const self = one('self') === 'true';
    const sortBy = one('sort_by') ?? 'score';
    const pageSize = Number(one('page_size') ?? 10);
    const pageNumber = Number(one('page_number') ?? 1);
    const found = [...this.#voices.values()].filter((voice) => {
      const owner = (voice.author as Voice)._id;
      if (self && owner !== SELF_ID) return false;
      if (author !== undefined && owner !== author) return false;
      if (title !== undefined && !String(voice.title).toLowerCase().includes(title)) return false;
      if (tags.length > 0 && !tags.some((t) => (voice.tags as string[]).includes(t))) return false;
      const spoken = (voice.languages as string[] | undefined) ?? [];
      return languages.length === 0 || languages.some((l) => spoken.includes(l));
    });
    found.sort(
      (a, b) => order(b, sortBy) - order(a, sortBy) || String(a._id).localeCompare(String(b._id)),
    );
    const start = (pageNumber - 1) * pageSize;
    const items = found.slice(start, start + pageSize).map((voice) => this.#present(voice));
    return { total: found.length, items };
  }

  #create(fields: Record<string, unknown>): Voice {
    this.#count += 1;
    const id = `stand-in-created-${this.#count}`;
    const now = new Date().toISOString();
    const texts = listOf(fields.texts).filter((t): t is string => typeof t === 'string');
    const voice = this.#voice({
      _id: id,
      title: String(fields.title ?? ''),
      description: typeof fields.description === 'string' ? fields.description : '',
      visibility: typeof fields.visibility === 'string' ? fields.visibility : 'public',
      tags: listOf(fields.tags).filter((t): t is string => typeof t === 'string'),
      languages: ['en'],
      samples: texts.map((text, i) => sample(id, i + 1, text)),
      created_at: now,
      updated_at: now,
      like_count: 0,
      mark_count: 0,
      shared_count: 0,
      task_count: 0,
      author: { _id: SELF_ID, nickname: 'Stand-in user' },
    });
    this.#voices.set(id, voice);
    this.#created.add(id);
    this.#reads.set(id, 0);
    return this.#present(voice);
  }

  /** A voice by id, counting the read; an id never seen is answered as a voice of that id. */
  #read(id: string): Voice {
    if (this.#created.has(id)) this.#reads.set(id, (this.#reads.get(id) ?? 0) + 1);
    return this.#present(this.#voices.get(id) ?? this.#voice({ _id: id, title: 'Stand-in voice' }));
  }

  #update(id: string, fields: Record<string, unknown>): void {
    const voice = this.#voices.get(id) ?? this.#voice({ _id: id, title: 'Stand-in voice' });
    const changed: Voice = { ...voice, updated_at: new Date().toISOString() };
    for (const name of ['title', 'description', 'visibility']) {
      if (typeof fields[name] === 'string') changed[name] = fields[name];
    }
    if (fields.tags !== undefined) {
      changed.tags = listOf(fields.tags).filter((t): t is string => typeof t === 'string');
    }
    this.#voices.set(id, changed);
  }

  /**
   * A created voice answers `created` at its creation and to its first `trainAfterReads` reads,
   * then `trained`; with 0 it is `trained` at once, as a `train_mode: fast` voice is.
   */
  #present(voice: Voice): Voice {
    const id = String(voice._id);
    if (!this.#created.has(id)) return structuredClone(voice);
    const reads = this.#reads.get(id) ?? 0;
    const trained = this.#trainAfterReads === 0 || reads > this.#trainAfterReads;
    return { ...structuredClone(voice), state: trained ? 'trained' : 'created' };
  }
}

function order(voice: Voice, sortBy: string): number {
  if (sortBy === 'created_at') return Date.parse(String(voice.created_at)) || 0;
  if (sortBy === 'task_count') return Number(voice.task_count) || 0;
  return (Number(voice.like_count) || 0) * 10 + (Number(voice.task_count) || 0);
}

function sample(id: string, n: number, text: string): Voice {
  return {
    title: `Sample ${n}`,
    text,
    task_id: `${id}-task-${n}`,
    audio: `https://stand-in.invalid/model/${encodeURIComponent(id)}/samples/${n}.wav`,
  };
}

function notFound(): VoiceAnswer {
  // The id is not repeated: it came from the request.
  return { status: 404, body: { status: 404, message: 'Voice not found' } };
}

function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
