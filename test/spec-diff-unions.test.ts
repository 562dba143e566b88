/**
 * Constraints inside a union (`anyOf`/`oneOf` with two or more non-null variants) are compared
 * variant by variant (issue 19): the merged shape of a union cannot hold them, and upstream's
 * 2026-07-31 narrowing of `POST /model` (`minItems`/`maxItems` inside `anyOf` array variants,
 * under four media types) went unreported before.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Change, Level } from '../scripts/lib/diff-model.js';
import { diffSpecs } from '../scripts/lib/diff-operations.js';
import type { OpenAPIDocument } from '../scripts/lib/openapi.js';
import { ROOT } from './helpers/project-copy.js';

type Schema = Record<string, unknown>;

/** `POST /t` with `request` as its JSON body and `response` on 200, plus `components.schemas`. */
function doc(request: Schema, response: Schema, schemas: Record<string, Schema> = {}) {
  return {
    openapi: '3.1.0',
    paths: {
      '/t': {
        post: {
          requestBody: { required: true, content: { 'application/json': { schema: request } } },
          responses: {
            '200': { description: 'ok', content: { 'application/json': { schema: response } } },
          },
        },
      },
    },
    components: { schemas },
  } as OpenAPIDocument;
}

function changes(before: OpenAPIDocument, after: OpenAPIDocument): Change[] {
  return diffSpecs(before, after).operations.flatMap((operation) => operation.changes);
}

const str = { type: 'string' };
const list = (extra: Schema = {}) => ({ type: 'array', items: str, ...extra });

describe('constraints inside a union, variant by variant', () => {
  it.each<[string, 'request' | 'response', Schema, Schema, string, Level]>([
    [
      'maxItems added to the array variant of a request anyOf',
      'request',
      { anyOf: [list(), str] },
      { anyOf: [list({ maxItems: 20 }), str] },
      'max-items-added',
      'breaking',
    ],
    [
      'minItems added to the array variant of a nullable request anyOf with three variants',
      'request',
      { anyOf: [list(), str, { type: 'null' }] },
      { anyOf: [list({ minItems: 1 }), str, { type: 'null' }] },
      'min-items-added',
      'breaking',
    ],
    [
      'maxLength lowered in the string variant of a request oneOf',
      'request',
      { oneOf: [{ ...str, maxLength: 9 }, { type: 'integer' }] },
      { oneOf: [{ ...str, maxLength: 3 }, { type: 'integer' }] },
      'max-length-decreased',
      'breaking',
    ],
    [
      'maxItems removed from the array variant of a request anyOf (a widening)',
      'request',
      { anyOf: [list({ maxItems: 20 }), str] },
      { anyOf: [list(), str] },
      'max-items-removed',
      'info',
    ],
    [
      'maximum raised in the number variant of a response anyOf',
      'response',
      { anyOf: [{ type: 'number', maximum: 5 }, str] },
      { anyOf: [{ type: 'number', maximum: 9 }, str] },
      'maximum-increased',
      'breaking',
    ],
    [
      'a pattern changed in the string variant of a request anyOf',
      'request',
      { anyOf: [{ ...str, pattern: '^a' }, list()] },
      { anyOf: [{ ...str, pattern: '^b' }, list()] },
      'pattern-changed',
      'warning',
    ],
    [
      'a format added to one string variant of a request anyOf',
      'request',
      { anyOf: [str, list()] },
      { anyOf: [{ ...str, format: 'uuid' }, list()] },
      'format-changed',
      'breaking',
    ],
    [
      'minItems added with the variants reordered (matched by type, not position)',
      'request',
      { anyOf: [str, list()] },
      { anyOf: [list({ minItems: 1 }), str] },
      'min-items-added',
      'breaking',
    ],
    [
      'maxItems added to a union nested inside an array variant',
      'request',
      { anyOf: [{ type: 'array', items: { anyOf: [list(), str] } }, str] },
      { anyOf: [{ type: 'array', items: { anyOf: [list({ maxItems: 2 }), str] } }, str] },
      'max-items-added',
      'breaking',
    ],
  ])('reports %s', (_, side, oldSchema, newSchema, kind, level) => {
    const make = (schema: Schema) => (side === 'request' ? doc(schema, str) : doc(str, schema));
    expect(changes(make(oldSchema), make(newSchema))).toMatchObject([{ kind, level }]);
  });

  it('matches $ref variants by their name and reports the constraint of the one that changed', () => {
    const union = {
      anyOf: [{ $ref: '#/components/schemas/A' }, { $ref: '#/components/schemas/B' }],
    };
    const before = doc(union, str, { A: list(), B: list() });
    const after = doc(union, str, { A: list(), B: list({ maxItems: 4 }) });
    expect(changes(before, after)).toMatchObject([
      { kind: 'max-items-added', level: 'breaking', message: expect.stringContaining('maxItems') },
    ]);
  });

  it('names the variant a change was found in', () => {
    const found = changes(
      doc({ anyOf: [list(), str] }, str),
      doc({ anyOf: [list({ maxItems: 1 }), str] }, str),
    );
    expect(found[0]!.message).toBe('request body maxItems (none) -> 1 (in the array variant)');
  });

  it('reports nothing for a union whose variants are unchanged but reordered', () => {
    const before = doc({ anyOf: [list({ maxItems: 3 }), { ...str, maxLength: 5 }] }, str);
    const after = doc({ anyOf: [{ ...str, maxLength: 5 }, list({ maxItems: 3 })] }, str);
    expect(changes(before, after)).toEqual([]);
  });

  it('reports each of the 12 narrowings upstream made to POST /model on 2026-07-31, per media type', () => {
    const file = path.join(ROOT, 'test', 'fixtures', 'upstream', 'openapi-2026-08-19.json');
    const after = JSON.parse(readFileSync(file, 'utf8')) as OpenAPIDocument;
    // The document as it was before that day, in these two properties: no item counts.
    const before = structuredClone(after);
    const content = (before.paths!['/model'] as Schema).post as {
      requestBody: {
        content: Record<string, { schema: { properties: Record<string, { anyOf: Schema[] }> } }>;
      };
    };
    for (const media of Object.values(content.requestBody.content)) {
      for (const name of ['voices', 'texts']) {
        for (const variant of media.schema.properties[name]!.anyOf) {
          delete variant.minItems;
          delete variant.maxItems;
        }
      }
    }
    const report = diffSpecs(before, after);
    const found = report.operations.flatMap(({ key, changes: list }) =>
      list.map((c) => `${key} ${c.level} ${c.kind} ${c.message}`),
    );
    const media = [
      '',
      ' (application/x-www-form-urlencoded)',
      ' (multipart/form-data)',
      ' (application/msgpack)',
    ];
    expect(found).toEqual(
      media.flatMap((suffix) => [
        `POST /model breaking min-items-added request body${suffix}: property "voices" minItems (none) -> 1 (in the array variant)`,
        `POST /model breaking max-items-added request body${suffix}: property "voices" maxItems (none) -> 20 (in the array variant)`,
        `POST /model breaking max-items-added request body${suffix}: property "texts" maxItems (none) -> 20 (in the array variant)`,
      ]),
    );
  });
});
