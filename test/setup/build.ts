/**
 * The `package` project's global setup: builds `dist/` from the current source (always, so an
 * edit is never tested against an old build), packs it once and installs the tarball offline
 * into a fresh consumer project. It does so in the background: the other projects' tests run
 * meanwhile, and the package tests wait for it through `builtPackage()` (test/helpers/built.ts).
 */
import { mkdtempSync } from 'node:fs';
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { installPackedProject, npm } from '../../scripts/lib/consumer.js';
import { ROOT } from '../../scripts/lib/root.js';

/** What the build made, as `builtPackage()` returns it. */
export interface Built {
  /** A project with the packed tarball and its runtime dependencies installed (no `ws`). */
  consumer: string;
  /** The packed tarball. */
  tarball: string;
  /** The files the tarball holds, as `npm pack` lists them. */
  files: string[];
  /**
   * A folder whose node_modules links `fish-audio-api` to this checkout (its fresh dist/) and
   * `ws` to the devDependency: where README examples run as a user's file would.
   */
  examples: string;
}

/** The file in the build folder that says how the build ended: `{ built }` or `{ error }`. */
export const OUTCOME = 'outcome.json';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder the package is built, packed and installed into (see `builtPackage()`). */
    packageBuild: string;
  }
}

async function build(temp: string): Promise<Built> {
  await npm(['run', 'build'], ROOT);
  const consumer = path.join(temp, 'consumer');
  await mkdir(consumer);
  const { tarball, files } = await installPackedProject(consumer);
  const examples = path.join(temp, 'examples');
  await mkdir(path.join(examples, 'node_modules'), { recursive: true });
  await symlink(ROOT, path.join(examples, 'node_modules', 'fish-audio-api'), 'dir');
  await symlink(
    path.join(ROOT, 'node_modules', 'ws'),
    path.join(examples, 'node_modules', 'ws'),
    'dir',
  );
  return { consumer, tarball, files, examples };
}

export default function setup(project: TestProject) {
  const temp = mkdtempSync(path.join(tmpdir(), 'fish-audio-package-'));
  const settle = async (outcome: object) => {
    // Written whole, then renamed, so that a waiting test never reads half of it.
    await writeFile(path.join(temp, `${OUTCOME}.part`), JSON.stringify(outcome));
    await rename(path.join(temp, `${OUTCOME}.part`), path.join(temp, OUTCOME));
  };
  const done = build(temp).then(
    (built) => settle({ built }),
    (error: Error & { stdout?: string; stderr?: string }) =>
      settle({ error: [error.message, error.stdout, error.stderr].filter(Boolean).join('\n') }),
  );
  project.provide('packageBuild', temp);
  return async () => {
    await done;
    await rm(temp, { recursive: true, force: true });
  };
}
