/**
 * spec-diff on real data (issue 19): every consecutive pair of the upstream document's history
 * in fishaudio/docs (43 versions, 2025-09-12 to 2026-08-19, checked in as patches) gets the
 * verdict written, with its reason, in test/fixtures/upstream/verdicts.yaml, and exactly the
 * rule ids listed there at the breaking and warning levels. A regression on real data fails here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Change, Level } from '../scripts/lib/diff-model.js';
import { diffSpecs } from '../scripts/lib/diff-operations.js';
import type { OpenAPIDocument } from '../scripts/lib/openapi.js';
import { replayHistory, type UpstreamHistory } from '../scripts/lib/upstream-history.js';
import { ROOT } from './helpers/project-copy.js';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'upstream');

interface Verdict {
  pair: string;
  verdict: 'pass' | 'fail';
  breaking: string[];
  warnings: string[];
  why: string;
}

const history = JSON.parse(
  readFileSync(path.join(FIXTURES, 'history.json'), 'utf8'),
) as UpstreamHistory;
const versions = replayHistory(history);
const verdicts = parseYaml(readFileSync(path.join(FIXTURES, 'verdicts.yaml'), 'utf8')) as Verdict[];

/** The changes between version `i - 1` and version `i`. */
function changesAt(i: number): Change[] {
  const [before, after] = [versions[i - 1]!, versions[i]!];
  const report = diffSpecs(before.document as OpenAPIDocument, after.document as OpenAPIDocument);
  return report.operations.flatMap((operation) => operation.changes);
}

/** The rule ids reported at `level`, sorted. */
function kinds(changes: Change[], level: Level): string[] {
  return [...new Set(changes.filter((c) => c.level === level).map((c) => c.kind))].sort();
}

describe('the upstream history', () => {
  it('has a written verdict for each of its 42 consecutive pairs, in order', () => {
    expect(versions).toHaveLength(43);
    const pairs = versions.slice(1).map((v, i) => `${versions[i]!.commit}..${v.commit}`);
    expect(verdicts.map((v) => v.pair)).toEqual(pairs);
    for (const verdict of verdicts) expect(verdict.why.length).toBeGreaterThan(10);
  });

  it.each(verdicts.map((verdict, i) => ({ ...verdict, i: i + 1 })))(
    '$pair: $verdict — $why',
    ({ i, verdict, breaking, warnings }) => {
      const changes = changesAt(i);
      expect({ breaking: kinds(changes, 'breaking'), warnings: kinds(changes, 'warning') }).toEqual(
        { breaking: [...breaking].sort(), warnings: [...warnings].sort() },
      );
      expect(changes.some((c) => c.breaking)).toBe(verdict === 'fail');
    },
  );

  it('reports all 12 narrowings inside the anyOf variants of POST /model on 2026-07-31', () => {
    const i = versions.findIndex((v) => v.commit === '22780b1');
    const inVariants = changesAt(i).filter(
      (c) => /^(min|max)-items-added$/.test(c.kind) && / variant\)$/.test(c.message),
    );
    expect(inVariants).toHaveLength(12);
    expect(new Set(inVariants.map((c) => c.path))).toEqual(new Set(['voices', 'texts']));
  });

  it('rates the free-to-paid default of an optional TTS model header a warning on 2026-08-04', () => {
    const i = versions.findIndex((v) => v.commit === 'fc0fcb8');
    const warnings = changesAt(i).filter((c) => c.level === 'warning');
    expect(warnings.map((c) => c.message)).toEqual([
      expect.stringMatching(
        /header parameter "model" default changed: "s2\.1-pro-free" -> "s2\.1-pro"/,
      ),
      expect.stringMatching(
        /header parameter "model" default changed: "s2\.1-pro-free" -> "s2\.1-pro"/,
      ),
    ]);
  });
});
