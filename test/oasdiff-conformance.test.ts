/**
 * spec:diff against oasdiff, the reference breaking-change checker, on base -> revision pairs
 * from oasdiff's own checker tests. The documents are oasdiff's (Apache-2.0) and are read in
 * place from ../shared/oasdiff-checker-fixtures/ (CI has that folder beside the clone); they are
 * never copied here. test/oasdiff/labels.ts says what oasdiff's Go tests expect of each pair and
 * where, and why, this client's verdict departs from it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Level } from '../scripts/lib/diff-model.js';
import { diffSpecs } from '../scripts/lib/diff-operations.js';
import { loadSpec } from '../scripts/lib/openapi.js';
import { ROOT } from './helpers/project-copy.js';
import { OASDIFF_PAIRS } from './oasdiff/labels.js';

const FIXTURES = path.join(ROOT, '..', 'shared', 'oasdiff-checker-fixtures');
const DATA = path.join(FIXTURES, 'data');
const present = existsSync(DATA);

/** The highest level among a report's changes; no change at all reads as `info`. */
async function verdict(base: string, revision: string): Promise<Level> {
  const [before, after] = await Promise.all([
    loadSpec(path.join(DATA, base)),
    loadSpec(path.join(DATA, revision)),
  ]);
  const levels = diffSpecs(before, after).operations.flatMap((o) => o.changes.map((c) => c.level));
  return levels.includes('breaking') ? 'breaking' : levels.includes('warning') ? 'warning' : 'info';
}

describe.skipIf(!present)('spec:diff on oasdiff checker fixture pairs', () => {
  it.each(OASDIFF_PAIRS)('$base -> $revision: oasdiff $oasdiff', async (pair) => {
    const expected = pair.client?.level ?? pair.oasdiff;
    expect(await verdict(pair.base, pair.revision), pair.client?.reason).toBe(expected);
  });

  it('writes a reason next to every departure from oasdiff', () => {
    const departures = OASDIFF_PAIRS.filter((pair) => pair.client);
    for (const pair of departures) {
      expect(pair.client!.level).not.toBe(pair.oasdiff);
      expect(pair.client!.reason.length).toBeGreaterThan(20);
    }
  });
});

// Registered only when the fixtures are absent, so a run that has them reports nothing skipped.
if (!present) {
  describe('spec:diff on oasdiff checker fixture pairs (fixtures absent)', () => {
    it.skip(`is not run: ${path.relative(ROOT, FIXTURES)} is not on this machine (CI has it)`, () => {});
  });
}
