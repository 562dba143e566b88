/**
 * Where the command's output goes, against a careless caller: a stdout whose reader has left
 * (`| head`) or whose disk is full, a file-system failure said in one line, and SIGINT/SIGTERM
 * heard only while there is a temporary file to remove.
 */
import { getSystemErrorMap } from 'node:util';
import { CliError, EXIT_CODES, type ExitCode } from './exit-codes.js';
import { quoteName, type CliOutput } from './render.js';

/** The code of a system call's failure (`ENOSPC`, `EPIPE`); none for any other error. */
export function errnoOf(error: unknown): string | undefined {
  const { code, syscall } = (error ?? {}) as { code?: unknown; syscall?: unknown };
  return typeof code === 'string' && typeof syscall === 'string' ? code : undefined;
}

/** `no space left on device (ENOSPC)`: the system's words, then the code to search for. */
export function problemOf(error: unknown): string {
  const code = errnoOf(error) ?? 'unknown error';
  // Bun and Deno may lack the map: the code alone still says it.
  const map = typeof getSystemErrorMap === 'function' ? getSystemErrorMap() : new Map();
  for (const [name, words] of map.values()) if (name === code) return `${words} (${code})`;
  return code;
}

/** A failed write as its exit code and line: `where` is `to stdout` or the quoted -o path. */
export function writeError(where: string, error: unknown, after = ''): CliError {
  return new CliError(
    EXIT_CODES.FILE_SYSTEM,
    `Could not write ${where}: ${problemOf(error)}${after}.`,
  );
}

/** stdout for text, which stops taking it at the first failed write. */
export interface Stdout {
  /** Writes `text`; `false` once a write has failed, so a loop knows to stop. */
  write(text: string): boolean;
  /** `code`, unless a write failed for another reason than the reader leaving (EPIPE). */
  check(code: ExitCode): ExitCode;
}

/**
 * Watches each write rather than listening for 'error': no listener outlives the run. A closed
 * pipe fails process.stdout's write at once (`errored`); the callback covers a later failure.
 */
export function watchStdout(stdout: CliOutput): Stdout {
  let failure: unknown;
  const keep = (error: unknown) => {
    if (error && failure === undefined) failure = error;
  };
  return {
    write(text) {
      if (failure === undefined) {
        stdout.write(text, keep);
        keep(stdout.errored);
      }
      return failure === undefined;
    },
    check(code) {
      // The reader left (`| head -n 1`): it had what it wanted, so that is success.
      if (failure === undefined || errnoOf(failure) === 'EPIPE') return code;
      throw writeError('to stdout', failure);
    },
  };
}

/** The signals that interrupt a run: `process`, or a test's EventEmitter. */
export interface SignalSource {
  on(signal: Signal, listener: () => void): unknown;
  off(signal: Signal, listener: () => void): unknown;
}

export type Signal = 'SIGINT' | 'SIGTERM';

/** The conventional 128 + signal number, as a shell reports a process the signal ended. */
const SIGNAL_CODES = {
  SIGINT: EXIT_CODES.INTERRUPTED,
  SIGTERM: EXIT_CODES.TERMINATED,
} as const satisfies Record<Signal, ExitCode>;

/**
 * Calls `stop` on SIGINT or SIGTERM until the returned function is called. Listening keeps
 * Node from dying of the signal, so the caller can clean up first; once no listener is left,
 * a signal ends the process as usual again.
 */
export function onSignals(
  source: SignalSource | undefined,
  stop: (signal: Signal) => void,
): () => void {
  if (!source) return () => {};
  const listeners = (Object.keys(SIGNAL_CODES) as Signal[]).map(
    (signal) => [signal, () => stop(signal)] as const,
  );
  for (const [signal, listener] of listeners) source.on(signal, listener);
  return () => {
    for (const [signal, listener] of listeners) source.off(signal, listener);
  };
}

/** The run stopped by `signal`, with its conventional exit code. */
export function interrupted(signal: Signal, output: string): CliError {
  return new CliError(
    SIGNAL_CODES[signal],
    `Interrupted by ${signal}; ${quoteName(output)} was not written.`,
  );
}
