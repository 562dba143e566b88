/**
 * Gives every declaration file in dist/ a CommonJS twin (`x.d.ts` → `x.d.cts`), run by
 * `npm run build` after tsup.
 *
 * tsup writes the declarations once, for the ESM build, with the types the entries share in one
 * chunk. The twins refer to each other (`./chunk.js` → `./chunk.cjs`), so that under `require`
 * TypeScript reads them as CommonJS, and every entry still shares the one declaration of each
 * class: a client made from the main entry is the same type to the realtime and testing
 * entries. One declaration pass instead of one per format is also most of the build's time.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runMain } from './lib/main.js';
import { ROOT } from './lib/root.js';

/** `text` with each relative module specifier ending in `.js` made to end in `.cjs`. */
export function toCommonJs(text: string): string {
  return text.replace(/(from\s+|import\s*\(\s*)(['"])(\.{1,2}\/[^'"]*)\.js\2/g, '$1$2$3.cjs$2');
}

async function main(): Promise<number> {
  const dist = path.join(ROOT, 'dist');
  const entries = await readdir(dist, { recursive: true, withFileTypes: true });
  const declarations = entries.filter((entry) => entry.isFile() && entry.name.endsWith('.d.ts'));
  for (const entry of declarations) {
    const file = path.join(entry.parentPath, entry.name);
    await writeFile(file.replace(/\.d\.ts$/, '.d.cts'), toCommonJs(await readFile(file, 'utf8')));
  }
  return declarations.length > 0 ? 0 : 1;
}

runMain(import.meta.url, 'declarations', main);
