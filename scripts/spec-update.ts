/**
 * Refreshes openapi/fish-audio.yaml from the full upstream document, then everything built on it.
 *
 *   npm run spec:update -- <upstream-openapi.json|yaml>
 *   npm run spec:update -- <upstream> --spec <file> --out <dir>   # other target spec and folder
 *
 * Steps, in order:
 *   1. Read the upstream document and keep only the operations tagged `Wallet`, with everything
 *      they reference (transitively), plus `openapi`, `info`, `servers` and the other top-level
 *      fields listed in TOP_LEVEL. Check the result: Redocly's `spec` ruleset (the structural
 *      rules of OpenAPI) and a dry run of the generator. Any failure refuses the input, and then
 *      no file is written at all (exit 2).
 *   2. Print the breaking-change report against the checked-in spec (scripts/spec-diff.ts).
 *   3. Write the spec and the regenerated src/generated/ files, each atomically.
 *   4. Typecheck the project (`tsc --noEmit -p .`); exit 1 when that fails.
 *
 * The YAML is written in a fixed order, so the same upstream content always gives the same bytes:
 *   - OpenAPI objects list their fields in the specification's conventional order (see SHAPES;
 *     for the document: openapi, info, servers, security, tags, paths, components). A `$ref`
 *     comes first; fields not in the table (extensions such as `x-...`) follow, sorted by name.
 *   - `paths` and each `components` map are sorted by name, `responses` by status code
 *     (`default` last): their upstream order carries no meaning.
 *   - Other maps keep the upstream order: schema `properties` follow the declaration order of
 *     the upstream model (and so do the generated types), `content` lists the preferred media
 *     type first.
 *   - Values that are data (`example`, `default`, `enum`, extensions) are written as they are.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { DEFAULT_OUT, DEFAULT_SPEC, generate, ROOT } from './generate.js';
import { diffSpecs, formatReport } from './spec-diff.js';
import { runRedocly } from './spec-lint.js';
import { deref, loadSpec, HTTP_METHODS, type OpenAPIDocument } from './spec.js';

/** The tag whose operations this package covers. */
export const TAG = 'Wallet';

/** Top-level fields kept besides `paths` and `components`; `webhooks` and `x-...` are dropped. */
const TOP_LEVEL = [
  'openapi',
  'info',
  'jsonSchemaDialect',
  'servers',
  'security',
  'tags',
  'externalDocs',
];

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// ---------------------------------------------------------------------------------------------
// Keeping the Wallet operations

/**
 * A copy of `doc` with only the operations tagged `tag` and what they need: the components they
 * reference (following `$ref`s inside components too), the security schemes their `security`
 * names, and the top-level tags they use. Throws when there is no such operation or a reference
 * cannot be kept (external, outside `components`, or missing).
 */
export function extractTag(doc: OpenAPIDocument, tag: string): OpenAPIDocument {
  const paths: Json = {};
  const usedTags = new Set<string>();
  const schemeNames = new Set<string>();
  for (const [route, rawItem] of Object.entries(doc.paths ?? {})) {
    const item = deref<unknown>(doc, rawItem);
    if (!isObject(item)) continue;
    const kept = HTTP_METHODS.filter((m) => isObject(item[m]) && tagsOf(item[m]).includes(tag));
    if (kept.length === 0) continue;
    paths[route] = Object.fromEntries(
      Object.entries(item).filter(([key]) => !HTTP_METHODS.includes(key) || kept.includes(key)),
    );
    for (const method of kept) {
      const operation = item[method] as Json;
      tagsOf(operation).forEach((name) => usedTags.add(name));
      securityNames(operation.security).forEach((name) => schemeNames.add(name));
    }
  }
  if (Object.keys(paths).length === 0) throw new Error(`no operation is tagged "${tag}"`);

  const out: Json = {};
  for (const key of TOP_LEVEL) if (doc[key] !== undefined) out[key] = doc[key];
  if (Array.isArray(doc.tags)) {
    out.tags = doc.tags.filter((t: unknown) => isObject(t) && usedTags.has(t.name as string));
  }
  out.paths = paths;
  securityNames(doc.security).forEach((name) => schemeNames.add(name));

  const components = collectComponents(doc, out, schemeNames);
  if (Object.keys(components).length > 0) out.components = components;
  return out as OpenAPIDocument;
}

function tagsOf(operation: unknown): string[] {
  const tags = (operation as Json).tags;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
}

/** Scheme names in a `security` array: the keys of its requirement objects. */
function securityNames(security: unknown): string[] {
  return Array.isArray(security) ? security.filter(isObject).flatMap((r) => Object.keys(r)) : [];
}

/** The components that `kept` and `schemeNames` need, found by following every `$ref`. */
function collectComponents(doc: OpenAPIDocument, kept: Json, schemeNames: Set<string>) {
  const components: Record<string, Json> = {};
  const pending = [...schemeNames].map(
    (name) => `#/components/securitySchemes/${escapePointer(name)}`,
  );
  collectRefs(kept, pending);
  const seen = new Set<string>();
  while (pending.length > 0) {
    const ref = pending.pop()!;
    if (!ref.startsWith('#/')) throw new Error(`external $ref "${ref}" is not supported`);
    const [root, section, name] = ref.slice(2).split('/').map(unescapePointer);
    if (root !== 'components' || !section || !name) {
      throw new Error(`$ref "${ref}" does not point into components`);
    }
    deref(doc, { $ref: ref }); // throws when the target is missing
    if (seen.has(`${section}/${name}`)) continue;
    seen.add(`${section}/${name}`);
    const value = doc.components![section]![name];
    (components[section] ??= {})[name] = value;
    collectRefs(value, pending);
  }
  return components;
}

/** Pushes every `$ref` under `node`, and the schemas a discriminator `mapping` names. */
function collectRefs(node: unknown, refs: string[]): void {
  if (Array.isArray(node)) return node.forEach((item) => collectRefs(item, refs));
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') refs.push(value);
    if (key === 'discriminator' && isObject(value) && isObject(value.mapping)) {
      for (const target of Object.values(value.mapping)) {
        if (typeof target !== 'string') continue;
        refs.push(target.includes('/') ? target : `#/components/schemas/${escapePointer(target)}`);
      }
    }
    collectRefs(value, refs);
  }
}

const escapePointer = (name: string) => name.replace(/~/g, '~0').replace(/\//g, '~1');
const unescapePointer = (part: string) => part.replace(/~1/g, '/').replace(/~0/g, '~');

// ---------------------------------------------------------------------------------------------
// Writing YAML in a stable order

/** What sits under a field: an OpenAPI object, a list or a map of them, or plain data. */
type Child = Kind | { list: Child } | { map: Child; sort?: 'name' | 'status' };
type Kind = ObjectKind | 'data';
type ObjectKind =
  | 'document'
  | 'plain'
  | 'info'
  | 'tag'
  | 'server'
  | 'components'
  | 'pathItem'
  | 'operation'
  | 'parameter'
  | 'requestBody'
  | 'mediaType'
  | 'encoding'
  | 'response'
  | 'header'
  | 'example'
  | 'securityScheme'
  | 'schema';
interface Shape {
  order: string[];
  fields: Record<string, Child>;
}

/** Conventional field order of each OpenAPI object, and the kind of each nested field. */
const SHAPES: Record<ObjectKind, Shape> = {
  document: {
    order: [...TOP_LEVEL, 'paths', 'components'],
    fields: {
      info: 'info',
      servers: { list: 'server' },
      tags: { list: 'tag' },
      externalDocs: 'plain',
      paths: { map: 'pathItem', sort: 'name' },
      components: 'components',
    },
  },
  /** Small objects (contact, license, discriminator, ...): fields sorted by name. */
  plain: { order: [], fields: {} },
  info: {
    order: ['title', 'summary', 'description', 'termsOfService', 'contact', 'license', 'version'],
    fields: { contact: 'plain', license: 'plain' },
  },
  tag: { order: ['name', 'description', 'externalDocs'], fields: { externalDocs: 'plain' } },
  server: { order: ['url', 'description', 'variables'], fields: { variables: { map: 'plain' } } },
  components: {
    order: [
      'schemas',
      'responses',
      'parameters',
      'examples',
      'requestBodies',
      'headers',
      'securitySchemes',
      'links',
      'callbacks',
      'pathItems',
    ],
    fields: {
      schemas: { map: 'schema', sort: 'name' },
      responses: { map: 'response', sort: 'name' },
      parameters: { map: 'parameter', sort: 'name' },
      examples: { map: 'example', sort: 'name' },
      requestBodies: { map: 'requestBody', sort: 'name' },
      headers: { map: 'header', sort: 'name' },
      securitySchemes: { map: 'securityScheme', sort: 'name' },
      links: { map: 'plain', sort: 'name' },
      callbacks: { map: { map: 'pathItem' }, sort: 'name' },
      pathItems: { map: 'pathItem', sort: 'name' },
    },
  },
  pathItem: {
    order: ['summary', 'description', 'servers', 'parameters', ...HTTP_METHODS],
    fields: {
      servers: { list: 'server' },
      parameters: { list: 'parameter' },
      ...Object.fromEntries(HTTP_METHODS.map((method) => [method, 'operation'] as const)),
    },
  },
  operation: {
    order: [
      'tags',
      'summary',
      'description',
      'externalDocs',
      'operationId',
      'parameters',
      'requestBody',
      'responses',
      'callbacks',
      'deprecated',
      'security',
      'servers',
    ],
    fields: {
      externalDocs: 'plain',
      parameters: { list: 'parameter' },
      requestBody: 'requestBody',
      responses: { map: 'response', sort: 'status' },
      callbacks: { map: { map: 'pathItem' } },
      servers: { list: 'server' },
    },
  },
  parameter: {
    order: [
      'name',
      'in',
      'description',
      'required',
      'deprecated',
      'allowEmptyValue',
      'style',
      'explode',
      'allowReserved',
      'schema',
      'example',
      'examples',
      'content',
    ],
    fields: {
      schema: 'schema',
      examples: { map: 'example' },
      content: { map: 'mediaType' },
    },
  },
  requestBody: {
    order: ['description', 'content', 'required'],
    fields: { content: { map: 'mediaType' } },
  },
  mediaType: {
    order: ['schema', 'example', 'examples', 'encoding'],
    fields: { schema: 'schema', examples: { map: 'example' }, encoding: { map: 'encoding' } },
  },
  encoding: {
    order: ['contentType', 'headers', 'style', 'explode', 'allowReserved'],
    fields: { headers: { map: 'header' } },
  },
  response: {
    order: ['description', 'headers', 'content', 'links'],
    fields: { headers: { map: 'header' }, content: { map: 'mediaType' }, links: { map: 'plain' } },
  },
  header: {
    order: ['description', 'required', 'deprecated', 'style', 'explode', 'schema', 'example'],
    fields: { schema: 'schema', examples: { map: 'example' }, content: { map: 'mediaType' } },
  },
  example: { order: ['summary', 'description', 'value', 'externalValue'], fields: {} },
  securityScheme: {
    order: ['type', 'description', 'name', 'in', 'scheme', 'bearerFormat', 'flows'],
    fields: { flows: 'plain' },
  },
  // JSON Schema: identity, annotations, type, composition, then object, array, string and
  // number keywords, examples last.
  schema: {
    order: [
      '$schema',
      '$id',
      '$anchor',
      '$dynamicAnchor',
      '$dynamicRef',
      '$comment',
      'title',
      'description',
      'type',
      'format',
      'contentMediaType',
      'contentEncoding',
      'const',
      'enum',
      'default',
      'nullable',
      'deprecated',
      'readOnly',
      'writeOnly',
      'discriminator',
      'allOf',
      'anyOf',
      'oneOf',
      'not',
      'if',
      'then',
      'else',
      'properties',
      'patternProperties',
      'additionalProperties',
      'unevaluatedProperties',
      'propertyNames',
      'required',
      'dependentRequired',
      'dependentSchemas',
      'minProperties',
      'maxProperties',
      'prefixItems',
      'items',
      'contains',
      'minContains',
      'maxContains',
      'unevaluatedItems',
      'minItems',
      'maxItems',
      'uniqueItems',
      'minLength',
      'maxLength',
      'pattern',
      'minimum',
      'exclusiveMinimum',
      'maximum',
      'exclusiveMaximum',
      'multipleOf',
      'example',
      'examples',
      'externalDocs',
      'xml',
      '$defs',
    ],
    fields: {
      discriminator: 'plain',
      allOf: { list: 'schema' },
      anyOf: { list: 'schema' },
      oneOf: { list: 'schema' },
      not: 'schema',
      if: 'schema',
      then: 'schema',
      else: 'schema',
      properties: { map: 'schema' },
      patternProperties: { map: 'schema' },
      additionalProperties: 'schema',
      unevaluatedProperties: 'schema',
      propertyNames: 'schema',
      dependentSchemas: { map: 'schema' },
      prefixItems: { list: 'schema' },
      items: 'schema',
      contains: 'schema',
      unevaluatedItems: 'schema',
      externalDocs: 'plain',
      xml: 'plain',
      $defs: { map: 'schema', sort: 'name' },
    },
  },
};

/** The document as YAML, with keys in the order described at the top of this file. */
export function toYaml(doc: OpenAPIDocument): string {
  // Maps, not objects: a JS object lists integer-like keys ('200') first, whatever the order.
  return stringifyYaml(ordered(doc, 'document'), {
    singleQuote: true,
    lineWidth: 0, // never fold long descriptions: a changed word would rewrap a paragraph
    aliasDuplicateObjects: false,
  });
}

function ordered(value: unknown, child: Child): unknown {
  if (Array.isArray(value)) {
    const item = typeof child === 'object' && 'list' in child ? child.list : 'data';
    return value.map((entry) => ordered(entry, item));
  }
  if (!isObject(value) || child === 'data' || (typeof child === 'object' && 'list' in child)) {
    return value;
  }
  if (typeof child === 'object') {
    const keys = Object.keys(value);
    if (child.sort === 'name') keys.sort(byName);
    if (child.sort === 'status') keys.sort(byStatus);
    return new Map(keys.map((key) => [key, ordered(value[key], child.map)]));
  }
  const shape = SHAPES[child];
  const rank = (key: string) => {
    const index = ['$ref', ...shape.order].indexOf(key);
    return index === -1 ? Infinity : index;
  };
  const keys = Object.keys(value).sort((a, b) => rank(a) - rank(b) || byName(a, b));
  return new Map(keys.map((key) => [key, ordered(value[key], shape.fields[key] ?? 'data')]));
}

/** Code-unit order: the same on every machine, unlike `localeCompare`. */
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** `200` < `2XX` < `401` < `default`. */
const byStatus = (a: string, b: string) =>
  Number(a === 'default') - Number(b === 'default') || byName(a, b);

// ---------------------------------------------------------------------------------------------
// Checking, writing, typechecking

/**
 * Throws unless `yamlText` passes Redocly's `spec` ruleset (OpenAPI's structural rules: `struct`,
 * `no-unresolved-refs`, `path-parameters-defined`, ...) and the generator accepts it. Runs on a
 * temporary copy with a config of its own, so the project's lint tolerances play no part.
 */
async function validate(yamlText: string, outDir: string): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'spec-update-'));
  try {
    const file = path.join(dir, 'fish-audio.yaml');
    await writeFile(file, yamlText);
    await writeFile(path.join(dir, 'redocly.yaml'), 'telemetry: off\nextends:\n  - spec\n');
    const lint = await runRedocly(['lint', '--config', 'redocly.yaml', 'fish-audio.yaml'], dir);
    if (lint.code !== 0) {
      // stdout holds the problems; stderr only Redocly's progress lines and tips.
      const problems = lint.stdout.trim() || lint.stderr.trim();
      throw new Error(`the ${TAG} part fails Redocly's structural validation:\n${problems}`);
    }
    await generate(file, outDir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Replaces `file` in one step (write a sibling, then rename), and only when it differs. */
async function writeAtomic(file: string, contents: string): Promise<void> {
  if (existsSync(file) && (await readFile(file, 'utf8')) === contents) return;
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, file);
}

/** `tsc --noEmit -p <root>`, with its output shown; resolves to the exit code. */
function typecheck(root: string): Promise<number> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const child = spawn(process.execPath, [tsc, '--noEmit', '-p', root], {
    cwd: root,
    stdio: 'inherit',
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

const shown = (file: string) => path.relative(process.cwd(), file) || '.';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { spec: { type: 'string' }, out: { type: 'string' } },
  });
  if (positionals.length !== 1) {
    console.error(
      'usage: spec:update -- <upstream-openapi.json|yaml> [--spec <file>] [--out <dir>]',
    );
    return 2;
  }
  const input = path.resolve(positionals[0]!);
  const specPath = path.resolve(values.spec ?? DEFAULT_SPEC);
  const outDir = path.resolve(values.out ?? DEFAULT_OUT);

  // 1. Everything that can refuse the input happens before any file is written.
  let yamlText: string;
  let report: string;
  try {
    yamlText = toYaml(extractTag(await loadSpec(input), TAG));
    await validate(yamlText, outDir);
    const next = parseYaml(yamlText) as OpenAPIDocument;
    report = existsSync(specPath)
      ? formatReport(diffSpecs(await loadSpec(specPath), next))
      : `${shown(specPath)} does not exist yet: nothing to compare with.\n`;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`spec:update: refused ${shown(input)}: ${message}\nNo file was changed.`);
    return 2;
  }

  // 2. What the new spec changes for code that uses the client.
  console.log(`Changes from ${shown(specPath)} to the ${TAG} operations of ${shown(input)}:\n`);
  console.log(report);

  // 3. The spec first, since generate() reads it from its final place (its path goes into the
  // do-not-edit header). The dry run above makes a failure here unlikely; if it happens anyway,
  // the old spec goes back so the spec and the generated files never disagree.
  const previous = existsSync(specPath) ? await readFile(specPath, 'utf8') : undefined;
  await writeAtomic(specPath, yamlText);
  try {
    for (const file of await generate(specPath, outDir))
      await writeAtomic(file.path, file.contents);
  } catch (error) {
    if (previous === undefined) await rm(specPath, { force: true });
    else await writeAtomic(specPath, previous);
    throw error;
  }
  console.log(`Wrote ${shown(specPath)} and regenerated ${shown(outDir)}.`);

  // 4. A type the handwritten code relies on may have changed.
  console.log('Typechecking (tsc --noEmit)...');
  if ((await typecheck(ROOT)) !== 0) {
    console.error(
      'spec:update: the typecheck failed: the new spec changes types that the code above uses.\n' +
        'The new spec and generated files are written; fix the code, or revert them with git.',
    );
    return 1;
  }
  console.log('Typecheck passed.');
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`spec:update: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(2);
    },
  );
}
