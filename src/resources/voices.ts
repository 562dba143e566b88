/**
 * Voices (the API calls them models), as `client.voices`: find, make and change the voices
 * that text to speech speaks with. Thin names over `client.request`; types from the spec.
 */
import type { APIPromise } from '../http/api-promise.js';
import { fromBase64 } from '../base64.js';
import { InvalidResponseError } from '../errors.js';
import type { FishAudio } from '../client.js';
import { operationFor } from '../operations.js';
import type { RequestOptions } from '../options.js';
import type { ParamsOf, ResponseOf, ResultOf } from '../types.js';

const LIST = 'GET /model';
const GET = 'GET /model/{id}';
const CREATE = 'POST /model';
const UPDATE = 'PATCH /model/{id}';
const DELETE = 'DELETE /model/{id}';
const DESIGN = 'POST /v1/voice-design';

/** Filters and paging of {@link Voices.list}: `self`, `title`, `tag`, `language`, `sort_by`, … */
export type VoiceListParams = { [K in keyof ParamsOf<typeof LIST>]: ParamsOf<typeof LIST>[K] };
/** One page of voices: `items`, `total`, and the discovery-window fields. */
export type VoicePage = ResponseOf<typeof LIST>;
/** A voice, as the API describes it. */
export type Voice = ResponseOf<typeof GET>;
/** What {@link Voices.create} takes: `title`, `voices` (audio files), `texts`, `tags`, … */
export type CreateVoiceParams = {
  [K in keyof ParamsOf<typeof CREATE>]: ParamsOf<typeof CREATE>[K];
};
/** What {@link Voices.update} changes. */
export type UpdateVoiceParams = Omit<ParamsOf<typeof UPDATE>, 'id'>;
/**
 * What {@link Voices.design} takes: an `instruction` describing the voice, and options. `model`
 * may be left out: it has one valid value, which the method fills in from the spec.
 */
export type DesignVoiceParams = Omit<ParamsOf<typeof DESIGN>, 'model'> &
  Partial<Pick<ParamsOf<typeof DESIGN>, 'model'>>;
type Candidate = ResponseOf<typeof DESIGN>['candidates'][number];
/** A designed voice candidate, with its WAV audio decoded into bytes. */
export type VoiceCandidate = Omit<Candidate, 'audio_base64'> & { audio: Uint8Array };

/** Voices, as `client.voices`. */
export class Voices {
  readonly #client: FishAudio;

  constructor(client: FishAudio) {
    this.#client = client;
  }

  /**
   * Lists voices. `await` it for the first page, or iterate it for every voice of every page,
   * fetched lazily; it stops at the last page or at the end of the API's discovery window.
   *
   * ```ts
   * for await (const voice of client.voices.list({ self: true })) console.log(voice._id, voice.title);
   * ```
   */
  list(params: VoiceListParams = {}, options?: RequestOptions): ResultOf<typeof LIST> {
    return this.#client.request(LIST, params, options);
  }

  /** One voice by its id. */
  get(id: string, options?: RequestOptions): APIPromise<Voice> {
    return this.#client.request(GET, { id }, options);
  }

  /**
   * Creates (clones) a voice from audio samples, sent as multipart with one part per file
   * under the same name, as the API expects.
   *
   * ```ts
   * await client.voices.create({ title: 'Me', type: 'tts', train_mode: 'fast', voices: [a, b] });
   * ```
   */
  create(
    params: CreateVoiceParams,
    options?: RequestOptions,
  ): APIPromise<ResponseOf<typeof CREATE>> {
    return this.#client.request(CREATE, params, options);
  }

  /** Changes a voice's title, description, tags, visibility, … */
  update(id: string, params: UpdateVoiceParams, options?: RequestOptions): APIPromise<void> {
    return this.#client.request(UPDATE, { ...params, id } as ParamsOf<typeof UPDATE>, options);
  }

  /** Deletes a voice; resolves to nothing. */
  delete(id: string, options?: RequestOptions): APIPromise<void> {
    return this.#client.request(DELETE, { id }, options);
  }

  /**
   * Designs voices from a description and returns the candidates with their WAV audio as bytes.
   * The `model` header defaults to the one value the spec allows (`voice-design-1`).
   */
  async design(params: DesignVoiceParams, options?: RequestOptions): Promise<VoiceCandidate[]> {
    const model = operationFor(DESIGN).parameters.model?.default;
    const input = { ...(typeof model === 'string' ? { model } : {}), ...params };
    const request = input as ParamsOf<typeof DESIGN>;
    const { data, response } = await this.#client.request(DESIGN, request, options).withResponse();
    // A POST is sent once (it is not retried unless the call is marked idempotent).
    const info = { status: response.status, headers: response.headers, body: data, attempts: 1 };
    // Voices validate in 'warn' mode by default, so an off-spec answer can reach this point.
    if (!Array.isArray(data.candidates)) {
      throw new InvalidResponseError(info, 'the body has no candidates list');
    }
    try {
      return data.candidates.map(({ audio_base64, ...rest }) => ({
        ...rest,
        audio: fromBase64(audio_base64),
      }));
    } catch {
      throw new InvalidResponseError(info, "a candidate's audio_base64 is not base64");
    }
  }
}
