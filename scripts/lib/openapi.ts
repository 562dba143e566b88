/** Reading and checking OpenAPI documents, shared by every script. */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { isPlainObject, unescapePointer } from './json.js';

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
  // A tagged node (`!!binary`, a custom `!tag`) may parse to what a copy changes (a Buffer
  // comes back a plain Uint8Array): such rare texts are parsed afresh every time.
  if (/(?:^|[\s[{,])!/.test(text)) return parseYaml(text) as unknown;
  let parsed = parsedYaml.get(text);
  if (parsed === undefined) {
    parsed = parseYaml(text) as unknown;
    parsedYaml.set(text, parsed);
    // The newest few: enough for the documents one command or one test file reads again.
    for (const old of parsedYaml.keys()) {
      if (parsedYaml.size <= PARSED_YAML_KEPT) break;
      parsedYaml.delete(old);
    }
  }
  // A copy: callers patch and reorder what they are given.
  return structuredClone(parsed);
}

/**
 * YAML documents already parsed in this process, by their text. The same document is often read
 * again (spec:update, the generator and the drift checks all read the checked-in spec, and a
 * test run reads it dozens of times), and a copy takes a fiftieth of a parse (5 ms against 250 ms for the checked-in spec).
 */
const parsedYaml = new Map<string, unknown>();
const PARSED_YAML_KEPT = 4;

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

/**
 * A test of "equal, and so is everything it refers to" between a node of `oldDoc` and one of
 * `newDoc`: a string that is a local ref (`$ref`, a discriminator mapping) is the same only when
 * both documents hold equal values there, ref by ref, each ref's answer kept. spec-diff skips an
 * operation this holds for: on a large document most operations are unchanged, and comparing
 * their shapes was most of the run. Errs towards "not the same" (a ref that does not resolve, a
 * document too deep to walk), which only costs the full comparison.
 */
export function sameWithRefs(
  oldDoc: OpenAPIDocument,
  newDoc: OpenAPIDocument,
): (a: unknown, b: unknown) => boolean {
  const refs = new Map<string, boolean>();
  const decided: string[] = [];
  const sameRef = (ref: string, depth: number): boolean => {
    const known = refs.get(ref);
    if (known !== undefined) return known;
    // A ref met again inside itself is taken as the same; if the ref proves different, the
    // answers given since that assumption are taken back.
    const mark = decided.length;
    refs.set(ref, true);
    const [a, b] = [pointer(oldDoc, ref), pointer(newDoc, ref)];
    const result = a !== undefined && b !== undefined && same(a, b, depth + 1);
    if (!result) for (const later of decided.splice(mark)) refs.delete(later);
    refs.set(ref, result);
    decided.push(ref);
    return result;
  };
  const same = (a: unknown, b: unknown, depth: number): boolean => {
    // Counted, not left to the stack: an overflow surfaces as whatever the engine was doing.
    if (depth > MAX_SAME_DEPTH) throw TOO_DEEP;
    if (typeof a === 'string') return a === b && (!a.startsWith('#/') || sameRef(a, depth));
    if (typeof a !== 'object' || a === null) return Object.is(a, b);
    if (Array.isArray(a)) {
      if (!Array.isArray(b) || a.length !== b.length) return false;
      return a.every((x, i) => same(x, b[i], depth + 1));
    }
    // Only what JSON holds: a YAML timestamp's Date, say, has no keys to tell two apart.
    if (!isPlainObject(a) || !isPlainObject(b)) return false;
    // A ref that is no JSON pointer (`#Pet`, a 3.1 $anchor) cannot be followed here: unknown.
    if (typeof a.$ref === 'string' && !a.$ref.startsWith('#/')) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && same(a[key], b[key], depth + 1));
  };
  return (a, b) => {
    try {
      return same(a, b, 0);
    } catch (error) {
      if (error !== TOO_DEEP) throw error;
      // Compared in full instead; and every answer is forgotten, since those given on the
      // assumption of a ref that was being walked were never taken back.
      refs.clear();
      decided.length = 0;
      return false;
    }
  };
}

/** How deep {@link sameWithRefs} walks before it leaves a pair to the full comparison. */
const MAX_SAME_DEPTH = 2000;
const TOO_DEEP = new Error('too deep to compare quickly');

/** The value at a local ref (`#/components/schemas/A`), or undefined. */
function pointer(doc: OpenAPIDocument, ref: string): unknown {
  let node: unknown = doc;
  for (const key of ref.slice(2).split('/').map(unescapePointer)) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
