/**
 * The built, packed and installed package, once test/setup/build.ts has made it: the package
 * project's tests await this at the top of their file, while the other projects already run.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { inject } from 'vitest';
import type { ProcessResult } from '../../scripts/lib/process.js';
import { ATTW, OUTCOME, type Built } from '../setup/build.js';

/** Waits for the file `name` of the build folder and returns what it holds. */
async function settled<T>(name: string): Promise<T | { error: string }> {
  const file = path.join(inject('packageBuild'), name);
  for (;;) {
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (text !== undefined) return JSON.parse(text) as T | { error: string };
    // The build takes seconds; a tenth of one is a fine grain to notice it is done.
    await sleep(100);
  }
}

/** Waits for the package build of this run; throws its output if it failed. */
export async function builtPackage(): Promise<Built> {
  const outcome = await settled<{ built: Built }>(OUTCOME);
  if ('error' in outcome) throw new Error(`The package build failed:\n${outcome.error}`);
  return outcome.built;
}

/** Waits for attw's run on this run's tarball (started by the build); throws if there was none. */
export async function attwVerdict(): Promise<ProcessResult> {
  const outcome = await settled<{ result: ProcessResult }>(ATTW);
  if ('error' in outcome) throw new Error(`attw did not run: ${outcome.error}`);
  return outcome.result;
}
