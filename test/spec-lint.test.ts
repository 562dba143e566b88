/**
 * `npm run spec:lint`: the checked-in spec passes, every known upstream defect is tolerated only
 * where it is, and a new defect fails. The defects are planted together in one temporary copy of
 * the spec, each at an operation of its own, and linted in one Redocly run with the project's own
 * redocly.yaml and .redocly.lint-ignore.yaml; each is then found in the JSON report at its
 * location. All copies are linted in one Redocly run: each run is a child process.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { escapePointer } from '../scripts/lib/json.js';
import type { OpenAPIDocument } from '../scripts/lib/openapi.js';
import { applyPatches } from '../scripts/lib/spec-patches.js';
import { toYaml } from '../scripts/lib/stable-yaml.js';
import { lintSpec, specLint } from '../scripts/spec-lint.js';
import { captureIo, ROOT } from './helpers/project-copy.js';

const UPSTREAM = path.join(ROOT, 'test', 'fixtures', 'upstream', 'openapi-2026-08-19.json');
const API_CREDIT = '/wallet/{user_id}/api-credit';

type Json = Record<string, any>;

/** The JSON pointer of `route` and the keys after it, as Redocly reports locations. */
const at = (route: string, ...keys: (string | number)[]) =>
  ['#', 'paths', route, ...keys].map((key) => escapePointer(String(key))).join('/');

/**
 * One defect per row: what it is, the rule that must report it, and the edit that plants it,
 * which returns where the problem must be reported. Each edits an operation no other row touches.
 */
const DEFECTS: [string, string, (doc: Json) => string][] = [
  [
    'a path parameter that is not in the path',
    'path-parameters-defined',
    (doc) => {
      const route = '/v1/agent/agents/{agent_id}';
      const parameters = doc.paths[route].get.parameters;
      parameters.push({ name: 'team', in: 'path', required: true, schema: { type: 'string' } });
      return at(route, 'get', 'parameters', parameters.length - 1, 'name');
    },
  ],
  [
    'a response without a description',
    'struct',
    (doc) => {
      delete doc.paths['/wallet/{user_id}/package'].get.responses['200'].description;
      return at('/wallet/{user_id}/package', 'get', 'responses', '200');
    },
  ],
  [
    'a missing operationId (the patch list names every upstream operation)',
    'operation-operationId',
    (doc) => {
      delete doc.paths['/v1/asr'].post.operationId;
      return at('/v1/asr', 'post', 'operationId');
    },
  ],
  [
    'a path parameter marked `required: false` outside the two known paths',
    'rule/path-parameter-required',
    (doc) => {
      // A new wallet path, copying upstream's `user_id` as the two tolerated paths have it.
      const route = '/wallet/{user_id}/history';
      const operation = structuredClone(doc.paths[API_CREDIT].get);
      operation.operationId = 'wallet.getHistory';
      doc.paths[route] = { get: operation };
      const index = operation.parameters.findIndex((p: Json) => p.name === 'user_id');
      expect(operation.parameters[index].required).toBe(false);
      return at(route, 'get', 'parameters', index, 'required');
    },
  ],
  [
    'a path parameter with no `required` at all',
    'rule/path-parameter-required',
    (doc) => {
      const parameters = doc.paths['/model/{id}'].delete.parameters as Json[];
      const index = parameters.findIndex((p) => p.in === 'path');
      expect(parameters[index]!.required).toBe(true);
      delete parameters[index]!.required;
      return at('/model/{id}', 'delete', 'parameters', index, 'required');
    },
  ],
  [
    'what `recommended` only warns about (an operation with no 4xx response)',
    'operation-4xx-response',
    (doc) => {
      const responses = doc.paths['/v1/voice-design'].post.responses;
      for (const status of Object.keys(responses))
        if (status.startsWith('4')) delete responses[status];
      return at('/v1/voice-design', 'post', 'responses');
    },
  ],
];

/** One file's JSON lint report, reduced to `rule pointer` lines (sorted) and its totals. */
interface Report {
  errors: number;
  problems: string[];
  ignored: number;
}

/**
 * Lints each text as a file of its own in one Redocly run (each run is a child process that
 * takes over a second to start), in a fresh folder holding the project's redocly.yaml and an
 * ignore file that gives the project's tolerances (`.redocly.lint-ignore.yaml`, written for
 * `openapi/fish-audio.yaml`) to every file whose `ignoreFile` is true. Resolves with each file's
 * report, in order: Redocly prints one JSON report per file, one after the other.
 */
async function lintCopies(copies: { spec: string; ignoreFile: boolean }[]): Promise<Report[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'fish-audio-lint-'));
  try {
    await cp(path.join(ROOT, 'redocly.yaml'), path.join(dir, 'redocly.yaml'));
    const ignore = parse(await readFile(path.join(ROOT, '.redocly.lint-ignore.yaml'), 'utf8'));
    const tolerated = ignore['openapi/fish-audio.yaml'];
    const names = copies.map((_, i) => `openapi/copy-${i}.yaml`);
    const ignoreFile = Object.fromEntries(
      names.filter((_, i) => copies[i]!.ignoreFile).map((name) => [name, tolerated]),
    );
    await writeFile(path.join(dir, '.redocly.lint-ignore.yaml'), stringify(ignoreFile));
    await mkdir(path.join(dir, 'openapi'));
    for (const [i, { spec }] of copies.entries()) await writeFile(path.join(dir, names[i]!), spec);
    const result = await lintSpec(dir, [...names, '--format', 'json']);
    const json = result.stdout.slice(result.stdout.indexOf('{'));
    const reports = json.split(/(?<=\n\})\s*(?=\{\n)/).map((text) => {
      return JSON.parse(text) as {
        totals: { errors: number; ignored: number };
        problems: { ruleId: string; location: { pointer: string; source: { ref: string } }[] }[];
      };
    });
    expect(reports, result.stderr).toHaveLength(copies.length);
    return reports.map((report, i) => {
      const problems = report.problems.map(({ ruleId, location }) => {
        expect(location[0]!.source.ref).toBe(names[i]);
        return `${ruleId} ${location[0]!.pointer}`;
      });
      const { errors, ignored } = report.totals;
      return { errors, problems: problems.sort(), ignored };
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every (rule, JSON pointer) of .redocly.lint-ignore.yaml, sorted. */
async function ignoreList(): Promise<string[]> {
  const file = parse(await readFile(path.join(ROOT, '.redocly.lint-ignore.yaml'), 'utf8'));
  const rules = (file as Record<string, Record<string, string[]>>)['openapi/fish-audio.yaml']!;
  return Object.entries(rules)
    .flatMap(([rule, pointers]) => pointers.map((pointer) => `${rule} ${pointer}`))
    .sort();
}

describe('spec lint on the checked-in spec', () => {
  it('passes as the spec:lint command runs it, offline and without the Node 20 banner', async () => {
    const out = captureIo();
    const code = await specLint([], out.io);
    const result = { code, stdout: out.stdout(), stderr: out.stderr() };
    expect(result.code, result.stdout + result.stderr).toBe(0);
    // The known defects are there and tolerated, not unseen.
    expect(result.stderr).toMatch(/\d+ problems? (is|are) explicitly ignored/);
    expect(result.stderr).not.toContain('Node.js 20 support is ending');
  });
});

describe('spec lint on copies of the spec', () => {
  /** Where each row of DEFECTS must be reported, by its description. */
  const expected = new Map<string, string>();
  let clean: Report;
  let planted: Report;
  let bare: Report;

  beforeAll(async () => {
    // What spec:update writes: the patched upstream document.
    const upstream = JSON.parse(await readFile(UPSTREAM, 'utf8')) as OpenAPIDocument;
    const patched = toYaml(applyPatches(upstream));
    const doc = parse(patched) as Json;
    for (const [what, rule, plant] of DEFECTS) expected.set(what, `${rule} ${plant(doc)}`);
    const checkedIn = await readFile(path.join(ROOT, 'openapi', 'fish-audio.yaml'), 'utf8');
    const reports = await lintCopies([
      { spec: patched, ignoreFile: true },
      { spec: stringify(doc), ignoreFile: true },
      { spec: checkedIn, ignoreFile: false },
    ]);
    [clean, planted, bare] = [reports[0]!, reports[1]!, reports[2]!];
  });

  it('passes on the patched 2026-08-19 upstream document (what spec:update writes)', () => {
    expect(clean).toEqual({ errors: 0, problems: [], ignored: 9 });
  });

  it.each(DEFECTS)('fails on %s, reporting %s where it is', (what) => {
    expect(planted.errors).toBeGreaterThan(0);
    expect(planted.problems).toContain(expected.get(what));
  });

  it('reports nothing but the planted defects, so each failure above comes from its defect', () => {
    expect(planted.problems).toEqual([...expected.values()].sort());
    // The known defects are still there, and still tolerated.
    expect(planted.ignored).toBe(clean.ignored);
  });

  it('tolerates exactly the problems Redocly reports on the checked-in spec without the ignore file', async () => {
    // What the lint reports with no ignore file is what the file tolerates.
    expect(bare.errors).toBeGreaterThan(0);
    expect([...new Set(bare.problems)]).toEqual(await ignoreList());
  });
});
