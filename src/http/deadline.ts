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
   * Rejects with `APIConnectionTimeoutError` or `APIUserAbortError` the moment either fires:
   * race any wait against it, so that a fetch (or body) that ignores its signal still ends.
   */
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
  const controller = new AbortController();
  let stop!: (error: Error) => void;
  const stopped = new Promise<never>((_resolve, reject) => (stop = reject));
  stopped.catch(() => {});
  const timer = setTimeout(() => {
    stop(new APIConnectionTimeoutError(ms, { attempts }));
    controller.abort();
  }, ms);
  const combined = signal ? follow(signal, controller.signal) : controller.signal;
  const onAbort = () => {
    if (!signal?.aborted) return; // the deadline, already reported
    stop(abortError(signal));
    controller.abort();
  };
  if (signal) combined.addEventListener('abort', onAbort, { once: true });
  return {
    signal: combined,
    stopped,
    clear() {
      clearTimeout(timer);
      combined.removeEventListener('abort', onAbort);
    },
  };
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
