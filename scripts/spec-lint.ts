/**
 * Lints openapi/fish-audio.yaml with Redocly CLI and the rules in redocly.yaml.
 *
 *   npm run spec:lint                      # the spec, as redocly.yaml's `apis` names it
 *   npm run spec:lint -- --format summary  # any other `redocly lint` option or file
 *
 * Exits as Redocly does: 0 when clean, 1 on any problem (every rule is an error), 2 on a broken
 * config. Known upstream defects are tolerated in redocly.yaml and .redocly.lint-ignore.yaml.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { runMain } from './lib/main.js';
import { runProcess, type ProcessResult } from './lib/process.js';
import { ROOT } from './lib/root.js';
import type { Io } from './spec-diff.js';

const REDOCLY_CLI = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');

/** What a finished Redocly run printed, and how it exited. */
export type RedoclyResult = ProcessResult;

/**
 * Runs the Redocly CLI with `args` in `cwd`, offline: telemetry and the update check are off.
 * The Node 20 deprecation box it prints on every run is dropped from stderr, since no setting
 * turns it off and it would bury the lint result.
 */
export async function runRedocly(args: string[], cwd: string): Promise<RedoclyResult> {
  const env = {
    ...process.env,
    REDOCLY_TELEMETRY: 'off',
    REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
    NO_COLOR: '1',
  };
  const result = await runProcess(process.execPath, [REDOCLY_CLI, ...args], { cwd, env });
  return { ...result, stderr: dropBanner(result.stderr) };
}

/** Removes Redocly's boxed notices (drawn from ╔ to ╚) and the blank lines around them. */
function dropBanner(text: string): string {
  return text.replace(/\n*[^\n]*╔[\s\S]*?╚[^\n]*\n*/g, '\n').replace(/^\n+/, '');
}

/**
 * Lints with the redocly.yaml (and its ignore file) under `root`, which is named, never assumed:
 * some `redocly lint` options write beside the config. `--lint-config error` makes a mistake in
 * redocly.yaml itself fail the run instead of silently weakening it.
 */
export function lintSpec(root: string, args: string[] = []): Promise<RedoclyResult> {
  const config = path.join(root, 'redocly.yaml');
  return runRedocly(['lint', '--config', config, '--lint-config', 'error', ...args], root);
}

/**
 * The command: lints with this project's redocly.yaml and `args`, prints what Redocly printed
 * (its banner dropped) to `io`, and resolves with Redocly's exit code. Tests run it in-process.
 */
export async function specLint(args: string[], io: Io = process): Promise<number> {
  const result = await lintSpec(ROOT, args);
  // A reader that left (a closed pipe) takes what it missed with it, not the verdict.
  for (const [stream, text] of [
    [io.stdout, result.stdout],
    [io.stderr, result.stderr],
  ] as const) {
    try {
      stream.write(text);
    } catch {
      // Nothing more to tell that reader.
    }
  }
  return result.code;
}

runMain(import.meta.url, 'spec-lint', () => specLint(process.argv.slice(2)));
