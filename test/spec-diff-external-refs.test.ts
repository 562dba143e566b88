import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpecDiffReport } from '../scripts/lib/diff-model.js';
import { bundleExternalRefs, EXTERNAL_KEY, refLabel } from '../scripts/lib/external-refs.js';
import type { OpenAPIDocument } from '../scripts/lib/openapi.js';
import { runProcess } from '../scripts/lib/process.js';
import { specDiff } from '../scripts/spec-diff.js';
import { captureIo, ROOT } from './helpers/project-copy.js';

const EXTERNAL = path.join(ROOT, 'test', 'fixtures', 'spec-diff', 'external-refs');
const BASE = path.join(EXTERNAL, 'base', 'openapi.yaml');
/** Runs the command in-process, reading relative inputs and git from `cwd`. */
async function runIn(cwd: string, args: string[]) {
  const out = captureIo();
  const code = await specDiff(args, out.io, { cwd });
  return { code, stdout: out.stdout() };
}

/** Runs the command in-process from the current folder. */
const run = (...args: string[]) => runIn(process.cwd(), args);

/** An in-memory folder of files, counting reads, as the source `bundleExternalRefs` reads. */
function memorySource(files: Record<string, string>) {
  const reads: string[] = [];
  return {
    reads,
    source: {
      read: async (location: string) => {
        reads.push(location);
        const text = files[location];
        if (text === undefined) throw new Error('no such file');
        return text;
      },
      locate: (from: string, relative: string) =>
        path.posix.join(path.posix.dirname(from), relative),
      relative: (root: string, location: string) =>
        path.posix.relative(path.posix.dirname(root), location),
    },
  };
}

/** A one-operation document whose 200 body is `schema`. */
function docWith(schema: unknown): OpenAPIDocument {
  const response = { description: 'ok', content: { 'application/json': { schema } } };
  return { openapi: '3.1.0', paths: { '/t': { get: { responses: { '200': response } } } } };
}

/** Every `$ref` string in `value`. */
function refsIn(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const own = (value as { $ref?: unknown }).$ref;
  return [...(typeof own === 'string' ? [own] : []), ...Object.values(value).flatMap(refsIn)];
}

describe('spec:diff on documents with external $refs (files)', () => {
  it.each([
    [
      'credit-type-changed',
      'GET /wallet/{user_id}/api-credit',
      'response 200: property "credit" type changed: string -> number',
    ],
    [
      'common-enum-widened',
      'GET /wallet/{user_id}/api-credit',
      'response 200: property "history[].state" enum value added: "expired"',
    ],
    [
      'body-field-required',
      'POST /wallet/{user_id}/top-up',
      'request body: property "currency" added (required)',
    ],
  ])(
    'reports the change inside an external file of %s as breaking',
    async (variant, key, message) => {
      const result = await run(BASE, path.join(EXTERNAL, variant, 'openapi.yaml'), '--json');
      const report = JSON.parse(result.stdout) as SpecDiffReport;
      expect(result.code).toBe(1);
      expect(report.operations).toEqual([
        { key, changes: [expect.objectContaining({ breaking: true, level: 'breaking', message })] },
      ]);
    },
  );

  it('reports no change between two copies of the same document and its files', async () => {
    const copy = await mkdtemp(path.join(tmpdir(), 'spec-diff-external-'));
    try {
      await cp(path.join(EXTERNAL, 'base'), copy, { recursive: true });
      const result = await run(BASE, path.join(copy, 'openapi.yaml'));
      expect(result).toEqual({ code: 0, stdout: 'No changes to any operation.\n' });
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  it('refuses a document whose external file is missing, naming the file', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'spec-diff-missing-'));
    try {
      const file = path.join(folder, 'openapi.yaml');
      await writeFile(file, JSON.stringify(docWith({ $ref: 'gone.yaml#/X' })));
      await expect(run(file, file)).rejects.toThrow(/gone\.yaml#\/X .*cannot read .*gone\.yaml/);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('bundleExternalRefs', () => {
  const files = {
    'api/openapi.yaml': '',
    'api/a.yaml': 'A: { type: object, properties: { b: { $ref: "sub/b.yaml#/B" } } }',
    'api/sub/b.yaml':
      'B: { type: object, properties: { a: { $ref: "../a.yaml#/A" }, c: { $ref: "#/C" } } }\nC: { type: string }',
  };

  it('reads each file once, though the files refer to each other', async () => {
    const { source, reads } = memorySource(files);
    await bundleExternalRefs(docWith({ $ref: 'a.yaml#/A' }), 'api/openapi.yaml', source);
    expect(reads).toEqual(['api/a.yaml', 'api/sub/b.yaml']);
  });

  it('leaves only local refs, pointing into the gathered files', async () => {
    const { source } = memorySource(files);
    const doc = await bundleExternalRefs(
      docWith({ $ref: 'a.yaml#/A' }),
      'api/openapi.yaml',
      source,
    );
    expect(refsIn(doc).sort()).toEqual(
      [
        `#/${EXTERNAL_KEY}/a.yaml/A`,
        `#/${EXTERNAL_KEY}/sub~1b.yaml/B`,
        `#/${EXTERNAL_KEY}/sub~1b.yaml/C`,
        `#/${EXTERNAL_KEY}/a.yaml/A`,
      ].sort(),
    );
  });

  it('turns a ref back to the document itself into a local one', async () => {
    const { source, reads } = memorySource(files);
    const doc = docWith({ $ref: './openapi.yaml#/components/schemas/X' });
    await bundleExternalRefs(doc, 'api/openapi.yaml', source);
    expect([refsIn(doc), reads]).toEqual([['#/components/schemas/X'], []]);
  });

  it('leaves a document without external refs exactly as it was', async () => {
    const { source } = memorySource(files);
    const doc = docWith({ $ref: '#/components/schemas/X' });
    const before = structuredClone(doc);
    expect(await bundleExternalRefs(doc, 'api/openapi.yaml', source)).toEqual(before);
  });

  it.each([
    ['a remote ref', 'https://example.com/s.yaml#/S', /remote refs are not followed/],
    ['a fragment that is not a JSON pointer', 'a.yaml#A', /only JSON pointer fragments/],
    ['a file that is not YAML', 'bad.yaml', /neither YAML nor JSON/],
  ])('refuses %s', async (_, ref, message) => {
    const { source } = memorySource({ ...files, 'api/bad.yaml': 'a: [' });
    await expect(
      bundleExternalRefs(docWith({ $ref: ref }), 'api/openapi.yaml', source),
    ).rejects.toThrow(message);
  });
});

describe('refLabel', () => {
  it.each([
    ['#/components/schemas/Credit', 'Credit'],
    [`#/${EXTERNAL_KEY}/schemas~1credit.yaml/Credit`, 'schemas/credit.yaml#/Credit'],
    [`#/${EXTERNAL_KEY}/other.yaml`, 'other.yaml'],
  ])('names %s as %s', (ref, label) => {
    expect(refLabel(ref)).toBe(label);
  });
});

describe('spec:diff on documents with external $refs (git REF:PATH)', () => {
  let repo: string;
  const git = async (...args: string[]) => {
    const result = await runProcess('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
      cwd: repo,
    });
    if (result.code !== 0) throw new Error(result.stderr);
  };

  // Commit 1 is the base, commit 2 changes only credit.yaml, and the work tree is back at the
  // base: a break found between the two commits can only come from reading each one's files.
  beforeAll(async () => {
    repo = await mkdtemp(path.join(tmpdir(), 'spec-diff-git-'));
    await git('init', '-q');
    await cp(path.join(EXTERNAL, 'base'), path.join(repo, 'api'), { recursive: true });
    await git('add', '.');
    await git('commit', '-q', '-m', 'base');
    const changed = path.join(EXTERNAL, 'credit-type-changed', 'schemas', 'credit.yaml');
    await writeFile(path.join(repo, 'api', 'schemas', 'credit.yaml'), await readFile(changed));
    await git('commit', '-q', '-am', 'credit becomes a number');
    await git('checkout', '-q', 'HEAD~1', '--', 'api');
  });
  afterAll(() => rm(repo, { recursive: true, force: true }));

  it.each([
    ['from the top of the repository', '.', 'api/openapi.yaml'],
    ['with ./ paths from a subfolder', 'api', './openapi.yaml'],
  ])('resolves external refs from the same commit %s', async (_, cwd, file) => {
    const args = [`HEAD~1:${file}`, `HEAD:${file}`];
    const result = await runIn(path.join(repo, cwd), args);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'response 200: property "credit" type changed: string -> number',
    );
  });

  it('finds no change between the work tree and the base commit, which it matches', async () => {
    const result = await runIn(repo, ['HEAD~1:api/openapi.yaml', 'api/openapi.yaml']);
    expect(result).toEqual({ code: 0, stdout: 'No changes to any operation.\n' });
  });
});
