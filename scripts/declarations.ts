/**
 * Writes the package's declaration files into dist/, run by `npm run build` after tsup (which
 * writes the JavaScript only).
 *
 * 1. TypeScript emits a declaration file per source module, once, for all four entries (with
 *    the project's compiler options), into a scratch folder; the generated validators' own
 *    `.d.ts` files are copied beside them.
 * 2. rollup-plugin-dts bundles them per entry, as tsup would, with the types the entries share
 *    in one chunk: a client made from the main entry is the same type to the realtime, testing
 *    and AI SDK entries. Bundling declarations that already exist needs no type checker: the
 *    two steps take 6 CPU-s where tsup's `dts` option took 14.
 * 3. Every declaration file gets a CommonJS twin (`x.d.ts` → `x.d.cts`) that refers to the
 *    others' twins (`./chunk.js` → `./chunk.cjs`), so that under `require` TypeScript reads them
 *    as CommonJS and every entry still shares the one declaration of each class.
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';
import ts from 'typescript';
import { LIBRARY_ENTRIES, SEPARATE_ENTRIES } from './lib/entries.js';
import { runMain } from './lib/main.js';
import { ROOT } from './lib/root.js';

/** The package's entries: the file under dist/ (without `.d.ts`) and its source. */
const ENTRIES = { ...LIBRARY_ENTRIES, ...SEPARATE_ENTRIES };

/**
 * A relative module specifier ending in `.js` where a declaration file names a module: after
 * `from` (not inside a string), in `import(...)`, a side-effect `import`, or `declare module`.
 */
const SPECIFIER =
  /((?<=[\s}*])from\s*|\bimport\s*\(\s*|^\s*import\s+|\bdeclare\s+module\s+)(['"])(\.{1,2}\/[^'"]*)\.js\2/gm;

/** `text` with each relative module specifier ending in `.js` made to end in `.cjs`. */
export function toCommonJs(text: string): string {
  return text.replace(SPECIFIER, '$1$2$3.cjs$2');
}

/** Step 1: a declaration file per module of the entries, under `out` as under the project. */
async function emitDeclarations(out: string): Promise<void> {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  })!;
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    declarationDir: out,
    rootDir: ROOT,
  };
  const roots = Object.values(ENTRIES).map((entry) => path.join(ROOT, entry));
  const program = ts.createProgram(roots, options);
  const { diagnostics, emitSkipped } = program.emit(undefined, undefined, undefined, true);
  if (emitSkipped || diagnostics.length > 0) {
    const host = {
      getCanonicalFileName: (name: string) => name,
      getCurrentDirectory: () => ROOT,
      getNewLine: () => '\n',
    };
    throw new Error(`declarations: ${ts.formatDiagnostics(diagnostics, host)}`);
  }
  // The validators are JavaScript with declarations of their own, which emit does not copy.
  const validators = path.join('src', 'generated', 'validators');
  for (const name of await readdir(path.join(ROOT, validators))) {
    if (name.endsWith('.d.ts')) {
      await cp(path.join(ROOT, validators, name), path.join(out, validators, name));
    }
  }
}

/** Step 2: one declaration file per entry under `dist`, the shared types in chunks. */
async function bundleDeclarations(emitted: string, dist: string): Promise<void> {
  const input = Object.fromEntries(
    Object.entries(ENTRIES).map(([name, source]) => [
      name,
      path.join(emitted, source.replace(/\.ts$/, '.d.ts')),
    ]),
  );
  const bundle = await rollup({
    input,
    plugins: [dts()],
    // Packages (openapi-fetch, ws, @ai-sdk/provider, node:*) stay imports.
    external: (id) => !id.startsWith('.') && !path.isAbsolute(id),
    onwarn(warning, warn) {
      // Types the bundles use but no entry exports (the socket behind a session, the redactor)
      // stay private on purpose; the warning would only repeat that on every build.
      if (warning.plugin === 'dts' && /private shared type exports/.test(warning.message)) return;
      warn(warning);
    },
  });
  await bundle.write({
    dir: dist,
    format: 'es',
    entryFileNames: '[name].d.ts',
    // A chunk is named after its first module (`client.d.ts`): `client-<hash>.d.ts`.
    chunkFileNames: (chunk) => `${chunk.name.replace(/\.d$/, '')}-[hash].d.ts`,
  });
  await bundle.close();
}

async function main(): Promise<number> {
  const dist = path.join(ROOT, 'dist');
  const scratch = await mkdtemp(path.join(tmpdir(), 'fish-audio-declarations-'));
  try {
    await emitDeclarations(scratch);
    await bundleDeclarations(scratch, dist);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  // Step 3.
  const entries = await readdir(dist, { recursive: true, withFileTypes: true });
  const declarations = entries.filter((entry) => entry.isFile() && entry.name.endsWith('.d.ts'));
  for (const entry of declarations) {
    const file = path.join(entry.parentPath, entry.name);
    await writeFile(file.replace(/\.d\.ts$/, '.d.cts'), toCommonJs(await readFile(file, 'utf8')));
  }
  return declarations.length > 0 ? 0 : 1;
}

runMain(import.meta.url, 'declarations', main);
