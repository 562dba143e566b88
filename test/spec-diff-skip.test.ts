/**
 * spec-diff's skip of unchanged operations (`sameWithRefs` in diffSpecs) and of
 * bundleExternalRefs leaving the root's local refs alone: an operation that differs in a way
 * the full comparison reports must never be skipped as "the same".
 *
 * Each case compares diffSpecs's verdict with what the full comparison reports: the kinds a
 * skip-free diff finds are computed by diffing a copy of the documents in which the operation
 * under test is made textually different in a way spec-diff ignores (so the skip cannot apply).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffSpecs } from '../scripts/lib/diff-operations.js';
import { bundleExternalRefs } from '../scripts/lib/external-refs.js';
import { parseSpec, sameWithRefs, type OpenAPIDocument } from '../scripts/lib/openapi.js';

type Json = Record<string, unknown>;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const body = (schema: unknown) => ({
  description: 'ok',
  content: { 'application/json': { schema } },
});

function doc(paths: Json, components: Json = {}, extra: Json = {}): OpenAPIDocument {
  return {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    paths,
    components,
    ...extra,
  } as OpenAPIDocument;
}

/** Every change kind diffSpecs reports, as `KEY kind`. */
function kinds(oldDoc: OpenAPIDocument, newDoc: OpenAPIDocument): string[] {
  return diffSpecs(oldDoc, newDoc).operations.flatMap((o) =>
    o.changes.map((c) => `${o.key} ${c.kind}`),
  );
}

/**
 * The kinds the full comparison reports: every operation gets an extra `x-review` marker on the
 * new side's 200 response (a key spec-diff does not read), so no operation can be skipped.
 */
function fullKinds(oldDoc: OpenAPIDocument, newDoc: OpenAPIDocument): string[] {
  const copy = structuredClone(newDoc) as OpenAPIDocument;
  for (const item of Object.values(copy.paths ?? {})) {
    for (const op of Object.values(item as Json)) {
      const responses = (op as Json)?.responses as Json | undefined;
      if (responses) responses['x-review-unskippable'] = { description: 'marker' };
    }
  }
  // The marker adds a status "x-review-unskippable" on the new side: drop its own change.
  return kinds(oldDoc, copy).filter((k) => !k.includes('status-added'));
}

function memorySource(files: Record<string, string>) {
  return {
    read: async (location: string) => {
      const text = files[location];
      if (text === undefined) throw new Error('no such file');
      return text;
    },
    locate: (from: string, relative: string) => path.posix.join(path.posix.dirname(from), relative),
    relative: (root: string, location: string) =>
      path.posix.relative(path.posix.dirname(root), location),
  };
}

/** A spec's lines up to one operation, GET `path`, whose 200 JSON answer has this `schema` (YAML). */
function oneGet(path: string, schema: string): string[] {
  return [
    'openapi: 3.1.0',
    'info: {title: t, version: "1"}',
    'paths:',
    `  ${path}:`,
    '    get:',
    '      responses:',
    '        "200":',
    '          description: ok',
    '          content:',
    '            application/json:',
    `              schema: ${schema}`,
  ];
}

describe('operations the skip must not take for unchanged', () => {
  it('a RangeError in one operation leaves provisional "same" answers that skip a later one', () => {
    // X holds a very deep extension value (the walk overflows the stack inside X's ref) before
    // its `type`, which changed. GET /a meets X first: RangeError -> "not same" -> full diff.
    // GET /b then asks about X again and gets the provisional `true` left in the memo.
    let deep: unknown = 'leaf';
    for (let i = 0; i < 200_000; i++) deep = { d: deep };
    const paths = {
      '/a': { get: { responses: { '200': body(ref('X')) } } },
      '/b': { get: { responses: { '200': body(ref('X')) } } },
    };
    const before = doc(paths, { schemas: { X: { 'x-deep': deep, type: 'string' } } });
    const after = doc(structuredClone(paths), {
      schemas: { X: { 'x-deep': deep, type: 'integer' } },
    });
    expect(kinds(before, after)).toEqual(['GET /a type-changed', 'GET /b type-changed']);
  });

  it('sameWithRefs itself answers "same" for a changed ref after a RangeError', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 200_000; i++) deep = { d: deep };
    const same = sameWithRefs(
      doc({}, { schemas: { X: { 'x-deep': deep, type: 'string' } } }),
      doc({}, { schemas: { X: { 'x-deep': deep, type: 'integer' } } }),
    );
    expect(same(ref('X'), ref('X'))).toBe(false); // RangeError -> false, as documented
    expect(same(ref('X'), ref('X'))).toBe(false); // asked again: must still be false
  });

  it('an anchor ref ($ref: "#Pet", 3.1 $anchor) is compared as text, so a changed target is skipped', () => {
    const paths = { '/p': { get: { responses: { '200': body({ $ref: '#Pet' }) } } } };
    const before = doc(paths, { schemas: { Pet: { $anchor: 'Pet', type: 'string' } } });
    const after = doc(structuredClone(paths), {
      schemas: { Pet: { $anchor: 'Pet', type: 'integer' } },
    });
    // Before the change the full comparison could not follow "#Pet" and threw; now diffSpecs
    // says "no change". Either refusing or reporting is acceptable; silence is not.
    let result: string[] | undefined;
    try {
      result = kinds(before, after);
    } catch {
      return;
    }
    expect(result).not.toEqual([]);
  });

  it('bundleExternalRefs no longer refuses a root anchor ref, so spec:diff says nothing', async () => {
    const root = (type: string) =>
      [
        ...oneGet('/p', "{$ref: '#Pet'}"),
        'components:',
        '  schemas:',
        `    Pet: {$anchor: Pet, type: ${type}}`,
      ].join('\n');
    const load = async (type: string) =>
      bundleExternalRefs(parseSpec(root(type), 'openapi.yaml'), 'openapi.yaml', memorySource({}));
    let result: string[] | undefined;
    try {
      result = kinds(await load('string'), await load('integer'));
    } catch {
      return; // refused: fine (what happened before the change, at bundling)
    }
    expect(result).not.toEqual([]);
  });

  it('YAML timestamps (%YAML 1.1) are Date objects with no own keys, so a changed enum is skipped', () => {
    const text = (date: string) =>
      ['%YAML 1.1', '---', ...oneGet('/d', `{type: string, enum: [${date}]}`)].join('\n');
    const before = parseSpec(text('2024-01-01'), 'old.yaml');
    const after = parseSpec(text('2025-06-30'), 'new.yaml');
    // The full comparison sees the enum change (JSON.stringify of the Dates differs)...
    expect(fullKinds(before, after)).not.toEqual([]);
    // ...the skip must not hide it.
    expect(kinds(before, after)).toEqual(fullKinds(before, after));
  });
});

describe('differences behind refs the skip still sees', () => {
  const op200 = (schema: unknown) => ({ '/t': { get: { responses: { '200': body(schema) } } } });

  it.each<[string, OpenAPIDocument, OpenAPIDocument]>([
    [
      'a component changed behind an unchanged ref',
      doc(op200(ref('A')), { schemas: { A: { type: 'string' } } }),
      doc(op200(ref('A')), { schemas: { A: { type: 'integer' } } }),
    ],
    [
      'a ref with ~1 and ~0 escapes whose target changed',
      doc(op200({ $ref: '#/components/schemas/a~1b~0c' }), {
        schemas: { 'a/b~c': { type: 'string' } },
      }),
      doc(op200({ $ref: '#/components/schemas/a~1b~0c' }), {
        schemas: { 'a/b~c': { type: 'integer' } },
      }),
    ],
    [
      'a ref to a ref whose final target changed',
      doc(op200(ref('A')), { schemas: { A: ref('B'), B: { type: 'string' } } }),
      doc(op200(ref('A')), { schemas: { A: ref('B'), B: { type: 'integer' } } }),
    ],
    [
      'a ref retargeted in the middle of a chain',
      doc(op200(ref('A')), {
        schemas: { A: ref('B'), B: { type: 'string' }, C: { type: 'integer' } },
      }),
      doc(op200(ref('A')), {
        schemas: { A: ref('C'), B: { type: 'string' }, C: { type: 'integer' } },
      }),
    ],
    [
      'a path-level parameter from components.parameters whose schema changed',
      doc(
        {
          '/t': {
            parameters: [{ $ref: '#/components/parameters/P' }],
            get: { responses: { '200': body({}) } },
          },
        },
        { parameters: { P: { name: 'q', in: 'query', schema: { type: 'string' } } } },
      ),
      doc(
        {
          '/t': {
            parameters: [{ $ref: '#/components/parameters/P' }],
            get: { responses: { '200': body({}) } },
          },
        },
        {
          parameters: { P: { name: 'q', in: 'query', required: true, schema: { type: 'string' } } },
        },
      ),
    ],
    [
      'components.requestBodies changed',
      doc(
        {
          '/t': {
            post: {
              requestBody: { $ref: '#/components/requestBodies/R' },
              responses: { '200': body({}) },
            },
          },
        },
        {
          requestBodies: { R: { content: { 'application/json': { schema: { type: 'string' } } } } },
        },
      ),
      doc(
        {
          '/t': {
            post: {
              requestBody: { $ref: '#/components/requestBodies/R' },
              responses: { '200': body({}) },
            },
          },
        },
        {
          requestBodies: {
            R: { required: true, content: { 'application/json': { schema: { type: 'string' } } } },
          },
        },
      ),
    ],
    [
      'components.responses changed',
      doc(
        { '/t': { get: { responses: { '200': { $ref: '#/components/responses/Ok' } } } } },
        { responses: { Ok: body({ type: 'string' }) } },
      ),
      doc(
        { '/t': { get: { responses: { '200': { $ref: '#/components/responses/Ok' } } } } },
        { responses: { Ok: body({ type: 'integer' }) } },
      ),
    ],
    [
      'components.headers changed',
      doc(
        {
          '/t': {
            get: {
              responses: {
                '200': { ...body({}), headers: { 'X-R': { $ref: '#/components/headers/H' } } },
              },
            },
          },
        },
        { headers: { H: { required: true, schema: { type: 'string' } } } },
      ),
      doc(
        {
          '/t': {
            get: {
              responses: {
                '200': { ...body({}), headers: { 'X-R': { $ref: '#/components/headers/H' } } },
              },
            },
          },
        },
        { headers: { H: { schema: { type: 'string' } } } },
      ),
    ],
    [
      'a path item $ref (components.pathItems) whose operation changed',
      doc(
        { '/t': { $ref: '#/components/pathItems/T' } },
        { pathItems: { T: { get: { responses: { '200': body({ type: 'string' }) } } } } },
      ),
      doc(
        { '/t': { $ref: '#/components/pathItems/T' } },
        { pathItems: { T: { get: { responses: { '200': body({ type: 'integer' }) } } } } },
      ),
    ],
    [
      'a deep change in a cycle A -> B -> A',
      doc(op200(ref('A')), {
        schemas: {
          A: { type: 'object', properties: { b: ref('B') } },
          B: { type: 'object', properties: { a: ref('A'), n: { type: 'string' } } },
        },
      }),
      doc(op200(ref('A')), {
        schemas: {
          A: { type: 'object', properties: { b: ref('B') } },
          B: { type: 'object', properties: { a: ref('A'), n: { type: 'integer' } } },
        },
      }),
    ],
    [
      'two operations sharing a cycle, the change after the back edge',
      doc(
        {
          '/t': { get: { responses: { '200': body(ref('B')) } } },
          '/u': { get: { responses: { '200': body(ref('A')) } } },
        },
        {
          schemas: {
            A: { type: 'object', properties: { b: ref('B'), x: { type: 'string' } } },
            B: { type: 'object', properties: { a: ref('A') } },
          },
        },
      ),
      doc(
        {
          '/t': { get: { responses: { '200': body(ref('B')) } } },
          '/u': { get: { responses: { '200': body(ref('A')) } } },
        },
        {
          schemas: {
            A: { type: 'object', properties: { b: ref('B'), x: { type: 'integer' } } },
            B: { type: 'object', properties: { a: ref('A') } },
          },
        },
      ),
    ],
    [
      'enum members reordered and one replaced',
      doc(op200({ type: 'string', enum: ['a', 'b'] })),
      doc(op200({ type: 'string', enum: ['b', 'c'] })),
    ],
    [
      'a "#/..." description text next to a real change',
      doc(op200({ description: '#/components/schemas/A', type: 'string' })),
      doc(op200({ description: '#/components/schemas/A', type: 'integer' })),
    ],
    [
      'an own __proto__ key (from JSON.parse) next to a change',
      parseSpec(
        '{"openapi":"3.1.0","paths":{"/t":{"get":{"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"__proto__":{"type":"string"},"type":"string"}}}}}}}}}',
        'a.json',
      ),
      parseSpec(
        '{"openapi":"3.1.0","paths":{"/t":{"get":{"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"__proto__":{"type":"string"},"type":"integer"}}}}}}}}}',
        'b.json',
      ),
    ],
    [
      'a key present with undefined on one side only (maxLength)',
      doc(op200({ type: 'string', maxLength: undefined })),
      doc(op200({ type: 'string', maxLength: 3 })),
    ],
  ])('%s: the skip reports what the full diff reports', (_name, before, after) => {
    const full = fullKinds(before, after);
    expect(full).not.toEqual([]);
    expect(kinds(before, after)).toEqual(full);
  });

  it.each<[string, OpenAPIDocument, OpenAPIDocument]>([
    [
      '1 vs 1.0 (the same JSON number)',
      doc(op200({ type: 'integer', maximum: 1 })),
      parseSpec(
        '{"openapi":"3.1.0","paths":{"/t":{"get":{"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"integer","maximum":1.0}}}}}}}}}',
        'x.json',
      ),
    ],
    [
      'an unchanged self-referencing component',
      doc(op200(ref('A')), { schemas: { A: { properties: { next: ref('A') } } } }),
      doc(op200(ref('A')), { schemas: { A: { properties: { next: ref('A') } } } }),
    ],
  ])('%s: no change', (_name, before, after) => {
    expect(kinds(before, after)).toEqual([]);
  });

  it('an external file that changed while the root text did not', async () => {
    const rootText = oneGet('/t', "{$ref: './schemas/other.yaml#/Credit'}").join('\n');
    const other = (type: string) =>
      `Credit: {type: object, properties: {c: {$ref: '#/Amount'}}}\nAmount: {type: ${type}}\n`;
    const load = async (type: string) =>
      bundleExternalRefs(
        parseSpec(rootText, 'spec/openapi.yaml'),
        'spec/openapi.yaml',
        memorySource({ 'spec/schemas/other.yaml': other(type) }),
      );
    const [before, after] = [await load('string'), await load('integer')];
    expect(kinds(before, after)).toEqual(['GET /t type-changed']);
  });

  it('an external file whose name needs escaping (a~b.yaml, %20) that changed', async () => {
    const rootText = (file: string) => oneGet('/t', `{$ref: '${file}#/X'}`).join('\n');
    const load = async (type: string) =>
      bundleExternalRefs(
        parseSpec(rootText('./a~b%20c.yaml'), 'openapi.yaml'),
        'openapi.yaml',
        memorySource({ 'a~b c.yaml': `X: {type: ${type}}\n` }),
      );
    expect(kinds(await load('string'), await load('integer'))).toEqual(['GET /t type-changed']);
  });
});

describe('random ref graphs against a reference (greatest fixpoint) verdict', () => {
  /** A small deterministic PRNG. */
  function rng(seed: number) {
    return () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
  }
  const NAMES = ['A', 'B', 'C', 'D', 'E'];

  function randomSchema(r: () => number, depth = 0): unknown {
    const pick = r();
    if (depth > 2 || pick < 0.35) return ref(NAMES[Math.floor(r() * NAMES.length)]!);
    if (pick < 0.55) return { type: ['string', 'integer'][Math.floor(r() * 2)] };
    if (pick < 0.8) {
      return {
        type: 'object',
        properties: { p: randomSchema(r, depth + 1), q: randomSchema(r, depth + 1) },
      };
    }
    return { anyOf: [randomSchema(r, depth + 1), randomSchema(r, depth + 1)] };
  }

  /** Equality where refs are the same iff in the greatest set of refs consistent with itself. */
  function reference(oldDoc: OpenAPIDocument, newDoc: OpenAPIDocument) {
    const at = (d: OpenAPIDocument, name: string) => (d.components!.schemas as Json)[name];
    const eq = (a: unknown, b: unknown, good: Set<string>): boolean => {
      if (typeof a === 'string')
        return (
          a === b && (!a.startsWith('#/') || good.has(a.slice('#/components/schemas/'.length)))
        );
      if (typeof a !== 'object' || a === null) return a === b;
      if (typeof b !== 'object' || b === null || Array.isArray(a) !== Array.isArray(b))
        return false;
      const ka = Object.keys(a);
      const kb = Object.keys(b);
      return (
        ka.length === kb.length &&
        ka.every((k) => k in (b as Json) && eq((a as Json)[k], (b as Json)[k], good))
      );
    };
    const good = new Set(NAMES);
    for (let changed = true; changed;) {
      changed = false;
      for (const name of [...good]) {
        if (!eq(at(oldDoc, name), at(newDoc, name), good)) {
          good.delete(name);
          changed = true;
        }
      }
    }
    return (a: unknown, b: unknown) => eq(a, b, good);
  }

  it('agrees on 3000 random pairs of documents, asking in random orders', () => {
    const r = rng(12345);
    let disagreements: string[] = [];
    for (let trial = 0; trial < 3000; trial++) {
      const schemas = Object.fromEntries(NAMES.map((n) => [n, randomSchema(r)]));
      const changed = structuredClone(schemas) as Json;
      // Change one or two components (or none) a little.
      for (let k = Math.floor(r() * 3); k > 0; k--) {
        const name = NAMES[Math.floor(r() * NAMES.length)]!;
        changed[name] = r() < 0.5 ? randomSchema(r) : { type: 'integer', 'x-flip': 1 };
      }
      const oldDoc = doc({}, { schemas });
      const newDoc = doc({}, { schemas: changed });
      const same = sameWithRefs(oldDoc, newDoc);
      const truth = reference(oldDoc, newDoc);
      const order = [...NAMES].sort(() => r() - 0.5);
      for (const name of order) {
        if (same(ref(name), ref(name)) !== truth(ref(name), ref(name))) {
          disagreements.push(`${trial}:${name}`);
        }
      }
    }
    disagreements = disagreements.slice(0, 10);
    expect(disagreements).toEqual([]);
  });
});
