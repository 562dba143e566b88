/** Temporary projects and child processes, for the tests of the scripts. */
import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runProcess, type ProcessResult } from '../../scripts/lib/process.js';
import { ROOT } from '../../scripts/lib/root.js';

export { ROOT };
const COPIED = ['openapi', 'scripts', 'src', 'package.json', 'tsconfig.json', '.prettierrc.json'];

/** A temporary project folder and the way to delete it. */
export interface ProjectCopy {
  dir: string;
  remove: () => Promise<void>;
}

/**
 * Copies `entries` of this project (by default the sources) into a fresh temp folder, sharing
 * node_modules through a symlink. Tests that need only a few files name just those: copying
 * less is most of what makes these tests fast.
 */
export async function copyProject(entries: readonly string[] = COPIED): Promise<ProjectCopy> {
  const dir = await mkdtemp(path.join(tmpdir(), 'fish-audio-copy-'));
  for (const entry of entries) {
    await cp(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** How a child process exited and what it printed. */
export type RunResult = ProcessResult;

/** Runs `node <args>` in `cwd`, never throwing on a non-zero exit. */
export function runNode(
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<RunResult> {
  return runProcess(process.execPath, args, {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
}

/** Runs a TypeScript script with tsx. */
export function runScript(
  cwd: string,
  script: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<RunResult> {
  return runNode(cwd, ['--import', 'tsx', script, ...args], env);
}

/** Output streams that keep what a command printed, for running commands in-process. */
export function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (text: string) => out.push(text) },
      stderr: { write: (text: string) => err.push(text) },
    },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}
