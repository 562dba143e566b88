import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { diffSpecs, formatReport, type SpecDiffReport } from '../scripts/spec-diff.js';
import { loadSpec, type OpenAPIDocument } from '../scripts/spec.js';
import { ROOT, runNode, runScript } from './helpers/project-copy.js';

const FIXTURES = path.join(ROOT, 'test', 'fixtures');
const PLANTED = path.join(FIXTURES, 'spec-diff');
const HISTORY = path.join(FIXTURES, 'wallet-history');
const API_CREDIT = 'GET /wallet/{user_id}/api-credit';
const PACKAGE = 'GET /wallet/{user_id}/package';

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

describe('diffSpecs on planted parameter changes', () => {
  it('does not count a new optional parameter as breaking', async () => {
    const report = await diffPlanted('parameters/base.yaml', 'parameters/optional-added.yaml');
    expect(report.breaking).toBe(false);
    expect(allChanges(report)).toEqual([
      {
        key: 'GET /things',
        audience: 'callers',
        breaking: false,
        kind: 'parameter-added',
        message: 'query parameter "team_id" added (optional)',
      },
    ]);
  });

  it('counts a new required parameter as breaking for callers', async () => {
    const report = await diffPlanted('parameters/base.yaml', 'parameters/required-added.yaml');
    expect(report.breaking).toBe(true);
    expect(allChanges(report)).toEqual([
      {
        key: 'GET /things',
        audience: 'callers',
        breaking: true,
        kind: 'parameter-added',
        message: 'header parameter "X-Team" added (required)',
      },
    ]);
  });

  it('counts a removed parameter as breaking for callers', async () => {
    const report = await diffPlanted('parameters/base.yaml', 'parameters/removed.yaml');
    expect(report.breaking).toBe(true);
    expect(allChanges(report)).toEqual([
      {
        key: 'GET /things',
        audience: 'callers',
        breaking: true,
        kind: 'parameter-removed',
        message: 'query parameter "cursor" removed',
      },
    ]);
  });

  it('counts a parameter narrowed from string | null to string as breaking for callers', async () => {
    const report = await diffPlanted('parameters/base.yaml', 'parameters/nullable-removed.yaml');
    expect(report.breaking).toBe(true);
    expect(allChanges(report)).toEqual([
      {
        key: 'GET /things',
        audience: 'callers',
        breaking: true,
        kind: 'no-longer-nullable',
        message: 'query parameter "q" is no longer nullable: string | null -> string',
      },
    ]);
  });

  it('counts a parameter changed from string to integer as breaking for callers', async () => {
    const report = await diffPlanted('parameters/base.yaml', 'parameters/type-changed.yaml');
    expect(report.breaking).toBe(true);
    expect(allChanges(report)).toEqual([
      {
        key: 'GET /things',
        audience: 'callers',
        breaking: true,
        kind: 'type-changed',
        message: 'query parameter "cursor" type changed: string -> integer',
      },
    ]);
  });

  it('does not count a widened parameter type as breaking', async () => {
    const report = await diffPlanted('parameters/base.yaml', 'parameters/widened.yaml');
    expect(report.breaking).toBe(false);
    expect(allChanges(report)).toEqual([
      {
        key: 'GET /things',
        audience: 'callers',
        breaking: false,
        kind: 'type-widened',
        message: 'query parameter "limit" type widened: integer -> string | integer',
      },
    ]);
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
});

describe('diffSpecs on planted response changes', () => {
  /** Diffs responses/base.yaml against responses/<variant>.yaml; expects exactly one change. */
  async function onlyChange(variant: string) {
    const report = await diffPlanted('responses/base.yaml', `responses/${variant}.yaml`);
    const changes = allChanges(report);
    expect(changes).toHaveLength(1);
    expect(report.breaking).toBe(changes[0]!.breaking);
    return changes[0];
  }

  it('counts a removed required response property as breaking for readers', async () => {
    expect(await onlyChange('required-property-removed')).toEqual({
      key: API_CREDIT,
      audience: 'readers',
      breaking: true,
      kind: 'property-removed',
      message: 'response 200: required property "credit" removed',
      path: 'credit',
    });
  });

  it('counts a response property whose type changed as breaking for readers', async () => {
    expect(await onlyChange('property-type-changed')).toEqual({
      key: API_CREDIT,
      audience: 'readers',
      breaking: true,
      kind: 'type-changed',
      message: 'response 200: property "credit" type changed: string -> number',
      path: 'credit',
    });
  });

  it('counts a response property that became nullable (anyOf with null) as breaking for readers', async () => {
    expect(await onlyChange('property-nullable')).toEqual({
      key: API_CREDIT,
      audience: 'readers',
      breaking: true,
      kind: 'became-nullable',
      message: 'response 200: property "credit" became nullable: string -> string | null',
      path: 'credit',
    });
  });

  it('counts an OpenAPI 3.0 `nullable: true` as the property becoming nullable', async () => {
    const report = await diffPlanted('openapi-3.0/base.yaml', 'openapi-3.0/nullable.yaml');
    expect(lines(report)).toEqual([
      `${API_CREDIT} | BREAKING readers | response 200: property "credit" became nullable: string -> string | null`,
    ]);
  });

  it('counts a union widened from string to string | integer as breaking for readers', async () => {
    expect(await onlyChange('union-widened')).toEqual({
      key: API_CREDIT,
      audience: 'readers',
      breaking: true,
      kind: 'type-widened',
      message: 'response 200: property "credit" type widened: string -> string | integer',
      path: 'credit',
    });
  });

  it('counts an enum value added in a response as breaking for readers', async () => {
    expect(await onlyChange('enum-value-added')).toEqual({
      key: API_CREDIT,
      audience: 'readers',
      breaking: true,
      kind: 'enum-value-added',
      message: 'response 200: property "state" enum value added: "closed"',
      path: 'state',
    });
  });

  it('counts a response property made optional as breaking for readers', async () => {
    expect(await onlyChange('property-optional')).toEqual({
      key: API_CREDIT,
      audience: 'readers',
      breaking: true,
      kind: 'property-became-optional',
      message: 'response 200: property "credit" became optional',
      path: 'credit',
    });
  });

  it('does not count a new required response property as breaking', async () => {
    expect(await onlyChange('property-added')).toEqual({
      key: API_CREDIT,
      audience: 'readers',
      breaking: false,
      kind: 'property-added',
      message: 'response 200: property "cumulative_top_up" added (required)',
      path: 'cumulative_top_up',
    });
  });

  it('does not count a new optional response property as breaking', async () => {
    expect(await onlyChange('optional-property-added')).toEqual({
      key: API_CREDIT,
      audience: 'readers',
      breaking: false,
      kind: 'property-added',
      message: 'response 200: property "reason" added (optional)',
      path: 'reason',
    });
  });

  it('does not count an enum value removed from a response as breaking', async () => {
    expect(await onlyChange('enum-value-removed')).toEqual({
      key: API_CREDIT,
      audience: 'readers',
      breaking: false,
      kind: 'enum-value-removed',
      message: 'response 200: property "state" enum value removed: "frozen"',
      path: 'state',
    });
  });

  it('lists an added status code without counting it as breaking', async () => {
    expect(await onlyChange('status-added')).toEqual({
      key: API_CREDIT,
      audience: 'readers',
      breaking: false,
      kind: 'status-added',
      message: 'response 503 added ("The server cannot process the request due to a high load")',
    });
  });

  it('does not count a removed status code as breaking', async () => {
    expect(await onlyChange('status-removed')).toEqual({
      key: API_CREDIT,
      audience: 'readers',
      breaking: false,
      kind: 'status-removed',
      message: 'response 401 removed',
    });
  });

  it('recurses into arrays of objects and names the path items[].loc', async () => {
    expect(await onlyChange('nested-property-changed')).toEqual({
      key: API_CREDIT,
      audience: 'readers',
      breaking: true,
      kind: 'type-changed',
      message: 'response 200: property "items[].loc" type changed: array -> string',
      path: 'items[].loc',
    });
  });
});

describe('diffSpecs on planted operation changes', () => {
  it('counts a removed operation as breaking for callers', async () => {
    const report = await diffPlanted('operations/base.yaml', 'operations/removed.yaml');
    expect(report.breaking).toBe(true);
    expect(allChanges(report)).toEqual([
      {
        key: PACKAGE,
        audience: 'callers',
        breaking: true,
        kind: 'operation-removed',
        message: 'operation removed',
      },
    ]);
  });

  it('does not count an added operation as breaking', async () => {
    const report = await diffPlanted('operations/base.yaml', 'operations/added.yaml');
    expect(report.breaking).toBe(false);
    expect(allChanges(report)).toEqual([
      {
        key: 'POST /wallet/{user_id}/package',
        audience: 'callers',
        breaking: false,
        kind: 'operation-added',
        message: 'operation added',
      },
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

  expected.forEach(({ change, lines: want }, i) => {
    it(`finds nothing breaking from v${i + 1} to v${i + 2}: ${change}`, async () => {
      const report = diffSpecs(await load(versions[i]!), await load(versions[i + 1]!));
      expect(lines(report)).toEqual(want);
      expect(report.breaking).toBe(false);
    });
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

describe('the spec-diff command', () => {
  const run = (...args: string[]) => runScript(ROOT, 'scripts/spec-diff.ts', args);
  const planted = (file: string) => path.join(PLANTED, file);
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'spec-diff-'));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('exits 0 and prints the report when nothing is breaking', async () => {
    const result = await run(
      path.join(HISTORY, 'v6-2026-08-12.json'),
      path.join(HISTORY, 'v7-2026-08-12.json'),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(API_CREDIT);
    expect(result.stdout).toContain('response 401: property "reason" added (optional)');
    expect(result.stdout).toContain('none breaking');
  });

  it('exits 1 when a change is breaking', async () => {
    const result = await run(planted('parameters/base.yaml'), planted('parameters/removed.yaml'));
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain('BREAKING  callers  query parameter "cursor" removed');
  });

  it('prints the report as JSON with --json, with the same exit code', async () => {
    const [oldFile, newFile] = [
      planted('responses/base.yaml'),
      planted('responses/status-added.yaml'),
    ];
    const result = await run(oldFile, newFile, '--json');
    expect(result.code, result.stderr).toBe(0);
    const expected = diffSpecs(await loadSpec(oldFile), await loadSpec(newFile));
    expect(JSON.parse(result.stdout)).toEqual(expected);
  });

  it.each([
    ['a missing file', [planted('responses/base.yaml'), planted('no-such-file.yaml')]],
    ['a Swagger 2.0 document', [planted('invalid/swagger-2.yaml'), planted('responses/base.yaml')]],
    ['text that is not YAML', [planted('responses/base.yaml'), planted('invalid/broken.yaml')]],
    ['one file instead of two', [planted('responses/base.yaml')]],
  ])('exits 2 with a one-line message on %s', async (_, args) => {
    const result = await run(...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^spec-diff: /);
  });

  it('exits 1 and names credit when credit becomes a number in a copy of the project spec', async () => {
    const source = path.join(ROOT, 'openapi', 'fish-audio.yaml');
    const spec = parse(await readFile(source, 'utf8'));
    const credit =
      spec.paths['/wallet/{user_id}/api-credit'].get.responses['200'].content['application/json']
        .schema.properties.credit;
    credit.type = 'number';
    const changed = path.join(tmp, 'fish-audio.yaml');
    await writeFile(changed, stringify(spec));

    const result = await run(source, changed);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain(
      'response 200: property "credit" type changed: string -> number',
    );
  });

  it('runs nothing when imported as a module', async () => {
    const code = "await import('./scripts/spec-diff.ts'); console.log('imported');";
    const result = await runNode(ROOT, ['--import', 'tsx', '--input-type=module', '--eval', code]);
    expect(result).toMatchObject({ code: 0, stdout: 'imported\n', stderr: '' });
  });
});
