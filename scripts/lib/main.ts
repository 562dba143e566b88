/** The one way a script runs its `main` when executed directly, and stays inert when imported. */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * Runs `main` when the module at `moduleUrl` is the process's entry point (as `node`, `tsx` or a
 * symlinked bin runs it), and sets `process.exitCode` from its result rather than calling
 * `process.exit`, so pending output is flushed. A thrown error prints one line, `name: message`
 * (YAML parse errors carry a multi-line excerpt of the file), and exits 2.
 */
export function runMain(moduleUrl: string, name: string, main: () => Promise<number>): void {
  if (!isEntryPoint(moduleUrl)) return;
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`${name}: ${message.split('\n')[0]}`);
      process.exitCode = 2;
    },
  );
}

/** True when `moduleUrl` is the file the process was started with. */
export function isEntryPoint(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return pathToFileURL(realpathSync(entry)).href === moduleUrl;
  } catch {
    return false; // `node --eval` and friends: argv[1] is not a file
  }
}
