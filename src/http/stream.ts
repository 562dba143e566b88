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
import { MAX_JSON_DEPTH, jsonDepth, type Redactor } from '../redact.js';
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
 * await pipeline(audio, createWriteStream('out.mp3')); // Node: the same, with backpressure
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
  /** The largest event accepted, in characters of its text (the `maxEventBytes` option). */
  maxEventBytes: number;
  /** Mismatches of one event against the spec's schema for the stream's events. */
  check: (data: unknown) => Promise<ResponseMismatch[]> | ResponseMismatch[];
  /** Reports drift in 'warn' mode, once per kind (shared with JSON responses). */
  warn: (mismatches: ResponseMismatch[]) => void;
}

// The attempt number behind each stream, for errors raised by its readers (collectTimestamps).
const attemptsOf = new WeakMap<object, number>();

/**
 * Server-sent events from the API, each parsed from JSON and checked against the spec's schema
 * as `validateResponses` says. Iterate it once (a second loop throws); leaving the loop early
 * cancels the body. The stream ends with `InvalidResponseError` at the first event that is not
 * JSON, is larger than `maxEventBytes`, or (in `'error'` mode) breaks the schema, and at an
 * `event: error` from the server, whose data becomes the error's `body`; nothing after it is
 * yielded. Events of other named types (a `ping`, say) and keep-alives are skipped.
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
    attemptsOf.set(this, context.attempts);
  }

  #read = false;

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    // Taken before the first await, so a second loop, even a concurrent one, is refused.
    if (this.#read || this.#body.locked) {
      throw new FishAudioError('These events were already read: an EventStream can be read once.');
    }
    this.#read = true;
    const reader = this.#body.getReader();
    const context = this.#context;
    const limit = context.maxEventBytes;
    const ready: unknown[] = [];
    let broken: Error | undefined;
    const invalid = (body: unknown, problem: string) => {
      const { status, headers } = this.response;
      broken ??= new InvalidResponseError(
        { status, headers, body, attempts: context.attempts },
        problem,
      );
    };
    const tooLarge = () =>
      invalid(
        '',
        `an event is larger than maxEventBytes (${limit} characters), so the rest of the stream was not read (raise maxEventBytes if this is expected)`,
      );
    try {
      // Loaded on first use, so that apps which never stream events do not ship the parser.
      const { createParser } = await import('eventsource-parser');
      const parser = createParser({
        // Bounds what the parser holds of one event: its unfinished line and its data so far.
        maxBufferSize: limit,
        onError: (error) => {
          if (error.type === 'max-buffer-size-exceeded') tooLarge();
        },
        onEvent: (event) => {
          // The first bad event ends the stream: nothing after it is yielded.
          if (broken) return;
          // An event that arrived whole within one chunk never sat in the parser's buffer.
          if (event.data.length > limit) return tooLarge();
          if (event.event === 'error') {
            const text = context.redact.text(event.data);
            return invalid(readable(text, context.redact), 'the server sent an error event');
          }
          // Keep-alives (no data) and events of another type carry nothing for the caller.
          if (event.data.trim() === '' || (event.event && event.event !== 'message')) return;
          let value: unknown;
          try {
            value = JSON.parse(event.data);
          } catch {
            return invalid(context.redact.text(event.data), `an event's data is not valid JSON`);
          }
          // A key-free event costs one scan of its text: without an escape, every string of
          // the value stands verbatim in the text, so a text that cannot hold the key gives
          // strings that cannot either. Otherwise the parsed value is redacted, which catches
          // the key however the JSON spelled it.
          const data = event.data;
          const clean = !data.includes('\\') && !context.redact.holds(data);
          ready.push(clean ? value : context.redact.value(value));
        },
      });
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        // At the end, a blank line completes an event the server did not terminate.
        parser.feed(done ? `${decoder.decode()}\n\n` : decoder.decode(value, { stream: true }));
        for (const data of ready.splice(0)) {
          if (context.validateResponses !== 'off') {
            // Synchronous once the validator is loaded: no promise per event.
            const found = context.check(data);
            this.#report(data, Array.isArray(found) ? found : await found);
          }
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

  /** Throws or warns, as `validateResponses` says, when an event breaks the schema. */
  #report(data: unknown, mismatches: ResponseMismatch[]): void {
    const context = this.#context;
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

/**
 * The error for an event a reader of `source` cannot use (`collectTimestamps`): an
 * `InvalidResponseError` with the response's facts when `source` is the client's
 * {@link EventStream}, else a plain `FishAudioError` (nothing says a server sent it).
 */
export function invalidEvent(source: unknown, body: unknown, problem: string): FishAudioError {
  if (source instanceof EventStream) {
    const { status, headers } = (source as EventStream<unknown>).response;
    const attempts = attemptsOf.get(source) ?? 1;
    return new InvalidResponseError({ status, headers, body, attempts }, problem);
  }
  return new FishAudioError(`An event cannot be used: ${problem}.`);
}

/** Redacted text as a body: parsed when it is JSON shallow enough to show, else the text. */
function readable(text: string, redact: Redactor): unknown {
  try {
    const value = JSON.parse(text) as unknown;
    return jsonDepth(value) <= MAX_JSON_DEPTH ? redact.value(value) : text;
  } catch {
    return text;
  }
}

// A media type's two tokens (RFC 9110 §8.3.1), compared in lower case.
const TOKEN = "[!#$%&'*+.^_`|~0-9a-z-]+";
const MEDIA_TYPE = new RegExp(`^(${TOKEN})/(${TOKEN})$`);

/**
 * Whether a streamed 2xx's `content-type` is the `documented` one (which may be a range such as
 * `audio/*`). Parameters (`; charset=…`) and case do not matter. A missing or blank header is
 * accepted: proxies and CDNs drop it, and the bytes may still be what was asked for.
 */
export function isDocumentedMediaType(header: string | null, documented: string): boolean {
  const essence = mediaTypeOf(header);
  if (essence === '') return true;
  const match = MEDIA_TYPE.exec(essence);
  if (!match) return false;
  const [type, subtype] = documented.toLowerCase().split('/');
  return (type === '*' || type === match[1]) && (subtype === '*' || subtype === match[2]);
}

/** The media type of a `content-type` header without its parameters, in lower case, cut short. */
export function mediaTypeOf(header: string | null): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase().slice(0, 100);
}
