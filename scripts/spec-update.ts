/**
 * Refreshes openapi/fish-audio.yaml from the full upstream document, then everything built on it.
 *
 *   npm run spec:update -- <upstream-openapi.json|yaml>
 *   npm run spec:update -- <upstream> --spec <file> --out <dir>   # other target spec and folder
 *
 * Steps, in order:
 *   0. Find the project that holds the output folder (the nearest tsconfig.json above it); it
 *      is typechecked, and its CHANGELOG.md gets the report. Without one, refuse (exit 2).
 *   1. Read the whole upstream document and apply the checked-in patch list
 *      (lib/spec-patches.ts: each patch asserts its target, so an upstream change fails here).
 *      Check the result: Redocly's `spec` ruleset (the structural rules of OpenAPI) and the
 *      generator, whose output step 3 writes. Any failure refuses the input, and then no file
 *      is written at all (exit 2).
 *   2. Print the breaking-change report against the checked-in spec (lib/diff-*.ts).
 *   3. Write the spec (in the stable order of lib/stable-yaml.ts) and the regenerated
 *      src/generated/ files, each atomically.
 *   4. Typecheck the project (`tsc --noEmit -p <project>`); exit 1 when that fails.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_OUT, DEFAULT_SPEC, generate, type GeneratedFile } from './generate.js';
import { diffSpecs } from './lib/diff-operations.js';
import { formatMarkdown, formatReport } from './lib/diff-report.js';
import { runMain } from './lib/main.js';
import { loadSpec, parseSpec } from './lib/openapi.js';
import { runProcess, type ProcessResult } from './lib/process.js';
import { applyPatches } from './lib/spec-patches.js';
import { toYaml } from './lib/stable-yaml.js';
import { runRedocly } from './spec-lint.js';
import type { Io } from './spec-diff.js';

/** What the command can be told besides its arguments; tests point it at a temporary project. */
export interface SpecUpdateOptions {
  /** The spec written when `--spec` is not given. */
  defaultSpec?: string;
  /** The folder regenerated when `--out` is not given. */
  defaultOut?: string;
  /**
   * Typechecks a project folder; by default `tsc --noEmit -p <project>`. Tests that check what
   * is written, not the typecheck, pass a quicker one.
   */
  typecheck?: (project: string) => Promise<ProcessResult>;
  /**
   * Throws when the patched document (YAML text) is unfit, before anything is written; by
   * default Redocly's structural rules. Tests that check what is written pass a quicker one.
   */
  lint?: (yamlText: string) => Promise<void>;
  /**
   * Formats the generated files with prettier, as `npm run generate` does (the default). Tests
   * that only read or compile them pass `false`: prettier is most of a generation's time.
   */
  format?: boolean;
}

/**
 * Throws unless `yamlText` passes Redocly's `spec` ruleset (OpenAPI's structural rules: `struct`,
 * `no-unresolved-refs`, `path-parameters-defined`, ...). Runs on a temporary copy with a config of
 * its own, so the project's lint tolerances play no part.
 */
async function lintStructure(yamlText: string): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'spec-update-'));
  try {
    await writeFile(path.join(dir, 'fish-audio.yaml'), yamlText);
    await writeFile(path.join(dir, 'redocly.yaml'), 'telemetry: off\nextends:\n  - spec\n');
    const lint = await runRedocly(['lint', '--config', 'redocly.yaml', 'fish-audio.yaml'], dir);
    if (lint.code !== 0) {
      // stdout holds the problems; stderr only Redocly's progress lines and tips.
      const problems = lint.stdout.trim() || lint.stderr.trim();
      throw new Error(`the patched document fails Redocly's structural validation:\n${problems}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Replaces `file` in one step (write a sibling, then rename), and only when it differs. */
async function writeAtomic(file: string, contents: string): Promise<void> {
  if (existsSync(file) && (await readFile(file, 'utf8')) === contents) return;
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, file);
}

const shown = (file: string) => path.relative(process.cwd(), file) || '.';

/**
 * The command: refuses bad input (2), else writes the spec and the generated files and
 * typechecks (0, or 1 when the typecheck fails). Prints to `io` so tests can run it in-process.
 */
export async function specUpdate(
  args: string[],
  io: Io = process,
  options: SpecUpdateOptions = {},
): Promise<number> {
  const say = (text: string) => io.stdout.write(text + '\n');
  const complain = (text: string) => io.stderr.write(text + '\n');
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { spec: { type: 'string' }, out: { type: 'string' }, changelog: { type: 'string' } },
  });
  if (positionals.length !== 1) {
    complain(
      'usage: spec:update -- <upstream-openapi.json|yaml> [--spec <file>] [--out <dir>] [--changelog <file>]',
    );
    return 2;
  }
  const input = path.resolve(positionals[0]!);
  const specPath = path.resolve(values.spec ?? options.defaultSpec ?? DEFAULT_SPEC);
  const outDir = path.resolve(values.out ?? options.defaultOut ?? DEFAULT_OUT);

  // 0. No guessing which project this is: a wrong guess would write another project's changelog.
  const project = projectOf(outDir);
  if (project === undefined) {
    complain(
      `spec:update: no tsconfig.json in ${shown(outDir)} or any folder above it, so there is ` +
        'no project to typecheck and no CHANGELOG.md to add the report to.\nNo file was changed.',
    );
    return 2;
  }

  // 1. Everything that can refuse the input happens before any file is written.
  let yamlText: string;
  let files: GeneratedFile[];
  let report: string;
  let changelogSection: string | undefined;
  try {
    yamlText = toYaml(applyPatches(await loadSpec(input)));
    await (options.lint ?? lintStructure)(yamlText);
    const next = parseSpec(yamlText, specPath);
    // Generated from the document as it will be written: a spec the generator refuses is
    // refused here, and step 3 writes these very files.
    files = await generate(specPath, outDir, { document: next, format: options.format });
    const diff = existsSync(specPath) ? diffSpecs(await loadSpec(specPath), next) : undefined;
    report = diff
      ? formatReport(diff)
      : `${shown(specPath)} does not exist yet: nothing to compare with.\n`;
    if (diff && diff.operations.length > 0) {
      const day = new Date().toISOString().slice(0, 10);
      changelogSection = formatMarkdown(diff, `Spec update from ${path.basename(input)} (${day})`);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    complain(`spec:update: refused ${shown(input)}: ${message}\nNo file was changed.`);
    return 2;
  }

  // 2. What the new spec changes for code that uses the client.
  say(`Changes from ${shown(specPath)} to ${shown(input)} (patched):\n`);
  say(report);

  // 3. The files were generated in step 1, from the spec as written here.
  await writeAtomic(specPath, yamlText);
  for (const file of files) await writeAtomic(file.path, file.contents);
  say(`Wrote ${shown(specPath)} and regenerated ${shown(outDir)}.`);
  if (changelogSection) {
    const changelog = path.resolve(values.changelog ?? path.join(project, 'CHANGELOG.md'));
    await writeAtomic(
      changelog,
      addToChangelog(
        existsSync(changelog) ? await readFile(changelog, 'utf8') : '',
        changelogSection,
      ),
    );
    say(`Added the report to ${shown(changelog)}.`);
  }

  // 4. A type the handwritten code relies on may have changed.
  say('Typechecking (tsc --noEmit)...');
  const checked = await (options.typecheck ?? typecheck)(project);
  io.stdout.write(checked.stdout);
  io.stderr.write(checked.stderr);
  if (checked.code !== 0) {
    complain(
      'spec:update: the typecheck failed: the new spec changes types that the code above uses.\n' +
        'The new spec and generated files are written; fix the code, or revert them with git.',
    );
    return 1;
  }
  say('Typecheck passed.');
  return 0;
}

/**
 * The changelog with `section` as the first entry under `## Unreleased` (added, with a
 * `# Changelog` title, where missing), so the newest update reads first.
 */
export function addToChangelog(changelog: string, section: string): string {
  const text = changelog.trim() === '' ? '# Changelog\n' : changelog;
  const heading = /^## Unreleased[^\n]*\n/m.exec(text);
  if (heading) {
    const at = heading.index + heading[0].length;
    return `${text.slice(0, at)}\n${section}${text.slice(at)}`;
  }
  const title = /^# [^\n]*\n/m.exec(text);
  const at = title ? title.index + title[0].length : 0;
  return `${text.slice(0, at)}\n## Unreleased\n\n${section}\n${text.slice(at)}`;
}

/** `tsc --noEmit -p <project>`; resolves with what it printed and its exit code. */
function typecheck(project: string): Promise<ProcessResult> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  return runProcess(process.execPath, [tsc, '--noEmit', '-p', project], { cwd: project });
}

/**
 * The project the generated files belong to: the nearest folder at or above `outDir` with a
 * tsconfig.json, or `undefined` when there is none (never a guess).
 */
function projectOf(outDir: string): string | undefined {
  for (let dir = outDir; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'tsconfig.json'))) return dir;
    if (dir === path.dirname(dir)) return undefined;
  }
}

runMain(import.meta.url, 'spec:update', () => specUpdate(process.argv.slice(2)));
