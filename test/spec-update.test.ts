/**
 * `npm run spec:update`: importing the whole upstream document through the patch list, writing
 * it in a stable order, regenerating, and refusing bad input without touching a file. Every run
 * writes into a temporary project holding only the files it needs; the real openapi/ and
 * src/generated/ are checked to be byte-identical afterwards. One run is a real process; the
 * others call the command in-process.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMap, isScalar, parse, parseDocument } from 'yaml';
import { generate, staleFiles } from '../scripts/generate.js';
import type { OpenAPIDocument } from '../scripts/lib/openapi.js';
import { toYaml } from '../scripts/lib/stable-yaml.js';
import { addToChangelog, specUpdate } from '../scripts/spec-update.js';
import {
  captureIo,
  copyProject,
  ROOT,
  runScript,
  type ProjectCopy,
  type RunResult,
} from './helpers/project-copy.js';

const UPSTREAM = path.join(ROOT, 'test', 'fixtures', 'upstream', 'openapi-2026-08-19.json');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'spec-update');
const SEED = path.join(ROOT, 'test', 'fixtures', 'seed', 'get-api-credit.yaml');
const UPSTREAM_DOC = JSON.parse(await readFile(UPSTREAM, 'utf8')) as OpenAPIDocument;
/** Every upstream path, in the sorted order the spec is written in. */
const ALL_PATHS = Object.keys(UPSTREAM_DOC.paths!).sort();
/** What a temporary project needs: the typecheck reads the first three, prettier the last. */
const PROJECT_FILES = ['src', 'tsconfig.json', 'package.json', '.prettierrc.json'];

/** Every file under openapi/ and src/generated/ of `dir`, by relative path, as bytes. */
async function snapshot(dir: string): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {};
  for (const folder of ['openapi', path.join('src', 'generated')]) {
    const root = path.join(dir, folder);
    const entries = existsSync(root)
      ? await readdir(root, { recursive: true, withFileTypes: true })
      : [];
    const names = entries
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
    for (const name of names.sort()) {
      files[path.join(folder, name)] = await readFile(path.join(root, name));
    }
  }
  return files;
}

/** A temporary project whose spec is the seed, and the spec:update arguments that target it. */
async function seededProject(
  files = PROJECT_FILES,
): Promise<ProjectCopy & { spec: string; out: string }> {
  const copy = await copyProject(files);
  const spec = path.join(copy.dir, 'openapi', 'fish-audio.yaml');
  await mkdir(path.dirname(spec), { recursive: true });
  await writeFile(spec, await readFile(SEED));
  return { ...copy, spec, out: path.join(copy.dir, 'src', 'generated') };
}

/** Runs the command in-process; `typecheck: false` replaces tsc by a pass. */
async function update(args: string[], project?: ProjectCopy, typecheck = true) {
  const out = captureIo();
  const options = {
    ...(project && {
      defaultSpec: path.join(project.dir, 'openapi', 'fish-audio.yaml'),
      defaultOut: path.join(project.dir, 'src', 'generated'),
    }),
    ...(!typecheck && { typecheck: async () => ({ code: 0, stdout: '', stderr: '' }) }),
  };
  const code = await specUpdate(args, out.io, options);
  return { code, stdout: out.stdout(), stderr: out.stderr() };
}

let realFiles: Record<string, Buffer>;
beforeAll(async () => {
  realFiles = await snapshot(ROOT);
});
afterAll(async () => {
  expect(await snapshot(ROOT), 'the real checked-in files').toEqual(realFiles);
});

describe('spec:update on the 2026-08-19 upstream document, as a process', () => {
  let project: Awaited<ReturnType<typeof seededProject>>;
  let first: RunResult;
  let afterFirst: Record<string, Buffer>;

  beforeAll(async () => {
    // Start from the seed, so that the report has something to say.
    project = await seededProject();
    const args = [UPSTREAM, '--spec', project.spec, '--out', project.out];
    first = await runScript(ROOT, 'scripts/spec-update.ts', args);
    afterFirst = await snapshot(project.dir);
  }, 60_000);
  afterAll(() => project.remove());

  it('exits 0 once the typecheck has passed', () => {
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toContain('Typecheck passed.');
  });

  it('writes every path of the upstream document (29)', () => {
    const doc = parse(afterFirst['openapi/fish-audio.yaml']!.toString()) as OpenAPIDocument;
    expect(ALL_PATHS).toHaveLength(29);
    expect(Object.keys(doc.paths!)).toEqual(ALL_PATHS);
    expect(Object.keys(doc)).toEqual(['openapi', 'info', 'servers', 'tags', 'paths', 'components']);
  });

  it('writes the patched document: every operation named by the name map', () => {
    const doc = parse(afterFirst['openapi/fish-audio.yaml']!.toString()) as Record<string, any>;
    expect(doc.paths['/v1/tts'].post.operationId).toBe('tts.convert');
    expect(doc.paths['/wallet/{user_id}/api-credit'].get.operationId).toBe('wallet.getApiCredit');
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
    const types = afterFirst['src/generated/fish-audio.ts']!.toString();
    for (const route of ALL_PATHS) expect(types).toContain(`'${route}': {`);
    expect(await staleFiles(await generate(project.spec, project.out))).toEqual([]);
  });

  it('changes no byte when run again on the same document', async () => {
    const args = [UPSTREAM, '--spec', project.spec, '--out', project.out];
    const second = await update(args, undefined, false);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(await snapshot(project.dir)).toEqual(afterFirst);
  });
});

describe('spec:update refuses bad input and leaves every file as it was', () => {
  let project: ProjectCopy;
  let before: Record<string, Buffer>;

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
    const result = await update([path.join(FIXTURES, file)], project);
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
    const result = await update([file], project);
    const message = /structural validation[\s\S]*`description` must be present[\s\S]*struct rule/;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('No file was changed.');
    expect(await snapshot(project.dir)).toEqual(before);
  });
});

describe('spec:update when the new types break the code', () => {
  let project: ProjectCopy;
  beforeAll(async () => {
    // Only the generated files and the code below: a typecheck of the whole src/ would say the
    // same about pinned.ts, more slowly.
    project = await seededProject(['src/generated', 'tsconfig.json', 'package.json']);
  });
  afterAll(() => project.remove());

  it('writes the update, then resolves 1 because the typecheck fails', async () => {
    // Code that relies on api-credit having no query parameter but check_free_credit: the
    // upstream document adds team_id, so this stops compiling.
    const pinned = [
      "import type { paths } from './generated/fish-audio.js';",
      "type Query = paths['/wallet/{user_id}/api-credit']['get']['parameters']['query'];",
      'export const query: Required<NonNullable<Query>> = { check_free_credit: true };',
      '',
    ].join('\n');
    await writeFile(path.join(project.dir, 'src', 'pinned.ts'), pinned);
    const result = await update([UPSTREAM], project);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toContain("Property 'team_id' is missing");
    expect(result.stderr).toContain('the typecheck failed');
    const spec = parse(
      await readFile(path.join(project.dir, 'openapi', 'fish-audio.yaml'), 'utf8'),
    );
    expect(Object.keys((spec as OpenAPIDocument).paths!)).toEqual(ALL_PATHS);
  }, 60_000);
});

describe('spec:update --spec and --out', () => {
  let project: ProjectCopy;
  beforeAll(async () => {
    project = await seededProject();
  });
  afterAll(() => project.remove());

  it('write elsewhere and leave the default files alone', async () => {
    const before = await snapshot(project.dir);
    const spec = path.join(project.dir, 'elsewhere', 'spec.yaml');
    const out = path.join(project.dir, 'elsewhere', 'generated');
    const result = await update([UPSTREAM, '--spec', spec, '--out', out], project, false);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('does not exist yet');
    const doc = parse(await readFile(spec, 'utf8')) as OpenAPIDocument;
    expect(Object.keys(doc.paths!)).toEqual(ALL_PATHS);
    expect(await readFile(path.join(out, 'fish-audio.ts'), 'utf8')).toContain(
      'elsewhere/spec.yaml',
    );
    expect(await snapshot(project.dir)).toEqual(before);
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
