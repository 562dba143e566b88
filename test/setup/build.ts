/**
 * The `package` project's global setup: builds `dist/` from the current source (always, so an
 * edit is never tested against an old build), packs it once and installs the tarball offline
 * into a fresh consumer project. It does so in the background: the other projects' tests run
 * meanwhile, and the package tests wait for it through `builtPackage()` (test/helpers/built.ts).
 *
 * A build is most of the suite's CPU (about 20 s, its declaration pass most of it) and its
 * output depends only on its inputs, so the result is kept under node_modules/.cache, keyed by
 * a hash of every input's content: a run whose inputs are unchanged copies `dist/` and the
 * installed consumer back instead of building again, and any edit builds afresh.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { cp, mkdir, readFile, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
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

/** Where finished builds are kept, one folder per key (only the newest is kept). */
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'fish-audio-package');
/** What the build and the install read, besides node_modules (which package-lock.json pins). */
const INPUTS = [
  'src',
  'tsup.config.ts',
  'tsconfig.json',
  'package.json',
  'package-lock.json',
  'README.md',
  'LICENSE',
  'scripts/declarations.ts',
  'scripts/lib/consumer.ts',
  'scripts/lib/entries.ts',
  'scripts/lib/main.ts',
  'scripts/lib/root.ts',
  'test/setup/build.ts',
];

/** A hash of every input file's path and content. */
export async function buildKey(): Promise<string> {
  const hash = createHash('sha256');
  for (const input of INPUTS) {
    const full = path.join(ROOT, input);
    const entries = await readdir(full, { recursive: true, withFileTypes: true }).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOTDIR') return undefined;
        throw error;
      },
    );
    const files = entries
      ? entries
          .filter((entry) => entry.isFile())
          .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)))
          .sort()
      : [input];
    for (const file of files) {
      hash
        .update(`${file}\0`)
        .update(await readFile(path.join(ROOT, file)))
        .update('\0');
    }
  }
  return hash.digest('hex').slice(0, 32);
}

async function build(temp: string): Promise<Built> {
  const consumer = path.join(temp, 'consumer');
  const key = await buildKey();
  const cached = path.join(CACHE, key);
  let packed: { tarball: string; files: string[] };
  const saved = await readFile(path.join(cached, 'packed.json'), 'utf8').catch(() => undefined);
  if (saved) {
    await rm(path.join(ROOT, 'dist'), { recursive: true, force: true });
    await cp(path.join(cached, 'dist'), path.join(ROOT, 'dist'), { recursive: true });
    await cp(path.join(cached, 'consumer'), consumer, { recursive: true, verbatimSymlinks: true });
    const { tarball, files } = JSON.parse(saved) as { tarball: string; files: string[] };
    packed = { tarball: path.join(consumer, tarball), files };
  } else {
    await npm(['run', 'build'], ROOT);
    await mkdir(consumer);
    packed = await installPackedProject(consumer);
    // Kept whole or not at all: written aside, then renamed into place.
    await rm(CACHE, { recursive: true, force: true });
    const part = path.join(CACHE, `${key}.part`);
    await mkdir(part, { recursive: true });
    await cp(path.join(ROOT, 'dist'), path.join(part, 'dist'), { recursive: true });
    await cp(consumer, path.join(part, 'consumer'), { recursive: true, verbatimSymlinks: true });
    const tarball = path.relative(consumer, packed.tarball);
    await writeFile(
      path.join(part, 'packed.json'),
      JSON.stringify({ tarball, files: packed.files }),
    );
    await rename(part, cached);
  }
  const { tarball, files } = packed;
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
