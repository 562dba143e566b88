/**
 * Schema comparison, one function per concern. The same rule runs in two directions: for
 * `callers` a narrowing breaks (the API stops accepting what it accepted), for `readers` a
 * widening does (the API may send what the old types did not allow).
 */
import { change, plural, type Audience, type Change, type Level } from './diff-model.js';
import { sameValue, unique } from './json.js';
import { refLabel } from './external-refs.js';
import type { OpenAPIDocument } from './openapi.js';
import {
  COMBINATORS,
  covers,
  shapeOf,
  showTypes,
  type JsonType,
  type Shape,
} from './schema-shape.js';
import { isPlainObject } from './json.js';

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
  /**
   * For a parameter's schema, whether it was and is required: a changed `default` changes what
   * omitting the parameter means, which only a caller allowed to omit it before and after meets.
   */
  parameter?: { wasRequired: boolean; isRequired: boolean };
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
  compareConstraints(site, path, before, after);
  compareKeywords(site, path, before, after);
  compareOneOf(site, path, before, after);
  compareComposition(site, path, before, after);
  compareVariants(site, path, before, after);

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
    compareItems(inner, path, before, after);
  }
}

/**
 * Items compared schema to schema; an `items` schema dropped or added is one change (the
 * array's element type widened or narrowed), not every property of the elements one by one.
 */
function compareItems(site: SchemaSite, path: string, before: Shape, after: Shape): void {
  if ((before.items === undefined) === (after.items === undefined)) {
    compareSchemas(site, `${path}[]`, before.items, after.items);
    return;
  }
  const dropped = after.items === undefined;
  const breaking = site.audience === 'readers' ? dropped : !dropped;
  const text = dropped ? 'items schema removed: elements may be anything' : 'items schema added';
  emit(site, path, dropped ? 'items-schema-removed' : 'items-schema-added', breaking, text);
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
  if (!before.enum && !after.enum) {
    // Enums that sit in some union variants only: compare their values all the same.
    if (!before.scopedEnum || !after.scopedEnum) return;
    before = { ...before, enum: before.scopedEnum };
    after = { ...after, enum: after.scopedEnum };
  }
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
  if (before.additional !== undefined || after.additional !== undefined) {
    // The value type of a map; `true` and an absent keyword both allow anything.
    const open = (value: unknown) => (value === undefined || value === true ? {} : value);
    const childPath = path === '' ? '*' : `${path}.*`;
    compareSchemas(site, childPath, open(before.additional), open(after.additional));
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

/**
 * Constraints inside a union (`anyOf`/`oneOf` with two or more non-null variants) do not add up
 * into the merged shape, so they are compared variant by variant: each new variant is matched
 * with an old one (the same `$ref`s, else the same types, else a shared type; first come first
 * served), and each pair is compared with the rules of a plain schema for what the merged shape
 * drops (constraints, 2020-12 keywords, a format the variants do not share). Types, enums,
 * properties and items stay with the merged shape, so nothing is reported twice; a variant with
 * no partner shows there as a type widened or narrowed.
 */
function compareVariants(site: SchemaSite, path: string, before: Shape, after: Shape): void {
  if (!before.variants || !after.variants) return;
  for (const [was, is] of matchVariants(before.variants, after.variants)) {
    const inner: SchemaSite = { ...site, changes: [] };
    compareConstraints(inner, path, was, is);
    compareKeywords(inner, path, was, is);
    if (before.format === undefined && after.format === undefined) {
      compareFormats(inner, path, was, is);
    }
    compareVariants(inner, path, was, is);
    const where = ` (in the ${showTypes(is.types)} variant)`;
    for (const found of inner.changes) {
      site.changes.push({ ...found, message: found.message + where });
    }
  }
}

/** Pairs of old and new variants that are the same variant, edited or not. */
export function matchVariants(before: Shape[], after: Shape[]): [Shape, Shape][] {
  const free = new Set(before);
  const pairs: [Shape, Shape][] = [];
  const refs = (shape: Shape) => [...shape.refs].sort().join();
  const types = (shape: Shape) => showTypes(shape.types);
  const tests: ((a: Shape, b: Shape) => boolean)[] = [
    (a, b) => a.refs.size > 0 && refs(a) === refs(b),
    (a, b) => types(a) === types(b),
    (a, b) =>
      [...b.types].some((type) => covers(a.types, type)) ||
      [...a.types].some((type) => covers(b.types, type)),
  ];
  const left = new Set(after);
  for (const test of tests) {
    for (const is of [...left]) {
      const was = [...free].find((candidate) => test(candidate, is));
      if (was === undefined) continue;
      free.delete(was);
      left.delete(is);
      pairs.push([was, is]);
    }
  }
  return pairs.sort(([, a], [, b]) => after.indexOf(a) - after.indexOf(b));
}

/** Lower bounds: raising one (or setting it) narrows what is valid. */
const LOWER = new Set(['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties']);
/** Upper bounds: lowering one (or setting it) narrows what is valid. */
const UPPER = new Set(['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties']);

/** `minLength` -> `min-length`, for rule ids. */
export function kebab(keyword: string): string {
  return keyword.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/**
 * Bounds, `pattern`, `multipleOf`, `uniqueItems` and `default`. A narrowing breaks callers (the
 * API stops accepting what it accepted); a widening breaks readers, since the old client's
 * generated validator would reject a response the new spec allows. A changed `pattern` may be
 * either, so it is a warning. A parameter's changed `default` breaks callers who leave it out.
 */
function compareConstraints(site: SchemaSite, path: string, before: Shape, after: Shape): void {
  for (const keyword of unique([
    ...Object.keys(before.constraints),
    ...Object.keys(after.constraints),
  ])) {
    const was = normalise(keyword, before.constraints[keyword]);
    const is = normalise(keyword, after.constraints[keyword]);
    if (sameValue(was, is)) continue;
    const shown = `${keyword} ${show(was)} -> ${show(is)}`;
    if (keyword === 'default') {
      const level = defaultLevel(site);
      emit(site, path, 'default-changed', level, `default changed: ${show(was)} -> ${show(is)}`);
      continue;
    }
    let narrowed: boolean | undefined;
    let id: string;
    if (was === undefined || is === undefined) {
      narrowed = was === undefined ? is !== false : was === false;
      id = `${kebab(keyword)}-${was === undefined ? 'added' : 'removed'}`;
    } else if (
      typeof was === 'number' &&
      typeof is === 'number' &&
      (LOWER.has(keyword) || UPPER.has(keyword))
    ) {
      narrowed = LOWER.has(keyword) ? is > was : is < was;
      id = `${kebab(keyword)}-${is > was ? 'increased' : 'decreased'}`;
    } else if (typeof was === 'boolean' && typeof is === 'boolean') {
      narrowed = is; // exclusiveMinimum (3.0), uniqueItems: true restricts
      id = `${kebab(keyword)}-changed`;
    } else {
      narrowed = undefined; // a new pattern or multipleOf: narrower, wider or both
      id = `${kebab(keyword)}-changed`;
    }
    const level: Level =
      narrowed === undefined
        ? 'warning'
        : (site.audience === 'callers') === narrowed
          ? 'breaking'
          : 'info';
    emit(site, path, id, level, shown);
  }
}

/**
 * A parameter's changed default breaks callers who leave the parameter out, and only those: when
 * it is required before and after, every caller sends it; when it was required and is now
 * optional, no working caller omits it yet, but one that starts to gets a value that may not be
 * what the old document promised (a warning). Elsewhere a default only documents the server.
 */
function defaultLevel(site: SchemaSite): Level {
  if (site.audience !== 'callers' || site.parameter === undefined) return 'info';
  const { wasRequired, isRequired } = site.parameter;
  if (!wasRequired && !isRequired) return 'breaking';
  return wasRequired && !isRequired ? 'warning' : 'info';
}

/**
 * JSON Schema 2020-12 keywords (`prefixItems`, `if`, `dependentRequired`...): the generated
 * validators enforce them, but the shape does not model them, so a change is reported as
 * written. Adding one restricts values (breaks callers), removing one relaxes them (breaks
 * readers in `'error'` mode); a change in place may do either (warning).
 */
function compareKeywords(site: SchemaSite, path: string, before: Shape, after: Shape): void {
  for (const keyword of unique([...Object.keys(before.keywords), ...Object.keys(after.keywords)])) {
    const was = before.keywords[keyword];
    const is = after.keywords[keyword];
    if (sameValue(was, is)) continue;
    const state = was === undefined ? 'added' : is === undefined ? 'removed' : 'changed';
    const level: Level =
      state === 'changed'
        ? 'warning'
        : (state === 'added') === (site.audience === 'callers')
          ? 'breaking'
          : 'info';
    emit(site, path, `${kebab(keyword)}-${state}`, level, `${keyword} ${state}`);
  }
}

/**
 * `oneOf` is not `anyOf`: a value must match exactly one variant. A new `oneOf` whose variants
 * overlap (some value matches two) makes the API reject bodies it accepted, so it breaks
 * callers; for readers the union's types are compared as usual.
 */
function compareOneOf(site: SchemaSite, path: string, before: Shape, after: Shape): void {
  if (site.audience !== 'callers' || !after.oneOf || before.oneOf) return;
  const variants = after.oneOf.map((variant) => shapeOf(site.newDoc, variant));
  const overlapping = variants.some((a, i) => variants.slice(i + 1).some((b) => overlap(a, b)));
  if (!overlapping) return;
  emit(
    site,
    path,
    'one-of-overlapping',
    true,
    'now oneOf with variants a single value can match twice',
  );
}

/** True when some value can match both shapes: a shared type, and no property telling them apart. */
function overlap(a: Shape, b: Shape): boolean {
  const shared = [...a.types].filter(
    (type) => covers(b.types, type) || (covers(a.types, type) && b.types.has(type)),
  );
  if (shared.length === 0) return false;
  if (a.enum && b.enum && !a.enum.some((value) => b.enum!.some((other) => sameValue(value, other))))
    return false;
  if (!shared.every((type) => type === 'object')) return true;
  for (const [name, schema] of a.properties) {
    const other = b.properties.get(name);
    if (other === undefined || !a.required.has(name) || !b.required.has(name)) continue;
    const [x, y] = [schema, other].map((s) =>
      isPlainObject(s) ? (s.const !== undefined ? [s.const] : s.enum) : undefined,
    );
    if (Array.isArray(x) && Array.isArray(y) && !x.some((v) => y.some((w) => sameValue(v, w))))
      return false;
  }
  // Objects without `additionalProperties: false` accept each other's properties.
  return a.additional !== false && b.additional !== false;
}

/**
 * Levels of a subschema added to or removed from a combinator, for [callers, readers]. A new
 * `allOf` part is one more thing a body must satisfy; a removed `anyOf`/`oneOf` variant is one
 * form fewer the API accepts; a new `oneOf` variant in a response is a form readers never saw.
 * Where the merged shape changes too, that is reported on its own.
 */
const COMPOSITION_LEVELS: Record<string, [Level, Level]> = {
  'all-of-added': ['breaking', 'info'],
  'all-of-removed': ['warning', 'info'],
  'any-of-added': ['info', 'info'],
  'any-of-removed': ['breaking', 'info'],
  'one-of-added': ['info', 'breaking'],
  'one-of-removed': ['breaking', 'info'],
};

/** Subschemas added to or removed from `allOf`, `anyOf` and `oneOf`. */
function compareComposition(site: SchemaSite, path: string, before: Shape, after: Shape): void {
  for (const combinator of COMBINATORS) {
    const was = before.composition?.[combinator] ?? [];
    const is = after.composition?.[combinator] ?? [];
    for (const [state, parts] of [
      ['added', is.filter((part) => !was.includes(part))],
      ['removed', was.filter((part) => !is.includes(part))],
    ] as const) {
      if (parts.length === 0) continue;
      const id = `${kebab(combinator)}-${state}`;
      const [forCallers, forReaders] = COMPOSITION_LEVELS[id]!;
      const names = parts.map(refLabel).join(', ');
      const level = site.audience === 'callers' ? forCallers : forReaders;
      emit(
        site,
        path,
        id,
        level,
        `${combinator} ${plural(parts.length, 'subschema')} ${state}: ${names}`,
      );
    }
  }
}

/** A pattern that matches every string (`''`, `.*`, `^.*$`) restricts nothing. */
function normalise(keyword: string, value: unknown): unknown {
  const anything = ['', '.*', '^.*$', '^.*', '.*$'];
  return keyword === 'pattern' && typeof value === 'string' && anything.includes(value)
    ? undefined
    : value;
}

function show(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}

/** Records a change to a schema at `path` (empty for the schema as a whole). */
function emit(
  site: SchemaSite,
  path: string,
  kind: string,
  verdict: boolean | Level,
  text: string,
): void {
  const message =
    path === '' ? `${site.subject} ${text}` : `${site.where}: property "${path}" ${text}`;
  site.changes.push(change(site.audience, verdict, kind, message, path === '' ? undefined : path));
}

function showValues(values: unknown[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
}
