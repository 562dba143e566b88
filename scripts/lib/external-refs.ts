/**
 * External `$ref`s (`./schemas/credit.yaml#/Credit`, `other.yaml`): every file a document
 * refers to, directly or through other files, is gathered into the document under
 * `EXTERNAL_KEY` and each ref rewritten to point there, so the diff only ever follows local refs.
 */
import { parse as parseYaml } from 'yaml';
import { escapePointer, isPlainObject, unescapePointer } from './json.js';
import type { OpenAPIDocument } from './openapi.js';

/** Where gathered files go in the document, keyed by their path relative to the document. */
export const EXTERNAL_KEY = 'x-spec-diff-external';

/** Where documents come from: a folder on disk, or one git commit. */
export interface RefSource {
  /** The text of the file at `location`. */
  read(location: string): Promise<string>;
  /** The location of `relative` (a ref's file part) as seen from the file at `from`. */
  locate(from: string, relative: string): string;
  /** `location` relative to the folder of `root`, with `/` separators: the same in both inputs. */
  relative(root: string, location: string): string;
}

/**
 * Gathers the files `doc` (read from `root`) refers to into `doc` itself, rewriting every
 * external ref, and the local refs inside those files, to local ones. Mutates and returns `doc`.
 * Each file is read once, so files that refer to each other (or to the root) end the walk.
 * Throws on a remote (`https:`) ref and on a file that cannot be read or parsed.
 */
export async function bundleExternalRefs(
  doc: OpenAPIDocument,
  root: string,
  source: RefSource,
): Promise<OpenAPIDocument> {
  const gathered: Record<string, unknown> = {};
  const keys = new Map<string, string>();
  // YAML aliases share objects; a node rewritten twice would gain the prefix twice.
  const visited = new WeakSet<object>();
  const pending: Array<{ node: unknown; from: string }> = [{ node: doc, from: root }];

  /** The local pointer prefix of the file at `location`, reading the file the first time. */
  async function prefixOf(location: string, ref: string, from: string): Promise<string> {
    if (location === root) return '#';
    let key = keys.get(location);
    if (key === undefined) {
      key = source.relative(root, location);
      keys.set(location, key);
      let text: string;
      try {
        text = await source.read(location);
      } catch (error) {
        throw new Error(`$ref ${ref} in ${from}: cannot read ${location}: ${message(error)}`);
      }
      try {
        gathered[key] = parseYaml(text);
      } catch (error) {
        throw new Error(
          `${location} (from $ref ${ref}) is neither YAML nor JSON: ${message(error)}`,
        );
      }
      pending.push({ node: gathered[key], from: location });
    }
    return `#/${EXTERNAL_KEY}/${escapePointer(key)}`;
  }

  /** `ref`, written in the file at `from`, as a ref local to the bundled document. */
  async function localRef(ref: string, from: string): Promise<string> {
    const hash = ref.indexOf('#');
    const file = hash < 0 ? ref : ref.slice(0, hash);
    const pointer = hash < 0 ? '' : ref.slice(hash + 1);
    if (pointer !== '' && !pointer.startsWith('/')) {
      throw new Error(`$ref ${ref} in ${from}: only JSON pointer fragments (#/...) are followed`);
    }
    if (/^[a-z][a-z\d+.-]+:/i.test(file)) {
      throw new Error(`$ref ${ref} in ${from}: remote refs are not followed, only relative files`);
    }
    const location = file === '' ? from : source.locate(from, decodeURIComponent(file));
    return (await prefixOf(location, ref, from)) + pointer;
  }

  // Iterative, like the other walks: a deep document must not overflow the stack.
  while (pending.length > 0) {
    const { node, from } = pending.pop()!;
    if (typeof node !== 'object' || node === null || visited.has(node)) continue;
    visited.add(node);
    // A JSON-pointer ref (`#/...`) of the root document stays as it is, with no await: a
    // large document has thousands, and a promise per ref was a tenth of the whole comparison.
    // Any other (`#Pet`, `other.yaml#/X`) goes through `localRef`, which refuses what it cannot
    // follow.
    const ref = isPlainObject(node) ? node.$ref : undefined;
    if (typeof ref === 'string' && !(from === root && ref.startsWith('#/'))) {
      (node as { $ref: string }).$ref = await localRef(ref, from);
    }
    for (const child of Object.values(node)) pending.push({ node: child, from });
  }
  if (keys.size > 0) doc[EXTERNAL_KEY] = gathered;
  return doc;
}

/** How a report names a ref: `schemas/credit.yaml#/Credit` for a gathered one, `Credit` for a component. */
export function refLabel(ref: string): string {
  const external = `#/${EXTERNAL_KEY}/`;
  if (!ref.startsWith(external)) return ref.replace('#/components/schemas/', '');
  const [key = '', ...rest] = ref.slice(external.length).split('/');
  return rest.length === 0 ? unescapePointer(key) : `${unescapePointer(key)}#/${rest.join('/')}`;
}

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
