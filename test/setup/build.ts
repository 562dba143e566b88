/**
 * The `package` project's global setup: builds `dist/` from the current source (always, so an
 * edit is never tested against an old build), packs it once and installs the tarball offline
 * into a fresh consumer project, then hands the paths to every test here through `inject`.
 */
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { installPackedProject, npm } from '../../scripts/lib/consumer.js';
import { ROOT } from '../../scripts/lib/root.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** What the package global setup built, packed and installed. */
    built: {
      /** A project with the packed tarball and its runtime dependencies installed (no `ws`). */
      consumer: string;
      /** The packed tarball. */
      tarball: string;
      /** The files the tarball holds, as `npm pack` lists them. */
      files: string[];
      /**
       * A folder whose node_modules links `fish-audio-api` to this checkout (its fresh dist/)
       * and `ws` to the devDependency: where README examples run as a user's file would.
       */
      examples: string;
    };
  }
}

export default async function setup(project: TestProject) {
  const temp = await mkdtemp(path.join(tmpdir(), 'fish-audio-package-'));
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
  project.provide('built', { consumer, tarball, files, examples });
  return () => rm(temp, { recursive: true, force: true });
}
