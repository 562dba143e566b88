/**
 * Cutting one tag's operations out of a full OpenAPI document, with everything they reference
 * (transitively), plus the top-level fields in TOP_LEVEL_FIELDS; `webhooks` and `x-...` go.
 */
import { escapePointer, isPlainObject, unescapePointer, type Json } from './json.js';
import { deref, HTTP_METHODS, TOP_LEVEL_FIELDS, type OpenAPIDocument } from './openapi.js';

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
    if (!isPlainObject(item)) continue;
    const kept = HTTP_METHODS.filter(
      (m) => isPlainObject(item[m]) && tagsOf(item[m]).includes(tag),
    );
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
  for (const key of TOP_LEVEL_FIELDS) if (doc[key] !== undefined) out[key] = doc[key];
  if (Array.isArray(doc.tags)) {
    out.tags = doc.tags.filter((t: unknown) => isPlainObject(t) && usedTags.has(t.name as string));
  }
  out.paths = paths;
  securityNames(doc.security).forEach((name) => schemeNames.add(name));

  const components = collectComponents(doc, out, schemeNames);
  if (Object.keys(components).length > 0) out.components = components;
  return out as OpenAPIDocument;
}

/** The string tags of an operation. */
function tagsOf(operation: unknown): string[] {
  const tags = (operation as Json).tags;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
}

/** Scheme names in a `security` array: the keys of its requirement objects. */
function securityNames(security: unknown): string[] {
  return Array.isArray(security)
    ? security.filter(isPlainObject).flatMap((r) => Object.keys(r))
    : [];
}

/** The components that `kept` and `schemeNames` need, found by following every `$ref`. */
function collectComponents(
  doc: OpenAPIDocument,
  kept: Json,
  schemeNames: Set<string>,
): Record<string, Json> {
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
  if (!isPlainObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') refs.push(value);
    if (key === 'discriminator' && isPlainObject(value) && isPlainObject(value.mapping)) {
      for (const target of Object.values(value.mapping)) {
        if (typeof target !== 'string') continue;
        refs.push(target.includes('/') ? target : `#/components/schemas/${escapePointer(target)}`);
      }
    }
    collectRefs(value, refs);
  }
}
