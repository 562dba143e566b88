/**
 * A fake clock for one test, so that no test depends on how fast the machine is: time moves
 * only when the test moves it, and every timer the library sets is recorded with its length
 * and the source file that asked for it. A test asserts the wait the library chose (a retry's sleep,
 * an attempt's deadline), and a deadline cannot fire before a loopback server has answered.
 */
import path from 'node:path';
import { onTestFinished, vi } from 'vitest';
import { ROOT } from '../../scripts/lib/root.js';

/** A timer that a file under `src/` set. */
export interface LibraryTimer {
  /** The file that called `setTimeout`, relative to `src/`, e.g. `retry.ts`. */
  file: string;
  ms: number;
}

/** See {@link useFakeClock}. */
export interface FakeClock {
  /** Every timer the library set since the clock was installed, oldest first. */
  readonly timers: readonly LibraryTimer[];
  /**
   * Resolves with the lengths of the first `count` timers that `file` set, once it has set
   * that many: `await clock.timersOf('http/retry.ts')` waits until the retry loop sleeps.
   */
  timersOf(file: string, count?: number): Promise<number[]>;
  /** Moves time on by `ms`, running every timer that falls due and what they settle. */
  advance(ms: number): Promise<void>;
}

const SRC = path.join(ROOT, 'src') + path.sep;

/**
 * Replaces `setTimeout`, `clearTimeout` and `Date` with vitest's fakes until the current test
 * ends, starting at `now` (a whole second, so an HTTP date computed from it is exact). Real
 * I/O goes on as usual: a loopback server still answers, only timers wait for `advance`.
 */
export function useFakeClock(now = Date.UTC(2026, 0, 1)): FakeClock {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now });
  onTestFinished(() => {
    vi.useRealTimers();
  });
  // The fake global setTimeout calls the one of the fake-timers clock it carries. Wrapping that
  // one, not the global (which vitest restores to the fake again after a file when files share
  // a worker), records each timer and is gone with the clock.
  type SetTimeout = (...args: unknown[]) => unknown;
  const { clock } = globalThis.setTimeout as unknown as { clock: { setTimeout: SetTimeout } };
  const fakeSetTimeout = clock.setTimeout;
  const timers: LibraryTimer[] = [];
  let waiters: Array<() => void> = [];
  clock.setTimeout = function (this: unknown, ...args: unknown[]) {
    const file = callerInSrc(new Error().stack ?? '');
    if (file !== undefined) {
      timers.push({ file, ms: Number(args[1] ?? 0) });
      const ready = waiters;
      waiters = [];
      for (const wake of ready) wake();
    }
    return fakeSetTimeout.apply(this, args);
  };

  const lengthsOf = (file: string) => timers.filter((t) => t.file === file).map((t) => t.ms);
  return {
    timers,
    timersOf(file, count = 1) {
      return new Promise((resolve) => {
        const check = () => {
          const lengths = lengthsOf(file);
          if (lengths.length >= count) resolve(lengths.slice(0, count));
          else waiters.push(check);
        };
        check();
      });
    },
    async advance(ms) {
      await vi.advanceTimersByTimeAsync(ms);
    },
  };
}

/**
 * The first file under `src/` in a stack trace, relative to `src/`, with `/` separators. The
 * wire's one timer module sets every timer for its users, so the file that asked for a timer
 * is the one after it: `http/retry.ts` for a backoff sleep, `http/attempt.ts` for a deadline.
 */
function callerInSrc(stack: string): string | undefined {
  for (const line of stack.split('\n').slice(1)) {
    const at = line.indexOf(SRC);
    if (at === -1) continue;
    const file = line
      .slice(at + SRC.length)
      .replace(/:\d+:\d+\)?$/, '')
      .split(path.sep)
      .join('/');
    if (file !== TIMER_MODULE) return file;
  }
  return undefined;
}

/** The module that sets the wire's timers on behalf of the others. */
const TIMER_MODULE = 'http/deadline.ts';
