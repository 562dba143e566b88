/**
 * The real `src/` as one ES module, with some files served from memory in place of those on disk
 * (a regenerated src/generated/): what a spec edit and a regeneration alone make of the client,
 * loaded without copying `src/` (a copy would be transformed afresh, file by file); or a
 * TypeScript script as one file that Node runs without tsx.
 */
import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { ROOT } from '../../scripts/lib/root.js';

/**
 * Serves `files` (absolute path to text) in place of the files on disk, and those that are not
 * on disk at all (a resource the edit added); an import of `./x.js` finds a replaced `x.ts` as it
 * finds one on disk.
 */
function replacing(files: ReadonlyMap<string, string>): Plugin {
  return {
    name: 'replacing',
    setup(bundler) {
      bundler.onResolve({ filter: /^\.\.?\// }, ({ path: specifier, resolveDir }) => {
        const file = path.resolve(resolveDir, specifier);
        const found = [file, file.replace(/\.js$/, '.ts')].find((name) => files.has(name));
        return found === undefined ? undefined : { path: found };
      });
      bundler.onLoad({ filter: /./ }, ({ path: file }) => {
        const contents = files.get(file);
        if (contents === undefined) return undefined; // not replaced: the file on disk
        return { contents, loader: file.endsWith('.ts') ? 'ts' : 'js' };
      });
    },
  };
}

let bundles = 0;

/**
 * Bundles `entry` (relative to the project) with `files` in place of the files at their paths
 * into an ES module in `dir`, and resolves with its path. The packages stay imports, which Node
 * resolves through a link to this project's node_modules made in `dir`.
 */
export async function bundle(
  entry: string,
  dir: string,
  files: ReadonlyArray<{ path: string; contents: string }> = [],
): Promise<string> {
  await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir').catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    },
  );
  const outfile = path.join(dir, `bundle-${++bundles}.mjs`);
  const { metafile } = await build({
    absWorkingDir: ROOT,
    entryPoints: [path.join(ROOT, entry)],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'error',
    metafile: true,
    plugins: [replacing(new Map(files.map((file) => [file.path, file.contents])))],
  });
  // A replacement that no import reaches (a path spelled differently) would leave the test
  // running the files on disk and passing for the wrong reason.
  const inputs = new Set(Object.keys(metafile.inputs).map((input) => path.resolve(ROOT, input)));
  if (files.length > 0 && !files.some((file) => inputs.has(file.path))) {
    throw new Error(`bundle: no replaced file is imported from ${entry}`);
  }
  return outfile;
}

/** {@link bundle}, imported into this process as a module of its own. */
export async function importWith<Module>(
  entry: string,
  files: ReadonlyArray<{ path: string; contents: string }>,
  dir: string,
): Promise<Module> {
  return (await import(pathToFileURL(await bundle(entry, dir, files)).href)) as Module;
}
