import { FishAudioError, formatMismatches, type ResponseMismatch } from './errors.js';
import { CallPromise } from './http/api-promise.js';
import { runAttempt, type AttemptContext } from './http/attempt.js';
import { PagePromise } from './http/pagination.js';
import { buildRequest } from './http/request.js';
import type { WithResponse } from './http/response.js';
import { backOff, isRetryable } from './http/retry.js';
import { operationFor, type OperationKey } from './operations.js';
import {
  resolveOptions,
  resolveRequestOptions,
  type ClientOptions,
  type RequestOptions,
  type ResolvedOptions,
} from './options.js';
import { redactor } from './redact.js';
import { RESOLVED_OPTIONS } from './resolved-options.js';
import { ASR, TTS } from './resources/speech.js';
import { Voices } from './resources/voices.js';
import { Wallet } from './resources/wallet.js';
import type { RequestArgs, ResultOf } from './types.js';

// The most distinct kinds of drift 'warn' mode remembers, so a long-lived client stays small.
const MAX_WARNED_KINDS = 256;

/**
 * A client for the Fish Audio API.
 *
 * ```ts
 * import { FishAudio } from 'fish-audio-api';
 *
 * const client = new FishAudio(); // reads FISH_API_KEY
 * const { credit } = await client.wallet.getApiCredit();
 * ```
 */
export class FishAudio {
  /** The `Wallet` operations: API credit. */
  readonly wallet: Wallet;
  /** Text to speech, streamed. */
  readonly tts: TTS;
  /** Speech to text. */
  readonly asr: ASR;
  /** Voices: list, get, create (clone), update, delete, design. */
  readonly voices: Voices;
  /** The base URL requests go to, without a trailing slash. */
  readonly baseUrl: string;
  // Private so that neither util.inspect nor JSON.stringify of the client shows the key.
  readonly #options: ResolvedOptions;
  // What each attempt needs of the client: the options, the key's redactor, the warn memory.
  readonly #context: AttemptContext;
  // Each kind of drift (operation, status, pointer, expectation) is reported once per client.
  readonly #warned = new Set<string>();

  constructor(options: ClientOptions = {}) {
    this.#options = resolveOptions(options);
    this.baseUrl = this.#options.baseUrl;
    this.#context = {
      options: this.#options,
      redact: redactor(this.#options.apiKey),
      warn: (key, where, mismatches) => this.#warn(key, where, mismatches),
    };
    this.wallet = new Wallet(this);
    this.tts = new TTS(this);
    this.asr = new ASR(this);
    this.voices = new Voices(this);
  }

  /** @internal For `fish-audio-api/realtime`: the options this client runs with. */
  [RESOLVED_OPTIONS](): ResolvedOptions {
    return this.#options;
  }

  /**
   * Calls any operation of the checked-in spec by its key, with the spec's parameter names.
   * The resource methods (`client.wallet.getApiCredit()`) are thin names for this.
   *
   * ```ts
   * const credit = await client.request('GET /wallet/{user_id}/api-credit', { user_id: 'self' });
   * ```
   */
  request<K extends OperationKey>(key: K, ...[params, options]: RequestArgs<K>): ResultOf<K> {
    const pagination = operationFor(key).pagination;
    if (!pagination) return new CallPromise(this.#call(key, params, options)) as ResultOf<K>;
    // A list: the same call, able to walk its pages when iterated.
    const first = { ...(params as object | undefined) };
    return new PagePromise(
      this.#call(key, params, options),
      (next) => this.#call(key, next, options),
      first,
      pagination,
    ) as ResultOf<K>;
  }

  /**
   * Sends a call and retries it while that is safe. This loop is the only place that counts
   * attempts; each attempt gets its number and puts it on any error it throws.
   */
  async #call(
    key: OperationKey,
    params: unknown,
    options: RequestOptions | undefined,
  ): Promise<WithResponse<unknown>> {
    // Every mistake in the arguments is thrown here, before anything is sent.
    const operation = operationFor(key);
    const call = resolveRequestOptions(options, this.#options);
    const request = await buildRequest(this.#options, call, operation, params);
    for (let attempt = 1; ; attempt++) {
      try {
        return await runAttempt(this.#context, key, operation, request, call, attempt);
      } catch (error) {
        if (!(error instanceof FishAudioError)) throw error;
        if (attempt > call.maxRetries) throw error;
        if (!isRetryable(error, operation.method, call.idempotent)) throw error;
        await backOff(attempt, error, this.#options.backoff, call.signal);
      }
    }
  }

  /**
   * Reports drift in 'warn' mode: one line per kind of drift (operation, status or `event`,
   * pointer, expectation), since the drifting value is not what makes it new; memory bounded.
   */
  #warn(key: string, where: string, mismatches: ResponseMismatch[]): void {
    const fresh = mismatches.filter((m) => {
      const kind = `${key} ${where} ${m.pointer} ${m.expected}`;
      if (this.#warned.has(kind) || this.#warned.size >= MAX_WARNED_KINDS) return false;
      this.#warned.add(kind);
      return true;
    });
    if (fresh.length === 0) return;
    this.#options.logger.warn(
      `fish-audio-api: response differs from the spec: ${key} ${where}: ${formatMismatches(fresh)}`,
    );
  }
}
