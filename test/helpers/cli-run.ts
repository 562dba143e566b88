/**
 * Runs the `fish-audio-api` command as a real process, as a shell would, with pipes for its output
 * and an environment that holds only what the test gives it (nothing leaks in from the shell
 * running the tests, such as a real FISH_API_KEY or NO_COLOR).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The project root, where `tsx` resolves from. */
export const PROJECT_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** What a finished run left behind. */
export interface CliRun {
  /** The exit code, or `null` when a signal ended the process. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment variables for a run; `undefined` leaves a variable out. */
export type CliRunEnv = Record<string, string | undefined>;

// What Node and tsx need to start (tsx caches compiled files under TMPDIR or HOME).
const BASE_ENV_NAMES = ['PATH', 'HOME', 'TMPDIR', 'SYSTEMROOT'];

/**
 * Runs `node --import tsx <entry> ...args` in the project root and resolves when it exits.
 * @param entry The script to run; default `src/cli/index.ts`. A symlink to it works too.
 */
export function runCli(
  args: readonly string[],
  env: CliRunEnv = {},
  entry = 'src/cli/index.ts',
): Promise<CliRun> {
  const base = Object.fromEntries(BASE_ENV_NAMES.map((name) => [name, process.env[name]]));
  const merged = Object.entries({ ...base, ...env }).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: PROJECT_DIR,
    env: Object.fromEntries(merged),
    stdio: ['ignore', 'pipe', 'pipe'],
    // A hung CLI fails its test instead of the whole run.
    timeout: 30_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
