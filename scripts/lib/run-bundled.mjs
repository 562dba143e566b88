/**
 * Runs a maintainer script from its esbuild bundle in the git-ignored `.tooling/`, building the
 * bundle only when it is missing or a source it was built from is newer than it:
 *
 *   node scripts/lib/run-bundled.mjs spec-diff <args…>   # scripts/spec-diff.ts, bundled once
 *
 * Plain JavaScript so that Node runs it without `tsx`: starting tsx, or esbuild on every call,
 * cost more than the comparison itself. esbuild's metafile lists every input, so an edit to any
 * file the script imports (not only the entry) rebuilds it.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const [name, ...args] = process.argv.slice(2);
if (!name || !/^[a-z-]+$/.test(name)) {
  console.error('usage: node scripts/lib/run-bundled.mjs <script name> [args…]');
  process.exit(2);
}
const entry = path.join(ROOT, 'scripts', `${name}.ts`);
const bundle = path.join(ROOT, '.tooling', `${name}.mjs`);
const meta = path.join(ROOT, '.tooling', `${name}.meta.json`);

/** True when the bundle is missing, or older than any input its last build read. */
function stale() {
  try {
    const built = statSync(bundle).mtimeMs;
    const inputs = Object.keys(JSON.parse(readFileSync(meta, 'utf8')).inputs);
    return inputs.some((input) => statSync(path.resolve(ROOT, input)).mtimeMs > built);
  } catch {
    return true; // no bundle, no metafile, or an input gone: build
  }
}

if (stale()) {
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    // Dependencies bundled too: yaml alone is ~70 ES modules, whose resolution and loading cost
    // more than a large comparison's JSON parsing.
    packages: 'bundle',
    // Bundled CommonJS (yaml's Node build) calls require() for built-ins, which ESM lacks.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundle,
    metafile: true,
    logLevel: 'warning',
  });
  writeFileSync(meta, JSON.stringify(result.metafile));
}

// The bundle runs its main only when it is the process's entry point (scripts/lib/main.ts).
process.argv = [process.argv[0], bundle, ...args];
await import(pathToFileURL(bundle).href);
