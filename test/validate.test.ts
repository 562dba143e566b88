import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_OUT } from '../scripts/generate.js';
import type { OpenAPIDocument } from '../scripts/lib/openapi.js';
import { buildValidatorFiles } from '../scripts/validators.js';
import type { ResponseValidator } from '../src/generated/validators/index.js';
import { describeErrors, formatMismatches, validateResponse } from '../src/validate.js';

const CREDIT = 'GET /wallet/{user_id}/api-credit';
const validCredit = {
  _id: '665f0c',
  user_id: 'u1',
  credit: '12.50',
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-02T00:00:00Z',
  has_phone_sha256: true,
  has_free_credit: null,
  cumulative_top_up: '40.00',
};

/** A one-operation document whose 200 response has `schema`, plus optional components. */
function docWith(schema: unknown, schemas: Record<string, unknown> = {}): OpenAPIDocument {
  return {
    openapi: '3.1.0',
    paths: {
      '/thing': {
        get: {
          operationId: 'things.get',
          responses: { '200': { description: 'ok', content: { 'application/json': { schema } } } },
        },
      },
    },
    components: { schemas },
  };
}

/**
 * Builds validators for `doc` and loads them from a temporary folder with no node_modules
 * anywhere above it, so any import or require would fail to load.
 */
const tempDirs: string[] = [];
afterAll(() => Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function loadValidators(doc: OpenAPIDocument) {
  const { code } = buildValidatorFiles(doc).resources.things!;
  const dir = await mkdtemp(path.join(tmpdir(), 'validators-'));
  tempDirs.push(dir);
  const file = path.join(dir, 'validators.mjs');
  await writeFile(file, code);
  const module = (await import(pathToFileURL(file).href)) as {
    responseValidators: Record<string, Record<string, ResponseValidator>>;
  };
  return { code, validators: module.responseValidators };
}

async function check(doc: OpenAPIDocument, body: unknown) {
  const { validators } = await loadValidators(doc);
  const validate = validators['GET /thing']!['200']!;
  return validate(body) ? [] : describeErrors(validate.errors ?? [], body);
}

describe('validateResponse', async () => {
  it('accepts a body that matches the documented schema', async () => {
    expect(await validateResponse(CREDIT, 200, validCredit)).toEqual([]);
  });

  it('accepts properties the spec does not list', async () => {
    expect(
      await validateResponse(CREDIT, 200, { ...validCredit, brand_new_field: { a: 1 } }),
    ).toEqual([]);
  });

  it('points a missing required property at the property itself', async () => {
    const { credit: _, ...body } = validCredit;
    expect(await validateResponse(CREDIT, 200, body)).toEqual([
      { pointer: '/credit', expected: 'required property', actual: 'missing' },
    ]);
  });

  it('reports a wrong type with what arrived', async () => {
    expect(await validateResponse(CREDIT, 200, { ...validCredit, credit: 12 })).toEqual([
      { pointer: '/credit', expected: 'type string', actual: 'number 12' },
    ]);
  });

  it('reports a wrong nullable value once, listing both allowed types', async () => {
    expect(await validateResponse(CREDIT, 200, { ...validCredit, has_free_credit: 'yes' })).toEqual(
      [{ pointer: '/has_free_credit', expected: 'type boolean or null', actual: 'string "yes"' }],
    );
  });

  it('reports every mismatch at once', async () => {
    const { user_id: _, ...body } = { ...validCredit, credit: 12, has_phone_sha256: 'no' };
    const mismatches = await validateResponse(CREDIT, 200, body);
    expect(mismatches).toEqual([
      { pointer: '/user_id', expected: 'required property', actual: 'missing' },
      { pointer: '/credit', expected: 'type string', actual: 'number 12' },
      { pointer: '/has_phone_sha256', expected: 'type boolean', actual: 'string "no"' },
    ]);
    expect(formatMismatches(mismatches)).toBe(
      '/user_id: expected required property, got missing; ' +
        '/credit: expected type string, got number 12; ' +
        '/has_phone_sha256: expected type boolean, got string "no"',
    );
  });

  it('reports a body of the wrong kind at the root', async () => {
    const mismatches = await validateResponse(CREDIT, 200, 'Service Unavailable');
    expect(mismatches).toEqual([
      { pointer: '', expected: 'type object', actual: 'string "Service Unavailable"' },
    ]);
    expect(formatMismatches(mismatches)).toBe(
      '(root): expected type object, got string "Service Unavailable"',
    );
  });

  it('checks error bodies against their own status', async () => {
    const body = { status: '503', message: 'busy', reason: 7 };
    expect(await validateResponse(CREDIT, 503, body)).toEqual([
      { pointer: '/status', expected: 'type integer', actual: 'string "503"' },
      { pointer: '/reason', expected: 'type string or null', actual: 'number 7' },
    ]);
  });

  it('returns no mismatches for a status without a documented JSON body', async () => {
    expect(await validateResponse(CREDIT, 500, '<html>')).toEqual([]);
    expect(await validateResponse(CREDIT, 204, undefined)).toEqual([]);
  });
});

describe('generated validators', () => {
  it('escape "/" and "~" in pointers', async () => {
    const schema = {
      type: 'object',
      properties: { 'a/b': { type: 'string' }, 'c~d': { type: 'string' } },
      required: ['a/b', 'c~d'],
    };
    expect(await check(docWith(schema), { 'c~d': 1 })).toEqual([
      { pointer: '/a~1b', expected: 'required property', actual: 'missing' },
      { pointer: '/c~0d', expected: 'type string', actual: 'number 1' },
    ]);
  });

  it('accept unknown properties even where the spec says additionalProperties: false', async () => {
    const schema = { $ref: '#/components/schemas/Closed' };
    const closed = {
      type: 'object',
      properties: { id: { type: 'string' } },
      additionalProperties: false,
    };
    expect(await check(docWith(schema, { Closed: closed }), { id: 'x', extra: 1 })).toEqual([]);
    expect(await check(docWith(schema, { Closed: closed }), { id: 1, extra: 1 })).toEqual([
      { pointer: '/id', expected: 'type string', actual: 'number 1' },
    ]);
  });

  it('keep an additionalProperties schema, which describes map values', async () => {
    const schema = { type: 'object', additionalProperties: { type: 'number' } };
    expect(await check(docWith(schema), { a: 1, b: 'x' })).toEqual([
      { pointer: '/b', expected: 'type number', actual: 'string "x"' },
    ]);
  });

  it('ignore format', async () => {
    const schema = { type: 'string', format: 'date-time' };
    expect(await check(docWith(schema), 'not a date')).toEqual([]);
  });

  it('report the inner failure of a nullable object, not the null alternative', async () => {
    const schema = {
      type: 'object',
      properties: { owner: { anyOf: [{ $ref: '#/components/schemas/Owner' }, { type: 'null' }] } },
    };
    const owner = { type: 'object', properties: { name: { type: 'string' } } };
    expect(await check(docWith(schema, { Owner: owner }), { owner: { name: 5 } })).toEqual([
      { pointer: '/owner/name', expected: 'type string', actual: 'number 5' },
    ]);
  });

  it('run with no import or require, including the helpers Ajv would load', async () => {
    const schema = {
      type: 'object',
      properties: {
        short: { type: 'string', maxLength: 2 },
        shape: { enum: [{ kind: 'square' }, [1, 2]] },
        tag: { const: { a: [1] } },
        list: { type: 'array', uniqueItems: true },
        slug: { type: 'string', pattern: '^[a-z]+$' },
      },
    };
    const { code, validators } = await loadValidators(docWith(schema));
    expect(code).not.toMatch(/\brequire\s*\(|^\s*import\b|\bimport\s*\(/m);
    expect(code).toContain('function codePointLength(');
    expect(code).toContain('function jsonEqual(');
    const validate = validators['GET /thing']!['200']!;
    // Two astral characters are two code points, within maxLength 2.
    expect(
      validate({ short: '😀😀', shape: [1, 2], tag: { a: [1] }, list: [{ a: 1 }, { a: 2 }] }),
    ).toBe(true);
    const body = { short: 'abc', shape: { kind: 'circle' }, list: [{ a: 1 }, { a: 1 }], slug: 'A' };
    expect(validate(body)).toBe(false);
    expect(describeErrors(validate.errors ?? [], body).map((m) => m.pointer)).toEqual([
      '/short',
      '/shape',
      '/list',
      '/slug',
    ]);
  });

  it('skip a schema Ajv cannot compile, with a comment, and keep the others', () => {
    const doc = docWith({ type: 'strnig' });
    (doc.paths!['/thing']!.get as { responses: Record<string, unknown> }).responses['201'] = {
      content: { 'application/json': { schema: { type: 'string' } } },
    };
    const { code, types } = buildValidatorFiles(doc).resources.things!;
    expect(code).toMatch(/\/\/ "200" skipped\. Ajv cannot compile its schema: .*strnig/);
    expect(types).toMatch(/\/\/ "200" skipped\./);
    expect(code).toMatch(/"201": v\d+,/);
  });

  it.each(['wallet', 'tts', 'voices', 'agents'])(
    'in src/generated/validators/%s.js have no import or require',
    async (resource) => {
      const code = await readFile(path.join(DEFAULT_OUT, 'validators', `${resource}.js`), 'utf8');
      expect(code).toMatch(/^\/\/ DO NOT EDIT\./);
      expect(code).not.toMatch(/\brequire\s*\(|^\s*import\b|\bimport\s*\(/m);
    },
  );
});
