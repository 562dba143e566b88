/** spec-diff's report as text for humans. */
import { plural, type Audience, type SpecDiffReport } from './diff-model.js';

/** The report for humans: one block per operation, one line per change, a summary at the end. */
export function formatReport(report: SpecDiffReport): string {
  const accepted = acceptedText(report);
  if (report.operations.length === 0) return `No changes to any operation.\n${accepted}`;
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
  return lines.join('\n') + '\n' + accepted;
}

/** The changes the ignore file accepts, each with its reason; empty when there are none. */
function acceptedText(report: SpecDiffReport): string {
  const accepted = report.accepted ?? [];
  if (accepted.length === 0) return '';
  const lines = accepted.map(
    ({ operation, change: c, reason }) =>
      `  ${c.level.padEnd(8)}  ${operation}: ${c.message} (${c.kind})\n            accepted: ${reason}`,
  );
  return `\nAccepted by the ignore file (${accepted.length}):\n${lines.join('\n')}\n`;
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

/** The report as a markdown changelog section, as spec:update appends it to CHANGELOG.md. */
export function formatMarkdown(report: SpecDiffReport, title = 'API changes'): string {
  const lines = [`### ${title}`, ''];
  const accepted = acceptedMarkdown(report);
  if (report.operations.length === 0)
    return `${lines.join('\n')}No changes to any operation.\n${accepted}`;
  for (const operation of report.operations) {
    lines.push(`- \`${operation.key}\``);
    for (const c of operation.changes) {
      const mark = c.level === 'breaking' ? '**breaking**' : c.level;
      lines.push(`  - ${mark} (${c.audience}, \`${c.kind}\`): ${c.message}`);
    }
  }
  return `${lines.join('\n')}\n\n${summary(report)}\n${accepted}`;
}

/** The accepted changes as a markdown list with the ignore file's reasons; empty when none. */
function acceptedMarkdown(report: SpecDiffReport): string {
  const accepted = report.accepted ?? [];
  if (accepted.length === 0) return '';
  const lines = accepted.map(({ operation, change: c, reason }) => {
    const mark = c.level === 'breaking' ? '**breaking**' : c.level;
    return `- \`${operation}\`: ${mark} (${c.audience}, \`${c.kind}\`): ${c.message}. Accepted: ${reason}`;
  });
  return `\n#### Accepted by the ignore file (${accepted.length})\n\n${lines.join('\n')}\n`;
}

/**
 * GitHub Actions workflow commands, one per breaking change or warning, pointing at `file` and
 * at the line where `lineOf` finds the operation (1 when it cannot).
 */
export function formatAnnotations(
  report: SpecDiffReport,
  file: string,
  lineOf: (operationKey: string) => number,
): string {
  const escape = (text: string) =>
    text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const lines: string[] = [];
  for (const operation of report.operations) {
    for (const c of operation.changes) {
      if (c.level === 'info') continue;
      const command = c.level === 'breaking' ? 'error' : 'warning';
      const title = escape(`${c.kind} (${c.audience})`).replace(/,/g, '%2C').replace(/:/g, '%3A');
      const line = lineOf(operation.key);
      lines.push(
        `::${command} file=${file},line=${line},title=${title}::${escape(`${operation.key}: ${c.message}`)}`,
      );
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
