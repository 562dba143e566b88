/** Reading and checking OpenAPI documents, shared by every script. */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { unescapePointer } from './json.js';

/** The keys of a Path Item that hold operations, in the order OpenAPI lists them. */
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * The top-level fields of a document besides `paths`, `components` and `webhooks`, in the
 * specification's conventional order.
 */
export const TOP_LEVEL_FIELDS = [
  'openapi',
  'info',
  'jsonSchemaDialect',
  'servers',
  'security',
  'tags',
  'externalDocs',
];

/** The parts of an OpenAPI 3.x document the scripts rely on; everything else passes through. */
export interface OpenAPIDocument {
  openapi: string;
  paths?: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

/** Reads a YAML or JSON file (YAML is a superset of JSON) and checks it is OpenAPI 3.x. */
export async function loadSpec(file: string): Promise<OpenAPIDocument> {
  return parseSpec(await readFile(file, 'utf8'), file);
}

/** Parses YAML or JSON text (named `file` in messages) and checks it is OpenAPI 3.x. */
export function parseSpec(text: string, file: string): OpenAPIDocument {
  let doc: unknown;
  try {
    doc = parseJsonOrYaml(text);
  } catch (error) {
    throw new Error(`${file} is neither YAML nor JSON: ${(error as Error).message}`);
  }
  assertOpenAPI3(doc, file);
  return doc;
}

/**
 * JSON text with `JSON.parse`, anything else (or JSON it refuses) with the YAML parser, which
 * reads JSON too but about 250× slower: 750 ms for one 570 kB upstream document against 3 ms.
 */
function parseJsonOrYaml(text: string): unknown {
  if (/^\uFEFF?\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch {
      // Not strict JSON (a YAML flow mapping, a comment): the YAML parser says why, or reads it.
    }
  }
  return parseYaml(text);
}

/** Throws unless `doc` looks like an OpenAPI 3.x document with a `paths` object. */
export function assertOpenAPI3(doc: unknown, file: string): asserts doc is OpenAPIDocument {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new Error(`${file} is not an OpenAPI document (expected an object at the top level)`);
  }
  const version = (doc as { openapi?: unknown }).openapi;
  if (typeof version !== 'string' || !/^3\.\d+\.\d+/.test(version)) {
    throw new Error(`${file} is not an OpenAPI 3.x document (openapi: ${JSON.stringify(version)})`);
  }
  const paths = (doc as { paths?: unknown }).paths;
  if (typeof paths !== 'object' || paths === null || Array.isArray(paths)) {
    throw new Error(`${file} has no "paths" object`);
  }
}

/** Follows a local `$ref` (`#/components/...`) until it reaches a value. */
export function deref<T>(doc: OpenAPIDocument, value: T | { $ref: string }): T {
  let current: unknown = value;
  const seen = new Set<string>();
  while (typeof current === 'object' && current !== null && '$ref' in current) {
    const ref = (current as { $ref: string }).$ref;
    if (!ref.startsWith('#/') || seen.has(ref)) throw new Error(`Cannot resolve $ref ${ref}`);
    seen.add(ref);
    current = ref
      .slice(2)
      .split('/')
      .map(unescapePointer)
      .reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], doc);
    if (current === undefined) throw new Error(`Cannot resolve $ref ${ref}`);
  }
  return current as T;
}
