/**
 * The ignore file: deliberate breaks that are accepted, so the gate stays on for the rest. A
 * YAML list of `{ rule, operation, path?, reason }`; an entry without `path` covers every path.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { AcceptedChange, SpecDiffReport } from './diff-model.js';
import { isPlainObject } from './json.js';

/** One accepted change. */
export interface IgnoreEntry {
  rule: string;
  /** Like `GET /wallet/{user_id}/api-credit`. */
  operation: string;
  path?: string;
  reason: string;
}

/** Reads and checks an ignore file; every entry must give a reason. */
export async function loadIgnoreFile(file: string): Promise<IgnoreEntry[]> {
  const entries: unknown = parseYaml(await readFile(file, 'utf8')) ?? [];
  if (!Array.isArray(entries)) throw new Error(`${file}: expected a list of entries`);
  return entries.map((entry, i) => {
    const ok =
      isPlainObject(entry) &&
      typeof entry.rule === 'string' &&
      typeof entry.operation === 'string' &&
      typeof entry.reason === 'string' &&
      entry.reason.trim() !== '';
    if (!ok) throw new Error(`${file}: entry ${i + 1} needs rule, operation and a reason`);
    return entry as unknown as IgnoreEntry;
  });
}

/**
 * The report without the accepted changes, which move to `accepted` with the reason of the first
 * entry that accepts each; `breaking` recomputed.
 */
export function applyIgnores(report: SpecDiffReport, entries: IgnoreEntry[]): SpecDiffReport {
  const accepted: AcceptedChange[] = [...(report.accepted ?? [])];
  const operations = report.operations
    .map(({ key, changes }) => ({
      key,
      changes: changes.filter((c) => {
        const entry = entries.find(
          (e) =>
            e.rule === c.kind && e.operation === key && (e.path === undefined || e.path === c.path),
        );
        if (entry) accepted.push({ operation: key, change: c, reason: entry.reason.trim() });
        return entry === undefined;
      }),
    }))
    .filter((operation) => operation.changes.length > 0);
  return {
    breaking: operations.some((o) => o.changes.some((c) => c.breaking)),
    operations,
    accepted,
  };
}
