/**
 * Time and abort on the wire, in one place: the deadline of an attempt (until the headers), the
 * idle bound of a streamed body (each wait for a chunk), and the sleep between attempts. Every
 * one of them ends with the caller's signal, and none adds a listener to that signal: a signal
 * shared by many calls would gain one per call (Node warns past ten), so each follows it
 * through a signal of its own.
 */
import { APIConnectionTimeoutError, APIUserAbortError } from '../errors.js';

/**
 * A signal that aborts when any of `signals` does, without a listener on them where the runtime
 * has `AbortSignal.any` (Node 20.3+, Bun, Deno, browsers).
 */
export function follow(...signals: AbortSignal[]): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any(signals);
  const controller = new AbortController();
  for (const signal of signals) {
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}

/** The error for a caller's signal that has aborted: its reason is the cause. */
export function abortError(signal: AbortSignal | undefined): APIUserAbortError {
  return new APIUserAbortError(signal?.reason);
}

/** See {@link startDeadline}. */
export interface Deadline {
  /** Aborts when the deadline passes or the caller's signal aborts: the one to give fetch. */
  readonly signal: AbortSignal;
  /**
   * `work`'s outcome, or `APIConnectionTimeoutError` or `APIUserAbortError` the moment either
   * fires first, so that a fetch (or body) that ignores its signal still ends. One promise per
   * wait and no race: the happy path pays for nothing it does not use.
   */
  wait<T>(work: Promise<T>): Promise<T>;
  /** Rejects the moment the deadline passes or the caller aborts (made on first use). */
  readonly stopped: Promise<never>;
  /** Ends the deadline: clears its timer and stops following the caller's signal. */
  clear(): void;
}

/** Starts the deadline of attempt number `attempts`: `ms` from now, or the caller's abort. */
export function startDeadline(
  ms: number,
  signal: AbortSignal | undefined,
  attempts: number,
): Deadline {
  return new AttemptDeadline(ms, signal, attempts);
}

/**
 * One timer and one controller per attempt; the waits in progress are rejected when it fires.
 * fetch always gets the signal, though a `Request` that follows one costs Node's fetch about
 * 15 µs (Node 20; 6 µs on 22): a timeout is always finite, and only the signal lets the deadline
 * close a connection whose server never answers, and stop a request that spends credit.
 */
class AttemptDeadline implements Deadline {
  readonly signal: AbortSignal;
  readonly #caller: AbortSignal | undefined;
  readonly #controller = new AbortController();
  readonly #timer: ReturnType<typeof setTimeout>;
  #error: Error | undefined;
  // The rejections of the waits in progress (and of `stopped`, once made).
  readonly #waiting: Array<(error: Error) => void> = [];
  #stopped: Promise<never> | undefined;

  constructor(ms: number, caller: AbortSignal | undefined, attempts: number) {
    this.#caller = caller;
    this.#timer = setTimeout(() => this.#stop(new APIConnectionTimeoutError(ms, { attempts })), ms);
    this.signal = caller ? follow(caller, this.#controller.signal) : this.#controller.signal;
    // The deadline itself listens (handleEvent): no closure made per attempt.
    if (caller) this.signal.addEventListener('abort', this, { once: true });
  }

  wait<T>(work: Promise<T>): Promise<T> {
    // A custom fetch may answer without a promise: what it gives is awaited as `await` would.
    const pending = Promise.resolve(work);
    if (this.#error) {
      pending.catch(() => {}); // settles unwatched: its failure is not news
      return Promise.reject(this.#error);
    }
    return new Promise<T>((resolve, reject) => {
      this.#waiting.push(reject);
      pending.then(
        (value) => {
          this.#settled(reject);
          resolve(value);
        },
        (error: unknown) => {
          this.#settled(reject);
          reject(error);
        },
      );
    });
  }

  #settled(reject: (error: Error) => void): void {
    const at = this.#waiting.indexOf(reject);
    if (at >= 0) this.#waiting.splice(at, 1);
  }

  get stopped(): Promise<never> {
    this.#stopped ??= new Promise<never>((_resolve, reject) => {
      if (this.#error) reject(this.#error);
      else this.#waiting.push(reject);
    });
    this.#stopped.catch(() => {});
    return this.#stopped;
  }

  clear(): void {
    clearTimeout(this.#timer);
    if (this.#caller) this.signal.removeEventListener('abort', this);
  }

  /** The followed signal aborted: the caller's doing, or the deadline's (already reported). */
  handleEvent(): void {
    const caller = this.#caller;
    if (caller?.aborted) this.#stop(abortError(caller));
  }

  // The error first, then the abort: whoever waits sees the deadline, not fetch's AbortError.
  #stop(error: Error): void {
    if (this.#error) return;
    this.#error = error;
    for (const reject of this.#waiting.splice(0)) reject(error);
    this.#controller.abort();
  }
}

/**
 * The bound on a streamed body: `onIdle` runs when a wait for the next chunk has lasted `ms`.
 * One timer at a time rather than one per chunk: each wait only notes when it started, and the
 * timer, when it fires, re-arms itself for what is left. Only a wait for the server counts, and
 * no timer runs while nobody reads, so an unread stream holds nothing that keeps a process alive.
 */
export class IdleTimer {
  readonly #ms: number;
  readonly #onIdle: () => void;
  #since: number | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(ms: number, onIdle: () => void) {
    this.#ms = ms;
    this.#onIdle = onIdle;
  }

  /** A wait for the next chunk begins. */
  waiting(): void {
    this.#since = Date.now();
    this.#timer ??= setTimeout(this.#check, this.#ms);
  }

  /** The wait ended (a chunk, the end, or an error arrived). */
  received(): void {
    this.#since = undefined;
  }

  /** No more waits: clears the timer. */
  stop(): void {
    this.#since = undefined;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  readonly #check = () => {
    this.#timer = undefined;
    if (this.#since === undefined) return;
    const waited = Date.now() - this.#since;
    if (waited >= this.#ms) this.#onIdle();
    else this.#timer = setTimeout(this.#check, this.#ms - waited);
  };
}

/** Waits `ms`, or rejects with `APIUserAbortError` as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const own = signal && follow(signal);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      own?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    own?.addEventListener('abort', onAbort, { once: true });
  });
}
