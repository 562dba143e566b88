/**
 * Speech: text to speech (`client.tts`) and speech to text (`client.asr`). Thin names over
 * `client.request`; the request and result types come from the spec.
 */
import type { APIPromise } from '../http/api-promise.js';
import { fromBase64 } from '../base64.js';
import type { FishAudio } from '../client.js';
import type { RequestOptions } from '../options.js';
import { invalidEvent, type EventStream } from '../http/stream.js';
import type { EventOf, ParamsOf, ResponseOf } from '../types.js';

const CONVERT = 'POST /v1/tts';
const WITH_TIMESTAMPS = 'POST /v1/tts/stream/with-timestamp';
const TRANSCRIBE = 'POST /v1/asr';

/**
 * What to synthesise: `text`, a voice (`reference_id`, or `references` with audio bytes), the
 * output `format`, and the `model` header. The client adds no defaults of its own: without
 * `model` the server uses its default, the paid `s2.1-pro` (use `s2.1-pro-free` in development).
 */
export type TTSRequest = { [K in keyof ParamsOf<typeof CONVERT>]: ParamsOf<typeof CONVERT>[K] };
/** The same request, for {@link TTS.withTimestamps}. */
export type TTSTimestampRequest = {
  [K in keyof ParamsOf<typeof WITH_TIMESTAMPS>]: ParamsOf<typeof WITH_TIMESTAMPS>[K];
};
/** One event of {@link TTS.withTimestamps}: an audio chunk (base64) with its alignment. */
export type TimestampEvent = EventOf<typeof WITH_TIMESTAMPS>;
/** What to transcribe: `audio` bytes (`Blob`, `File` or `Uint8Array`), `language`, … */
export type TranscribeRequest = {
  [K in keyof ParamsOf<typeof TRANSCRIBE>]: ParamsOf<typeof TRANSCRIBE>[K];
};
/** A transcription: the text, its duration and (unless `ignore_timestamps`) segments. */
export type Transcription = ResponseOf<typeof TRANSCRIBE>;

/** Text to speech, as `client.tts`. */
export class TTS {
  readonly #client: FishAudio;

  constructor(client: FishAudio) {
    this.#client = client;
  }

  /**
   * Synthesises speech. Resolves as soon as the response headers arrive, to an
   * `AudioResponse` whose chunks reach you while the server is still sending; nothing is
   * buffered. Not retried unless you pass `{ idempotent: true }`: each call spends credit.
   *
   * ```ts
   * const audio = await client.tts.convert({ text: 'Hello!', reference_id: 'voice-id', format: 'mp3' });
   * await pipeline(audio, createWriteStream('hello.mp3')); // Node: the chunks, as they arrive
   * ```
   */
  convert(request: TTSRequest, options?: RequestOptions): APIPromise<ResponseOf<typeof CONVERT>> {
    return this.#client.request(CONVERT, request, options);
  }

  /**
   * Synthesises speech with word timestamps, as server-sent events: each holds a base64 audio
   * chunk and the latest alignment of its `chunk_seq`. See {@link collectTimestamps}.
   *
   * ```ts
   * for await (const event of await client.tts.withTimestamps({ text: 'Hi', reference_id: 'v' })) {
   *   console.log(event.chunk_seq, event.alignment?.segments);
   * }
   * ```
   */
  withTimestamps(
    request: TTSTimestampRequest,
    options?: RequestOptions,
  ): APIPromise<EventStream<TimestampEvent>> {
    return this.#client.request(WITH_TIMESTAMPS, request, options);
  }
}

/** Speech to text, as `client.asr`. */
export class ASR {
  readonly #client: FishAudio;

  constructor(client: FishAudio) {
    this.#client = client;
  }

  /**
   * Transcribes audio, sent as multipart (the API refuses base64 audio in JSON).
   *
   * ```ts
   * const { text, segments } = await client.asr.transcribe({ audio: await readFile('a.mp3') });
   * ```
   */
  transcribe(request: TranscribeRequest, options?: RequestOptions): APIPromise<Transcription> {
    return this.#client.request(TRANSCRIBE, request, options);
  }
}

/** The latest alignment of one text chunk of a {@link TTS.withTimestamps} stream. */
export interface ChunkAlignment {
  /** The text chunk's sequence number. */
  chunk_seq: number;
  /** Where the chunk starts in the whole audio, in seconds: add it to segment times. */
  chunk_audio_offset_sec: number;
  /** The text the alignment describes. */
  content: string;
  /** The latest cumulative alignment snapshot for the chunk. */
  alignment: NonNullable<TimestampEvent['alignment']>;
}

/** The audio and the timestamps of a whole {@link TTS.withTimestamps} stream. */
export interface CollectedTimestamps {
  /** Every chunk's audio, decoded and joined in arrival order. */
  audio: Uint8Array;
  /** The latest alignment of each `chunk_seq`, in `chunk_seq` order. */
  alignments: ChunkAlignment[];
}

/**
 * Reads a timestamp stream to its end the way the docs ask: audio chunks are concatenated in
 * arrival order, and each `chunk_seq`'s alignment is replaced (not appended) by later events.
 * An event it cannot use (not an object, `audio_base64` that is not base64 text, an alignment
 * that is not an object or has no numeric `chunk_seq`) ends it with `InvalidResponseError`,
 * whatever `validateResponses` let through.
 */
export async function collectTimestamps(
  events: AsyncIterable<TimestampEvent>,
): Promise<CollectedTimestamps> {
  const parts: Uint8Array[] = [];
  const latest = new Map<number, ChunkAlignment>();
  for await (const event of events) {
    const problem = unusable(event);
    if (problem) throw invalidEvent(events, event, problem);
    const { audio_base64, alignment, chunk_seq, chunk_audio_offset_sec, content } = event;
    if (audio_base64) {
      try {
        parts.push(fromBase64(audio_base64));
      } catch {
        throw invalidEvent(events, event, `an event's audio_base64 is not base64`);
      }
    }
    if (alignment) latest.set(chunk_seq, { chunk_seq, chunk_audio_offset_sec, content, alignment });
  }
  const audio = new Uint8Array(parts.reduce((n, part) => n + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    audio.set(part, offset);
    offset += part.byteLength;
  }
  return { audio, alignments: [...latest.values()].sort((a, b) => a.chunk_seq - b.chunk_seq) };
}

/** What makes an event unusable for {@link collectTimestamps}, if anything. */
function unusable(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    return 'an event is not a JSON object';
  }
  const { audio_base64, alignment, chunk_seq } = event as Record<string, unknown>;
  if (audio_base64 !== undefined && audio_base64 !== null && typeof audio_base64 !== 'string') {
    return `an event's audio_base64 is not a string`;
  }
  if (alignment === undefined || alignment === null) return undefined;
  if (typeof alignment !== 'object' || Array.isArray(alignment)) {
    return `an event's alignment is not an object`;
  }
  if (typeof chunk_seq !== 'number' || !Number.isFinite(chunk_seq)) {
    return 'an event with an alignment has no numeric chunk_seq';
  }
  return undefined;
}
