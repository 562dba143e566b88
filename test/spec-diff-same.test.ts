/**
 * spec-diff skips an operation whose contents, and everything they refer to, are the same in
 * both documents (most of a large document): `sameWithRefs` must never call two different
 * things the same, however the difference hides behind refs.
 */
import { describe, expect, it } from 'vitest';
import { diffSpecs } from '../scripts/lib/diff-operations.js';
import { sameWithRefs, type OpenAPIDocument } from '../scripts/lib/openapi.js';

type Schemas = Record<string, unknown>;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const doc = (schemas: Schemas, extra: Record<string, unknown> = {}) =>
  ({ openapi: '3.1.0', paths: {}, components: { schemas }, ...extra }) as OpenAPIDocument;

describe('sameWithRefs', () => {
  it.each([
    ['equal inline values', {}, {}, { a: [1, { b: null }] }, { a: [1, { b: null }] }, true],
    ['a value that differs', {}, {}, { a: 1 }, { a: 2 }, false],
    ['a key only one side has', {}, {}, { a: 1 }, { a: 1, b: undefined }, false],
    ['an array against an object', {}, {}, { a: [] }, { a: {} }, false],
    [
      'the same ref to a component that changed',
      { A: { type: 'string' } },
      { A: { type: 'integer' } },
      ref('A'),
      ref('A'),
      false,
    ],
    [
      'a change two refs away',
      { A: ref('B'), B: { type: 'string' } },
      { A: ref('B'), B: { type: 'string', maxLength: 3 } },
      ref('A'),
      ref('A'),
      false,
    ],
    [
      'a component that refers to itself, unchanged',
      { A: { properties: { next: ref('A') } } },
      { A: { properties: { next: ref('A') } } },
      ref('A'),
      ref('A'),
      true,
    ],
    [
      'a cycle that changed after its inner ref was met',
      { A: { items: ref('B'), x: 1 }, B: { items: ref('A') } },
      { A: { items: ref('B'), x: 2 }, B: { items: ref('A') } },
      ref('B'),
      ref('B'),
      false,
    ],
    [
      'a discriminator mapping whose target changed',
      { Cat: { type: 'object' } },
      { Cat: { type: 'object', required: ['name'] } },
      { discriminator: { mapping: { cat: '#/components/schemas/Cat' } } },
      { discriminator: { mapping: { cat: '#/components/schemas/Cat' } } },
      false,
    ],
    ['a ref that does not resolve', {}, {}, ref('Gone'), ref('Gone'), false],
  ])('%s', (_name, oldSchemas, newSchemas, a, b, expected) => {
    expect(sameWithRefs(doc(oldSchemas), doc(newSchemas))(a, b)).toBe(expected);
  });

  it('answers a ref met again after a cycle proved different as different', () => {
    const same = sameWithRefs(
      doc({ A: { items: ref('B'), x: 1 }, B: { items: ref('A') } }),
      doc({ A: { items: ref('B'), x: 2 }, B: { items: ref('A') } }),
    );
    expect(same(ref('A'), ref('A'))).toBe(false);
    expect(same(ref('B'), ref('B'))).toBe(false);
  });

  it('answers "different" for a document too deep to walk, rather than throwing', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(sameWithRefs(doc({}), doc({}))(deep, deep)).toBe(false);
  });
});

describe('spec-diff on an operation whose text is unchanged', () => {
  it('still reports a change to a component it refers to through another', () => {
    const op = (schemas: Schemas) =>
      doc(schemas, {
        paths: {
          '/t': {
            get: {
              responses: {
                '200': { description: 'ok', content: { 'application/json': { schema: ref('A') } } },
              },
            },
          },
        },
      });
    const report = diffSpecs(
      op({ A: { type: 'object', properties: { b: ref('B') } }, B: { type: 'string' } }),
      op({ A: { type: 'object', properties: { b: ref('B') } }, B: { type: 'integer' } }),
    );
    expect(report.operations.flatMap((o) => o.changes.map((c) => c.kind))).toEqual([
      'type-changed',
    ]);
  });
});
