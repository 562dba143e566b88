/**
 * A live text-to-speech session over one WebSocket: text goes up as it is written, audio
 * comes back as it is made. Every frame is msgpack (see `messages.ts`).
 */
import { encode } from '@msgpack/msgpack';
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
import { connectionError, describe, handshakeStatus, networkCode } from '../http/network-error.js';
import { MAX_JSON_DEPTH, jsonDepth, redactor, type Redactor } from '../redact.js';
import { RESOLVED_OPTIONS } from '../resolved-options.js';
import {
  MAX_FRAME_BYTES,
  readServerFrame,
  type ClientEvent,
  type LiveModel,
  type LiveTTSRequest,
} from './messages.js';
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
   * after `flush()` until audio arrives, and after `end()` between frames until `finish`
   * (events of unknown kinds are no progress; a wait held back by `maxQueuedBytes` is no
   * silence). Defaults to the client's `timeout`. Exceeding it fails with
   * `APIConnectionTimeoutError`.
   */
  timeout?: number;
  /** Ms between pings that keep idle proxies from closing the socket (`ws` only); 0: none. */
  keepalive?: number;
  /** Extra handshake headers; they override the client's `defaultHeaders`. */
  headers?: Record<string, string>;
  /**
   * Bytes of audio received but not yet read that the session holds (default 4 MiB). Past it
   * the socket stops reading, so the server waits on TCP until the reader catches up (`ws`,
   * Bun). Deno's WebSocket cannot pause: there the session fails with `RealtimeError` instead.
   * `Infinity`: no bound.
   */
  maxQueuedBytes?: number;
  /** @internal Tests choose the WebSocket. */
  runtime?: SocketRuntime;
}

/** The default ping interval: well under the minute after which proxies drop idle sockets. */
export const DEFAULT_KEEPALIVE_MS = 20_000;

/** The default bound on unread audio: minutes of mp3, most of a minute of 44.1 kHz pcm. */
export const DEFAULT_MAX_QUEUED_BYTES = 4 * 1024 * 1024;

/**
 * Ms the server has, once the session closes its socket, to answer the closing handshake;
 * then the connection is destroyed (`ws` alone would hold it, and the process, for 30 s).
 */
export const CLOSE_GRACE_MS = 1000;

/** The handshake of a refused connection carries a short body; more is not worth reading. */
export const MAX_REFUSAL_BODY = 64 * 1024;
// Server text is redacted before it is cut. Where it was cut on arrival, the last this many
// characters may hold the start of a key, whole keys (percent-encoded ones too) are shorter,
// and they are dropped.
const CUT_MARGIN = 1024;
const LIVE_PATH = '/v1/tts/live';
const OPTIONS = ['signal', 'timeout', 'keepalive', 'headers', 'maxQueuedBytes', 'runtime'];
// Module-private doors for `liveSpeech`: end a session with its text source's error, and see
// whether it is over. Not exported.
const FAIL = Symbol('fail');
const OVER = Symbol('over');

type State = 'connecting' | 'open' | 'ending' | 'finished' | 'failed';

/**
 * Opens a live session: resolves once the server has accepted the handshake and the `start`
 * event is sent. A refused handshake rejects with the HTTP error of its status
 * (`AuthenticationError` for a bad key): `ws` reports the response, Bun and Deno its status.
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
// WebSocket.CLOSED, which every runtime's socket shares.
const CLOSED = 3;

interface SessionSettings {
  signal: AbortSignal | undefined;
  timeout: number;
  keepalive: number;
  maxQueuedBytes: number;
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
  // The bytes in #audio, and whether the socket stopped reading because of them.
  #queued = 0;
  #paused = false;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;
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
    // Frames as Node Buffers where the socket has them (`ws`, Bun): a view of what was read,
    // where an ArrayBuffer socket copies every frame (slowly: 12 % of a burst's CPU); elsewhere
    // (browsers, Deno) ArrayBuffers. Each audio chunk is then copied out on its own (below).
    try {
      socket.binaryType = 'nodebuffer';
    } catch {
      // A runtime that throws on a value it does not know: the standard one below.
    }
    if (socket.binaryType !== 'nodebuffer') socket.binaryType = 'arraybuffer';
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
      if (!this.#paused) this.#arm();
    }
  }

  /** Says that no more text follows: the server speaks the rest, then sends `finish`. */
  end(): void {
    this.#checkWritable('end');
    this.#write({ event: 'stop' });
    this.#state = 'ending';
    if (!this.#paused) this.#arm();
  }

  /** Closes the connection now, without the rest of the audio; `done` resolves. */
  close(): void {
    if (this.#over()) return;
    this.#drop();
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
    if (chunk) {
      this.#queued -= chunk.byteLength;
      if (this.#paused && this.#queued <= this.#settings.maxQueuedBytes) this.#resume();
      return Promise.resolve({ done: false, value: chunk });
    }
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
    const { data } = event;
    const { redact } = this.#settings;
    if (typeof data === 'string') {
      return this.#fail(
        new RealtimeError(
          `The server sent a text frame, which the live protocol does not use: "${quote(data, redact, 200)}".`,
        ),
      );
    }
    const bytes =
      data instanceof ArrayBuffer
        ? new Uint8Array(data)
        : ArrayBuffer.isView(data)
          ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
          : undefined;
    if (bytes === undefined) {
      return this.#fail(new RealtimeError('The server sent a frame of an unknown kind.'));
    }
    const frame = readServerFrame(bytes);
    if (frame.kind === 'invalid') {
      const detail = frame.detail === undefined ? '' : ` (${quote(frame.detail, redact, 200)})`;
      return this.#fail(new RealtimeError(`The server sent ${frame.problem}${detail}.`));
    }
    // Only the protocol's own frames answer what is owed: an unknown event, however often it
    // comes, does not keep a session that never finishes alive.
    if (frame.kind === 'other') return;
    if (this.#owed) {
      this.#owed = false;
      this.#disarm();
    }
    if (frame.kind === 'audio') {
      // An empty chunk carries nothing, and would pass maxQueuedBytes uncounted: a flood of them
      // would grow the queue without bound. It still answers what was owed.
      if (frame.audio.byteLength > 0) {
        // A copy of its own: the frame is a view of a whole socket read, so a chunk must not
        // share its buffer with other frames (a transfer of `chunk.buffer` would empty them,
        // and `chunk.buffer` would show their bytes). Copying only the audio costs less than
        // the copy of every frame an ArrayBuffer socket makes.
        const audio = new Uint8Array(frame.audio);
        if (this.#waiter) this.#take().resolve({ done: false, value: audio });
        else this.#enqueue(audio);
      }
      if (this.#state === 'ending' && !this.#paused) this.#arm();
    } else if (frame.reason === 'stop') this.#finish();
    else {
      this.#fail(
        new RealtimeError(
          `The server ended the live session with finish: ${describeReason(frame.reason, redact)}.`,
        ),
      );
    }
  }

  /** Holds audio for the reader; past the bound, stops reading the socket (or fails). */
  #enqueue(audio: Uint8Array): void {
    this.#audio.push(audio);
    this.#queued += audio.byteLength;
    const { maxQueuedBytes } = this.#settings;
    if (this.#queued <= maxQueuedBytes || this.#paused) return;
    if (typeof this.#socket.pause !== 'function') {
      return this.#fail(
        new RealtimeError(
          `More than ${maxQueuedBytes} bytes of audio arrived unread, and this runtime's WebSocket ` +
            'cannot pause: read the audio as it comes, or raise the maxQueuedBytes option.',
        ),
      );
    }
    this.#socket.pause();
    this.#paused = true;
    // No silence counts while the session itself holds the server back.
    this.#disarm();
  }

  /** Reads the socket again, after back-pressure or as the session ends. */
  #resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    try {
      this.#socket.resume?.();
    } catch {
      // A socket that has closed cannot resume; its close event has been or will be heard.
    }
    if (this.#state === 'ending' || this.#owed) this.#arm();
  }

  /** Forgets the unread audio (a close or an abort). */
  #drop(): void {
    this.#audio = [];
    this.#queued = 0;
  }

  #onError(event: SocketEvent): void {
    if (this.#over() || this.#refused) return;
    const { baseUrl, redact } = this.#settings;
    const error = event.error ?? { message: event.message ?? 'WebSocket error' };
    const status = this.#state === 'connecting' ? handshakeStatus(error) : undefined;
    if (status !== undefined && status >= 400 && status <= 599) {
      // Bun and Deno: a refused handshake is known by its status alone (no headers, no body).
      this.#refused = true;
      this.#fail(APIError.from({ status, headers: new Headers(), body: '', attempts: 1 }));
    } else if (this.#state === 'connecting') {
      this.#fail(connectionError(error, { stage: 'live-open' }, { baseUrl, attempts: 1, redact }));
    } else if (networkCode(error) === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      this.#fail(
        new RealtimeError(`The server sent a frame larger than ${MAX_FRAME_BYTES} bytes.`, {
          closeCode: 1009,
        }),
      );
    } else {
      const detail = networkCode(error) ?? quote(describe(error), redact, 200);
      this.#fail(new RealtimeError(`The live session's connection failed (${detail}).`));
    }
  }

  #onClose(event: SocketEvent): void {
    clearTimeout(this.#graceTimer);
    if (this.#over() || this.#refused) return;
    const code = event.code;
    const reason = quote(event.reason ?? '', this.#settings.redact, 200);
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

  /**
   * A handshake answered without 101 (ws): a 4xx or 5xx is the error of its status, its body
   * read within a bound; any other status is no WebSocket server, an `APIConnectionError`.
   */
  async #onRefused(request: unknown, response: RefusalResponse): Promise<void> {
    if (this.#over()) return;
    this.#refused = true;
    const status = response.statusCode ?? 0;
    const { baseUrl, redact } = this.#settings;
    if (status < 400 || status > 599) {
      (request as { destroy?: () => void } | null)?.destroy?.();
      return this.#fail(
        new APIConnectionError(
          `The live session at ${baseUrl} answered its handshake with ${status}, not 101 Switching Protocols.`,
          { attempts: 1 },
        ),
      );
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    const limit = MAX_REFUSAL_BODY + CUT_MARGIN;
    try {
      for await (const chunk of response) {
        chunks.push(chunk);
        size += chunk.byteLength;
        if (size >= limit) break;
      }
    } catch {
      // The status alone decides the error's class; a broken body leaves it empty.
    }
    // Redacted whole before it is cut: a key cut in two would not match.
    let text = redact.text(new TextDecoder().decode(concat(chunks).subarray(0, limit)));
    if (size >= limit) text = text.slice(0, -CUT_MARGIN);
    let body: unknown = text;
    try {
      const parsed = text ? (JSON.parse(text) as unknown) : '';
      // As for an HTTP error: a body nested too deep to show safely stays text (JSON.stringify
      // of the error would overflow the stack).
      body = jsonDepth(parsed) <= MAX_JSON_DEPTH ? parsed : text;
    } catch {
      // Not JSON: the text stands.
    }
    const headers = new Headers();
    // A header named after the key is left out by redact.headers: its name cannot be redacted.
    for (const [name, value] of Object.entries(response.headers ?? {})) {
      if (typeof value === 'string') headers.set(name, value);
      else if (Array.isArray(value)) for (const item of value) headers.append(name, String(item));
    }
    this.#fail(APIError.from({ status, headers: redact.headers(headers), body, attempts: 1 }));
    (request as { destroy?: () => void } | null)?.destroy?.();
  }

  readonly #onAbort = () => {
    this.#drop();
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
    // What arrives from now on is dropped unread, but the closing handshake must be heard.
    // Resumed first: resuming re-arms the silence deadline when audio is owed, and a session
    // that is over must leave no timer behind.
    this.#resume();
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

  /** Closes with a handshake, and destroys the connection if the server does not answer it. */
  #closeSocket(): void {
    const socket = this.#socket;
    try {
      socket.close(1000);
    } catch {
      // Already closing or closed.
    }
    if (typeof socket.terminate !== 'function' || socket.readyState === CLOSED) return;
    this.#graceTimer ??= setTimeout(() => {
      try {
        socket.terminate?.();
      } catch {
        // Already gone.
      }
    }, CLOSE_GRACE_MS);
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
  const {
    signal,
    keepalive = DEFAULT_KEEPALIVE_MS,
    maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES,
  } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidOptionError('signal', 'signal must be an AbortSignal.');
  }
  if (!Number.isSafeInteger(keepalive) || keepalive < 0) {
    throw new InvalidOptionError('keepalive', 'keepalive must be a whole number of ms, 0 or more.');
  }
  if (
    !(Number.isSafeInteger(maxQueuedBytes) && maxQueuedBytes > 0) &&
    maxQueuedBytes !== Infinity
  ) {
    throw new InvalidOptionError(
      'maxQueuedBytes',
      'maxQueuedBytes must be a whole number of bytes, 1 or more, or Infinity.',
    );
  }
  return {
    signal,
    keepalive,
    maxQueuedBytes,
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

/** A finish reason fit for a message. */
function describeReason(reason: unknown, redact: Redactor): string {
  return typeof reason === 'string' ? quote(reason, redact, 40) : 'error';
}

/**
 * Text a server sent, fit for a message: redacted whole before it is cut (a cut key would not
 * match), control characters and all but printable ASCII shown as `?`, at most `max` long.
 * Very long text is cut first, to bound the work, and then loses its last CUT_MARGIN
 * characters, where a key cut in two may begin.
 */
function quote(text: string, redact: Redactor, max: number): string {
  const long = text.length > max + 2 * CUT_MARGIN;
  let safe = redact.text(long ? text.slice(0, max + 2 * CUT_MARGIN) : text);
  if (long) safe = safe.slice(0, -CUT_MARGIN);
  return safe.replace(/[^\x20-\x7e]/g, '?').slice(0, max);
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
