/**
 * A live text-to-speech session over one WebSocket: text goes up as it is written, audio
 * comes back as it is made. Every frame is msgpack (see `messages.ts`).
 */
import { decode, encode } from '@msgpack/msgpack';
import type { FishAudio } from '../client.js';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  FishAudioError,
  InvalidOptionError,
  InvalidParameterError,
  RealtimeError,
} from '../errors.js';
import {
  checkHeaders,
  checkTimeout,
  isUsableHeaderValue,
  type ResolvedOptions,
} from '../options.js';
import { abortError, follow, IdleTimer } from '../http/deadline.js';
import { identityHeaders } from '../http/identity.js';
import { connectionError, describe, networkCode } from '../http/network-error.js';
import { redactor, type Redactor } from '../redact.js';
import { RESOLVED_OPTIONS } from '../resolved-options.js';
import type { ClientEvent, LiveModel, LiveTTSRequest } from './messages.js';
import { loadWebSocket, type LiveSocket, type SocketEvent, type SocketRuntime } from './socket.js';

/** The session's configuration: the TTS request's fields, and `model`, which is a header. */
export type LiveRequest = Partial<LiveTTSRequest> & {
  /** Sent as the handshake's `model` header; without it the server uses the paid `s2.1-pro`. */
  model?: LiveModel;
};

/** Options of one live session. */
export interface LiveOptions {
  /** Aborts the session; it then fails with `APIUserAbortError` whose `cause` is the reason. */
  signal?: AbortSignal;
  /**
   * Ms the handshake may take, and then the longest silence while the server owes a frame:
   * after `flush()` until audio arrives, and after `end()` between frames until `finish`.
   * Defaults to the client's `timeout`. Exceeding it fails with `APIConnectionTimeoutError`.
   */
  timeout?: number;
  /** Ms between pings that keep idle proxies from closing the socket (`ws` only); 0: none. */
  keepalive?: number;
  /** Extra handshake headers; they override the client's `defaultHeaders`. */
  headers?: Record<string, string>;
  /** @internal Tests choose the WebSocket. */
  runtime?: SocketRuntime;
}

/** The default ping interval: well under the minute after which proxies drop idle sockets. */
export const DEFAULT_KEEPALIVE_MS = 20_000;

// The handshake of a refused connection carries a short body; more is not worth reading.
const MAX_REFUSAL_BODY = 64 * 1024;
const LIVE_PATH = '/v1/tts/live';
const OPTIONS = ['signal', 'timeout', 'keepalive', 'headers', 'runtime'];
// Module-private doors for `liveSpeech`: end a session with its text source's error, and see
// whether it is over. Not exported.
const FAIL = Symbol('fail');
const OVER = Symbol('over');

type State = 'connecting' | 'open' | 'ending' | 'finished' | 'failed';

/**
 * Opens a live session: resolves once the server has accepted the handshake and the `start`
 * event is sent. A refused handshake rejects with the HTTP error of its status
 * (`AuthenticationError` for a bad key) where the runtime reports it (`ws` does).
 *
 * ```ts
 * const session = await openLiveSession(client, { reference_id: 'voice-id', format: 'mp3' });
 * session.send('Hello there. ');
 * session.end();
 * for await (const chunk of session) output.write(chunk);
 * ```
 */
export async function openLiveSession(
  client: FishAudio,
  request: LiveRequest = {},
  options: LiveOptions = {},
): Promise<LiveSession> {
  const resolved = clientOptions(client);
  const settings = checkOptions(options, resolved);
  const { model, ...fields } = checkRequest(request);
  const headers = identityHeaders(resolved, {
    ...settings.headers,
    ...(model === undefined ? {} : { model }),
  });
  if (settings.signal?.aborted) throw abortError(settings.signal);
  const open = await loadWebSocket(settings.runtime);
  if (settings.signal?.aborted) throw abortError(settings.signal);
  const url = resolved.baseUrl.replace(/^http/, 'ws') + LIVE_PATH;
  const session = new LiveSession(
    open(url, headers),
    { text: '', ...fields },
    { ...settings, baseUrl: resolved.baseUrl, redact: redactor(resolved.apiKey) },
  );
  await session[OPENED];
  return session;
}

const OPENED = Symbol('opened');

interface SessionSettings {
  signal: AbortSignal | undefined;
  timeout: number;
  keepalive: number;
  baseUrl: string;
  redact: Redactor;
}

/**
 * One live session, made by {@link openLiveSession}. Write with `send`, `flush` and `end`;
 * read the audio with `for await`; `done` settles when the session does. Leaving the loop
 * early closes the session.
 */
export class LiveSession implements AsyncIterable<Uint8Array> {
  /**
   * Resolves when the server finishes with `finish: stop`; rejects with `RealtimeError` on
   * `finish: error` or a connection closed before it, `APIConnectionTimeoutError` on
   * silence, `APIUserAbortError` on abort. The loop over the audio throws the same error.
   */
  readonly done: Promise<void>;
  readonly #socket: LiveSocket;
  readonly #settings: SessionSettings;
  readonly #start: LiveTTSRequest;
  #state: State = 'connecting';
  #failure: Error | undefined;
  // A refused handshake is being read: the socket's own error and close are not news.
  #refused = false;
  #owed = false;
  #audio: Uint8Array[] = [];
  #waiter:
    { resolve: (r: IteratorResult<Uint8Array>) => void; reject: (e: Error) => void } | undefined;
  // The silence deadline: armed while the server owes a frame.
  readonly #idle: IdleTimer;
  // The caller's signal, followed through one of the session's own (see http/deadline.ts).
  readonly #abortOn: AbortSignal | undefined;
  #pinger: ReturnType<typeof setInterval> | undefined;
  #settle!: { resolve: () => void; reject: (error: Error) => void };
  #opening!: { resolve: () => void; reject: (error: Error) => void };
  /** @internal */
  readonly [OPENED]: Promise<void>;

  /** @internal Use {@link openLiveSession}. */
  constructor(socket: LiveSocket, start: LiveTTSRequest, settings: SessionSettings) {
    this.#socket = socket;
    this.#start = start;
    this.#settings = settings;
    this.done = new Promise((resolve, reject) => (this.#settle = { resolve, reject }));
    this[OPENED] = new Promise((resolve, reject) => (this.#opening = { resolve, reject }));
    // Whoever reads only the audio hears of a failure from the loop, not as unhandled.
    this.done.catch(() => {});
    this[OPENED].catch(() => {});
    socket.binaryType = 'arraybuffer';
    socket.addEventListener('open', () => this.#onOpen());
    socket.addEventListener('message', (event) => this.#onMessage(event));
    socket.addEventListener('error', (event) => this.#onError(event));
    socket.addEventListener('close', (event) => this.#onClose(event));
    // `ws` reports a refused handshake's status here; other runtimes only say it failed.
    socket.on?.(
      'unexpected-response',
      ((request: unknown, response: RefusalResponse) =>
        void this.#onRefused(request, response)) as (...args: never[]) => void,
    );
    this.#idle = new IdleTimer(settings.timeout, () =>
      this.#fail(new APIConnectionTimeoutError(settings.timeout, { attempts: 1 })),
    );
    this.#abortOn = settings.signal && follow(settings.signal);
    this.#abortOn?.addEventListener('abort', this.#onAbort, { once: true });
    this.#arm();
  }

  /** Sends a piece of text. The server buffers it by `chunk_length` before speaking it. */
  send(text: string): void {
    if (typeof text !== 'string') {
      throw new InvalidParameterError('text', `text must be a string, got ${typeof text}.`);
    }
    this.#checkWritable('send');
    if (text !== '') this.#write({ event: 'text', text });
  }

  /** Asks the server to speak the buffered text now, without waiting for more. */
  flush(): void {
    this.#checkWritable('flush');
    this.#write({ event: 'flush' });
    if (!this.#owed) {
      this.#owed = true;
      this.#arm();
    }
  }

  /** Says that no more text follows: the server speaks the rest, then sends `finish`. */
  end(): void {
    this.#checkWritable('end');
    this.#write({ event: 'stop' });
    this.#state = 'ending';
    this.#arm();
  }

  /** Closes the connection now, without the rest of the audio; `done` resolves. */
  close(): void {
    if (this.#over()) return;
    this.#audio = [];
    this.#finish();
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: () => this.#next(),
      return: async () => {
        this.close();
        return { done: true, value: undefined };
      },
    };
  }

  /** @internal Ends the session with `error`, such as the failure of a text source. */
  [FAIL](error: Error): void {
    this.#fail(error);
  }

  /** @internal Whether the session is finished, failed or closed. */
  [OVER](): boolean {
    return this.#over();
  }

  #next(): Promise<IteratorResult<Uint8Array>> {
    const chunk = this.#audio.shift();
    if (chunk) return Promise.resolve({ done: false, value: chunk });
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#state === 'finished') return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => (this.#waiter = { resolve, reject }));
  }

  #checkWritable(method: string): void {
    if (this.#failure) throw this.#failure;
    if (this.#state !== 'open') {
      throw new FishAudioError(`${method}() after end() or close(): the session takes no more.`);
    }
  }

  #write(message: ClientEvent): void {
    this.#socket.send(encode(message));
  }

  #over(): boolean {
    return this.#state === 'finished' || this.#state === 'failed';
  }

  #onOpen(): void {
    if (this.#state !== 'connecting') return;
    this.#state = 'open';
    this.#disarm();
    this.#write({ event: 'start', request: this.#start });
    const { keepalive } = this.#settings;
    if (keepalive > 0 && typeof this.#socket.ping === 'function') {
      this.#pinger = setInterval(() => this.#ping(), keepalive);
    }
    this.#opening.resolve();
  }

  #ping(): void {
    try {
      this.#socket.ping?.();
    } catch {
      // A socket that is closing refuses pings; its close event reports what matters.
    }
  }

  #onMessage(event: SocketEvent): void {
    if (this.#over()) return;
    if (this.#state === 'ending') this.#arm();
    else if (this.#owed) {
      this.#owed = false;
      this.#disarm();
    }
    // Text frames are not part of the protocol: ignored, like unknown events.
    if (!(event.data instanceof ArrayBuffer)) return;
    let message: unknown;
    try {
      message = decode(new Uint8Array(event.data));
    } catch {
      return this.#fail(new RealtimeError('The server sent a frame that is not msgpack.'));
    }
    if (typeof message !== 'object' || message === null) return;
    const { event: kind, audio, reason } = message as Record<string, unknown>;
    if (kind === 'audio') {
      if (!(audio instanceof Uint8Array)) {
        return this.#fail(new RealtimeError('The server sent an audio event without bytes.'));
      }
      if (this.#waiter) this.#take().resolve({ done: false, value: audio });
      else this.#audio.push(audio);
    } else if (kind === 'finish') {
      if (reason === 'stop') this.#finish();
      else {
        this.#fail(
          new RealtimeError(
            `The server ended the live session with finish: ${describeReason(reason, this.#settings.redact)}.`,
          ),
        );
      }
    }
  }

  #onError(event: SocketEvent): void {
    if (this.#over() || this.#refused) return;
    const { baseUrl, redact } = this.#settings;
    const error = event.error ?? { message: event.message ?? 'WebSocket error' };
    if (this.#state === 'connecting') {
      this.#fail(connectionError(error, { stage: 'live-open' }, { baseUrl, attempts: 1, redact }));
    } else {
      const detail = networkCode(error) ?? redact.text(describe(error));
      this.#fail(new RealtimeError(`The live session's connection failed (${detail}).`));
    }
  }

  #onClose(event: SocketEvent): void {
    if (this.#over() || this.#refused) return;
    const code = event.code;
    const reason = this.#settings.redact.text(event.reason ?? '').slice(0, 200);
    const said = `code ${code ?? 'unknown'}${reason ? `: ${reason}` : ''}`;
    if (this.#state === 'connecting') {
      this.#fail(
        new APIConnectionError(
          `The live session at ${this.#settings.baseUrl} closed during its handshake (${said}).`,
          { attempts: 1 },
        ),
      );
    } else {
      this.#fail(
        new RealtimeError(`The live session's connection closed before finish (${said}).`, {
          closeCode: code,
        }),
      );
    }
  }

  /** A refused handshake (ws): the error of its HTTP status, its body read within a bound. */
  async #onRefused(request: unknown, response: RefusalResponse): Promise<void> {
    if (this.#over()) return;
    this.#refused = true;
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for await (const chunk of response) {
        chunks.push(chunk);
        size += chunk.byteLength;
        if (size >= MAX_REFUSAL_BODY) break;
      }
    } catch {
      // The status alone decides the error's class; a broken body leaves it empty.
    }
    const { redact } = this.#settings;
    const text = redact.text(
      new TextDecoder().decode(concat(chunks).subarray(0, MAX_REFUSAL_BODY)),
    );
    let body: unknown = text;
    try {
      body = text ? (JSON.parse(text) as unknown) : '';
    } catch {
      // Not JSON: the text stands.
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(response.headers ?? {})) {
      if (typeof value === 'string') headers.set(name, value);
      else if (Array.isArray(value)) for (const item of value) headers.append(name, String(item));
    }
    this.#fail(
      APIError.from({
        status: response.statusCode ?? 0,
        headers: redact.headers(headers),
        body,
        attempts: 1,
      }),
    );
    (request as { destroy?: () => void } | null)?.destroy?.();
  }

  readonly #onAbort = () => {
    this.#audio = [];
    this.#fail(abortError(this.#settings.signal));
  };

  /** (Re)starts the silence deadline. */
  #arm(): void {
    this.#idle.waiting();
  }

  #disarm(): void {
    this.#idle.received();
  }

  #take() {
    const waiter = this.#waiter!;
    this.#waiter = undefined;
    return waiter;
  }

  #stop(): void {
    this.#idle.stop();
    clearInterval(this.#pinger);
    this.#abortOn?.removeEventListener('abort', this.#onAbort);
  }

  #finish(): void {
    this.#state = 'finished';
    this.#stop();
    this.#closeSocket();
    this.#settle.resolve();
    this.#opening.reject(new RealtimeError('The live session closed during its handshake.'));
    if (this.#waiter) this.#take().resolve({ done: true, value: undefined });
  }

  #fail(error: Error): void {
    if (this.#over()) return;
    const wasConnecting = this.#state === 'connecting';
    this.#state = 'failed';
    this.#failure = error;
    this.#stop();
    if (wasConnecting && typeof this.#socket.terminate === 'function') this.#socket.terminate();
    else this.#closeSocket();
    this.#opening.reject(error);
    this.#settle.reject(error);
    if (this.#waiter) this.#take().reject(error);
  }

  #closeSocket(): void {
    try {
      this.#socket.close(1000);
    } catch {
      // Already closing or closed.
    }
  }
}

/** What `ws` hands to `unexpected-response`: Node's IncomingMessage, as far as it is read. */
interface RefusalResponse extends AsyncIterable<Uint8Array> {
  statusCode?: number;
  headers?: Record<string, string | string[] | undefined>;
}

/**
 * Speaks text as it is written: sends each string of `text` as it comes (an LLM's tokens, say)
 * and yields the audio chunks as they arrive, usually while `text` is still being written.
 * Leaving the loop early closes the session; an error of `text` ends it and is thrown here.
 *
 * ```ts
 * for await (const chunk of liveSpeech(client, tokens, { reference_id: 'voice-id' })) {
 *   speaker.write(chunk);
 * }
 * ```
 */
export async function* liveSpeech(
  client: FishAudio,
  text: AsyncIterable<string> | Iterable<string>,
  request?: LiveRequest,
  options?: LiveOptions,
): AsyncGenerator<Uint8Array, void, undefined> {
  const session = await openLiveSession(client, request, options);
  const pump = async () => {
    for await (const piece of text) {
      if (session[OVER]()) return;
      session.send(piece);
    }
    if (!session[OVER]()) session.end();
  };
  pump().catch((error: unknown) =>
    session[FAIL](error instanceof Error ? error : new FishAudioError(String(error))),
  );
  try {
    yield* session;
  } finally {
    session.close();
  }
}

function clientOptions(client: FishAudio): ResolvedOptions {
  const read = (client as Partial<Record<typeof RESOLVED_OPTIONS, () => ResolvedOptions>> | null)?.[
    RESOLVED_OPTIONS
  ];
  if (typeof read !== 'function') {
    throw new InvalidOptionError('client', 'client must be a FishAudio client.');
  }
  return read.call(client);
}

function checkOptions(options: LiveOptions, client: ResolvedOptions) {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', 'options must be an object.');
  }
  for (const name of Object.keys(options)) {
    if (!OPTIONS.includes(name)) {
      throw new InvalidOptionError(name, `Unknown option "${name}" of a live session.`);
    }
  }
  const { signal, keepalive = DEFAULT_KEEPALIVE_MS } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidOptionError('signal', 'signal must be an AbortSignal.');
  }
  if (!Number.isSafeInteger(keepalive) || keepalive < 0) {
    throw new InvalidOptionError('keepalive', 'keepalive must be a whole number of ms, 0 or more.');
  }
  return {
    signal,
    keepalive,
    timeout: options.timeout === undefined ? client.timeout : checkTimeout(options.timeout),
    headers: checkHeaders('headers', options.headers),
    runtime: options.runtime,
  };
}

function checkRequest(request: LiveRequest): LiveRequest {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new InvalidParameterError('request', 'request must be an object.');
  }
  const { model } = request;
  if (model !== undefined && (typeof model !== 'string' || !isUsableHeaderValue(model))) {
    throw new InvalidParameterError('model', 'model must be a string a header can carry.');
  }
  return request;
}

/** A finish reason fit for a message: redacted whole first, since a cut key would not match. */
function describeReason(reason: unknown, redact: Redactor): string {
  if (typeof reason !== 'string') return 'error';
  return redact
    .text(reason)
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 40);
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
