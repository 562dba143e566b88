/**
 * One HTTP attempt with a deadline and a size bound. The deadline covers the whole exchange,
 * body included, so a server that sends headers and then stalls still times out; the body is
 * read here, chunk by chunk, so an oversized one is refused without being buffered whole.
 */
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  FishAudioError,
  InvalidResponseError,
} from './errors.js';
import type { Fetch } from './options.js';

export interface AttemptOptions {
  fetch: Fetch;
  timeoutMs: number;
  maxResponseBytes: number;
  signal?: AbortSignal | undefined;
  /** Named in connection errors; never contains the key. */
  baseUrl: string;
}

/** What the attempt saw of the real response before it was buffered. */
export interface AttemptMeta {
  url: string;
}

/**
 * Runs `send` with a fetch that obeys the deadline, the caller's signal and the size bound,
 * and turns whatever goes wrong without a response into a typed error.
 */
export async function withDeadline<T>(
  options: AttemptOptions,
  send: (fetch: Fetch, signal: AbortSignal, meta: AttemptMeta) => Promise<T>,
): Promise<T> {
  const { signal } = options;
  if (signal?.aborted) throw new APIUserAbortError();
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });

  const meta: AttemptMeta = { url: '' };
  // `send` puts the signal on the Request itself, so even a custom fetch that ignores its
  // second argument is cancelled by it.
  const boundedFetch: Fetch = async (request) => {
    const response = await options.fetch(request);
    meta.url = response.url;
    return readBounded(response, options.maxResponseBytes);
  };

  try {
    // The deadline stays armed until `send` has read the body, so a stalled body times out.
    return await send(boundedFetch, controller.signal, meta);
  } catch (error) {
    if (signal?.aborted) throw new APIUserAbortError();
    if (timedOut) throw new APIConnectionTimeoutError(options.timeoutMs);
    if (error instanceof FishAudioError) throw error;
    throw connectionError(error, options.baseUrl);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Makes sure no more than `limit` bytes of body will be read: refuses a larger declared
 * length at once, and buffers a body of unknown length chunk by chunk, stopping past `limit`.
 */
async function readBounded(response: Response, limit: number): Promise<Response> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > limit) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(response, limit);
  }
  // A declared, uncompressed length is enforced by fetch itself: no copy needed. (A compressed
  // body's length says nothing about its decoded size, so it takes the counting path.)
  const encoding = response.headers.get('content-encoding');
  if (response.headers.has('content-length') && (!encoding || encoding === 'identity')) {
    return response;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => {});
        throw tooLarge(response, limit);
      }
      chunks.push(value);
    }
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  const noBody = [204, 205, 304].includes(response.status);
  return new Response(noBody ? null : body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

function tooLarge(response: Response, limit: number): InvalidResponseError {
  return new InvalidResponseError(
    { status: response.status, headers: response.headers, body: '' },
    `the body is larger than ${limit} bytes, so it was not read (raise maxResponseBytes if this is expected)`,
  );
}

function connectionError(error: unknown, baseUrl: string): APIConnectionError {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const detail = cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
  return new APIConnectionError(
    `Could not reach ${baseUrl} (${detail}). Check the network and the baseUrl option.`,
    { cause: error },
  );
}
