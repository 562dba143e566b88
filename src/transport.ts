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

/** What one attempt needs to know; the client builds it from its options. */
export interface AttemptOptions {
  fetch: Fetch;
  timeoutMs: number;
  maxResponseBytes: number;
  signal?: AbortSignal | undefined;
  /** Named in connection errors; never contains the key. */
  baseUrl: string;
  /** Removes secrets from text that ends up in an error. */
  redact: (text: string) => string;
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
  // Settles the attempt when the deadline or the caller aborts, even if a custom fetch (or its
  // body stream) ignores the signal and would otherwise never settle.
  let stopWaiting = () => {};
  const aborted = new Promise<never>((_resolve, reject) => {
    const onStop = () => reject(controller.signal.reason);
    controller.signal.addEventListener('abort', onStop, { once: true });
    stopWaiting = () => controller.signal.removeEventListener('abort', onStop);
  });

  const meta: AttemptMeta = { url: '' };
  let reachedFetch = false;
  // `send` puts the signal on the Request itself, so even a custom fetch that ignores its
  // second argument is cancelled by it.
  const boundedFetch: Fetch = async (request) => {
    reachedFetch = true;
    const response = await options.fetch(request);
    meta.url = response.url;
    return readBounded(response, options.maxResponseBytes);
  };

  const attempt = send(boundedFetch, controller.signal, meta);
  try {
    // The deadline stays armed until `send` has read the body, so a stalled body times out.
    return await Promise.race([attempt, aborted]);
  } catch (error) {
    // The losing side of the race may still reject later; nobody else will listen to it.
    attempt.catch(() => {});
    if (signal?.aborted) throw new APIUserAbortError();
    if (timedOut) throw new APIConnectionTimeoutError(options.timeoutMs);
    if (error instanceof FishAudioError) throw error;
    // Before fetch, the request itself could not be built (a bad header value, say): a
    // mistake in the options, not the network, so it is neither retried nor blamed on it.
    if (!reachedFetch) {
      throw new FishAudioError(
        `Could not build the request: ${options.redact(describe(error))}. Check the headers and options.`,
      );
    }
    throw connectionError(error, options);
  } finally {
    clearTimeout(timer);
    stopWaiting();
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Makes sure no more than `limit` bytes of body will be read. A larger 2xx body is refused
 * (declared: at once; undeclared: as soon as the count passes `limit`); a larger error body is
 * cut at `limit`, so that the error keeps its status and class.
 */
async function readBounded(response: Response, limit: number): Promise<Response> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > limit && response.ok) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(response, limit);
  }
  // A declared, uncompressed length within the limit is enforced by fetch itself: no copy
  // needed. A compressed body's length says nothing about its decoded size, so it is counted.
  const encoding = response.headers.get('content-encoding');
  const plain = !encoding || encoding === 'identity';
  if (response.headers.has('content-length') && plain && declared <= limit) return response;

  const chunks: Uint8Array[] = [];
  let total = 0;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (total + value.byteLength > limit) {
        await reader.cancel().catch(() => {});
        if (response.ok) throw tooLarge(response, limit);
        chunks.push(value.subarray(0, limit - total));
        total = limit;
        break;
      }
      total += value.byteLength;
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

function connectionError(error: unknown, options: AttemptOptions): APIConnectionError {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const detail = options.redact(cause?.code ?? cause?.message ?? describe(error));
  // Only a cleaned copy of the cause is kept: a custom fetch may attach anything to its
  // errors, the Request with its Authorization header included.
  const safeCause = {
    name: (error as Error)?.name ?? 'Error',
    code: cause?.code,
    message: options.redact(describe(error)),
  };
  return new APIConnectionError(
    `Could not reach ${options.baseUrl} (${detail}). Check the network and the baseUrl option.`,
    { cause: safeCause },
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
