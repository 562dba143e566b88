/** Temporary copies of this project, for tests that regenerate or edit the spec. */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
const COPIED = ['openapi', 'scripts', 'src', 'package.json', 'tsconfig.json', '.prettierrc.json'];

/** Copies the sources into a fresh temp folder, sharing node_modules through a symlink. */
export async function copyProject(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'fish-audio-copy-'));
  for (const entry of COPIED) {
    await cp(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node <args>` in `cwd`, never throwing on a non-zero exit. */
export async function runNode(
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<RunResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : 1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
    };
  }
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

/** Runs the TypeScript compiler on a project folder. */
export function typecheck(cwd: string): Promise<RunResult> {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  return runNode(cwd, [tsc, '--noEmit', '-p', '.']);
}
