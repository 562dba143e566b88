/**
 * The progress line `tts -o FILE` keeps up to date on a terminal while the audio arrives:
 * bytes so far and the rate, redrawn in place at most every {@link PROGRESS_EVERY_MS}, and
 * erased when the download ends, so what stays on the screen is the one line saying where
 * the audio went.
 */
import { sizeOf } from './render.js';

/** How often the line is redrawn at most (ms): often enough to move, rarely enough to read. */
export const PROGRESS_EVERY_MS = 250;

/** A progress line; {@link Progress.done} erases it. */
export interface Progress {
  /** `bytes` have arrived so far. */
  update(bytes: number): void;
  /** Erases the line, if one was drawn. */
  done(): void;
}

/** Draws on `write` (a terminal's stderr), reading the time from `now` (ms). */
export function progressLine(write: (text: string) => void, now: () => number): Progress {
  const started = now();
  let drawn = -Infinity;
  let visible = false;
  return {
    update(bytes) {
      const at = now();
      if (at - drawn < PROGRESS_EVERY_MS) return;
      drawn = at;
      const seconds = (at - started) / 1000;
      const rate = seconds > 0 ? `, ${sizeOf(Math.round(bytes / seconds))}/s` : '';
      // \r and erase-to-end: the line is rewritten in place, never scrolled.
      write(`\r\x1b[K${sizeOf(bytes)} of audio received${rate}`);
      visible = true;
    },
    done() {
      if (visible) write('\r\x1b[K');
      visible = false;
    },
  };
}
