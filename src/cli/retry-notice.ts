/**
 * Tells the person at the terminal that a call is being retried, without a hook in the
 * library: the command gives the client a `fetch` that counts the attempts it is asked to
 * send. The client calls `fetch` once per attempt, and only after it has decided to retry and
 * slept, so a second call of the same request is proof of a retry: a notice can never announce
 * a retry that does not happen, and the retry rules stay in the library alone. A call to
 * another URL (the next page of a listing) starts the count again.
 */
import type { Fetch } from '../options.js';
import { clip, seconds } from './render.js';

/** What the notices need to know about the run. */
export interface NoticeSettings {
  /** The most attempts the client makes, `maxRetries + 1`: the "3" of "attempt 2 of 3". */
  maxAttempts: number;
  /** The per-attempt timeout, to say "no response within 15 s". */
  timeout: number;
  /** Receives one line per retry, without its newline. */
  notice(line: string): void;
  /**
   * At a terminal: after this many milliseconds without an answer, one line says what the
   * command is waiting for, once per run, so a dead server is not silence until the timeout.
   */
  waitingAfter?: number;
}

/** How long an attempt may go unanswered before a person at a terminal is told (ms). */
export const WAITING_AFTER_MS = 2000;

/** Wraps `fetch` so that each retry first writes `retrying (attempt 2 of 3): <why>`. */
export function announceRetries(fetch: Fetch, settings: NoticeSettings): Fetch {
  let waited = false;
  let attempt = 0;
  let previous: (() => string) | undefined;
  let last: string | undefined;
  return async (input, init) => {
    // A retry repeats its request; another URL (`voices list`'s next page) is a new call.
    const request = `${init.method ?? 'GET'} ${String(input)}`;
    if (request !== last) {
      attempt = 0;
      previous = undefined;
      last = request;
    }
    attempt += 1;
    if (previous) {
      settings.notice(`retrying (attempt ${attempt} of ${settings.maxAttempts}): ${previous()}`);
    }
    const { signal } = init;
    let status: number | undefined;
    let failure: unknown;
    // Evaluated when the next attempt starts, so it also covers a body that failed to arrive.
    // The command passes no signal of its own: an aborted one is the client's deadline.
    previous = () => {
      const within = seconds(settings.timeout);
      if (signal?.aborted) {
        return status === undefined
          ? `no response within ${within}`
          : `no complete response within ${within}`;
      }
      if (status === undefined) return `could not connect (${describe(failure)})`;
      if (status >= 200 && status < 300) return `the connection broke while the body was read`;
      return `the API answered HTTP ${status}`;
    };
    const waiting = waited
      ? undefined
      : waitingLine(settings, String(input), () => (waited = true));
    try {
      const response = await fetch(input, init);
      status = response.status;
      return response;
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      waiting?.();
    }
  };
}

/**
 * At a terminal (`waitingAfter` set): after that long, one line says which host the command is
 * waiting for and when it gives up; `said` runs when it was written. Returns what stops it,
 * called once the answer (or the failure) arrives. Shared by HTTP calls and the live handshake.
 */
export function waitingLine(
  settings: Pick<NoticeSettings, 'waitingAfter' | 'timeout' | 'notice'>,
  url: string,
  said: () => void = () => {},
): (() => void) | undefined {
  if (settings.waitingAfter === undefined) return undefined;
  const timer = setTimeout(() => {
    said();
    const host = new URL(url).origin;
    const within = seconds(settings.timeout);
    settings.notice(
      `waiting for ${host} (no answer yet; each attempt gives up after ${within})...`,
    );
  }, settings.waitingAfter);
  return () => clearTimeout(timer);
}

/** The system's code for a failure (ECONNREFUSED), else fetch's words. */
function describe(error: unknown): string {
  const { code, message, cause } = (error ?? {}) as {
    code?: unknown;
    message?: unknown;
    cause?: { code?: unknown; message?: unknown };
  };
  for (const value of [cause?.code, code, cause?.message, message]) {
    if (typeof value === 'string' && value !== '') return clip(value);
  }
  return 'no reason given';
}
