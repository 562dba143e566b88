/**
 * The package as a user installs it: `npm pack`, then the tarball installed into a fresh
 * project, offline. Shared by the package test and `check:runtimes`.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './root.js';

const exec = promisify(execFile);

/** Runs npm quietly (no update notice) in `cwd`. */
export function npm(args: string[], cwd: string) {
  return exec('npm', args, {
    cwd,
    env: { ...process.env, npm_config_update_notifier: 'false' },
    maxBuffer: 16 * 1024 * 1024,
    // Nothing here may hang a test run: a build takes seconds, an offline install less.
    timeout: 300_000,
    killSignal: 'SIGKILL',
  });
}

/** What `npm pack` made: the tarball's path and the files it holds. */
export interface Packed {
  tarball: string;
  files: string[];
}

/** Packs the project (its `dist/` must be built) into `destination`. */
export async function packProject(destination: string): Promise<Packed> {
  const { stdout } = await npm(['pack', '--json', '--pack-destination', destination], ROOT);
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  return {
    tarball: path.join(destination, packed!.filename),
    files: packed!.files.map((file) => file.path),
  };
}

/**
 * Makes `dir` a project with the packed package installed, offline and with nothing from the
 * npm cache: `npm ci` on a fresh machine stores no registry metadata, so the runtime
 * dependencies are packed from node_modules and installed beside the tarball.
 */
export async function installPackedProject(dir: string): Promise<Packed> {
  const packed = await packProject(dir);
  await writeFile(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }),
  );
  const dependencies = await packRuntimeDependencies(dir);
  const install = ['install', '--offline', '--no-audit', '--no-fund', packed.tarball];
  await npm([...install, ...dependencies], dir);
  return packed;
}

/** Packs every runtime dependency of the package, transitively, from ROOT's node_modules. */
async function packRuntimeDependencies(destination: string): Promise<string[]> {
  const seen = new Set<string>();
  const queue = Object.keys(await readDependencies(ROOT));
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    queue.push(...Object.keys(await readDependencies(path.join(ROOT, 'node_modules', name))));
  }
  // At once: each is an npm process that mostly waits on its own start.
  const tarballs = await Promise.all(
    [...seen].map(async (name) => {
      const dir = path.join(ROOT, 'node_modules', name);
      // --ignore-scripts: a folder's `prepare` script would try to rebuild the dependency.
      const { stdout } = await npm(
        ['pack', '--json', '--ignore-scripts', '--pack-destination', destination, dir],
        ROOT,
      );
      return path.join(destination, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
    }),
  );
  return tarballs;
}

async function readDependencies(dir: string): Promise<Record<string, string>> {
  const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'));
  return pkg.dependencies ?? {};
}
