import createClient from 'openapi-fetch';
import { APIPromise } from './api-promise.js';
import { APIConnectionError, APIError, FishAudioError, InvalidResponseError } from './errors.js';
import { operationManifest } from './generated/operations.js';
import {
  checkHeaders,
  checkRetries,
  checkTimeout,
  resolveOptions,
  type ClientOptions,
  type RequestOptions,
  type ResolvedOptions,
} from './options.js';
import { prepareParams, type OperationKey, type PreparedParams } from './params.js';
import { isRetryable, retryDelay, sleep } from './retry.js';
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
  readonly #options: ResolvedOptions;
  readonly #http: LooseClient;
  // Each distinct mismatch is reported once per client, not once per call.
  readonly #warned = new Set<string>();

  constructor(options: ClientOptions = {}) {
    this.#options = resolveOptions(options);
    this.baseUrl = this.#options.baseUrl;
    const headers = new Headers({
      Authorization: `Bearer ${this.#options.apiKey}`,
      Accept: 'application/json',
      'User-Agent': `fish-audio-api/${VERSION}`,
    });
    this.#options.defaultHeaders.forEach((value, name) => headers.set(name, value));
    this.#http = createClient({ baseUrl: this.baseUrl, headers }) as unknown as LooseClient;
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
    const maxRetries = checkRetries(options.maxRetries ?? this.#options.maxRetries);
    const timeoutMs = checkTimeout(options.timeout ?? this.#options.timeout);
    const headers = checkHeaders('headers', options.headers);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#attempt(key, prepared, { ...options, headers }, timeoutMs, attempt);
      } catch (error) {
        if (!(error instanceof FishAudioError)) throw error;
        if (error instanceof APIConnectionError) error.recordAttempts(attempt);
        const retryable = isRetryable(error, operation.method, options.idempotent);
        if (!retryable || attempt > maxRetries) throw error;
        const delay = retryDelay(attempt, error, this.#options.backoff);
        // The server asked for a longer wait than we sleep through: the caller decides.
        if (delay === undefined) throw error;
        await sleep(delay, options.signal);
      }
    }
  }

  async #attempt(
    key: OperationKey,
    params: PreparedParams,
    options: Omit<RequestOptions, 'headers'> & { headers: Headers },
    timeoutMs: number,
    attempt: number,
  ): Promise<WithResponse<unknown>> {
    const operation = operationManifest[key];
    const redact = this.#redact;
    const deadline = {
      fetch: this.#options.fetch,
      timeoutMs,
      maxResponseBytes: this.#options.maxResponseBytes,
      signal: options.signal,
      baseUrl: this.baseUrl,
      redact,
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
        // A server that echoes the request (a debug endpoint, a proxy) must not put the key
        // into an error that ends up in logs.
        throw APIError.from({ ...info, body: redactDeep(result.error ?? '', redact) });
      }
      return {
        data: parseSuccessBody(response, result.data, redact),
        response: { status: response.status, headers: response.headers, url: meta.url },
      };
    });
    this.#checkAgainstSpec(key, result);
    return result;
  }

  /** Replaces the API key in text bound for an error or a log line. */
  readonly #redact = (text: string): string => text.split(this.#options.apiKey).join('[redacted]');

  #checkAgainstSpec(key: OperationKey, { data, response }: WithResponse<unknown>): void {
    if (this.#options.validateResponses === 'off') return;
    const mismatches = validateResponse(key, response.status, data);
    if (mismatches.length === 0) return;
    if (this.#options.validateResponses === 'error') {
      throw new InvalidResponseError(
        {
          status: response.status,
          headers: response.headers,
          body: redactDeep(data, this.#redact),
        },
        `the body does not match the spec for ${key}`,
        mismatches,
      );
    }
    const report = `${key} ${response.status}: ${formatMismatches(mismatches)}`;
    if (this.#warned.has(report)) return;
    this.#warned.add(report);
    this.#options.logger.warn(`fish-audio-api: response differs from the spec: ${report}`);
  }
}

function parseSuccessBody(
  response: Response,
  text: unknown,
  redact: (text: string) => string,
): Record<string, unknown> {
  const info = { status: response.status, headers: response.headers };
  if (typeof text !== 'string' || text.trim() === '') {
    throw new InvalidResponseError({ ...info, body: '' }, 'the body is empty');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new InvalidResponseError({ ...info, body: redact(text) }, 'the body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidResponseError(
      { ...info, body: redactDeep(body, redact) },
      'the body is not a JSON object',
    );
  }
  return body as Record<string, unknown>;
}

/** Copies a parsed body with every string passed through `redact`. */
function redactDeep(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redact));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [redact(key), redactDeep(item, redact)]),
    );
  }
  return value;
}
