/**
 * Streamed 2xx bodies: audio handed to the caller chunk by chunk as it arrives, and server-sent
 * events parsed one at a time. Nothing here buffers a whole body. The request's deadline ended
 * when the headers arrived; from then on an idle timeout bounds each wait for the next chunk,
 * and the caller's signal still cancels the download.
 */
import {
  APIConnectionTimeoutError,
  FishAudioError,
  InvalidResponseError,
  type ResponseMismatch,
} from '../errors.js';
import type { ValidationMode } from '../options.js';
import type { Redactor } from '../redact.js';
import { abortError, follow, IdleTimer } from './deadline.js';
import { connectionError } from './network-error.js';
import type { RawResponse } from './response.js';

/** What a stream needs to know of the call that produced it. */
export interface StreamContext {
  /** Milliseconds the body may go without a chunk before it fails. */
  idleTimeout: number;
  /** The caller's signal: aborting it cancels the body. */
  signal: AbortSignal | undefined;
  /** The attempt that produced the response, for errors. */
  attempts: number;
  /** Where the body came from, for messages. */
  baseUrl: string;
  redact: Redactor;
}

/**
 * Re-streams `source` chunk by chunk, failing with `APIConnectionTimeoutError` when no chunk
 * comes within `idleTimeout`, with `APIUserAbortError` when the signal aborts, and with
 * `APIConnectionError` when the connection breaks. Cancelling the result cancels the source,
 * which releases the socket.
 */
export function guardStream(
  source: ReadableStream<Uint8Array>,
  context: StreamContext,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  const { signal, idleTimeout, attempts } = context;
  let fail: (error: Error) => void = () => {};
  const idle = new IdleTimer(idleTimeout, () =>
    fail(new APIConnectionTimeoutError(idleTimeout, { attempts })),
  );
  // The caller's signal, followed through one of the stream's own (see deadline.ts).
  const abortOn = signal && follow(signal);
  const onAbort = () => fail(abortError(signal));
  const stop = () => {
    idle.stop();
    abortOn?.removeEventListener('abort', onAbort);
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        fail = (error) => {
          stop();
          controller.error(error);
          reader.cancel().catch(() => {});
        };
        if (signal?.aborted) return onAbort();
        abortOn?.addEventListener('abort', onAbort, { once: true });
      },
      async pull(controller) {
        idle.waiting();
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await reader.read();
        } catch (error) {
          if (signal?.aborted) return; // already reported by onAbort
          stop();
          controller.error(connectionError(error, { stage: 'stream' }, context));
          return;
        } finally {
          idle.received();
        }
        if (result.done) {
          stop();
          controller.close();
        } else controller.enqueue(result.value);
      },
      cancel(reason) {
        stop();
        return reader.cancel(reason);
      },
    },
    // Pull one chunk at a time: what the caller has not asked for stays in the socket.
    { highWaterMark: 0 },
  );
}

/**
 * Speech audio as it streams from the API. Read it once, in one of these ways:
 *
 * ```ts
 * const audio = await client.tts.convert({ text: 'Hello', reference_id: 'voice-id' });
 * for await (const chunk of audio) player.write(chunk); // chunks as they arrive
 * // or: await audio.arrayBuffer(); await audio.blob(); audio.body (a web ReadableStream)
 * ```
 */
export class AudioResponse implements AsyncIterable<Uint8Array> {
  /** The audio bytes as a web `ReadableStream`, e.g. for `Readable.fromWeb` or `new Response`. */
  readonly body: ReadableStream<Uint8Array>;
  /** The audio's media type, such as `'audio/mpeg'`, from the response. */
  readonly contentType: string;
  /** Status, headers and final URL of the response. */
  readonly response: RawResponse;

  constructor(body: ReadableStream<Uint8Array>, response: RawResponse) {
    this.body = body;
    this.response = response;
    this.contentType = response.headers.get('content-type') ?? 'application/octet-stream';
  }

  /** Yields the chunks as they arrive; leaving the loop early cancels the download. */
  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    const reader = this.#take().getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      await reader.cancel().catch(() => {});
      reader.releaseLock();
    }
  }

  /** The whole audio in memory. */
  async arrayBuffer(): Promise<ArrayBuffer> {
    return new Response(this.#take()).arrayBuffer();
  }

  #read = false;

  /** The body, once: a second read would silently get nothing, or a runtime's TypeError. */
  #take(): ReadableStream<Uint8Array> {
    if (this.#read || this.body.locked) {
      throw new FishAudioError('This audio was already read: an AudioResponse can be read once.');
    }
    this.#read = true;
    return this.body;
  }

  /** The whole audio as a `Blob` of {@link AudioResponse.contentType}. */
  async blob(): Promise<Blob> {
    return new Blob([await this.arrayBuffer()], { type: this.contentType });
  }

  /** Keeps logs short: a stream has no useful JSON form. */
  toJSON(): Record<string, unknown> {
    return { contentType: this.contentType, status: this.response.status };
  }
}

/** How an {@link EventStream} checks and reports each event. */
export interface EventStreamContext extends StreamContext {
  /** The operation, for messages. */
  key: string;
  validateResponses: ValidationMode;
  /** Mismatches of one event against the spec's schema for the stream's events. */
  check: (data: unknown) => Promise<ResponseMismatch[]> | ResponseMismatch[];
  /** Reports drift in 'warn' mode, once per kind (shared with JSON responses). */
  warn: (mismatches: ResponseMismatch[]) => void;
}

/**
 * Server-sent events from the API, each parsed from JSON and checked against the spec's schema
 * as `validateResponses` says. Iterate it once; leaving the loop early cancels the body.
 *
 * ```ts
 * const events = await client.tts.withTimestamps({ text: 'Hi', reference_id: 'voice-id' });
 * for await (const event of events) console.log(event.chunk_seq, event.alignment);
 * ```
 */
export class EventStream<T> implements AsyncIterable<T> {
  readonly #body: ReadableStream<Uint8Array>;
  readonly #context: EventStreamContext;
  /** Status, headers and final URL of the response. */
  readonly response: RawResponse;

  constructor(
    body: ReadableStream<Uint8Array>,
    response: RawResponse,
    context: EventStreamContext,
  ) {
    this.#body = body;
    this.response = response;
    this.#context = context;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    // Loaded on first use, so that apps which never stream events do not ship the parser.
    const { createParser } = await import('eventsource-parser');
    const context = this.#context;
    const ready: unknown[] = [];
    let broken: Error | undefined;
    const parser = createParser({
      onEvent: (event) => {
        // Keep-alives (no data) and events of another type carry nothing for the caller.
        if (event.data.trim() === '' || (event.event && event.event !== 'message')) return;
        const text = context.redact.text(event.data);
        try {
          ready.push(context.redact.value(JSON.parse(text) as unknown));
        } catch {
          broken ??= new InvalidResponseError(
            {
              status: this.response.status,
              headers: this.response.headers,
              body: text,
              attempts: context.attempts,
            },
            `an event's data is not valid JSON`,
          );
        }
      },
    });
    const reader = this.#body.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        // At the end, a blank line completes an event the server did not terminate.
        parser.feed(done ? `${decoder.decode()}\n\n` : decoder.decode(value, { stream: true }));
        for (const data of ready.splice(0)) {
          await this.#check(data);
          yield data as T;
        }
        if (broken) throw broken;
        if (done) return;
      }
    } finally {
      await reader.cancel().catch(() => {});
      reader.releaseLock();
    }
  }

  async #check(data: unknown): Promise<void> {
    const context = this.#context;
    if (context.validateResponses === 'off') return;
    const mismatches = await context.check(data);
    if (mismatches.length === 0) return;
    const { status, headers } = this.response;
    if (context.validateResponses === 'error') {
      throw new InvalidResponseError(
        { status, headers, body: data, attempts: context.attempts },
        `an event does not match the spec for ${context.key}`,
        mismatches,
      );
    }
    context.warn(mismatches);
  }
}
