/** spec-diff's report as text for humans. */
import { plural, type Audience, type SpecDiffReport } from './diff-model.js';

/** The report for humans: one block per operation, one line per change, a summary at the end. */
export function formatReport(report: SpecDiffReport): string {
  if (report.operations.length === 0) return 'No changes to any operation.\n';
  const lines: string[] = [];
  for (const operation of report.operations) {
    lines.push(operation.key);
    for (const c of operation.changes) {
      lines.push(
        `  ${(c.breaking ? 'BREAKING' : 'ok').padEnd(8)}  ${c.audience.padEnd(7)}  ${c.message}`,
      );
    }
    lines.push('');
  }
  lines.push(summary(report));
  return lines.join('\n') + '\n';
}

/** The last line: how many changes, how many breaking, for whom. */
function summary(report: SpecDiffReport): string {
  const all = report.operations.flatMap((operation) => operation.changes);
  const breaking = all.filter((c) => c.breaking);
  const count = (audience: Audience) => breaking.filter((c) => c.audience === audience).length;
  const ops = report.operations.length;
  const head = `${all.length} ${plural(all.length, 'change')} in ${ops} ${plural(ops, 'operation')}`;
  if (breaking.length === 0) return `${head}, none breaking.`;
  return `${head}, ${breaking.length} breaking (callers: ${count('callers')}, readers: ${count('readers')}).`;
}
