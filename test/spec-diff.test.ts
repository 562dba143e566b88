import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { Level, SpecDiffReport } from '../scripts/lib/diff-model.js';
import { diffSpecs } from '../scripts/lib/diff-operations.js';
import { formatReport } from '../scripts/lib/diff-report.js';
import { loadSpec, parseSpec, type OpenAPIDocument } from '../scripts/lib/openapi.js';
import { specDiff } from '../scripts/spec-diff.js';
import { captureIo, copyProject, ROOT, runNode, runScript } from './helpers/project-copy.js';

const FIXTURES = path.join(ROOT, 'test', 'fixtures');
const PLANTED = path.join(FIXTURES, 'spec-diff');
const HISTORY = path.join(FIXTURES, 'wallet-history');
const API_CREDIT = 'GET /wallet/{user_id}/api-credit';
const PACKAGE = 'GET /wallet/{user_id}/package';

/** Runs the command in-process. */
async function run(...args: string[]) {
  const out = captureIo();
  const code = await specDiff(args, out.io);
  return { code, stdout: out.stdout() };
}

async function diffPlanted(oldFile: string, newFile: string): Promise<SpecDiffReport> {
  const [before, after] = await Promise.all([
    loadSpec(path.join(PLANTED, oldFile)),
    loadSpec(path.join(PLANTED, newFile)),
  ]);
  return diffSpecs(before, after);
}

/** Every change with its operation key, flat, so a test can compare the whole list at once. */
function allChanges(report: SpecDiffReport) {
  return report.operations.flatMap(({ key, changes }) => changes.map((c) => ({ key, ...c })));
}

/** One line per change, `key | BREAKING/ok audience | message`, for the longer expectations. */
function lines(report: SpecDiffReport): string[] {
  return allChanges(report).map(
    (c) => `${c.key} | ${c.breaking ? 'BREAKING' : 'ok'} ${c.audience} | ${c.message}`,
  );
}

type Row = Omit<ReturnType<typeof allChanges>[number], 'key'>;
const level = (breaking: boolean): Level => (breaking ? 'breaking' : 'info');
const callers = (breaking: boolean, kind: string, message: string): Row => ({
  audience: 'callers',
  breaking,
  level: level(breaking),
  kind,
  message,
});
const readers = (breaking: boolean, kind: string, message: string, at?: string): Row => {
  const row: Row = { audience: 'readers', breaking, level: level(breaking), kind, message };
  return at === undefined ? row : { ...row, path: at };
};

describe('diffSpecs on planted changes, one change per file', () => {
  it.each<[string, string, string, string, Row]>([
    // Parameters: what callers send.
    [
      'does not count a new optional parameter as breaking',
      'parameters/base.yaml',
      'parameters/optional-added.yaml',
      'GET /things',
      callers(false, 'parameter-added', 'query parameter "team_id" added (optional)'),
    ],
    [
      'counts a new required parameter as breaking for callers',
      'parameters/base.yaml',
      'parameters/required-added.yaml',
      'GET /things',
      callers(true, 'parameter-added', 'header parameter "X-Team" added (required)'),
    ],
    [
      'counts a removed parameter as breaking for callers',
      'parameters/base.yaml',
      'parameters/removed.yaml',
      'GET /things',
      callers(true, 'parameter-removed', 'query parameter "cursor" removed'),
    ],
    [
      'counts a parameter narrowed from string | null to string as breaking for callers',
      'parameters/base.yaml',
      'parameters/nullable-removed.yaml',
      'GET /things',
      callers(
        true,
        'no-longer-nullable',
        'query parameter "q" is no longer nullable: string | null -> string',
      ),
    ],
    [
      'counts a parameter changed from string to integer as breaking for callers',
      'parameters/base.yaml',
      'parameters/type-changed.yaml',
      'GET /things',
      callers(true, 'type-changed', 'query parameter "cursor" type changed: string -> integer'),
    ],
    [
      'does not count a widened parameter type as breaking',
      'parameters/base.yaml',
      'parameters/widened.yaml',
      'GET /things',
      callers(
        false,
        'type-widened',
        'query parameter "limit" type widened: integer -> string | integer',
      ),
    ],
    // Responses: what readers receive.
    [
      'counts a removed required response property as breaking for readers',
      'responses/base.yaml',
      'responses/required-property-removed.yaml',
      API_CREDIT,
      readers(
        true,
        'property-removed',
        'response 200: required property "credit" removed',
        'credit',
      ),
    ],
    [
      'counts a response property whose type changed as breaking for readers',
      'responses/base.yaml',
      'responses/property-type-changed.yaml',
      API_CREDIT,
      readers(
        true,
        'type-changed',
        'response 200: property "credit" type changed: string -> number',
        'credit',
      ),
    ],
    [
      'counts a response property that became nullable (anyOf with null) as breaking for readers',
      'responses/base.yaml',
      'responses/property-nullable.yaml',
      API_CREDIT,
      readers(
        true,
        'became-nullable',
        'response 200: property "credit" became nullable: string -> string | null',
        'credit',
      ),
    ],
    [
      'counts an OpenAPI 3.0 `nullable: true` as the property becoming nullable',
      'openapi-3.0/base.yaml',
      'openapi-3.0/nullable.yaml',
      API_CREDIT,
      readers(
        true,
        'became-nullable',
        'response 200: property "credit" became nullable: string -> string | null',
        'credit',
      ),
    ],
    [
      'counts a union widened from string to string | integer as breaking for readers',
      'responses/base.yaml',
      'responses/union-widened.yaml',
      API_CREDIT,
      readers(
        true,
        'type-widened',
        'response 200: property "credit" type widened: string -> string | integer',
        'credit',
      ),
    ],
    [
      'counts an enum value added in a response as breaking for readers',
      'responses/base.yaml',
      'responses/enum-value-added.yaml',
      API_CREDIT,
      readers(
        true,
        'enum-value-added',
        'response 200: property "state" enum value added: "closed"',
        'state',
      ),
    ],
    [
      'counts a response property made optional as breaking for readers',
      'responses/base.yaml',
      'responses/property-optional.yaml',
      API_CREDIT,
      readers(
        true,
        'property-became-optional',
        'response 200: property "credit" became optional',
        'credit',
      ),
    ],
    [
      'does not count a new required response property as breaking',
      'responses/base.yaml',
      'responses/property-added.yaml',
      API_CREDIT,
      readers(
        false,
        'property-added',
        'response 200: property "cumulative_top_up" added (required)',
        'cumulative_top_up',
      ),
    ],
    [
      'does not count a new optional response property as breaking',
      'responses/base.yaml',
      'responses/optional-property-added.yaml',
      API_CREDIT,
      readers(
        false,
        'property-added',
        'response 200: property "reason" added (optional)',
        'reason',
      ),
    ],
    [
      'does not count an enum value removed from a response as breaking',
      'responses/base.yaml',
      'responses/enum-value-removed.yaml',
      API_CREDIT,
      readers(
        false,
        'enum-value-removed',
        'response 200: property "state" enum value removed: "frozen"',
        'state',
      ),
    ],
    [
      'lists an added status code without counting it as breaking',
      'responses/base.yaml',
      'responses/status-added.yaml',
      API_CREDIT,
      readers(
        false,
        'status-added',
        'response 503 added ("The server cannot process the request due to a high load")',
      ),
    ],
    [
      'does not count a removed status code as breaking',
      'responses/base.yaml',
      'responses/status-removed.yaml',
      API_CREDIT,
      readers(false, 'status-removed', 'response 401 removed'),
    ],
    [
      'recurses into arrays of objects and names the path items[].loc',
      'responses/base.yaml',
      'responses/nested-property-changed.yaml',
      API_CREDIT,
      readers(
        true,
        'type-changed',
        'response 200: property "items[].loc" type changed: array -> string',
        'items[].loc',
      ),
    ],
    // Operations.
    [
      'counts a removed operation as breaking for callers',
      'operations/base.yaml',
      'operations/removed.yaml',
      PACKAGE,
      callers(true, 'operation-removed', 'operation removed'),
    ],
    [
      'does not count an added operation as breaking',
      'operations/base.yaml',
      'operations/added.yaml',
      'POST /wallet/{user_id}/package',
      callers(false, 'operation-added', 'operation added'),
    ],
  ])('%s', async (_, oldFile, newFile, key, expected) => {
    const report = await diffPlanted(oldFile, newFile);
    expect(allChanges(report)).toEqual([{ key, ...expected }]);
    expect(report.breaking).toBe(expected.breaking);
  });

  it('judges request body properties from the callers side: new required and removed ones break', async () => {
    const report = await diffPlanted('request-body/base.yaml', 'request-body/changed.yaml');
    expect(report.breaking).toBe(true);
    expect(lines(report)).toEqual([
      'POST /things | BREAKING callers | request body: optional property "note" removed',
      'POST /things | BREAKING callers | request body: property "team_id" added (required)',
      'POST /things | ok callers | request body: property "tag" added (optional)',
    ]);
  });

  it('reports nothing for a document compared with itself', async () => {
    const report = await diffPlanted('responses/base.yaml', 'responses/base.yaml');
    expect(report).toEqual({ breaking: false, operations: [] });
    expect(formatReport(report)).toBe('No changes to any operation.\n');
  });
});

describe('diffSpecs on schema shapes beyond the planted files', () => {
  const doc = (schemas: Record<string, unknown>, parameters: unknown[] = []): OpenAPIDocument => ({
    openapi: '3.1.0',
    paths: {
      '/nodes/{id}': {
        parameters,
        get: {
          responses: {
            '200': {
              description: 'ok',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Node' } } },
            },
          },
        },
      },
    },
    components: { schemas },
  });

  it('stops at recursive $refs and still reports changes inside them', () => {
    const node = (valueType: string) => ({
      type: 'object',
      required: ['value'],
      properties: {
        value: { type: valueType },
        children: { type: 'array', items: { $ref: '#/components/schemas/Node' } },
        parent: { anyOf: [{ $ref: '#/components/schemas/Node' }, { type: 'null' }] },
      },
    });
    const report = diffSpecs(doc({ Node: node('string') }), doc({ Node: node('integer') }));
    expect(lines(report)).toEqual([
      'GET /nodes/{id} | BREAKING readers | response 200: property "value" type changed: string -> integer',
    ]);
  });

  it('reads allOf as one object and oneOf as a union', () => {
    const before = doc({
      Node: {
        allOf: [{ $ref: '#/components/schemas/Base' }, { properties: { tag: { type: 'string' } } }],
      },
      Base: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
    });
    const after = doc({
      Node: {
        allOf: [{ $ref: '#/components/schemas/Base' }, { properties: { tag: { type: 'string' } } }],
      },
      Base: {
        type: 'object',
        required: ['id'],
        properties: { id: { oneOf: [{ type: 'string' }, { type: 'integer' }] } },
      },
    });
    expect(lines(diffSpecs(before, after))).toEqual([
      'GET /nodes/{id} | BREAKING readers | response 200: property "id" type widened: string -> string | integer',
    ]);
  });

  it('applies path-level parameters to the operation and follows parameter $refs', () => {
    const before = doc({ Node: { type: 'object' } }, [
      { in: 'path', name: 'id', required: true, schema: { type: 'string' } },
    ]);
    const after: OpenAPIDocument = {
      ...doc({ Node: { type: 'object' } }, [{ $ref: '#/components/parameters/Id' }]),
    };
    after.components!.parameters = {
      Id: { in: 'path', name: 'id', required: true, schema: { type: 'integer' } },
    };
    expect(lines(diffSpecs(before, after))).toEqual([
      'GET /nodes/{id} | BREAKING callers | path parameter "id" type changed: string -> integer',
    ]);
  });
});

describe('diffSpecs on the wallet history (consecutive upstream versions)', () => {
  const versions = [
    'v1-2025-09-14.json',
    'v2-2026-04-24.json',
    'v3-2026-07-13.json',
    'v4-2026-07-23.json',
    'v5-2026-07-31.json',
    'v6-2026-08-12.json',
    'v7-2026-08-12.json',
  ];
  const pkg = (message: string) => `${PACKAGE} | ok readers | response 200: ${message}`;
  const expected: { change: string; lines: string[] }[] = [
    {
      change: 'v2 adds optional query team_id and optional package fields',
      lines: [
        `${API_CREDIT} | ok callers | query parameter "team_id" added (optional)`,
        pkg('property "created_at" format changed: (none) -> date-time'),
        pkg('property "finished_at" format changed: (none) -> date-time'),
        pkg('property "updated_at" format changed: (none) -> date-time'),
        ...[
          'billing_period',
          'cancel_at',
          'cancel_at_period_end',
          'current_period_end',
          'extra_balance',
          'has_used_trial',
          'last_synced_at',
          'scheduled_change',
          'stripe_price_id',
          'stripe_subscription_id',
        ].map((name) => pkg(`property "${name}" added (optional)`)),
      ],
    },
    {
      change: 'v3 adds optional package field subscription_currency',
      lines: [pkg('property "subscription_currency" added (optional)')],
    },
    {
      change: 'v4 adds required response property cumulative_top_up',
      lines: [
        `${API_CREDIT} | ok readers | response 200: property "cumulative_top_up" added (required)`,
      ],
    },
    {
      change: 'v5 removes 422 from both operations',
      lines: [
        `${API_CREDIT} | ok readers | response 422 removed`,
        `${PACKAGE} | ok readers | response 422 removed`,
      ],
    },
    {
      change: 'v6 adds 503 to both operations',
      lines: [API_CREDIT, PACKAGE].map(
        (key) =>
          `${key} | ok readers | response 503 added ("The server cannot process the request due to a high load")`,
      ),
    },
    {
      change: 'v7 adds optional reason to the error bodies',
      lines: [API_CREDIT, PACKAGE].flatMap((key) => [
        `${key} | ok readers | response 401: property "reason" added (optional)`,
        `${key} | ok readers | response 503: property "reason" added (optional)`,
      ]),
    },
  ];
  const load = (name: string) => loadSpec(path.join(HISTORY, name));

  const steps = expected.map(({ change, lines: want }, i) => ({
    from: i + 1,
    to: i + 2,
    change,
    want,
  }));

  it.each(steps)('finds nothing breaking from v$from to v$to: $change', async (step) => {
    const report = diffSpecs(
      await load(versions[step.from - 1]!),
      await load(versions[step.to - 1]!),
    );
    expect(lines(report)).toEqual(step.want);
    expect(report.breaking).toBe(false);
  });

  it('finds the reverse of v4 (cumulative_top_up removed) breaking for readers', async () => {
    const report = diffSpecs(await load(versions[3]!), await load(versions[2]!));
    expect(report.breaking).toBe(true);
    expect(lines(report)).toEqual([
      `${API_CREDIT} | BREAKING readers | response 200: required property "cumulative_top_up" removed`,
    ]);
  });
});

describe('formatReport', () => {
  it('groups changes under their operation and marks each BREAKING or ok with its audience', async () => {
    const report = await diffPlanted('responses/base.yaml', 'responses/property-type-changed.yaml');
    expect(formatReport(report)).toBe(
      [
        API_CREDIT,
        '  BREAKING  readers  response 200: property "credit" type changed: string -> number',
        '',
        '1 change in 1 operation, 1 breaking (callers: 0, readers: 1).',
        '',
      ].join('\n'),
    );
  });
});

describe('the spec-diff command, in-process', () => {
  const planted = (file: string) => path.join(PLANTED, file);

  it('resolves 1 and prints the report when a change is breaking', async () => {
    const result = await run(planted('parameters/base.yaml'), planted('parameters/removed.yaml'));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('BREAKING  callers  query parameter "cursor" removed');
  });

  it('prints the report as JSON with --json, with the same exit code', async () => {
    const [oldFile, newFile] = [
      planted('responses/base.yaml'),
      planted('responses/status-added.yaml'),
    ];
    const result = await run(oldFile, newFile, '--json');
    expect(result.code).toBe(0);
    const expected = diffSpecs(await loadSpec(oldFile), await loadSpec(newFile));
    expect(JSON.parse(result.stdout)).toEqual(expected);
  });

  it.each([
    ['a missing file', [planted('responses/base.yaml'), planted('no-such-file.yaml')], /ENOENT/],
    [
      'a Swagger 2.0 document',
      [planted('invalid/swagger-2.yaml'), planted('responses/base.yaml')],
      /not an OpenAPI 3\.x document/,
    ],
    [
      'text that is not YAML',
      [planted('responses/base.yaml'), planted('invalid/broken.yaml')],
      /neither YAML nor JSON/,
    ],
    ['one file instead of two', [planted('responses/base.yaml')], /usage: spec-diff/],
  ])('refuses %s', async (_, args, message) => {
    await expect(run(...args)).rejects.toThrow(message);
  });
});

describe('the spec-diff command on whole documents', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'spec-diff-'));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('resolves 0 and prints the report when nothing is breaking', async () => {
    const result = await run(
      path.join(HISTORY, 'v6-2026-08-12.json'),
      path.join(HISTORY, 'v7-2026-08-12.json'),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(API_CREDIT);
    expect(result.stdout).toContain('response 401: property "reason" added (optional)');
    expect(result.stdout).toContain('none breaking');
  });

  it('resolves 1 and names credit when credit becomes a number in a copy of the project spec', async () => {
    const source = path.join(ROOT, 'openapi', 'fish-audio.yaml');
    const spec: any = await loadSpec(source);
    const credit =
      spec.paths['/wallet/{user_id}/api-credit'].get.responses['200'].content['application/json']
        .schema.properties.credit;
    credit.type = 'number';
    const changed = path.join(tmp, 'fish-audio.yaml');
    await writeFile(changed, stringify(spec));

    const result = await run(source, changed);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'response 200: property "credit" type changed: string -> number',
    );
  });
});

describe('the spec-diff command, as a process', () => {
  it('exits 2 with a one-line message on input it refuses (a multi-line YAML error here)', async () => {
    const result = await runScript(ROOT, 'scripts/spec-diff.ts', [
      path.join(PLANTED, 'responses/base.yaml'),
      path.join(PLANTED, 'invalid/broken.yaml'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^spec-diff: .*neither YAML nor JSON/);
  });

  it('runs nothing when imported as a module', async () => {
    const code = "await import('./scripts/spec-diff.ts'); console.log('imported');";
    const result = await runNode(ROOT, ['--import', 'tsx', '--input-type=module', '--eval', code]);
    expect(result).toMatchObject({ code: 0, stdout: 'imported\n', stderr: '' });
  });
});

describe('the spec-diff command options', () => {
  const planted = (file: string) => path.join(PLANTED, file);
  const pattern = [planted('parameters/base.yaml'), planted('parameters/removed.yaml')];
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'spec-diff-options-'));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('lists every rule id with --rules', async () => {
    const result = await run('--rules');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^parameter-removed +a parameter is gone/m);
    expect(result.stdout).toMatch(/^pattern-added /m);
  });

  it('accepts a deliberate break listed in the ignore file, and exits 0', async () => {
    const ignore = path.join(tmp, 'ignore.yaml');
    await writeFile(
      ignore,
      '- rule: parameter-removed\n  operation: GET /things\n  reason: cursor paging was retired\n',
    );
    expect((await run(...pattern)).code).toBe(1);
    expect((await run(...pattern, '--ignore', ignore)).code).toBe(0);
  });

  it.each([
    [
      'text',
      /Accepted by the ignore file \(1\):\n {2}breaking {2}GET \/things: query parameter "cursor" removed \(parameter-removed\)\n {12}accepted: cursor paging was retired/,
    ],
    [
      'markdown',
      /#### Accepted by the ignore file \(1\)\n\n- `GET \/things`: \*\*breaking\*\* .*`parameter-removed`.*Accepted: cursor paging was retired/,
    ],
  ])(
    'lists an accepted break with its reason in the %s report, so it stays seen',
    async (format, listed) => {
      const ignore = path.join(tmp, 'accepted.yaml');
      await writeFile(
        ignore,
        '- rule: parameter-removed\n  operation: GET /things\n  reason: cursor paging was retired\n',
      );
      const result = await run(...pattern, '--ignore', ignore, '--format', format);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(listed);
    },
  );

  it('annotates no accepted break in the github format', async () => {
    const ignore = path.join(tmp, 'accepted-github.yaml');
    await writeFile(
      ignore,
      '- rule: parameter-removed\n  operation: GET /things\n  reason: cursor paging was retired\n',
    );
    expect((await run(...pattern, '--format', 'github')).stdout).toMatch(/cursor/);
    expect(await run(...pattern, '--ignore', ignore, '--format', 'github')).toEqual({
      code: 0,
      stdout: '',
    });
  });

  it('refuses an ignore entry without a reason', async () => {
    const ignore = path.join(tmp, 'no-reason.yaml');
    await writeFile(ignore, '- rule: parameter-removed\n  operation: GET /things\n');
    await expect(run(...pattern, '--ignore', ignore)).rejects.toThrow(/reason/);
  });

  it('fails on a warning only with --fail-on warning', async () => {
    const docs = (p: string) => ({
      openapi: '3.1.0',
      paths: {
        '/t': {
          get: {
            parameters: [{ in: 'query', name: 'q', schema: { type: 'string', pattern: p } }],
            responses: {},
          },
        },
      },
    });
    const [a, b] = [path.join(tmp, 'a.json'), path.join(tmp, 'b.json')];
    await writeFile(a, JSON.stringify(docs('^a')));
    await writeFile(b, JSON.stringify(docs('^b')));
    expect((await run(a, b)).code).toBe(0);
    expect((await run(a, b, '--fail-on', 'warning')).code).toBe(1);
  });

  it('writes a markdown changelog section with --format markdown', async () => {
    const result = await run(...pattern, '--format', 'markdown');
    expect(result.stdout).toContain('- `GET /things`');
    expect(result.stdout).toContain(
      '  - **breaking** (callers, `parameter-removed`): query parameter "cursor" removed',
    );
  });

  it('writes GitHub annotations at the line of the operation in the revised document', async () => {
    const result = await run(...pattern, '--format', 'github');
    const text = await readFile(pattern[1]!, 'utf8');
    const line = text.split('\n').findIndex((l) => /^\s+get:/.test(l)) + 1;
    expect(result.stdout.startsWith(`::error file=${pattern[1]},line=${line},`)).toBe(true);
    expect(result.stdout).toContain('::GET /things: query parameter "cursor" removed\n');
  });

  it('reads an input from git as REF:PATH, against the work tree', async () => {
    // A repository of its own, so the test passes before the checkout's changes are committed.
    const repo = path.join(tmp, 'repo');
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
        cwd: repo,
        stdio: 'pipe',
        timeout: 30_000,
      });
    await mkdir(repo);
    await writeFile(path.join(repo, 'spec.yaml'), await readFile(pattern[0]!));
    git('init', '-q');
    git('add', 'spec.yaml');
    git('commit', '-q', '-m', 'base');
    await writeFile(path.join(repo, 'spec.yaml'), await readFile(pattern[1]!));
    const out = captureIo();
    const code = await specDiff(['HEAD:spec.yaml', 'spec.yaml'], out.io, { cwd: repo });
    expect({ code, stdout: out.stdout() }).toEqual({
      code: 1,
      stdout: expect.stringContaining('query parameter "cursor" removed'),
    });
  });
});

describe('reading a document', () => {
  const UPSTREAM_JSON = path.join(ROOT, 'test', 'fixtures', 'upstream', 'openapi-2026-08-19.json');

  it('reads JSON exactly as the YAML parser would, with JSON.parse', async () => {
    const text = await readFile(UPSTREAM_JSON, 'utf8');
    expect(parseSpec(text, 'upstream.json')).toEqual(parse(text));
  });

  it.each([
    ['a YAML flow mapping with a comment', "{openapi: '3.1.0', paths: {}} # flow\n"],
    ['JSON after a byte-order mark', '\uFEFF{"openapi": "3.1.0", "paths": {}}'],
    ['block YAML', "openapi: '3.1.0'\npaths: {}\n"],
  ])('reads %s', (_what, text) => {
    expect(parseSpec(text, 'doc')).toEqual({ openapi: '3.1.0', paths: {} });
  });

  it('names the file when the text is neither YAML nor JSON', () => {
    expect(() => parseSpec('{"openapi": "3.1.0", paths: [}', 'broken.json')).toThrow(
      /^broken\.json is neither YAML nor JSON/,
    );
  });
});

describe('npm run spec:diff', () => {
  it('builds its bundle once, and again only after a source it was built from changes', async () => {
    const copy = await copyProject(['package.json', 'scripts', 'src', 'openapi']);
    try {
      // A small spec: what is tested is the bundle's reuse, not the comparison.
      const spec = 'openapi/small.yaml';
      await writeFile(
        path.join(copy.dir, spec),
        'openapi: 3.1.0\ninfo: { title: t, version: "1" }\npaths:\n  /a:\n    get:\n      responses:\n        "200": { description: ok }\n',
      );
      const launch = () =>
        runNode(copy.dir, ['scripts/lib/run-bundled.mjs', 'spec-diff', spec, spec]);
      const bundle = path.join(copy.dir, '.tooling', 'spec-diff.mjs');
      expect(await launch()).toMatchObject({ code: 0, stdout: 'No changes to any operation.\n' });
      const first = (await stat(bundle)).mtimeMs;
      expect((await launch()).code).toBe(0);
      expect((await stat(bundle)).mtimeMs).toBe(first);
      // An imported file, not the entry: the metafile lists every input.
      const source = path.join(copy.dir, 'scripts', 'lib', 'diff-report.ts');
      const later = new Date(first + 60_000);
      await utimes(source, later, later);
      expect((await launch()).code).toBe(0);
      expect((await stat(bundle)).mtimeMs).toBeGreaterThan(first);
    } finally {
      await copy.remove();
    }
  });
});
