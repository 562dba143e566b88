/**
 * `src/testing/request-schemas.ts` is the spec's request side (parameter and body schemas,
 * with the components they name), cut out of `openapi/fish-audio.yaml` so that the stand-in
 * can check requests without shipping the YAML or a schema compiler. This file makes it, and
 * fails when it no longer matches the spec. After a spec update:
 *
 *     WRITE_REQUEST_SCHEMAS=1 npx vitest run test/stand-in-schemas.test.ts
 *
 * It also checks that the stand-in's checker (`src/testing/schema-check.ts`) knows every
 * keyword those schemas use, and that it agrees with Ajv, the compiler the response validators
 * are made with, on a table of values.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parseSpec, deref, HTTP_METHODS, type OpenAPIDocument } from '../scripts/lib/openapi.js';
import { requestSchemas, type RequestSchemas } from '../src/testing/request-schemas.js';
import { checkValue, KNOWN_KEYWORDS, type Schema } from '../src/testing/schema-check.js';
import { ROOT } from './helpers/project-copy.js';

const TARGET = path.join(ROOT, 'src', 'testing', 'request-schemas.ts');
// Words for people, not checks: left out of the checked-in copy.
const ANNOTATIONS = new Set([
  'title',
  'description',
  'examples',
  'example',
  'default',
  'deprecated',
]);
const ENCODINGS: Record<string, string> = {
  'application/json': 'json',
  'application/msgpack': 'msgpack',
  'multipart/form-data': 'multipart',
  'application/x-www-form-urlencoded': 'form',
};

function strip(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strip);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    if (keyword === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([name, s]) => [name, strip(s)]),
      );
    } else if (keyword === 'enum' || keyword === 'const') out[keyword] = value;
    else out[keyword] = strip(value);
  }
  return out;
}

/** The request side of `doc`, as the stand-in reads it. */
function extract(doc: OpenAPIDocument): RequestSchemas {
  const components: Record<string, Schema> = {};
  const all = (doc.components?.schemas ?? {}) as Record<string, unknown>;
  const collect = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string') {
      const name = ref.replace('#/components/schemas/', '');
      if (!Object.hasOwn(components, name)) {
        components[name] = strip(all[name]) as Schema;
        collect(components[name]);
      }
    }
    for (const value of Object.values(node)) collect(value);
  };
  const operations: RequestSchemas['operations'] = {};
  for (const [route, item] of Object.entries(doc.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const op = item[method] as Record<string, unknown> | undefined;
      if (!op) continue;
      const parameters: Record<string, Schema> = {};
      const listed = [
        ...((item.parameters as unknown[]) ?? []),
        ...((op.parameters as unknown[]) ?? []),
      ];
      for (const raw of listed) {
        const p = deref<{ name: string; schema?: unknown }>(doc, raw as { $ref: string });
        if (p.schema) parameters[p.name] = strip(p.schema) as Schema;
      }
      const body: Record<string, Schema> = {};
      const requestBody = op.requestBody
        ? deref(doc, op.requestBody as { $ref: string })
        : undefined;
      const content = (requestBody as { content?: Record<string, { schema?: unknown }> })?.content;
      for (const [mediaType, media] of Object.entries(content ?? {})) {
        const encoding = ENCODINGS[mediaType];
        if (encoding && media.schema) body[encoding] = strip(media.schema) as Schema;
      }
      collect(parameters);
      collect(body);
      operations[`${method.toUpperCase()} ${route}`] = { parameters, body };
    }
  }
  const sorted = Object.fromEntries(
    Object.entries(components).sort(([a], [b]) => a.localeCompare(b)),
  );
  return { operations, components: sorted };
}

async function checkedInSpec(): Promise<OpenAPIDocument> {
  const file = path.join(ROOT, 'openapi', 'fish-audio.yaml');
  return parseSpec(await readFile(file, 'utf8'), file);
}

const HEADER = `// Made from openapi/fish-audio.yaml by test/stand-in-schemas.test.ts; do not edit by hand.
// Regenerate: WRITE_REQUEST_SCHEMAS=1 npx vitest run test/stand-in-schemas.test.ts
/**
 * The spec's request side, for the stand-in's checks: per operation key, the schema of each
 * parameter (by its wire name) and of the body in each encoding; and the components they name
 * by \`$ref\`. Annotations (titles, descriptions, examples, defaults) are left out.
 */
import type { Schema } from './schema-check.js';

/** See {@link requestSchemas}. */
export interface RequestSchemas {
  operations: Record<
    string,
    { parameters: Record<string, Schema>; body: Partial<Record<string, Schema>> }
  >;
  components: Record<string, Schema>;
}

`;

describe('the request schemas the stand-in checks against', () => {
  it('are the ones in the checked-in spec', async () => {
    const expected = extract(await checkedInSpec());
    if (process.env.WRITE_REQUEST_SCHEMAS) {
      const text = `${HEADER}export const requestSchemas: RequestSchemas = ${JSON.stringify(expected)};\n`;
      await writeFile(TARGET, text);
      execFileSync(path.join(ROOT, 'node_modules', '.bin', 'prettier'), ['--write', TARGET]);
    }
    expect(requestSchemas).toEqual(expected);
  });

  it('use no keyword the checker does not know', () => {
    const used = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (typeof node !== 'object' || node === null) return;
      for (const [keyword, value] of Object.entries(node)) {
        used.add(keyword);
        if (keyword === 'properties') Object.values(value as object).forEach(walk);
        else if (keyword !== 'enum' && keyword !== 'const') walk(value);
      }
    };
    for (const op of Object.values(requestSchemas.operations)) {
      Object.values(op.parameters).forEach(walk);
      Object.values(op.body).forEach(walk);
    }
    Object.values(requestSchemas.components).forEach(walk);
    expect([...used].filter((k) => !KNOWN_KEYWORDS.includes(k))).toEqual([]);
  });
});

describe('the stand-in schema checker', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const asAjv = (schema: Schema): object =>
    JSON.parse(
      JSON.stringify(schema).replaceAll('"#/components/schemas/', '"components#/$defs/'),
    ) as object;
  ajv.addSchema(asAjv({ $id: 'components', $defs: requestSchemas.components }));
  const resolve = (ref: string) => requestSchemas.components[ref.split('/').pop()!];
  const TTS = 'POST /v1/tts';
  const DESIGN = 'POST /v1/voice-design';
  const AGENT = 'POST /v1/agent/agents';
  const PUBLISH = 'POST /v1/agent/agents/{agent_id}/publish';
  const rows: Array<[what: string, key: string, value: unknown]> = [
    ['a TTS body with text', TTS, { text: 'hi' }],
    ['a TTS body without text', TTS, {}],
    ['a TTS body with chunk_length 50', TTS, { text: 'hi', chunk_length: 50 }],
    ['a TTS body with opus_bitrate 32', TTS, { text: 'hi', opus_bitrate: 32 }],
    ['a TTS body with format flac', TTS, { text: 'hi', format: 'flac' }],
    ['a TTS body with a prosody speed of 0', TTS, { text: 'hi', prosody: { speed: 0 } }],
    ['a TTS body with a reference missing its text', TTS, { text: 'hi', references: [{}] }],
    ['a design body with an empty instruction', DESIGN, { instruction: '' }],
    ['a design body with n 5', DESIGN, { instruction: 'warm', n: 5 }],
    ['a design body with speed 0', DESIGN, { instruction: 'warm', speed: 0 }],
    ['a design body with an unknown field', DESIGN, { instruction: 'warm', colour: 'red' }],
    ['a design body with a seed of null', DESIGN, { instruction: 'warm', seed: null }],
    ['an instruction of 2000 astral characters', DESIGN, { instruction: '😀'.repeat(2000) }],
    ['an agent with an empty name', AGENT, { name: '' }],
    ['an agent with a name', AGENT, { name: 'Ada' }],
    ['a publish body with a long title', PUBLISH, { version_title: 'x'.repeat(121) }],
    ['a publish body that is a list', PUBLISH, []],
  ];
  it.each(rows)('agrees with Ajv on %s', (_what, key, value) => {
    const schema = requestSchemas.operations[key]!.body.json!;
    const expected = ajv.validate(asAjv(schema), value);
    expect(checkValue(schema, value, [], 'json', resolve).length === 0).toBe(expected);
  });
});
