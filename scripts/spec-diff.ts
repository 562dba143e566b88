/**
 * Lists what changed between two OpenAPI 3.x documents, as it matters to this client.
 *
 *   npm run spec:diff -- <old> <new>          # report for humans, grouped per operation
 *   npm run spec:diff -- <old> <new> --json   # the same report as JSON
 *
 * Exit code: 1 when a change is breaking, 0 otherwise, 2 when an input cannot be read or is
 * not OpenAPI 3.x.
 *
 * Every change is for one audience. `callers` are affected through what they send
 * (parameters, request body): a change breaks them when the API stops accepting something it
 * accepted before (narrowing). `readers` are affected through what they receive (statuses,
 * response bodies): a change breaks them when the API may now send something the old types
 * did not allow (widening). So the same schema rule runs in two directions.
 */
import { parseArgs } from 'node:util';
import { diffSpecs } from './lib/diff-operations.js';
import { formatReport } from './lib/diff-report.js';
import { runMain } from './lib/main.js';
import { loadSpec } from './lib/openapi.js';

/** Output streams, so the command runs in-process under test as it does from a shell. */
export interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** The command: parses `args`, prints the report, resolves to the exit code (throws on bad input). */
export async function specDiff(args: string[], io: Io = process): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 2) throw new Error('usage: spec-diff <old> <new> [--json]');
  const [oldDoc, newDoc] = await Promise.all(positionals.map((file) => loadSpec(file)));
  const report = diffSpecs(oldDoc!, newDoc!);
  io.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
  return report.breaking ? 1 : 0;
}

runMain(import.meta.url, 'spec-diff', () => specDiff(process.argv.slice(2)));
