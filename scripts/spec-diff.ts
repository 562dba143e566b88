/**
 * Lists what changed between two OpenAPI 3.x documents, as it matters to this client.
 *
 *   npm run spec:diff -- <old> <new>                     # report for humans, per operation
 *   npm run spec:diff -- <old> <new> --format json       # or markdown, or github (annotations)
 *   npm run spec:diff -- HEAD~1:openapi/fish-audio.yaml openapi/fish-audio.yaml   # git refs
 *   npm run spec:diff -- <old> <new> --fail-on warning   # also fail on possible breaks
 *   npm run spec:diff -- <old> <new> --ignore openapi/spec-diff-ignore.yaml
 *   npm run spec:diff -- --rules                         # every rule id and what it means
 *
 * An input is a file, or `REF:PATH` read with `git show` when no such file exists. `$ref`s to
 * other files (`./schemas/credit.yaml#/Credit`) are followed, for a git input from the same REF.
 * Exit code: 1 when a change at or above the `--fail-on` level (default: breaking) is not in the
 * ignore file, 0 otherwise, 2 when an input cannot be read or is not OpenAPI 3.x.
 *
 * Every change is for one audience. `callers` are affected through what they send
 * (parameters, request body): a change breaks them when the API stops accepting something it
 * accepted before (narrowing). `readers` are affected through what they receive (statuses,
 * response bodies): a change breaks them when the API may now send something the old types
 * did not allow (widening). So the same schema rule runs in two directions.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { Level, SpecDiffReport } from './lib/diff-model.js';
import { applyIgnores, loadIgnoreFile } from './lib/diff-ignore.js';
import { diffSpecs } from './lib/diff-operations.js';
import { bundleExternalRefs, type RefSource } from './lib/external-refs.js';
import { formatAnnotations, formatMarkdown, formatReport } from './lib/diff-report.js';
import { RULES } from './lib/diff-rules.js';
import { runMain } from './lib/main.js';
import { parseSpec, type OpenAPIDocument } from './lib/openapi.js';

/** Output streams, so the command runs in-process under test as it does from a shell. */
export interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

const FORMATS = ['text', 'json', 'markdown', 'github'] as const;
const USAGE =
  'usage: spec-diff <old> <new> [--format text|json|markdown|github] [--fail-on breaking|warning] [--ignore <file>] | --rules';

/** An input as read: the document, with its external refs gathered, and its text. */
interface Input {
  doc: OpenAPIDocument;
  text: string;
}

/** Runs git in `cwd` and returns what it printed. */
function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
}

/**
 * Files on disk: refs are relative to the folder of the file that holds them. Read synchronously:
 * a command with nothing to overlap gains nothing from streaming a file in 64 kB chunks, and on a
 * 570 kB document that cost ~40 ms of waiting (a profile's "idle").
 */
const FILES: RefSource = {
  read: async (location) => readFileSync(location, 'utf8'),
  locate: (from, relative) => path.resolve(path.dirname(from), relative),
  relative: (root, location) =>
    path.relative(path.dirname(root), location).split(path.sep).join('/'),
};

/** Files in one git commit (`REF`): refs resolve within the same commit, never the work tree. */
function gitSource(ref: string, cwd: string): RefSource {
  return {
    read: async (location) => git(cwd, 'show', `${ref}:${location}`),
    locate: (from, relative) => path.posix.join(path.posix.dirname(from), relative),
    relative: (root, location) => path.posix.relative(path.posix.dirname(root), location),
  };
}

/**
 * Reads an input, relative to `cwd`: a file, or `REF:PATH` from git when no such file exists.
 * Relative `$ref`s to other files are followed, from the same commit for a git input.
 */
async function load(input: string, cwd: string): Promise<Input> {
  const root = path.resolve(cwd, input);
  if (existsSync(root) || !/^[^:]+:.+/.test(input)) {
    const text = readFileSync(root, 'utf8');
    return { doc: await bundleExternalRefs(parseSpec(text, input), root, FILES), text };
  }
  const [ref, ...rest] = input.split(':');
  let file = rest.join(':');
  let text: string;
  try {
    // `git show REF:./x` reads relative to the current folder; refs need the path from the top.
    if (/^\.\.?\//.test(file))
      file = path.posix.join(git(cwd, 'rev-parse', '--show-prefix').trim(), file);
    text = git(cwd, 'show', `${ref}:${file}`);
  } catch {
    throw new Error(`${input} is neither a file nor a git REF:PATH that git can show`);
  }
  return {
    doc: await bundleExternalRefs(parseSpec(text, input), file, gitSource(ref!, cwd)),
    text,
  };
}

/** The line of each operation (`paths./x.get`) in YAML or JSON text; 1 when not found. */
function lineFinder(text: string): (key: string) => number {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  return (key) => {
    const [method, route] = key.split(' ');
    // The line of the method's key (`get:`), not of the map under it.
    const item = doc.getIn(['paths', route], true);
    const pair = isMap(item)
      ? item.items.find((p) => isScalar(p.key) && p.key.value === method!.toLowerCase())
      : undefined;
    const range = isScalar(pair?.key) ? pair.key.range : undefined;
    return range ? counter.linePos(range[0]).line : 1;
  };
}

/** True when some change is at `level` or above. */
function fails(report: SpecDiffReport, level: Level): boolean {
  const changes = report.operations.flatMap((operation) => operation.changes);
  return changes.some(
    (c) => c.level === 'breaking' || (level === 'warning' && c.level === 'warning'),
  );
}

/** What {@link specDiff} may be told besides its arguments. */
export interface SpecDiffOptions {
  /** The folder relative inputs and git `REF:PATH`s are read from; the current one by default. */
  cwd?: string;
}

/** The command: parses `args`, prints the report, resolves to the exit code (throws on bad input). */
export async function specDiff(
  args: string[],
  io: Io = process,
  { cwd = process.cwd() }: SpecDiffOptions = {},
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      format: { type: 'string', default: 'text' },
      'fail-on': { type: 'string', default: 'breaking' },
      ignore: { type: 'string' },
      rules: { type: 'boolean', default: false },
    },
  });
  if (values.rules) {
    const width = Math.max(...Object.keys(RULES).map((id) => id.length));
    for (const [id, text] of Object.entries(RULES))
      io.stdout.write(`${id.padEnd(width)}  ${text}\n`);
    return 0;
  }
  const format = values.json ? 'json' : values.format;
  const failOn = values['fail-on'];
  if (positionals.length !== 2) throw new Error(USAGE);
  if (!(FORMATS as readonly string[]).includes(format!)) throw new Error(USAGE);
  if (failOn !== 'breaking' && failOn !== 'warning') throw new Error(USAGE);
  const [before, after] = await Promise.all(positionals.map((input) => load(input, cwd)));
  let report = diffSpecs(before!.doc, after!.doc);
  if (values.ignore) {
    report = applyIgnores(report, await loadIgnoreFile(path.resolve(cwd, values.ignore)));
  }
  if (format === 'json') io.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else if (format === 'markdown') io.stdout.write(formatMarkdown(report));
  else if (format === 'github') {
    const file =
      positionals[1]!.includes(':') && !existsSync(path.resolve(cwd, positionals[1]!))
        ? positionals[1]!.split(':').slice(1).join(':')
        : positionals[1]!;
    io.stdout.write(formatAnnotations(report, file, lineFinder(after!.text)));
  } else io.stdout.write(formatReport(report));
  return fails(report, failOn) ? 1 : 0;
}

runMain(import.meta.url, 'spec-diff', () => specDiff(process.argv.slice(2)));
