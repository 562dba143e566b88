/**
 * The `package` project's global setup: builds `dist/` from the current source (always, so an
 * edit is never tested against an old build), packs it once and installs the tarball offline
 * into a fresh consumer project. It does so in the background: the other projects' tests run
 * meanwhile, and the package tests wait for it through `builtPackage()` (test/helpers/built.ts).
 *
 * A build is most of the suite's CPU (about 20 s, its declaration pass most of it) and its
 * output depends only on its inputs, so the result is kept under node_modules/.cache, keyed by
 * a hash of every input's content: a run whose inputs are unchanged copies `dist/` and the
 * installed consumer back instead of building again, and any edit builds afresh. The build and
 * the pack are kept apart, since the pack reads more than the build does: an edit of the
 * README packs and installs again (a few seconds) but does not rebuild.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
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

/**
 * Where finished builds (`build-<key>/dist`) and installs (`pack-<key>/consumer`) are kept, one
 * folder per key; only the newest of each kind is kept.
 */
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'fish-audio-package');
/** What the build reads, besides node_modules (which package-lock.json pins). */
const BUILD_INPUTS = [
  'src',
  'tsup.config.ts',
  'tsconfig.json',
  'package.json',
  'package-lock.json',
  'scripts/declarations.ts',
  'scripts/lib/entries.ts',
  'scripts/lib/main.ts',
  'scripts/lib/root.ts',
  'test/setup/build.ts',
];
/** What the pack and the offline install read besides the build's inputs and its output. */
const PACK_INPUTS = ['README.md', 'LICENSE', 'scripts/lib/consumer.ts'];

/** The key of a build: a hash of every build input's path and content. */
export function buildKey(): Promise<string> {
  return hashFiles(BUILD_INPUTS, 'build');
}

/** The key of a pack and install: the build's key and every pack input's path and content. */
export function packKey(build: string): Promise<string> {
  return hashFiles(PACK_INPUTS, `pack ${build}`);
}

async function hashFiles(inputs: readonly string[], seed: string): Promise<string> {
  const hash = createHash('sha256').update(`${seed}\0`);
  for (const input of inputs) {
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

/**
 * Keeps `fill`'s output as the `kind` entry for `key`, in place of any older one of that kind:
 * whole or not at all (written aside, then renamed into place).
 */
async function keep(kind: string, key: string, fill: (dir: string) => Promise<void>) {
  await mkdir(CACHE, { recursive: true });
  for (const entry of await readdir(CACHE)) {
    // Older entries of this kind, and any left by an earlier layout of this folder.
    if (entry.startsWith(`${kind}-`) || !/^(build|pack)-/.test(entry)) {
      await rm(path.join(CACHE, entry), { recursive: true, force: true });
    }
  }
  const part = path.join(CACHE, `${kind}-${key}.part`);
  await mkdir(part);
  await fill(part);
  await rename(part, path.join(CACHE, `${kind}-${key}`));
}

async function build(temp: string): Promise<Built> {
  const consumer = path.join(temp, 'consumer');
  const dist = path.join(ROOT, 'dist');
  const copy = (from: string, to: string) =>
    cp(from, to, { recursive: true, verbatimSymlinks: true });

  // 1. dist/: built, or copied back from a build of the same inputs.
  const built = await buildKey();
  const keptBuild = path.join(CACHE, `build-${built}`, 'dist');
  if (existsSync(keptBuild)) {
    await rm(dist, { recursive: true, force: true });
    await copy(keptBuild, dist);
  } else {
    await npm(['run', 'build'], ROOT);
    await keep('build', built, (dir) => copy(dist, path.join(dir, 'dist')));
  }

  // 2. The consumer: packed from dist/ and installed, or copied back from the same pack.
  const key = await packKey(built);
  const keptPack = path.join(CACHE, `pack-${key}`);
  const saved = await readFile(path.join(keptPack, 'packed.json'), 'utf8').catch(() => undefined);
  let packed: { tarball: string; files: string[] };
  if (saved) {
    await copy(path.join(keptPack, 'consumer'), consumer);
    const { tarball, files } = JSON.parse(saved) as { tarball: string; files: string[] };
    packed = { tarball: path.join(consumer, tarball), files };
  } else {
    await mkdir(consumer);
    packed = await installPackedProject(consumer);
    const tarball = path.relative(consumer, packed.tarball);
    await keep('pack', key, async (dir) => {
      await copy(consumer, path.join(dir, 'consumer'));
      await writeFile(
        path.join(dir, 'packed.json'),
        JSON.stringify({ tarball, files: packed.files }),
      );
    });
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
