/**
 * `npm run spec:update`: importing the whole upstream document through the patch list, writing
 * it in a stable order, regenerating, and refusing bad input without touching a file. Every run
 * writes into a temporary project holding only the files it needs; the real openapi/ and
 * src/generated/ are checked to be byte-identical afterwards. The command runs in-process, one
 * refusal as a real process. The command's own checks are each tested where they decide: its
 * `tsc` in the first run (a typecheck that fails), Redocly's lint in the structural refusal; the
 * other runs test what is written, and replace them by a pass.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMap, isScalar, parse, parseDocument } from 'yaml';
import { generate, staleFiles } from '../scripts/generate.js';
import type { OpenAPIDocument } from '../scripts/lib/openapi.js';
import { toYaml } from '../scripts/lib/stable-yaml.js';
import { addToChangelog, specUpdate, type SpecUpdateOptions } from '../scripts/spec-update.js';
import {
  captureIo,
  copyProject,
  ROOT,
  runScript,
  type ProjectCopy,
} from './helpers/project-copy.js';

const UPSTREAM = path.join(ROOT, 'test', 'fixtures', 'upstream', 'openapi-2026-08-19.json');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'spec-update');
const SEED = path.join(ROOT, 'test', 'fixtures', 'seed', 'get-api-credit.yaml');
const UPSTREAM_DOC = JSON.parse(await readFile(UPSTREAM, 'utf8')) as OpenAPIDocument;
/** Every upstream path, in the sorted order the spec is written in. */
const ALL_PATHS = Object.keys(UPSTREAM_DOC.paths!).sort();
/**
 * What a temporary project needs: the typecheck reads the first two and a tsconfig.json, prettier
 * the last. No handwritten src/: `npm run typecheck` compiles it, and here it would only make
 * tsc slower.
 */
const PROJECT_FILES = ['src/generated', 'package.json', '.prettierrc.json'];
const { compilerOptions } = JSON.parse(await readFile(path.join(ROOT, 'tsconfig.json'), 'utf8'));
/**
 * The project's compiler options without the DOM lib and Node's types (a third of tsc's time,
 * parsing them), and the one type of theirs the generated code names.
 */
const LEAN_PROJECT: Record<string, string> = {
  'tsconfig.json': JSON.stringify({
    compilerOptions: { ...compilerOptions, lib: ['ES2023'], types: [] },
    include: ['src'],
  }),
  // With its members, so that a value that is not a Blob is still refused where one is wanted.
  'src/blob.d.ts': [
    'declare global {',
    '  class Blob {',
    '    readonly size: number;',
    '    readonly type: string;',
    '    slice(start?: number, end?: number, contentType?: string): Blob;',
    '    arrayBuffer(): Promise<ArrayBuffer>;',
    '    text(): Promise<string>;',
    '  }',
    '}',
    'export {};',
    '',
  ].join('\n'),
};
/**
 * A lint and a typecheck that pass, for the runs that test what is written. The checks' own
 * verdicts are tested by the first run below (a typecheck that fails) and the structural refusal.
 */
const QUICK: SpecUpdateOptions = {
  lint: async () => {},
  typecheck: async () => ({ code: 0, stdout: '', stderr: '' }),
};
/**
 * For the runs whose generated files are only read, compiled, or compared with other unformatted
 * ones: prettier is most of a generation's time. One run below checks the formatting.
 */
const UNFORMATTED: SpecUpdateOptions = { format: false };

/**
 * Every file under openapi/ and src/generated/ of `dir`, by relative path, as text (all of them
 * are text; compared as strings, a megabyte takes no time, where Buffers go byte by byte).
 */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const folder of ['openapi', path.join('src', 'generated')]) {
    const root = path.join(dir, folder);
    const entries = existsSync(root)
      ? await readdir(root, { recursive: true, withFileTypes: true })
      : [];
    const names = entries
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
    for (const name of names.sort()) {
      files[path.join(folder, name)] = await readFile(path.join(root, name), 'utf8');
    }
  }
  return files;
}

/** A temporary project whose spec is the seed, and the spec:update arguments that target it. */
async function seededProject(): Promise<ProjectCopy & { spec: string; out: string }> {
  const copy = await copyProject(PROJECT_FILES);
  for (const [file, text] of Object.entries(LEAN_PROJECT)) {
    await writeFile(path.join(copy.dir, file), text);
  }
  const spec = path.join(copy.dir, 'openapi', 'fish-audio.yaml');
  await mkdir(path.dirname(spec), { recursive: true });
  await writeFile(spec, await readFile(SEED));
  return { ...copy, spec, out: path.join(copy.dir, 'src', 'generated') };
}

/** The options that make `project`'s spec and src/generated the defaults, as ROOT's are. */
const defaultsIn = (project: ProjectCopy): SpecUpdateOptions => ({
  defaultSpec: path.join(project.dir, 'openapi', 'fish-audio.yaml'),
  defaultOut: path.join(project.dir, 'src', 'generated'),
});

/** Runs the command in-process. */
async function update(args: string[], options: SpecUpdateOptions = {}) {
  const out = captureIo();
  const code = await specUpdate(args, out.io, options);
  return { code, stdout: out.stdout(), stderr: out.stderr() };
}

let realFiles: Record<string, string>;
beforeAll(async () => {
  realFiles = await snapshot(ROOT);
});
afterAll(async () => {
  expect(await snapshot(ROOT), 'the real checked-in files').toEqual(realFiles);
});

describe('spec:update on the 2026-08-19 upstream document', () => {
  let project: Awaited<ReturnType<typeof seededProject>>;
  let first: Awaited<ReturnType<typeof update>>;
  let afterFirst: Record<string, string>;
  let written: Record<string, any>;

  beforeAll(async () => {
    // Start from the seed, so that the report has something to say. The typecheck is the real
    // `tsc --noEmit -p <project>`, the command's default (Redocly's is tested by the refusal).
    project = await seededProject();
    // Code that relies on api-credit having no query parameter but check_free_credit: the
    // upstream document adds team_id, so this stops compiling.
    const pinned = [
      "import type { paths } from './generated/fish-audio.js';",
      "type Query = paths['/wallet/{user_id}/api-credit']['get']['parameters']['query'];",
      'export const query: Required<NonNullable<Query>> = { check_free_credit: true };',
      '',
    ].join('\n');
    await writeFile(path.join(project.dir, 'src', 'pinned.ts'), pinned);
    const args = [UPSTREAM, '--spec', project.spec, '--out', project.out];
    first = await update(args, { ...UNFORMATTED, lint: QUICK.lint });
    afterFirst = await snapshot(project.dir);
    written = parse(afterFirst['openapi/fish-audio.yaml']!);
  });
  afterAll(() => project.remove());

  it('writes the update, then resolves 1 because the typecheck (tsc) fails on code it breaks', () => {
    expect(first.code, first.stdout + first.stderr).toBe(1);
    // tsc's own report, passed on: the file, the line, and what broke.
    expect(first.stdout).toMatch(
      /^src\/pinned\.ts\(3,\d+\): error TS\d+: Property 'team_id' is missing/m,
    );
    expect(first.stdout.match(/error TS/g), 'the only error').toHaveLength(1);
    expect(first.stderr).toContain('the typecheck failed');
    expect(first.stdout).toContain('Wrote ');
  });

  it('writes every path of the upstream document (29)', () => {
    expect(ALL_PATHS).toHaveLength(29);
    expect(Object.keys(written.paths)).toEqual(ALL_PATHS);
    expect(Object.keys(written)).toEqual([
      'openapi',
      'info',
      'servers',
      'tags',
      'paths',
      'components',
    ]);
  });

  it('writes the patched document: every operation named by the name map', () => {
    expect(written.paths['/v1/tts'].post.operationId).toBe('tts.convert');
    expect(written.paths['/wallet/{user_id}/api-credit'].get.operationId).toBe(
      'wallet.getApiCredit',
    );
  });

  it('prints the change report against the previously checked-in spec', () => {
    expect(first.stdout).toContain('GET /wallet/{user_id}/package');
    expect(first.stdout).toContain('team_id');
    expect(first.stdout).toContain('cumulative_top_up');
    expect(first.stdout).toMatch(/POST \/v1\/tts\n\s+ok\s+callers\s+operation added/);
  });

  it("adds the report to the project's CHANGELOG.md as a markdown section", async () => {
    const changelog = await readFile(path.join(project.dir, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(
      /^# Changelog\n\n## Unreleased\n\n### Spec update from openapi-2026-08-19\.json \(\d{4}-\d{2}-\d{2}\)/,
    );
    expect(changelog).toContain('- `POST /v1/tts`');
    expect(changelog).toContain('operation added');
  });

  it('regenerates src/generated from the new spec', async () => {
    const types = afterFirst['src/generated/fish-audio.ts']!;
    for (const route of ALL_PATHS) expect(types).toContain(`"${route}": {`);
    // Unformatted on both sides; formatting is the same last step of both (tested below).
    const regenerated = await generate(project.spec, project.out, { format: false });
    expect(await staleFiles(regenerated)).toEqual([]);
  });

  it('changes no byte when run again on the same document', async () => {
    const args = [UPSTREAM, '--spec', project.spec, '--out', project.out];
    const second = await update(args, { ...QUICK, ...UNFORMATTED });
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(await snapshot(project.dir)).toEqual(afterFirst);
  });
});

describe('spec:update refuses bad input and leaves every file as it was', () => {
  let project: ProjectCopy;
  let before: Record<string, string>;

  beforeAll(async () => {
    project = await seededProject();
    before = await snapshot(project.dir);
  });
  afterAll(() => project.remove());

  it.each([
    ['unparseable JSON', 'garbage.json', /neither YAML nor JSON/],
    ['a Swagger 2.0 document', 'swagger-2.0.json', /not an OpenAPI 3\.x document/],
    [
      'a document whose defects a patch no longer finds',
      'no-wallet.json',
      /patch "tts-audio-response" no longer applies: there is no operation POST \/v1\/tts/,
    ],
    ['a file that does not exist', 'missing.json', /ENOENT/],
  ])('%s', async (_, file, message) => {
    const result = await update([path.join(FIXTURES, file)], defaultsIn(project));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('No file was changed.');
    expect(await snapshot(project.dir)).toEqual(before);
  });

  it('the upstream document with a response that fails structural validation', async () => {
    const broken = structuredClone(UPSTREAM_DOC) as Record<string, any>;
    delete broken.paths['/wallet/{user_id}/package'].get.responses['200'].description;
    const file = path.join(project.dir, 'broken.json');
    await writeFile(file, JSON.stringify(broken));
    before = await snapshot(project.dir);
    const result = await update([file], defaultsIn(project));
    const message = /structural validation[\s\S]*`description` must be present[\s\S]*struct rule/;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('No file was changed.');
    expect(await snapshot(project.dir)).toEqual(before);
  });
});

describe('spec:update outside any project', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'spec-update-no-project-'));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('exits 2, as a process, and writes nothing when no tsconfig.json is above the output folder', async () => {
    // It once fell back to this checkout's project, and wrote its report into the checkout's
    // CHANGELOG.md. Here no spec exists yet, so that not even a regression would write there.
    for (let dir = tmp; ; dir = path.dirname(dir)) {
      expect(existsSync(path.join(dir, 'tsconfig.json')), dir).toBe(false);
      if (dir === path.dirname(dir)) break;
    }
    const spec = path.join(tmp, 'openapi', 'fish-audio.yaml');
    const out = path.join(tmp, 'src', 'generated');
    const args = [UPSTREAM, '--spec', spec, '--out', out];
    const result = await runScript(ROOT, 'scripts/spec-update.ts', args);
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stderr).toMatch(/^spec:update: no tsconfig\.json in .* or any folder above it/);
    expect(result.stderr).toContain('No file was changed.');
    expect(await readdir(tmp)).toEqual([]);
  });
});

describe('spec:update --spec and --out', () => {
  let project: ProjectCopy;
  let before: Record<string, string>;
  let result: Awaited<ReturnType<typeof update>>;
  const elsewhere = (...names: string[]) => path.join(project.dir, 'elsewhere', ...names);

  beforeAll(async () => {
    project = await seededProject();
    before = await snapshot(project.dir);
    const args = [UPSTREAM, '--spec', elsewhere('spec.yaml'), '--out', elsewhere('generated')];
    result = await update(args, { ...defaultsIn(project), ...QUICK });
  });
  afterAll(() => project.remove());

  it('resolves 0 once the typecheck has passed', () => {
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('Typecheck passed.');
  });

  it('write elsewhere and leave the default files alone', async () => {
    expect(result.stdout).toContain('does not exist yet');
    const doc = parse(await readFile(elsewhere('spec.yaml'), 'utf8')) as OpenAPIDocument;
    expect(Object.keys(doc.paths!)).toEqual(ALL_PATHS);
    expect(await readFile(elsewhere('generated', 'fish-audio.ts'), 'utf8')).toContain(
      'elsewhere/spec.yaml',
    );
    expect(await snapshot(project.dir)).toEqual(before);
  });

  it("format the generated files as `npm run generate` does, with the project's prettier config", async () => {
    // The generator quotes keys with double quotes; .prettierrc.json asks for single ones.
    const types = await readFile(elsewhere('generated', 'fish-audio.ts'), 'utf8');
    for (const route of ALL_PATHS) expect(types).toContain(`'${route}': {`);
  });
});

describe('addToChangelog', () => {
  it.each([
    ['an empty file', '', '# Changelog\n\n## Unreleased\n\n### S\n\n'],
    ['a title only', '# Changelog\n', '# Changelog\n\n## Unreleased\n\n### S\n\n'],
    [
      'an Unreleased section, putting the newest first',
      '# Changelog\n\n## Unreleased\n\n### Older\n',
      '# Changelog\n\n## Unreleased\n\n### S\n\n### Older\n',
    ],
  ])('adds a section to %s', (_what, before, after) => {
    expect(addToChangelog(before, '### S\n')).toBe(after);
  });
});

describe('toYaml', () => {
  const doc = {
    openapi: '3.1.0',
    info: { version: '1', title: 'T' },
    tags: [{ name: 'Model' }, { name: 'Wallet', description: 'Balances' }],
    paths: {
      '/wallet/b': {
        parameters: [{ $ref: '#/components/parameters/Team' }],
        post: { tags: ['Model'], responses: {} },
        get: {
          responses: {
            default: { $ref: '#/components/responses/Error' },
            '4XX': { description: 'client error' },
            '200': {
              description: 'ok',
              content: {
                'application/json': { schema: { $ref: '#/components/schemas/Balance' } },
              },
            },
          },
          security: [{ Key: [] }],
          tags: ['Wallet'],
        },
      },
      '/model': { get: { tags: ['Model'], responses: {} } },
      '/wallet/a': { get: { tags: ['Wallet'], responses: {} } },
    },
    components: {
      schemas: {
        Unused: { type: 'string' },
        Money: { type: 'string' },
        Balance: {
          type: 'object',
          required: ['credit'],
          properties: { zeta: { type: 'string' }, credit: { $ref: '#/components/schemas/Money' } },
        },
      },
      parameters: { Team: { in: 'query', name: 'team_id', schema: { type: 'string' } } },
      responses: { Error: { description: 'error' } },
      securitySchemes: { Key: { scheme: 'bearer', type: 'http' }, Other: { type: 'http' } },
    },
  } as unknown as OpenAPIDocument;

  it('writes fields in the conventional order, paths and components sorted, properties as declared', () => {
    const text = toYaml(doc);
    const keysAt = (...at: string[]) => {
      const node = parseDocument(text).getIn(at, true);
      if (!isMap(node)) throw new Error(`no map at ${at.join('.')}`);
      return node.items.map((pair) => String(isScalar(pair.key) ? pair.key.value : pair.key));
    };
    expect(keysAt()).toEqual(['openapi', 'info', 'tags', 'paths', 'components']);
    expect(keysAt('info')).toEqual(['title', 'version']);
    expect(keysAt('paths')).toEqual(['/model', '/wallet/a', '/wallet/b']);
    expect(keysAt('paths', '/wallet/b')).toEqual(['parameters', 'get', 'post']);
    expect(keysAt('paths', '/wallet/b', 'get')).toEqual(['tags', 'responses', 'security']);
    expect(keysAt('paths', '/wallet/b', 'get', 'responses')).toEqual(['200', '4XX', 'default']);
    expect(keysAt('components')).toEqual(['schemas', 'responses', 'parameters', 'securitySchemes']);
    expect(keysAt('components', 'schemas')).toEqual(['Balance', 'Money', 'Unused']);
    expect(keysAt('components', 'schemas', 'Balance')).toEqual(['type', 'properties', 'required']);
    expect(keysAt('components', 'schemas', 'Balance', 'properties')).toEqual(['zeta', 'credit']);
    expect(keysAt('components', 'parameters', 'Team')).toEqual(['name', 'in', 'schema']);
    expect(keysAt('components', 'securitySchemes', 'Key')).toEqual(['type', 'scheme']);
    // Writing what was written changes nothing.
    expect(toYaml(parse(text) as OpenAPIDocument)).toBe(text);
  });
});
