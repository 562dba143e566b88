/**
 * Rebuilds `test/fixtures/upstream/history.json`, the real history of the upstream OpenAPI
 * document, from a clone of `fishaudio/docs`:
 *
 *   git clone https://github.com/fishaudio/docs /tmp/docs
 *   npx tsx scripts/upstream-history.ts /tmp/docs
 *
 * Every commit that changed `api-reference/openapi.json` and still has it, oldest first: the
 * first document in full, each later one as the JSON Patch (RFC 6902) from the one before, so
 * 43 versions of up to 570 kB fit in ~360 kB. `test/spec-diff-history.test.ts` replays them and
 * holds spec-diff's verdict on each consecutive pair to the one written in
 * `test/fixtures/upstream/verdicts.yaml`.
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { createPatch } from 'rfc6902';
import { runMain } from './lib/main.js';
import { ROOT } from './lib/root.js';
import {
  replayHistory,
  type UpstreamHistory,
  type UpstreamVersion,
} from './lib/upstream-history.js';

const FILE = 'api-reference/openapi.json';
/** Where the fixture goes. */
export const HISTORY_FIXTURE = path.join(ROOT, 'test', 'fixtures', 'upstream', 'history.json');

/** Every version of {@link FILE} in the git repository at `docs`, oldest first. */
export function readVersions(docs: string): UpstreamVersion[] {
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', docs, ...args], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 60_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const commits = git('log', '--reverse', '--format=%H %ad', '--date=short', '--', FILE)
    .trim()
    .split('\n')
    .map((line) => line.split(' ') as [string, string]);
  const versions: UpstreamVersion[] = [];
  for (const [commit, date] of commits) {
    let text: string;
    try {
      text = git('show', `${commit}:${FILE}`);
    } catch {
      continue; // the commit deleted the file
    }
    versions.push({ commit: commit.slice(0, 7), date, document: JSON.parse(text) });
  }
  return versions;
}

/** `versions` as the fixture stores them: the first in full, then a patch per version. */
export function toHistory(versions: UpstreamVersion[]): UpstreamHistory {
  const [base, ...rest] = versions;
  if (!base) throw new Error(`no version of ${FILE} found`);
  return {
    source: `fishaudio/docs ${FILE}`,
    base,
    versions: rest.map(({ commit, date, document }, i) => ({
      commit,
      date,
      patch: createPatch(versions[i]!.document, document),
    })),
  };
}

runMain(import.meta.url, 'upstream-history', async () => {
  const docs = process.argv[2];
  if (!docs) throw new Error('usage: tsx scripts/upstream-history.ts <clone of fishaudio/docs>');
  const versions = readVersions(docs);
  const history = toHistory(versions);
  // A patch that does not give back its document exactly would replay another history.
  if (!isDeepStrictEqual(replayHistory(history), versions)) {
    throw new Error('the patches do not replay the history exactly');
  }
  await writeFile(HISTORY_FIXTURE, JSON.stringify(history) + '\n');
  console.log(`${versions.length} versions -> ${path.relative(ROOT, HISTORY_FIXTURE)}`);
  return 0;
});
