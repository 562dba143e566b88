/**
 * Runs the `fish-audio-api` command in this process, as `main()` with captured output: no child
 * process, so a run costs what the command does and nothing for starting Node. The environment
 * holds only what the test gives (nothing leaks in from the shell running the tests, such as a
 * real FISH_API_KEY or NO_COLOR), and every run is checked for what must always hold: the key
 * is never printed, output that is not a terminal has no ANSI escape, and there is no stack trace.
 *
 * `main` resolves relative paths against the vitest process's working directory, the project
 * root: a test names its files inside its own temp folder.
 */
import { main, type CliInput, type CliIO } from '../../src/cli/index.js';

/** What a finished run left behind. */
export interface CliRun {
  code: number;
  /** stdout as UTF-8 text. */
  stdout: string;
  stderr: string;
  /** stdout's bytes exactly as written: the audio of `tts -o -`. */
  bytes: Buffer;
}

/** What {@link startCli} and {@link runCli} may be given besides the arguments. */
export interface CliRunOptions {
  /** The whole environment the command sees; an `undefined` value leaves a variable out. */
  env?: Record<string, string | undefined>;
  /** What `tts -` and `tts --live` read: the text, or a stream the test writes to as it goes. */
  stdin?: string | CliInput;
  /** Streams that claim to be a terminal; the others are pipes, as in a script. */
  tty?: { stdout?: boolean; stderr?: boolean };
  /** The width the terminal on stdout says it has. */
  columns?: number;
}

/** The output so far, as {@link RunningCli.until} sees it. */
export type CliOutputSoFar = Omit<CliRun, 'code'>;

/** A run in progress. */
export interface RunningCli {
  /** Resolves when `main` has returned, after the checks every run must pass. */
  done: Promise<CliRun>;
  /** The output so far. */
  output(): CliOutputSoFar;
  /**
   * Resolves as soon as a write makes `ready` true of the output so far; rejects if the command
   * finishes first, so a test waiting for output that never comes fails instead of hanging.
   */
  until(ready: (output: CliOutputSoFar) => boolean): Promise<void>;
}

const ANSI = /\x1b\[/;

/** The key and each word of it (a key with spaces is refused, but neither half may show). */
function secretsOf(key: string | undefined): string[] {
  const words = (key ?? '').split(/\s+/).filter((word) => word.length > 3);
  return [...new Set(words.flatMap((word) => [word, encodeURIComponent(word)]))];
}

/** Starts the command; watch its output with `output()` and `until()`, and await `done`. */
export function startCli(args: readonly string[], options: CliRunOptions = {}): RunningCli {
  const env = Object.fromEntries(
    Object.entries(options.env ?? {}).filter((entry) => entry[1] !== undefined),
  );
  const stdout: Buffer[] = [];
  let stderr = '';
  const problems: string[] = [];
  const waiters = new Set<() => void>();
  let finished = false;
  const output = (): CliOutputSoFar => {
    const bytes = Buffer.concat(stdout);
    return { stdout: bytes.toString('utf8'), stderr, bytes };
  };
  const wrote = () => {
    for (const waiter of [...waiters]) waiter();
  };
  const io: CliIO = {
    stdout: {
      isTTY: options.tty?.stdout === true,
      columns: options.columns,
      write(chunk) {
        // Text, not audio bytes, is what a colour code could hide in.
        if (typeof chunk === 'string' && !options.tty?.stdout && ANSI.test(chunk)) {
          problems.push(`stdout has ANSI escapes: ${JSON.stringify(chunk)}`);
        }
        stdout.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
        wrote();
        return true;
      },
    },
    stderr: {
      isTTY: options.tty?.stderr === true,
      write(chunk) {
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        if (!options.tty?.stderr && ANSI.test(text)) {
          problems.push(`stderr has ANSI escapes: ${JSON.stringify(text)}`);
        }
        stderr += text;
        wrote();
        return true;
      },
    },
  };
  const { stdin } = options;
  if (stdin !== undefined) {
    io.stdin =
      typeof stdin === 'string'
        ? (async function* () {
            yield Buffer.from(stdin);
          })()
        : stdin;
  }
  const done = main(args, env, io).then((code) => {
    finished = true;
    wrote();
    const run = { code, ...output() };
    const printed = run.bytes.toString('latin1') + run.stdout + run.stderr;
    if (secretsOf(options.env?.FISH_API_KEY).some((secret) => printed.includes(secret))) {
      problems.push(`the key was printed: ${printed}`);
    }
    if (/^\s+at /m.test(run.stderr)) problems.push(`a stack trace: ${run.stderr}`);
    if (problems.length > 0) throw new Error(problems.join('\n'));
    return run;
  });
  // A test that failed while waiting with `until` may never await `done`.
  done.catch(() => {});
  return {
    done,
    output,
    until(ready) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (ready(output())) resolve();
          else if (finished) reject(new Error(`The command finished first: ${stderr}`));
          else return;
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** Runs the command to its end; see {@link startCli}. */
export function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  return startCli(args, options).done;
}
