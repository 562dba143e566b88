/**
 * `npm run spec:lint`: the checked-in spec passes, every known upstream defect is tolerated only
 * where it is, and a new defect fails. Defects are planted in a temporary copy of the spec,
 * linted with the project's own redocly.yaml and .redocly.lint-ignore.yaml.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { lintSpec } from '../scripts/spec-lint.js';
import { applyPatches } from '../scripts/lib/spec-patches.js';
import { toYaml } from '../scripts/lib/stable-yaml.js';
import type { OpenAPIDocument } from '../scripts/lib/openapi.js';
import { ROOT, runScript } from './helpers/project-copy.js';

const UPSTREAM = path.join(ROOT, 'test', 'fixtures', 'upstream', 'openapi-2026-08-19.json');
const API_CREDIT = '/wallet/{user_id}/api-credit';

type Json = Record<string, any>;

describe('spec lint on the checked-in spec', () => {
  it('passes through the npm script, offline and without the Node 20 banner', async () => {
    const result = await runScript(ROOT, 'scripts/spec-lint.ts');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    // The known defects are there and tolerated, not unseen.
    expect(result.stderr).toMatch(/\d+ problems? (is|are) explicitly ignored/);
    expect(result.stderr).not.toContain('Node.js 20 support is ending');
  });
});

describe('spec lint on a copy with one planted defect', () => {
  let dir: string;
  let checkedIn: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'fish-audio-lint-'));
    for (const entry of ['redocly.yaml', '.redocly.lint-ignore.yaml', 'openapi']) {
      await cp(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
    }
    checkedIn = await readFile(path.join(ROOT, 'openapi', 'fish-audio.yaml'), 'utf8');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** Lints the checked-in spec after `edit`, as the copy's openapi/fish-audio.yaml. */
  async function lintWith(edit: (doc: Json) => void) {
    const doc = parse(checkedIn) as Json;
    edit(doc);
    await writeFile(path.join(dir, 'openapi', 'fish-audio.yaml'), stringify(doc));
    const result = await lintSpec(dir, ['--format', 'summary']);
    return { code: result.code, output: result.stdout + result.stderr };
  }

  /** A second operation like `GET api-credit`, under another path. */
  function addPathLikeApiCredit(doc: Json, route: string, operationId?: string) {
    const operation = structuredClone(doc.paths[API_CREDIT].get);
    // The copy must not share the original's operationId (ids are unique), nor always have one.
    if (operationId) operation.operationId = operationId;
    else delete operation.operationId;
    doc.paths[route] = { get: operation };
  }

  it('passes unchanged, so each failure below comes from its planted defect', async () => {
    const { code, output } = await lintWith(() => {});
    expect(code, output).toBe(0);
  });

  it('fails on a path parameter that is not in the path', async () => {
    const { code, output } = await lintWith((doc) => {
      doc.paths[API_CREDIT].get.parameters.push({
        name: 'team',
        in: 'path',
        required: true,
        schema: { type: 'string' },
      });
    });
    expect(code).toBe(1);
    expect(output).toContain('path-parameters-defined');
  });

  it('fails on a response without a description', async () => {
    const { code, output } = await lintWith((doc) => {
      delete doc.paths[API_CREDIT].get.responses['200'].description;
    });
    expect(code).toBe(1);
    expect(output).toContain('struct');
  });

  it('fails on a missing operationId (the patch list names every upstream operation)', async () => {
    const { code, output } = await lintWith((doc) => {
      addPathLikeApiCredit(doc, '/wallet/{user_id}/history');
    });
    expect(code).toBe(1);
    expect(output).toContain('operation-operationId: 1');
  });

  it('fails on a path parameter marked `required: false` outside the two known paths', async () => {
    const { code, output } = await lintWith((doc) => {
      addPathLikeApiCredit(doc, '/wallet/{user_id}/history', 'getHistory');
    });
    expect(code).toBe(1);
    expect(output).toContain('rule/path-parameter-required: 1');
    expect(output).not.toContain('operation-operationId');
  });

  it('fails on a path parameter with no `required` at all', async () => {
    const { code, output } = await lintWith((doc) => {
      addPathLikeApiCredit(doc, '/wallet/{user_id}/history', 'getHistory');
      const parameters = doc.paths['/wallet/{user_id}/history'].get.parameters as {
        name: string;
      }[];
      const userId = parameters.find((p) => p.name === 'user_id') as { required?: boolean };
      expect(userId).toBeDefined();
      delete userId.required;
    });
    expect(code).toBe(1);
    expect(output).toContain('rule/path-parameter-required: 1');
  });

  it('fails on what `recommended` only warns about (an operation with no 4xx response)', async () => {
    const { code, output } = await lintWith((doc) => {
      const responses = doc.paths[API_CREDIT].get.responses;
      for (const status of Object.keys(responses))
        if (status.startsWith('4')) delete responses[status];
    });
    expect(code).toBe(1);
    expect(output).toContain('operation-4xx-response');
  });

  it('passes on the patched 2026-08-19 upstream document (what spec:update writes)', async () => {
    const upstream = JSON.parse(await readFile(UPSTREAM, 'utf8')) as OpenAPIDocument;
    await writeFile(path.join(dir, 'openapi', 'fish-audio.yaml'), toYaml(applyPatches(upstream)));
    const result = await lintSpec(dir);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stderr).toContain('9 problems are explicitly ignored');
  });
});

describe('the tolerated upstream defects', () => {
  /** Every (rule, JSON pointer) of .redocly.lint-ignore.yaml, sorted. */
  async function ignoreList(): Promise<string[]> {
    const file = parse(await readFile(path.join(ROOT, '.redocly.lint-ignore.yaml'), 'utf8'));
    const rules = (file as Record<string, Record<string, string[]>>)['openapi/fish-audio.yaml']!;
    return Object.entries(rules)
      .flatMap(([rule, pointers]) => pointers.map((pointer) => `${rule} ${pointer}`))
      .sort();
  }

  it('are exactly the problems Redocly reports on the checked-in spec without them', async () => {
    // The same lint on a copy with no ignore file: what it reports is what the file tolerates.
    const bare = await mkdtemp(path.join(tmpdir(), 'fish-audio-lint-bare-'));
    try {
      await cp(path.join(ROOT, 'redocly.yaml'), path.join(bare, 'redocly.yaml'));
      await cp(path.join(ROOT, 'openapi'), path.join(bare, 'openapi'), { recursive: true });
      const result = await lintSpec(bare, ['--format', 'json']);
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as {
        problems: { ruleId: string; location: { pointer: string }[] }[];
      };
      const reported = report.problems.map(
        ({ ruleId, location }) => `${ruleId} ${location[0]!.pointer}`,
      );
      expect([...new Set(reported)].sort()).toEqual(await ignoreList());
    } finally {
      await rm(bare, { recursive: true, force: true });
    }
  });
});
