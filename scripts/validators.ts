/**
 * Emits `src/generated/validators/`: one module per resource (`wallet.js`, `tts.js`, ...) holding
 * a validator per documented JSON response of that resource's operations (and, for an event
 * stream, the schema of each event's data), compiled from the spec's JSON Schemas by Ajv
 * (2020-12 dialect) and written out as plain JavaScript with Ajv's standalone code generation;
 * and `index.ts`, which loads each module lazily. Ajv runs here, at codegen time only: the
 * emitted modules import nothing, so the package ships no schema compiler.
 *
 * One module per resource, because nothing in one table of every validator tree-shakes: an app
 * that only checks its credit would ship the validators of every operation of the spec.
 *
 * The validators are JavaScript with a hand-shaped declaration file next to them because Ajv's
 * output is untyped code that strict TypeScript rejects, and the alternative (`@ts-nocheck`)
 * would hide real mistakes in the rest of the file.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
// ajv/dist/standalone is CommonJS whose `module.exports` is the function and also carries it as
// `.default`; TypeScript (NodeNext) only sees the `.default`, so that is what is called.
import standalone from 'ajv/dist/standalone/index.js';
import { describeOperations } from './manifest.js';
import { deref, HTTP_METHODS, type OpenAPIDocument } from './lib/openapi.js';

/** `$id` of the one schema document that holds every component and response schema. */
const ROOT_ID = 'openapi-responses.json';

/** One resource's two generated files, without the do-not-edit header. */
export interface ValidatorSources {
  /** `<resource>.js`: ES module, no imports. */
  code: string;
  /** `<resource>.d.ts`: the typed surface of `<resource>.js`. */
  types: string;
}

/** Every generated validator file: per resource, and the index that loads them. */
export interface ValidatorFiles {
  resources: Record<string, ValidatorSources>;
  /** `index.ts`: the shared types, the lazy loaders and the documented statuses. */
  index: string;
}

interface ResponseSchema {
  /** Operation key as in the manifest, e.g. `GET /wallet/{user_id}/api-credit`. */
  key: string;
  status: string;
  schema: unknown;
}

/** One row of `responseValidators`: the validator's local name, or why there is none. */
interface TableEntry {
  key: string;
  status: string;
  validator?: string;
  skipped?: string;
}

/** The validator modules of `doc`, one per resource, and their index. */
export function buildValidatorFiles(doc: OpenAPIDocument): ValidatorFiles {
  const operations = describeOperations(doc);
  const responses = collectResponseSchemas(doc);
  const resources: Record<string, ValidatorSources> = {};
  const names = [...new Set(Object.values(operations).map((op) => op.resource))].sort();
  for (const resource of names) {
    const own = responses.filter(({ key }) => operations[key]!.resource === resource);
    resources[resource] = buildResponseValidators(doc, own);
  }
  return { resources, index: emitIndex(names, responses) };
}

function emitIndex(resources: string[], responses: ResponseSchema[]): string {
  const statuses: Record<string, string[]> = {};
  for (const { key, status } of responses) (statuses[key] ??= []).push(status);
  return [
    INDEX_TYPES,
    '/** The validators of one resource, by operation key and then status. */',
    'export interface ValidatorModule {',
    '  readonly responseValidators: Readonly<',
    '    Record<string, Readonly<Record<string, ResponseValidator>>>',
    '  >;',
    '}',
    '',
    '/**',
    ' * Loads the validator module of each resource. Lazy, so that bundlers split them and an app',
    ' * ships only the validators of the resources it calls.',
    ' */',
    'export const validatorModules = {',
    ...resources.map((r) => `  ${r}: () => import('./${r}.js'),`),
    '} as const satisfies Record<string, () => Promise<ValidatorModule>>;',
    '',
    '/** The statuses (and ranges) with a documented JSON or event schema, by operation key. */',
    `export const responseStatuses: Readonly<Record<string, readonly string[]>> = ${JSON.stringify(statuses)};`,
    '',
  ].join('\n');
}

/** Compiles the response schemas `responses` of `doc` into one standalone validator module. */
function buildResponseValidators(
  doc: OpenAPIDocument,
  responses: ResponseSchema[],
): ValidatorSources {
  const componentSchemas = (doc.components?.schemas ?? {}) as Record<string, unknown>;
  const ajv = new Ajv2020({
    allErrors: true,
    // OpenAPI schemas carry keywords JSON Schema does not define (`discriminator`, `x-*`), and
    // leave `type` out where strict mode wants it; none of that changes what is valid.
    strict: false,
    // `format` is a hint here (`date-time`, `binary`); checking it would need ajv-formats at
    // run time, and a body the API really sends should not fail over a timestamp's spelling.
    validateFormats: false,
    // The container document below is not itself a schema, so there is nothing to check it
    // against; broken schemas still fail to compile and are skipped one by one.
    validateSchema: false,
    // One function per component, shared by every response that refers to it.
    inlineRefs: false,
    // src/validate.ts writes its own text from `keyword` and `params`.
    messages: false,
    code: { source: true, esm: true, lines: true },
  });
  // Most error responses repeat one inline schema; identical schemas share one validator.
  const unique = new Map<string, number>();
  const responseIndex = responses.map(({ schema }) => {
    const text = JSON.stringify(forResponses(schema));
    if (!unique.has(text)) unique.set(text, unique.size);
    return unique.get(text)!;
  });
  // Keeping the components at their OpenAPI location lets `#/components/schemas/X` resolve
  // unchanged; compiling each response as a fragment of this one document makes them share
  // the compiled components instead of recompiling them per response.
  ajv.addSchema({
    $id: ROOT_ID,
    components: { schemas: mapValues(componentSchemas, forResponses) },
    responses: [...unique.keys()].map((text) => JSON.parse(text) as unknown),
  });

  const refs: Record<string, string> = {};
  const failures = new Map<number, string>();
  for (const index of unique.values()) {
    try {
      ajv.getSchema(`${ROOT_ID}#/responses/${index}`);
      refs[`v${index}`] = `${ROOT_ID}#/responses/${index}`;
    } catch (error) {
      failures.set(index, (error as Error).message.split('\n')[0]!);
    }
  }
  const entries: TableEntry[] = responses.map(({ key, status }, i) => {
    const index = responseIndex[i]!;
    const failure = failures.get(index);
    return failure === undefined
      ? { key, status, validator: `v${index}` }
      : { key, status, skipped: `Ajv cannot compile its schema: ${failure}` };
  });

  // A resource with no documented JSON response still gets a (empty) module, so that the index
  // has one loader per resource.
  const validatorCode =
    Object.keys(refs).length === 0
      ? ''
      : inlineRuntimeHelpers(hideExports(standalone.default(ajv, refs), refs));
  return {
    code: `${validatorCode}\n${emitTable(entries, false)}`,
    types: TYPES_PREAMBLE + emitTable(entries, true),
  };
}

function collectResponseSchemas(doc: OpenAPIDocument): ResponseSchema[] {
  const found: ResponseSchema[] = [];
  for (const [route, rawItem] of Object.entries(doc.paths ?? {})) {
    const item = deref<Record<string, unknown>>(doc, rawItem);
    for (const method of HTTP_METHODS) {
      const operation = item[method] as { responses?: Record<string, unknown> } | undefined;
      if (!operation) continue;
      for (const [status, rawResponse] of Object.entries(operation.responses ?? {})) {
        const response = deref<{ content?: Record<string, { schema?: unknown }> }>(
          doc,
          rawResponse as object,
        );
        // An event stream's schema describes the data of each event; it is checked per event.
        const content = response.content ?? {};
        const schema = (content['application/json'] ?? content['text/event-stream'])?.schema;
        if (schema !== undefined)
          found.push({ key: `${method.toUpperCase()} ${route}`, status, schema });
      }
    }
  }
  return found;
}

// Keywords that only describe. Dropping them keeps the schema literals Ajv embeds small and
// stops a reworded description from churning the generated file.
const ANNOTATIONS = new Set([
  'title',
  'description',
  'default',
  'example',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  '$comment',
  'externalDocs',
  'xml',
  // Ajv's own `discriminator` support rejects `mapping`; `oneOf` alone decides validity anyway.
  'discriminator',
]);
const SUBSCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas']);
const SUBSCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const SUBSCHEMAS = new Set([
  'items',
  'additionalProperties',
  'unevaluatedProperties',
  'unevaluatedItems',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
]);

/** A copy of `schema` fit for checking responses; the spec document itself is not touched. */
function forResponses(schema: unknown): unknown {
  if (!isRecord(schema)) return schema;
  const copy: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword) || keyword.startsWith('x-')) continue;
    // The API adds response fields before the spec documents them, so a closed object would
    // turn every such release into a mismatch: unknown properties are always accepted, and a
    // `false` here is dropped. A schema here (it describes map values) is kept.
    if (CLOSERS.has(keyword) && value === false) continue;
    copy[keyword] = subschemasForResponses(keyword, value);
  }
  return copy;
}
const CLOSERS = new Set(['additionalProperties', 'unevaluatedProperties']);

function subschemasForResponses(keyword: string, value: unknown): unknown {
  if (SUBSCHEMA_MAPS.has(keyword) && isRecord(value)) return mapValues(value, forResponses);
  if (SUBSCHEMA_LISTS.has(keyword) && Array.isArray(value)) return value.map(forResponses);
  return SUBSCHEMAS.has(keyword) ? forResponses(value) : value;
}

/** Ajv exports each requested validator; only the table below is meant to be public. */
function hideExports(code: string, refs: Record<string, string>): string {
  const expected = new Set(Object.keys(refs));
  const result = code
    .replace(/^"use strict";\n?/, '') // ES modules are always strict.
    .replace(/^export const (v\d+) = /gm, (_match, name: string) => {
      expected.delete(name);
      return `const ${name} = `;
    });
  if (expected.size > 0) {
    throw new Error('validators: Ajv standalone output no longer has the expected exports');
  }
  return result;
}

// Ajv's standalone code `require`s a few helpers from its own package at run time. These two
// are the only ones the options above can produce (`ucs2length` for min/maxLength, `equal` for
// object-valued enum/const and uniqueItems); they are replaced by small local functions.
const RUNTIME_HELPERS: Record<string, { name: string; source: string }> = {
  ucs2length: {
    name: 'codePointLength',
    source: `
/** String length in Unicode code points, which is how JSON Schema's min/maxLength count. */
function codePointLength(text) {
  let length = 0;
  for (const _ of text) length++;
  return length;
}`,
  },
  equal: {
    name: 'jsonEqual',
    source: `
/** Deep equality of two JSON values. */
function jsonEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
}`,
  },
};

function inlineRuntimeHelpers(code: string): string {
  const used = new Set<string>();
  const inlined = code.replace(
    /require\("ajv\/dist\/runtime\/(\w+)"\)\.default/g,
    (match, helper: string) => {
      const local = RUNTIME_HELPERS[helper];
      if (!local) throw new Error(`validators: no local replacement for Ajv's ${match}`);
      used.add(helper);
      return local.name;
    },
  );
  const leftover = /\brequire\(|^\s*import\b/m.exec(inlined);
  if (leftover) {
    const around = inlined.slice(leftover.index, leftover.index + 80);
    throw new Error(`validators: generated code still loads a module: ${around}`);
  }
  const helpers = Object.keys(RUNTIME_HELPERS)
    .filter((helper) => used.has(helper))
    .map((helper) => RUNTIME_HELPERS[helper]!.source);
  return [...helpers, inlined].join('\n');
}

/**
 * `responseValidators`, by operation key then status, as a value (`validators.js`) or as its
 * declared type (`validators.d.ts`). A skipped schema leaves a comment in its place.
 */
function emitTable(entries: TableEntry[], declaration: boolean): string {
  const readonly = declaration ? 'readonly ' : '';
  const lines = [
    '/** Validators for each documented JSON response, by operation key and then status. */',
    declaration
      ? 'export declare const responseValidators: {'
      : 'export const responseValidators = {',
  ];
  for (const key of new Set(entries.map((e) => e.key))) {
    lines.push(`  ${readonly}${JSON.stringify(key)}: {`);
    for (const { status, validator, skipped } of entries.filter((e) => e.key === key)) {
      const name = JSON.stringify(status);
      if (validator) {
        lines.push(`    ${readonly}${name}: ${declaration ? 'ResponseValidator' : validator},`);
      } else lines.push(`    // ${name} skipped. ${skipped}`);
    }
    lines.push(declaration ? '  };' : '  },');
  }
  lines.push('};', '');
  return lines.join('\n');
}

const TYPES_PREAMBLE = "import type { ResponseValidator } from './index.js';\n\n";

const INDEX_TYPES = `/** One failed check, as Ajv reports it. */
export interface ResponseValidationError {
  /** JSON pointer to the failing value in the body; \`''\` is the body itself. */
  instancePath: string;
  /** Where the failing keyword sits in the schema (relative to the component it is in). */
  schemaPath: string;
  /** The JSON Schema keyword that failed, such as \`type\` or \`required\`. */
  keyword: string;
  /** The keyword's details, such as \`{ type: 'string' }\` or \`{ missingProperty: 'credit' }\`. */
  params: Record<string, unknown>;
}

/** Checks a parsed JSON body; after a failed check \`errors\` lists every failure. */
export interface ResponseValidator {
  (body: unknown): boolean;
  errors?: ResponseValidationError[] | null;
}

`;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mapValues(
  record: Record<string, unknown>,
  fn: (value: unknown) => unknown,
): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(value)]));
}
