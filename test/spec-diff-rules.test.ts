/**
 * The drift classes that spec:diff once missed (issue 11, section 1), each on a small document
 * of its own, so the suite holds them on any machine. Each row: a change, the rule id it must
 * produce, and the level.
 */
import { describe, expect, it } from 'vitest';
import type { Change, Level } from '../scripts/lib/diff-model.js';
import { diffSpecs } from '../scripts/lib/diff-operations.js';
import type { OpenAPIDocument } from '../scripts/lib/openapi.js';

type Schema = Record<string, unknown>;

/** A document with `POST /t` taking `request` as its JSON body and answering `response` on 200. */
function doc(
  request: Schema,
  response: Schema,
  options: { parameter?: Schema; status?: string; mediaType?: string; route?: string } = {},
): OpenAPIDocument {
  const { status = '200', mediaType = 'application/json', route = '/t' } = options;
  return {
    openapi: '3.1.0',
    paths: {
      [route]: {
        post: {
          parameters: options.parameter ? [options.parameter] : [],
          requestBody: { required: true, content: { 'application/json': { schema: request } } },
          responses: {
            [status]: { description: 'ok', content: { [mediaType]: { schema: response } } },
          },
        },
      },
    },
  };
}

function changes(before: OpenAPIDocument, after: OpenAPIDocument): Change[] {
  return diffSpecs(before, after).operations.flatMap((operation) => operation.changes);
}

const str = { type: 'string' };
const obj = (properties: Schema, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
});

describe('constraints, on the side that each one breaks', () => {
  it.each<[string, 'request' | 'response', Schema, Schema, string, Level]>([
    [
      'a pattern added to a request value',
      'request',
      str,
      { ...str, pattern: '^a' },
      'pattern-added',
      'breaking',
    ],
    [
      'a pattern changed in a request value',
      'request',
      { ...str, pattern: '^a' },
      { ...str, pattern: '^b' },
      'pattern-changed',
      'warning',
    ],
    [
      'a pattern removed from a response value',
      'response',
      { ...str, pattern: '^a' },
      str,
      'pattern-removed',
      'breaking',
    ],
    [
      'a request minimum raised',
      'request',
      { type: 'number', minimum: 1 },
      { type: 'number', minimum: 2 },
      'minimum-increased',
      'breaking',
    ],
    [
      'a request maximum lowered',
      'request',
      { type: 'number', maximum: 9 },
      { type: 'number', maximum: 5 },
      'maximum-decreased',
      'breaking',
    ],
    [
      'a request exclusiveMinimum set',
      'request',
      { type: 'number' },
      { type: 'number', exclusiveMinimum: 0 },
      'exclusive-minimum-added',
      'breaking',
    ],
    [
      'a request maxLength lowered',
      'request',
      { ...str, maxLength: 9 },
      { ...str, maxLength: 3 },
      'max-length-decreased',
      'breaking',
    ],
    [
      'a request minLength lowered',
      'request',
      { ...str, minLength: 3 },
      { ...str, minLength: 1 },
      'min-length-decreased',
      'info',
    ],
    [
      'a request minItems raised',
      'request',
      { type: 'array', items: str },
      { type: 'array', items: str, minItems: 1 },
      'min-items-added',
      'breaking',
    ],
    [
      'a request maxItems raised',
      'request',
      { type: 'array', items: str, maxItems: 2 },
      { type: 'array', items: str, maxItems: 5 },
      'max-items-increased',
      'info',
    ],
    [
      'a response minimum lowered (the old validator rejects the new values)',
      'response',
      { type: 'number', minimum: 1 },
      { type: 'number', minimum: 0 },
      'minimum-decreased',
      'breaking',
    ],
    [
      'a response maxLength raised',
      'response',
      { ...str, maxLength: 3 },
      { ...str, maxLength: 9 },
      'max-length-increased',
      'breaking',
    ],
    [
      'a response maximum lowered',
      'response',
      { type: 'number', maximum: 9 },
      { type: 'number', maximum: 5 },
      'maximum-decreased',
      'info',
    ],
  ])('%s: %s', (_, side, oldSchema, newSchema, kind, level) => {
    const make = (schema: Schema) => (side === 'request' ? doc(schema, str) : doc(str, schema));
    expect(changes(make(oldSchema), make(newSchema))).toMatchObject([{ kind, level }]);
  });
});

describe('other classes of change', () => {
  it('counts a changed parameter default as breaking for callers who leave it out', () => {
    const parameter = (value: number) => ({
      in: 'query',
      name: 'n',
      schema: { type: 'integer', default: value },
    });
    const found = changes(
      doc(str, str, { parameter: parameter(10) }),
      doc(str, str, { parameter: parameter(20) }),
    );
    expect(found).toMatchObject([
      { kind: 'default-changed', level: 'breaking', audience: 'callers' },
    ]);
  });

  it('compares the value type of a map (additionalProperties)', () => {
    const map = (type: string) => ({ type: 'object', additionalProperties: { type } });
    const found = changes(doc(str, map('string')), doc(str, map('number')));
    expect(found).toMatchObject([{ kind: 'type-changed', level: 'breaking', path: '*' }]);
  });

  it('counts a request body wrapped in a oneOf whose variants overlap as breaking', () => {
    const body = obj({ name: str });
    const wrapped = { oneOf: [obj({ name: str }), obj({ id: str })] };
    expect(changes(doc(body, str), doc(wrapped, str))).toContainEqual(
      expect.objectContaining({ kind: 'one-of-overlapping', level: 'breaking' }),
    );
  });

  it('sees an enum widened inside one oneOf variant of a response', () => {
    const union = (values: string[]) => ({
      oneOf: [{ type: 'string', enum: values }, { type: 'integer' }],
    });
    const found = changes(doc(str, union(['a'])), doc(str, union(['a', 'b'])));
    expect(found).toMatchObject([{ kind: 'enum-value-added', level: 'breaking' }]);
  });

  it('compares what a reader gets from any 2xx when the success status moves', () => {
    const credit = (type: string) => obj({ credit: { type } }, ['credit']);
    const before = doc(str, credit('string'), { status: '200' });
    const after = doc(str, credit('number'), { status: '201' });
    expect(changes(before, after)).toContainEqual(
      expect.objectContaining({ kind: 'type-changed', level: 'breaking', path: 'credit' }),
    );
  });

  it.each([
    ['application/problem+json'],
    ['application/json;q=1'],
    ['application/json; charset=utf-8'],
  ])('finds no change when application/json becomes %s with the same schema', (mediaType) => {
    expect(changes(doc(str, obj({ a: str })), doc(str, obj({ a: str }), { mediaType }))).toEqual(
      [],
    );
  });

  it("reports a dropped array items schema as one widening, not as each element's properties removed", () => {
    const list = (items?: Schema) => (items ? { type: 'array', items } : { type: 'array' });
    const found = changes(doc(str, list(obj({ a: str }, ['a']))), doc(str, list()));
    expect(found).toMatchObject([{ kind: 'items-schema-removed', level: 'breaking' }]);
  });

  it('reports a renamed path parameter as a rename of the path key, not an operation removed and added', () => {
    const param = (name: string) => ({ in: 'path', name, required: true, schema: str });
    const before = doc(str, str, { route: '/t/{id}', parameter: param('id') });
    const after = doc(str, str, { route: '/t/{testId}', parameter: param('testId') });
    const report = diffSpecs(before, after);
    expect(report.operations.map((operation) => operation.key)).toEqual(['POST /t/{testId}']);
    expect(report.operations[0]!.changes).toMatchObject([
      { kind: 'path-parameter-renamed', level: 'breaking', audience: 'callers' },
    ]);
  });
});

describe('JSON Schema 2020-12 keywords, which the generated validators enforce', () => {
  it.each<[string, 'request' | 'response', Schema, Schema, string, Level]>([
    [
      'prefixItems added to a request array',
      'request',
      { type: 'array' },
      { type: 'array', prefixItems: [str] },
      'prefix-items-added',
      'breaking',
    ],
    [
      'dependentRequired removed from a response object',
      'response',
      { type: 'object', dependentRequired: { a: ['b'] } },
      { type: 'object' },
      'dependent-required-removed',
      'breaking',
    ],
    [
      'an if schema changed in a request',
      'request',
      { if: { required: ['a'] }, then: { required: ['b'] } },
      { if: { required: ['c'] }, then: { required: ['b'] } },
      'if-changed',
      'warning',
    ],
    [
      'contains added to a response array',
      'response',
      { type: 'array' },
      { type: 'array', contains: str },
      'contains-added',
      'info',
    ],
    [
      'propertyNames added to a request object',
      'request',
      { type: 'object' },
      { type: 'object', propertyNames: { pattern: '^a' } },
      'property-names-added',
      'breaking',
    ],
    [
      'unevaluatedProperties removed from a response',
      'response',
      { type: 'object', unevaluatedProperties: false },
      { type: 'object' },
      'unevaluated-properties-removed',
      'breaking',
    ],
    [
      'patternProperties changed in a request',
      'request',
      { type: 'object', patternProperties: { '^a': str } },
      { type: 'object', patternProperties: { '^a': { type: 'integer' } } },
      'pattern-properties-changed',
      'warning',
    ],
  ])('%s', (_, side, oldSchema, newSchema, kind, level) => {
    const make = (schema: Schema) => (side === 'request' ? doc(schema, str) : doc(str, schema));
    expect(changes(make(oldSchema), make(newSchema))).toMatchObject([{ kind, level }]);
  });
});
