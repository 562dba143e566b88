/**
 * Rebuilds `test/fixtures/docs-examples/`, the JavaScript examples Fish Audio publishes in its
 * docs, from a clone of `fishaudio/docs`:
 *
 *   git clone https://github.com/fishaudio/docs /tmp/docs
 *   npx tsx scripts/docs-examples.ts /tmp/docs
 *
 * Every code block tagged "JavaScript" on the SDK guide (`developer-guide/sdk-guide/`) and the
 * feature pages (`features/`), written byte for byte as an `.mjs` file, and `manifest.json`
 * naming the commit and the page each came from. `test/docs-examples.test.ts` runs them,
 * unchanged, against the stand-in.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runMain } from './lib/main.js';
import { ROOT } from './lib/root.js';

/** Where the examples go. */
export const DOCS_EXAMPLES = path.join(ROOT, 'test', 'fixtures', 'docs-examples');
const PAGES = /^(developer-guide\/sdk-guide|features)\/.*\.mdx$/;
// A fence opening a block the docs label JavaScript (some are tagged `typescript`).
const OPENING = /^```(?:javascript|js|typescript|ts)\s+JavaScript\s*$/;

/** One example: its file name here and the page it came from. */
export interface DocsExample {
  file: string;
  page: string;
}

/** The examples of the docs at `docs` (a git repository), with their code. */
export function readExamples(docs: string): {
  commit: string;
  examples: Array<DocsExample & { code: string }>;
} {
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', docs, ...args], { encoding: 'utf8', timeout: 60_000 });
  const commit = git('rev-parse', 'HEAD').trim();
  const examples: Array<DocsExample & { code: string }> = [];
  for (const page of git('ls-tree', '-r', '--name-only', 'HEAD').split('\n').sort()) {
    if (!PAGES.test(page)) continue;
    const lines = git('show', `HEAD:${page}`).split('\n');
    let block: string[] | undefined;
    let n = 0;
    for (const line of lines) {
      if (block === undefined && OPENING.test(line.trim())) block = [];
      else if (block !== undefined && line.trim() === '```') {
        n++;
        const name = page.replace(/^developer-guide\/sdk-guide\//, '').replace(/\.mdx$/, '');
        const file = `${name.replaceAll('/', '-')}${n > 1 ? `-${n}` : ''}.mjs`;
        examples.push({ file, page, code: block.join('\n') + '\n' });
        block = undefined;
      } else block?.push(line);
    }
  }
  return { commit, examples };
}

runMain(import.meta.url, 'docs-examples', async () => {
  const docs = process.argv[2];
  if (!docs) throw new Error('usage: tsx scripts/docs-examples.ts <clone of fishaudio/docs>');
  const { commit, examples } = readExamples(docs);
  await rm(DOCS_EXAMPLES, { recursive: true, force: true });
  await mkdir(DOCS_EXAMPLES, { recursive: true });
  for (const { file, code } of examples) await writeFile(path.join(DOCS_EXAMPLES, file), code);
  const manifest = {
    source: `fishaudio/docs@${commit}`,
    examples: examples.map(({ file, page }) => ({ file, page })),
  };
  await writeFile(
    path.join(DOCS_EXAMPLES, 'manifest.json'),
    JSON.stringify(manifest, null, 2) + '\n',
  );
  console.log(`${examples.length} examples -> ${path.relative(ROOT, DOCS_EXAMPLES)}`);
  return 0;
});
