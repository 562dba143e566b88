/**
 * The built, packed and installed package, once test/setup/build.ts has made it: the package
 * project's tests await this at the top of their file, while the other projects already run.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { inject } from 'vitest';
import { OUTCOME, type Built } from '../setup/build.js';

/** Waits for the package build of this run; throws its output if it failed. */
export async function builtPackage(): Promise<Built> {
  const file = path.join(inject('packageBuild'), OUTCOME);
  for (;;) {
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (text !== undefined) {
      const outcome = JSON.parse(text) as { built: Built } | { error: string };
      if ('error' in outcome) throw new Error(`The package build failed:\n${outcome.error}`);
      return outcome.built;
    }
    // The build takes seconds; a tenth of one is a fine grain to notice it is done.
    await sleep(100);
  }
}
