import createClient from 'openapi-fetch';
import { APIPromise } from './api-promise.js';
import { APIError, FishAudioError, InvalidResponseError } from './errors.js';
import { operationManifest } from './generated/operations.js';
import {
  DEFAULTS,
  readEnv,
  type ClientOptions,
  type Fetch,
  type Logger,
  type RequestOptions,
} from './options.js';
import { prepareParams, type OperationKey, type PreparedParams } from './params.js';
import { isRetryable, retryDelay, sleep, type Backoff } from './retry.js';
import { withDeadline } from './transport.js';
import type { ParamsOf, ResponseOf, WithResponse } from './types.js';
import { formatMismatches, validateResponse } from './validate.js';
import { VERSION } from './version.js';
import { Wallet } from './wallet.js';

// openapi-fetch is typed per path; the facade calls it with keys it has already checked.
type LooseClient = {
  request(
    method: string,
    path: string,
    init: Record<string, unknown>,
  ): Promise<{ data?: unknown; error?: unknown; response: Response }>;
};

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
  /** The base URL requests go to, without a trailing slash. */
  readonly baseUrl: string;
  // Private so that neither util.inspect nor JSON.stringify of the client shows the key.
  readonly #http: LooseClient;
  readonly #fetch: Fetch;
  readonly #maxRetries: number;
  readonly #timeout: number;
  readonly #backoff: Backoff;
  readonly #maxResponseBytes: number;
  readonly #validateResponses: NonNullable<ClientOptions['validateResponses']>;
  readonly #logger: Logger;
  // Each distinct mismatch is reported once per client, not once per call.
  readonly #warned = new Set<string>();

  constructor(options: ClientOptions = {}) {
    const apiKey = options.apiKey ?? readEnv(DEFAULTS.apiKeyEnvVar);
    if (!apiKey) {
      throw new FishAudioError(
        `No API key. Pass { apiKey } to new FishAudio() or set the ${DEFAULTS.apiKeyEnvVar} environment variable.`,
      );
    }
    if (!/^[\x21-\x7e]+$/.test(apiKey)) {
      // Said without echoing the key: fetch's own error would quote the header value.
      throw new FishAudioError('The API key contains spaces or characters a header cannot carry.');
    }
    this.baseUrl = checkBaseUrl(options.baseUrl ?? DEFAULTS.baseUrl);
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#maxRetries = checkCount('maxRetries', options.maxRetries ?? DEFAULTS.maxRetries);
    this.#timeout = checkTimeout(options.timeout ?? DEFAULTS.timeout);
    this.#backoff = { ...DEFAULTS.backoff, ...options.backoff };
    this.#maxResponseBytes = options.maxResponseBytes ?? DEFAULTS.maxResponseBytes;
    this.#validateResponses = options.validateResponses ?? DEFAULTS.validateResponses;
    this.#logger = options.logger ?? console;
    this.#http = createClient({
      baseUrl: this.baseUrl,
      headers: {
        Authorization: `Bearer ${apiKey}`,
        Accept: 'application/json',
        'User-Agent': `fish-audio-api/${VERSION}`,
        ...options.defaultHeaders,
      },
    }) as unknown as LooseClient;
    this.wallet = new Wallet(this);
  }

  /**
   * Calls any operation of the checked-in spec by its key, with the spec's parameter names.
   * The resource methods (`client.wallet.getApiCredit()`) are thin names for this.
   *
   * ```ts
   * const credit = await client.request('GET /wallet/{user_id}/api-credit', { user_id: 'self' });
   * ```
   */
  request<K extends OperationKey>(
    key: K,
    params?: ParamsOf<K>,
    options: RequestOptions = {},
  ): APIPromise<ResponseOf<K>> {
    return new APIPromise(this.#send(key, params, options) as Promise<WithResponse<ResponseOf<K>>>);
  }

  async #send(
    key: OperationKey,
    params: unknown,
    options: RequestOptions,
  ): Promise<WithResponse<unknown>> {
    const operation = operationManifest[key];
    // Throws before anything is sent when a parameter is wrong.
    const prepared = prepareParams(operation, params);
    const maxRetries = checkCount('maxRetries', options.maxRetries ?? this.#maxRetries);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#attempt(operation, prepared, options, attempt);
      } catch (error) {
        if (!(error instanceof FishAudioError)) throw error;
        const retryable = isRetryable(error, operation.method, options.idempotent);
        if (!retryable || attempt > maxRetries) throw error;
        const delay = retryDelay(attempt, error, this.#backoff);
        // The server asked for a longer wait than we sleep through: the caller decides.
        if (delay === undefined) throw error;
        await sleep(delay, options.signal);
      }
    }
  }

  async #attempt(
    operation: { method: string; path: string },
    params: PreparedParams,
    options: RequestOptions,
    attempt: number,
  ): Promise<WithResponse<unknown>> {
    const deadline = {
      fetch: this.#fetch,
      timeoutMs: checkTimeout(options.timeout ?? this.#timeout),
      maxResponseBytes: this.#maxResponseBytes,
      signal: options.signal,
      baseUrl: this.baseUrl,
    };
    const result = await withDeadline(deadline, async (fetch, signal, meta) => {
      const result = await this.#http.request(operation.method.toLowerCase(), operation.path, {
        params,
        headers: options.headers,
        fetch,
        signal,
        // Text, not JSON: the facade parses it so that HTML, empty and truncated bodies
        // become typed errors instead of a SyntaxError or `undefined`.
        parseAs: 'text',
      });
      const { response } = result;
      const info = { status: response.status, headers: response.headers, attempts: attempt };
      if (!response.ok) {
        // openapi-fetch leaves `error` undefined for an empty body and parses JSON when it can.
        throw APIError.from({ ...info, body: result.error ?? '' });
      }
      return {
        data: parseSuccessBody(response, result.data),
        response: { status: response.status, headers: response.headers, url: meta.url },
      };
    });
    this.#checkAgainstSpec(`${operation.method} ${operation.path}` as OperationKey, result);
    return result;
  }

  #checkAgainstSpec(key: OperationKey, { data, response }: WithResponse<unknown>): void {
    if (this.#validateResponses === 'off') return;
    const mismatches = validateResponse(key, response.status, data);
    if (mismatches.length === 0) return;
    if (this.#validateResponses === 'error') {
      throw new InvalidResponseError(
        { status: response.status, headers: response.headers, body: data },
        `the body does not match the spec for ${key}`,
        mismatches,
      );
    }
    const report = `${key} ${response.status}: ${formatMismatches(mismatches)}`;
    if (this.#warned.has(report)) return;
    this.#warned.add(report);
    this.#logger.warn(`fish-audio-api: response differs from the spec: ${report}`);
  }
}

function parseSuccessBody(response: Response, text: unknown): Record<string, unknown> {
  const info = { status: response.status, headers: response.headers };
  if (typeof text !== 'string' || text.trim() === '') {
    throw new InvalidResponseError({ ...info, body: '' }, 'the body is empty');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new InvalidResponseError({ ...info, body: text }, 'the body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidResponseError({ ...info, body }, 'the body is not a JSON object');
  }
  return body as Record<string, unknown>;
}

function checkCount(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new FishAudioError(`${name} must be a whole number of at least 0, got ${value}.`);
  }
  return value;
}

// setTimeout fires at once for delays above 2^31 - 1 ms (about 24.8 days).
const MAX_TIMER_MS = 2 ** 31 - 1;

function checkTimeout(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_TIMER_MS) {
    throw new FishAudioError(
      `timeout must be a whole number of milliseconds from 1 to ${MAX_TIMER_MS}, got ${value}.`,
    );
  }
  return value;
}

function checkBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new FishAudioError(`baseUrl ${JSON.stringify(value)} is not a valid URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FishAudioError(`baseUrl must be an http(s) URL, got ${JSON.stringify(value)}.`);
  }
  return value.replace(/\/+$/, '');
}
