/**
 * Schema comparison, one function per concern. The same rule runs in two directions: for
 * `callers` a narrowing breaks (the API stops accepting what it accepted), for `readers` a
 * widening does (the API may send what the old types did not allow).
 */
import { change, plural, type Audience, type Change } from './diff-model.js';
import { sameValue, unique } from './json.js';
import type { OpenAPIDocument } from './openapi.js';
import { covers, shapeOf, showTypes, type JsonType, type Shape } from './schema-shape.js';

/** Deeper than any real payload; a backstop for recursion the `$ref` check does not see. */
const MAX_DEPTH = 32;

/** The two documents whose schemas are compared. */
export interface Docs {
  oldDoc: OpenAPIDocument;
  newDoc: OpenAPIDocument;
}

/** Where a schema sits, whom its changes reach, and where to put them. */
export interface SchemaSite extends Docs {
  audience: Audience;
  /** Prefix for changes inside the schema, e.g. `response 200`. */
  where: string;
  /** Name of the schema as a whole, e.g. `response 200 body` or `query parameter "q"`. */
  subject: string;
  changes: Change[];
  /**
   * The `$ref`s of the schemas being compared further up. Meeting the same ones again means a
   * recursive schema (a tree node, a linked list): its changes are reported at the first level.
   */
  ancestors: readonly string[];
}

/** Compares two schemas at `path` and pushes what changed onto `site.changes`. */
export function compareSchemas(
  site: SchemaSite,
  path: string,
  oldRaw: unknown,
  newRaw: unknown,
): void {
  const before = shapeOf(site.oldDoc, oldRaw);
  const after = shapeOf(site.newDoc, newRaw);
  compareTypes(site, path, before, after);
  compareEnums(site, path, before, after);
  compareFormats(site, path, before, after);

  const key = `${[...before.refs].sort().join()} -> ${[...after.refs].sort().join()}`;
  const { ancestors } = site;
  const recursive = (before.refs.size > 0 || after.refs.size > 0) && ancestors.includes(key);
  if (recursive || ancestors.length >= MAX_DEPTH) return;
  const inner = { ...site, ancestors: [...ancestors, key] };
  // Once the type itself changed, the properties or items of the old type are moot.
  if (before.types.has('object') && after.types.has('object')) {
    compareProperties(inner, path, before, after);
  }
  if (before.types.has('array') && after.types.has('array')) {
    compareSchemas(inner, `${path}[]`, before.items, after.items);
  }
}

/** Types added break readers (values they do not expect); types removed break callers. */
function compareTypes(site: SchemaSite, path: string, before: Shape, after: Shape): void {
  const added = [...after.types].filter((type) => !covers(before.types, type));
  const removed = [...before.types].filter((type) => !covers(after.types, type));
  if (added.length === 0 && removed.length === 0) return;
  const onlyNull = (types: JsonType[]) => types.length === 1 && types[0] === 'null';
  let kind: string;
  let verb: string;
  if (removed.length === 0) {
    [kind, verb] = onlyNull(added)
      ? ['became-nullable', 'became nullable']
      : ['type-widened', 'type widened'];
  } else if (added.length === 0) {
    [kind, verb] = onlyNull(removed)
      ? ['no-longer-nullable', 'is no longer nullable']
      : ['type-narrowed', 'type narrowed'];
  } else {
    [kind, verb] = ['type-changed', 'type changed'];
  }
  const breaking = site.audience === 'callers' ? removed.length > 0 : added.length > 0;
  const text = `${verb}: ${showTypes(before.types)} -> ${showTypes(after.types)}`;
  emit(site, path, kind, breaking, text);
}

/** New enum values break readers; dropped ones break callers. */
function compareEnums(site: SchemaSite, path: string, before: Shape, after: Shape): void {
  if (!before.enum && !after.enum) return;
  if (!before.enum) {
    const text = `now restricted to enum values ${showValues(after.enum!)}`;
    emit(site, path, 'enum-added', site.audience === 'callers', text);
    return;
  }
  if (!after.enum) {
    const text = `no longer restricted to enum values ${showValues(before.enum)}`;
    emit(site, path, 'enum-removed', site.audience === 'readers', text);
    return;
  }
  const added = after.enum.filter((value) => !before.enum!.some((v) => sameValue(v, value)));
  const removed = before.enum.filter((value) => !after.enum!.some((v) => sameValue(v, value)));
  if (added.length > 0) {
    const text = `enum ${plural(added.length, 'value')} added: ${showValues(added)}`;
    emit(site, path, 'enum-value-added', site.audience === 'readers', text);
  }
  if (removed.length > 0) {
    const text = `enum ${plural(removed.length, 'value')} removed: ${showValues(removed)}`;
    emit(site, path, 'enum-value-removed', site.audience === 'callers', text);
  }
}

/** A format is a narrowing: adding one breaks callers, dropping one breaks readers. */
function compareFormats(site: SchemaSite, path: string, before: Shape, after: Shape): void {
  if (before.format === after.format) return;
  const breaking =
    site.audience === 'callers' ? after.format !== undefined : before.format !== undefined;
  const text = `format changed: ${before.format ?? '(none)'} -> ${after.format ?? '(none)'}`;
  emit(site, path, 'format-changed', breaking, text);
}

/** Properties added, removed, made (not) required, and the schema of each one kept. */
function compareProperties(site: SchemaSite, path: string, before: Shape, after: Shape): void {
  const names = unique([
    ...before.properties.keys(),
    ...before.required,
    ...after.properties.keys(),
    ...after.required,
  ]);
  for (const name of names) {
    const childPath = path === '' ? name : `${path}.${name}`;
    const wasThere = before.properties.has(name) || before.required.has(name);
    const isThere = after.properties.has(name) || after.required.has(name);
    if (!wasThere) propertyAdded(site, childPath, after.required.has(name));
    else if (!isThere) propertyRemoved(site, childPath, before.required.has(name));
    else {
      propertyRequired(site, childPath, before.required.has(name), after.required.has(name));
      compareSchemas(site, childPath, before.properties.get(name), after.properties.get(name));
    }
  }
}

/** Readers ignore what they do not know; callers must start sending a new required property. */
function propertyAdded(site: SchemaSite, path: string, required: boolean): void {
  const breaking = site.audience === 'callers' && required;
  const text = `property "${path}" added (${required ? 'required' : 'optional'})`;
  site.changes.push(
    change(site.audience, breaking, 'property-added', `${site.where}: ${text}`, path),
  );
}

/** Readers lose a value they could count on only if it was required; callers lose a field they send. */
function propertyRemoved(site: SchemaSite, path: string, wasRequired: boolean): void {
  const breaking = site.audience === 'callers' || wasRequired;
  const text = `${wasRequired ? 'required' : 'optional'} property "${path}" removed`;
  site.changes.push(
    change(site.audience, breaking, 'property-removed', `${site.where}: ${text}`, path),
  );
}

/** Readers break when a property may be missing; callers break when they must now send it. */
function propertyRequired(site: SchemaSite, path: string, was: boolean, is: boolean): void {
  if (was === is) return;
  const kind = is ? 'property-became-required' : 'property-became-optional';
  const breaking = site.audience === 'callers' ? is : !is;
  const text = `property "${path}" became ${is ? 'required' : 'optional'}`;
  site.changes.push(change(site.audience, breaking, kind, `${site.where}: ${text}`, path));
}

/** Records a change to a schema at `path` (empty for the schema as a whole). */
function emit(site: SchemaSite, path: string, kind: string, breaking: boolean, text: string): void {
  const message =
    path === '' ? `${site.subject} ${text}` : `${site.where}: property "${path}" ${text}`;
  site.changes.push(change(site.audience, breaking, kind, message, path === '' ? undefined : path));
}

function showValues(values: unknown[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
}
