import createClient from 'openapi-fetch';
import { APIPromise } from './api-promise.js';
import {
  APIConnectionError,
  APIError,
  APIUserAbortError,
  FishAudioError,
  InvalidResponseError,
} from './errors.js';
import { operationManifest } from './generated/operations.js';
import { DEFAULTS, readEnv, type ClientOptions, type RequestOptions } from './options.js';
import { prepareParams, type OperationKey } from './params.js';
import type { ParamsOf, ResponseOf, WithResponse } from './types.js';
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

  constructor(options: ClientOptions = {}) {
    const apiKey = options.apiKey ?? readEnv(DEFAULTS.apiKeyEnvVar);
    if (!apiKey) {
      throw new FishAudioError(
        `No API key. Pass { apiKey } to new FishAudio() or set the ${DEFAULTS.apiKeyEnvVar} environment variable.`,
      );
    }
    this.baseUrl = checkBaseUrl(options.baseUrl ?? DEFAULTS.baseUrl);
    this.#http = createClient({
      baseUrl: this.baseUrl,
      headers: {
        Authorization: `Bearer ${apiKey}`,
        Accept: 'application/json',
        'User-Agent': `fish-audio-api/${VERSION}`,
        ...options.defaultHeaders,
      },
      ...(options.fetch && { fetch: options.fetch }),
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
    const { path, query } = prepareParams(operation, params);
    const { signal } = options;
    if (signal?.aborted) throw new APIUserAbortError();

    let result: Awaited<ReturnType<LooseClient['request']>>;
    try {
      result = await this.#http.request(operation.method.toLowerCase(), operation.path, {
        params: { path, query },
        headers: options.headers,
        signal,
        // Text, not JSON: the facade parses it so that HTML, empty and truncated bodies
        // become typed errors instead of a SyntaxError or `undefined`.
        parseAs: 'text',
      });
    } catch (error) {
      if (signal?.aborted) throw new APIUserAbortError();
      throw connectionError(error, this.baseUrl);
    }

    const { response } = result;
    const raw = { status: response.status, headers: response.headers, url: response.url };
    if (!response.ok) {
      // openapi-fetch leaves `error` undefined for an empty body and parses JSON when it can.
      throw APIError.from({
        status: response.status,
        headers: response.headers,
        body: result.error ?? '',
      });
    }
    return { data: parseSuccessBody(response, result.data), response: raw };
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

function connectionError(error: unknown, baseUrl: string): APIConnectionError {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const detail = cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
  return new APIConnectionError(
    `Could not reach ${baseUrl} (${detail}). Check the network and the baseUrl option.`,
    { cause: error },
  );
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
