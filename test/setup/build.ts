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
import { mkdtempSync } from 'node:fs';
import {
  cp,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  readlink,
  realpath,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { installPackedProject, npm } from '../../scripts/lib/consumer.js';
import { runProcess, type ProcessResult } from '../../scripts/lib/process.js';
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
/** The file in the build folder with attw's verdict on the tarball: `{ result }` or `{ error }`. */
export const ATTW = 'attw.json';

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
/** Files at the top of a project that `npm pack` adds whatever package.json's `files` says. */
const ALWAYS_PACKED = /^(readme|licen[cs]e|copying)(\..*)?$/i;

/** The key of a build: a hash of every build input's path and content. */
export function buildKey(root = ROOT): Promise<string> {
  return hashFiles(root, BUILD_INPUTS, 'build');
}

/**
 * The key of a pack and install: the build's key and every pack input's path and content,
 * including any file npm packs unasked (a `LICENCE` or `readme.txt` beside the listed ones).
 */
export async function packKey(build: string, root = ROOT): Promise<string> {
  const unasked = (await readdir(root)).filter((name) => ALWAYS_PACKED.test(name));
  return hashFiles(root, [...new Set([...PACK_INPUTS, ...unasked])], `pack ${build}`);
}

/**
 * A hash of `inputs` (files or folders under `root`) by path and content. Links are followed,
 * as the build follows them, and each content is framed by its length.
 */
export async function hashFiles(
  root: string,
  inputs: readonly string[],
  seed: string,
): Promise<string> {
  const hash = createHash('sha256').update(`${seed}\0`);
  const visited = new Set<string>();
  const walk = async (file: string): Promise<void> => {
    const full = path.join(root, file);
    const info = await stat(full);
    if (info.isFile()) {
      const content = await readFile(full);
      hash.update(`${file}\0${content.length}\0`).update(content);
      return;
    }
    // A FIFO or a device would be read forever (or block): no build input is one.
    if (!info.isDirectory()) throw new Error(`${file} is neither a file nor a folder`);
    // A link back up the tree is read once.
    const real = await realpath(full);
    if (visited.has(real)) return;
    visited.add(real);
    for (const name of (await readdir(full)).sort()) await walk(path.join(file, name));
  };
  for (const input of inputs) await walk(input);
  return hash.digest('hex').slice(0, 32);
}

/** Copies a folder as it is, its links as links (the consumer's `.bin`). */
const copy = (from: string, to: string) =>
  cp(from, to, { recursive: true, verbatimSymlinks: true });

/** A kept entry's name: its kind and its key. Anything else in the cache folder is temporary. */
const ENTRY = /^(build|pack)-[0-9a-f]{32}$/;
/** The file an entry's listing is written to, last, once the entry is whole. */
const LISTING = 'listing.txt';

/** Every file and link under `dir`, with its size or target, one sorted line each. */
async function listing(dir: string): Promise<string> {
  const lines: string[] = [];
  for (const name of await readdir(dir, { recursive: true })) {
    const full = path.join(dir, name);
    const info = await lstat(full);
    if (info.isSymbolicLink()) lines.push(`${name} -> ${await readlink(full)}`);
    else if (info.isFile()) lines.push(`${name} ${info.size}`);
  }
  return lines.sort().join('\n');
}

/**
 * Keeps what `fill` writes as the `kind` entry for `key`, whole or not at all: written into a
 * folder of this run's own, listed, then renamed into place; a run that kept the same entry
 * first wins. Nothing is kept when `current()` no longer gives `key` after `fill` (an input
 * changed while it ran). Then older entries of the kind go, and folders of runs that are gone.
 */
export async function keep(
  cache: string,
  kind: 'build' | 'pack',
  key: string,
  fill: (dir: string) => Promise<void>,
  current: () => Promise<string>,
): Promise<void> {
  await mkdir(cache, { recursive: true });
  const entry = `${kind}-${key}`;
  const part = await mkdtemp(path.join(cache, `${entry}.part-${process.pid}-`));
  try {
    await fill(part);
    if ((await current()) !== key) return;
    await writeFile(path.join(part, LISTING), await listing(part));
    await rename(part, path.join(cache, entry)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  } finally {
    await rm(part, { recursive: true, force: true });
  }
  for (const name of await readdir(cache)) {
    const older = ENTRY.test(name) && name.startsWith(`${kind}-`) && name !== entry;
    if (older || (!ENTRY.test(name) && !writtenByLiveRun(name))) {
      await rm(path.join(cache, name), { recursive: true, force: true });
    }
  }
}

/** Whether `name` is a `.part` folder of a process still running (maybe another test run). */
function writtenByLiveRun(name: string): boolean {
  const pid = Number(/\.part-(\d+)-/.exec(name)?.[1]);
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Copies `from` (a folder of the kept `kind` entry for `key`) to `to`, and resolves true only
 * when the copy holds exactly what the entry listed when it was kept. An entry that is damaged,
 * half-written or removed meanwhile by another run resolves false, and is removed.
 */
export async function restore(
  cache: string,
  kind: 'build' | 'pack',
  key: string,
  from: string,
  to: string,
): Promise<boolean> {
  const entry = path.join(cache, `${kind}-${key}`);
  const listed = await readFile(path.join(entry, LISTING), 'utf8').catch(() => undefined);
  if (listed === undefined) {
    // None, or one without a listing: an earlier layout's, which a rename could never replace.
    await rm(entry, { recursive: true, force: true });
    return false;
  }
  const expected = listed
    .split('\n')
    .filter((line) => line.startsWith(`${from}${path.sep}`))
    .map((line) => line.slice(from.length + 1))
    .join('\n');
  await rm(to, { recursive: true, force: true });
  const copied = await copy(path.join(entry, from), to)
    .then(() => listing(to))
    .catch(() => undefined);
  if (copied === expected) return true;
  await rm(entry, { recursive: true, force: true });
  await rm(to, { recursive: true, force: true });
  return false;
}

async function build(temp: string): Promise<Built> {
  const consumer = path.join(temp, 'consumer');
  const dist = path.join(ROOT, 'dist');

  // 1. dist/: copied back from a build of the same inputs, or built.
  const built = await buildKey();
  if (!(await restore(CACHE, 'build', built, 'dist', dist))) {
    await npm(['run', 'build'], ROOT);
    await keep(CACHE, 'build', built, (dir) => copy(dist, path.join(dir, 'dist')), buildKey);
  }

  // 2. The consumer: copied back from the same pack, or packed from dist/ and installed.
  const key = await packKey(built);
  const saved = path.join(CACHE, `pack-${key}`, 'packed.json');
  const kept = await readFile(saved, 'utf8').catch(() => undefined);
  let packed: { tarball: string; files: string[] };
  if (kept && (await restore(CACHE, 'pack', key, 'consumer', consumer))) {
    const { tarball, files } = JSON.parse(kept) as { tarball: string; files: string[] };
    packed = { tarball: path.join(consumer, tarball), files };
  } else {
    await mkdir(consumer);
    packed = await installPackedProject(consumer);
    const tarball = path.relative(consumer, packed.tarball);
    const fill = async (dir: string) => {
      await copy(consumer, path.join(dir, 'consumer'));
      await writeFile(
        path.join(dir, 'packed.json'),
        JSON.stringify({ tarball, files: packed.files }),
      );
    };
    await keep(CACHE, 'pack', key, fill, async () => packKey(await buildKey()));
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

/**
 * Are the types wrong? attw on the tarball, with the node16 profile (node10's resolution is
 * ignored: the package needs Node 20). It is the package project's largest check, several
 * seconds of CPU in a child of its own, and needs nothing but the tarball: started here as soon
 * as the tarball exists, it runs while the command and library projects wait on their servers,
 * and the package test only reads the verdict (`attwVerdict()`). Run on every build, never kept.
 */
function attw(tarball: string): Promise<ProcessResult> {
  const cli = path.join(ROOT, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
  return runProcess(process.execPath, [cli, tarball, '--profile', 'node16'], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    // Under the package tests' own 120 s, so that a hung attw fails its test with its output.
    timeout: 90_000,
  });
}

export default function setup(project: TestProject) {
  const temp = mkdtempSync(path.join(tmpdir(), 'fish-audio-package-'));
  const settle = async (file: string, outcome: object) => {
    // Written whole, then renamed, so that a waiting test never reads half of it.
    await writeFile(path.join(temp, `${file}.part`), JSON.stringify(outcome));
    await rename(path.join(temp, `${file}.part`), path.join(temp, file));
  };
  /** Builds, then runs attw; every outcome, even a failed write or spawn, settles both files. */
  const start = async () => {
    const failed = (caught: unknown) => {
      if (!(caught instanceof Error)) return String(caught);
      const { stdout, stderr } = caught as Error & { stdout?: string; stderr?: string };
      return [caught.message, stdout, stderr].filter(Boolean).join('\n');
    };
    // A folder deleted under the run (a temp cleaner) leaves nothing to tell: the waiting test
    // times out, and the run still ends through its teardowns.
    const tell = (file: string, outcome: object) => settle(file, outcome).catch(() => {});
    let built: Built | undefined;
    try {
      built = await build(temp);
    } catch (caught) {
      await tell(OUTCOME, { error: failed(caught) });
      await tell(ATTW, { error: 'no tarball: the build failed' });
      return;
    }
    await tell(OUTCOME, { built });
    const verdict = await attw(built.tarball).then(
      (result) => ({ result }),
      (caught: unknown) => ({ error: failed(caught) }),
    );
    await tell(ATTW, verdict);
  };
  let done = start();
  project.provide('packageBuild', temp);
  // Watch mode runs a global setup once: a rerun of this project's tests builds again from the
  // source as it is now (from the cache when nothing changed). Chained before any await, so that
  // two reruns in a row build one after the other, never both at once into the same folder; the
  // hook waits only for the old files to be gone, so the other projects rerun meanwhile.
  project.onTestsRerun(async (specifications) => {
    if (!specifications.some((spec) => spec.project.name === project.name)) return;
    const cleared = done
      .catch(() => {})
      .then(async () => {
        for (const made of [OUTCOME, ATTW, 'consumer', 'examples']) {
          await rm(path.join(temp, made), { recursive: true, force: true });
        }
      });
    done = cleared.then(start);
    await cleared;
  });
  return async () => {
    // A rerun whose old files could not be removed has said so already, from its hook.
    await done.catch(() => {});
    await rm(temp, { recursive: true, force: true });
  };
}
