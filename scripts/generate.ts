/**
 * Turns an OpenAPI 3.x document into the files under `src/generated/`.
 *
 *   npm run generate                      # openapi/fish-audio.yaml -> src/generated/
 *   npm run generate -- --check           # write nothing; exit 1 with a diff when stale
 *   npm run generate -- <spec> --out <dir>  # any YAML or JSON OpenAPI 3.x file, any folder
 *
 * Output is deterministic (no timestamps, stable order) so that `--check` can compare bytes.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createTwoFilesPatch } from 'diff';
import { runMain } from './lib/main.js';
import { loadSpec, type OpenAPIDocument } from './lib/openapi.js';
import { buildOperationManifest } from './manifest.js';
import type { Io } from './spec-diff.js';
import { buildValidatorFiles } from './validators.js';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const DEFAULT_SPEC = path.join(ROOT, 'openapi', 'fish-audio.yaml');
export const DEFAULT_OUT = path.join(ROOT, 'src', 'generated');

/** One file the generator produces, before it is written or compared. */
export interface GeneratedFile {
  path: string;
  contents: string;
}

/** What {@link generate} may be told besides the spec and the folder. */
export interface GenerateOptions {
  /**
   * Formats each file with prettier, as the files are written and checked (the default). Tests
   * that only read or compile the output pass `false`: prettier is most of a generation's time.
   */
  format?: boolean;
  /**
   * The document, already parsed from `specPath` (which then only names it in the headers).
   * It is copied first: generating changes the document it reads.
   */
  document?: OpenAPIDocument;
}

/** Produces every generated file for `specPath`, formatted unless told otherwise, in memory. */
export async function generate(
  specPath: string,
  outDir: string,
  options: GenerateOptions = {},
): Promise<GeneratedFile[]> {
  const doc = options.document ? structuredClone(options.document) : await loadSpec(specPath);
  const header = doNotEditHeader(specPath, outDir);
  const types = await generateTypes(doc);
  const manifest = buildOperationManifest(doc);
  const validators = buildValidatorFiles(doc);
  const file = (name: string, source: string) => ({
    path: path.join(outDir, name),
    contents: header + source,
  });
  const files = [
    file('fish-audio.ts', types),
    file('operations.ts', manifest),
    file('validators/index.ts', validators.index),
    ...Object.entries(validators.resources).flatMap(([resource, { code, types }]) => [
      file(`validators/${resource}.js`, code),
      file(`validators/${resource}.d.ts`, types),
    ]),
  ];
  return options.format === false ? files : formatFiles(files);
}

/** The files as prettier formats them, with the config found above each file. */
export function formatFiles(files: GeneratedFile[]): Promise<GeneratedFile[]> {
  return Promise.all(
    files.map(async (file) => ({
      path: file.path,
      contents: await format(file.contents, file.path),
    })),
  );
}

async function generateTypes(doc: OpenAPIDocument): Promise<string> {
  // Imported here, not above: loading these takes more than a second, which a command that
  // refuses its input, or a test that imports this module for a helper, need not pay.
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const { default: ts } = await import('typescript');
  const binaryType = ts.factory.createUnionTypeNode([
    ts.factory.createTypeReferenceNode('Blob'),
    ts.factory.createTypeReferenceNode('Uint8Array'),
  ]);
  const ast = await openapiTS(doc as unknown as Parameters<typeof openapiTS>[0], {
    // openapi-typescript's default (`true`) marks every property that has a `default` as
    // required. That is right for what a server fills in, but wrong for code that reads
    // responses: the API may omit `has_free_credit`, and the type must make readers handle it.
    // So only properties the spec lists under `required` are required.
    defaultNonNullable: false,
    // Bytes are uploaded as whatever the caller holds: a Blob (browsers, files) or a Uint8Array
    // (Buffer included). openapi-typescript would type `format: binary` as a plain string.
    transform(schema) {
      if (schema.format === 'binary') return binaryType;
      return undefined;
    },
    silent: true,
  });
  return astToString(ast);
}

function doNotEditHeader(specPath: string, outDir: string): string {
  const relative = (p: string) => path.relative(ROOT, p).split(path.sep).join('/');
  const isDefault = specPath === DEFAULT_SPEC && outDir === DEFAULT_OUT;
  const command = isDefault
    ? 'npm run generate'
    : `npm run generate -- ${relative(specPath)} --out ${relative(outDir)}`;
  return [
    '// DO NOT EDIT. This file is generated by scripts/generate.ts',
    `// from ${relative(specPath)}.`,
    `// Regenerate it with \`${command}\` after changing the spec.`,
    '',
    '',
  ].join('\n');
}

/**
 * Formatted text by a hash of what decides it (prettier's version, the config, the file's
 * name, the text): prettier is two thirds of a generation's time and gives the same output
 * for the same input, so `--check`, spec:update and the tests format each distinct file once.
 */
const FORMAT_CACHE = path.join(ROOT, 'node_modules', '.cache', 'fish-audio-format');
/** Entries kept; past it the older half goes (a generation is 23 files). */
const FORMAT_CACHE_ENTRIES = 1000;

async function format(source: string, filePath: string): Promise<string> {
  // The leading comment block (the do-not-edit header) names the spec and the folder, so it is
  // kept as written and only the code after it is formatted and cached: one entry then serves a
  // generation into any folder. Prettier leaves line comments and one blank line as they are.
  const head = /^(?:\/\/[^\n]*\n)+\n/.exec(source)?.[0] ?? '';
  return head + (await formatCode(source.slice(head.length), filePath));
}

async function formatCode(source: string, filePath: string): Promise<string> {
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(filePath)) ?? {};
  const key = createHash('sha256')
    // The file's name, not only its extension: prettier picks its parser by name too (package.json
    // is read as json-stringify, other .json files as json).
    .update(JSON.stringify([prettier.version, config, path.basename(filePath)]))
    .update('\0')
    .update(source)
    .digest('hex');
  const entry = path.join(FORMAT_CACHE, key);
  const cached = await readFile(entry, 'utf8').catch(() => undefined);
  if (cached !== undefined) return cached;
  const formatted = await prettier.format(source, { ...config, filepath: filePath });
  await remember(entry, formatted).catch(() => {}); // a cache that cannot be written is no cache
  return formatted;
}

/** Writes a cache entry whole (aside, then renamed), trimming the cache when it is full. */
async function remember(entry: string, text: string): Promise<void> {
  await mkdir(FORMAT_CACHE, { recursive: true });
  const names = await readdir(FORMAT_CACHE);
  if (names.length >= FORMAT_CACHE_ENTRIES) {
    const aged = await Promise.all(
      names.map(async (name) => {
        const file = path.join(FORMAT_CACHE, name);
        return { file, at: (await stat(file).catch(() => undefined))?.mtimeMs ?? 0 };
      }),
    );
    aged.sort((a, b) => a.at - b.at);
    await Promise.all(aged.slice(0, names.length / 2).map(({ file }) => rm(file, { force: true })));
  }
  const part = `${entry}.${process.pid}.part`;
  await writeFile(part, text);
  await rename(part, entry);
}

/** Compares generated files with what is on disk; returns a unified diff per stale file. */
export async function staleFiles(files: GeneratedFile[]): Promise<string[]> {
  const diffs: string[] = [];
  for (const file of files) {
    const current = existsSync(file.path) ? await readFile(file.path, 'utf8') : '';
    if (current !== file.contents) {
      const name = path.relative(ROOT, file.path);
      const label = existsSync(file.path) ? name : `${name} (missing)`;
      diffs.push(createTwoFilesPatch(label, `${name} (regenerated)`, current, file.contents));
    }
  }
  return diffs;
}

/**
 * The command: writes the generated files (0), or with `--check` compares them with the files
 * on disk (0 in sync, 1 stale, with a diff). Prints to `io` so tests can run it in-process.
 */
export async function generateCommand(args: string[], io: Io = process): Promise<number> {
  const say = (text: string) => io.stdout.write(text + '\n');
  const complain = (text: string) => io.stderr.write(text + '\n');
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      check: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
  });
  const specPath = path.resolve(positionals[0] ?? DEFAULT_SPEC);
  const outDir = path.resolve(values.out ?? DEFAULT_OUT);
  const files = await generate(specPath, outDir);

  if (values.check) {
    const diffs = await staleFiles(files);
    if (diffs.length === 0) {
      say(`Generated code is in sync with ${path.relative(ROOT, specPath)}.`);
      return 0;
    }
    complain(diffs.join('\n'));
    complain(
      `Generated code is out of date with ${path.relative(ROOT, specPath)}.\n` +
        'Run `npm run generate` and commit the result.',
    );
    return 1;
  }

  for (const file of files) {
    await mkdir(path.dirname(file.path), { recursive: true });
    await writeFile(file.path, file.contents);
  }
  say(`Wrote ${files.map((f) => path.relative(process.cwd(), f.path)).join(', ')}`);
  return 0;
}

runMain(import.meta.url, 'generate', () => generateCommand(process.argv.slice(2)));
