/**
 * Schemas reduced to what a client's types depend on, and the algebra on them: `anyOf`/`oneOf`
 * as a union, `allOf` as an intersection. spec-diff compares two of these at a time.
 */
import type { OpenAPIDocument } from './openapi.js';
import { deref } from './openapi.js';
import { asArray, isPlainObject, sameValue, unique, uniqueValues, type Json } from './json.js';

/** The keywords that combine subschemas. */
export const COMBINATORS = ['allOf', 'anyOf', 'oneOf'] as const;
/** One of {@link COMBINATORS}. */
export type Combinator = (typeof COMBINATORS)[number];

/** Display order of JSON types; `null` last so unions read like `string | null`. */
export const JSON_TYPES = [
  'string',
  'number',
  'integer',
  'boolean',
  'object',
  'array',
  'null',
] as const;
/** One of the JSON Schema type names. */
export type JsonType = (typeof JSON_TYPES)[number];

/**
 * A schema flattened into the constraints that matter here: which JSON types, which enum
 * values, which format, and for objects and arrays what is inside. `anyOf`/`oneOf` become a
 * union, `allOf` an intersection, `nullable: true` (OpenAPI 3.0) adds `null`.
 */
export interface Shape {
  types: Set<JsonType>;
  /** Allowed values other than `null` (nullability lives in `types`); undefined = any value. */
  enum?: unknown[];
  format?: string;
  properties: Map<string, unknown>;
  required: Set<string>;
  items?: unknown;
  /** `additionalProperties` when declared (a schema, or `false`/`true`); undefined = not declared. */
  additional?: unknown;
  /** Validation keywords that narrow values without changing the type (`minimum`, `pattern`...). */
  constraints: Record<string, unknown>;
  /** JSON Schema 2020-12 keywords the generated validators enforce, as written. */
  keywords: Record<string, unknown>;
  /** The variants of a `oneOf` written on this schema (exactly one must match). */
  oneOf?: unknown[];
  /**
   * Enum values of the union variants that have an enum, when some variant has none (so `enum`
   * is undefined): a widened enum in one `oneOf` variant is still seen.
   */
  scopedEnum?: unknown[];
  /**
   * The `$ref` subschemas of `allOf`/`anyOf`/`oneOf` written on this very schema, so that a subschema added or removed is seen even when the merged shape is
   * the same.
   */
  composition?: Partial<Record<Combinator, string[]>>;
  /** The `$ref`s followed to build this shape; the same set further down means recursion. */
  refs: Set<string>;
  /**
   * The non-null variants of an `anyOf`/`oneOf` with two or more of them: their constraints do
   * not add up into the merged shape, so spec-diff compares them variant by variant.
   */
  variants?: Shape[];
}

/** Flattens `raw`; `followed` holds the `$ref`s already being expanded on the way here. */
export function shapeOf(doc: OpenAPIDocument, raw: unknown, followed = new Set<string>()): Shape {
  const ref = isPlainObject(raw) && typeof raw.$ref === 'string' ? raw.$ref : undefined;
  if (ref !== undefined) {
    // A schema made of itself (`A: {anyOf: [$ref A]}`) says nothing more; stop there.
    if (followed.has(ref)) return anyShape();
    followed = new Set([...followed, ref]);
  }
  const schema = raw === undefined ? {} : deref<unknown>(doc, raw);
  if (schema === false) return { ...anyShape(), types: new Set() };
  if (!isPlainObject(schema)) return anyShape();
  let shape = ownShape(schema);
  const variants = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(schema.oneOf)) shape.oneOf = schema.oneOf;
  if (Array.isArray(variants)) {
    shape = intersect(shape, union(variants.map((variant) => shapeOf(doc, variant, followed))));
  }
  for (const part of asArray(schema.allOf)) shape = intersect(shape, shapeOf(doc, part, followed));
  const written = COMBINATORS.filter((name) => Array.isArray(schema[name]));
  if (written.length > 0) {
    // Only named subschemas: an inline one added, removed or edited reaches the merged shape,
    // which is compared on its own; a `$ref` may add nothing new to it and still matter.
    const refs = (parts: unknown[]) =>
      parts.flatMap((part) =>
        isPlainObject(part) && typeof part.$ref === 'string' ? [part.$ref] : [],
      );
    shape.composition = Object.fromEntries(
      written.map((name) => [name, refs(schema[name] as unknown[])]),
    );
  }
  if (ref !== undefined) shape.refs.add(ref);
  return shape;
}

/** The shape of `{}`: any value. */
function anyShape(): Shape {
  return {
    types: new Set(JSON_TYPES),
    properties: new Map(),
    required: new Set(),
    constraints: {},
    keywords: {},
    refs: new Set(),
  };
}

/** Keywords that bound or restrict a value; compared one by one in diff-schemas.ts. */
export const CONSTRAINT_KEYWORDS = [
  'minimum',
  'exclusiveMinimum',
  'maximum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'default',
] as const;

/** JSON Schema 2020-12 keywords that the shape does not model; compared as written. */
export const EXTRA_KEYWORDS = [
  'prefixItems',
  'contains',
  'minContains',
  'maxContains',
  'if',
  'then',
  'else',
  'dependentRequired',
  'dependentSchemas',
  'patternProperties',
  'propertyNames',
  'unevaluatedProperties',
  'unevaluatedItems',
  'not',
] as const;

function pick(schema: Json, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(
    keys.filter((key) => schema[key] !== undefined).map((key) => [key, schema[key]]),
  );
}

/** The constraints written on the schema itself, before `anyOf`/`oneOf`/`allOf`. */
function ownShape(schema: Json): Shape {
  const values = Array.isArray(schema.enum)
    ? schema.enum
    : 'const' in schema
      ? [schema.const]
      : undefined;
  return {
    types: declaredTypes(schema, values),
    enum: values?.filter((value) => value !== null),
    format: typeof schema.format === 'string' ? schema.format : undefined,
    properties: new Map(Object.entries(isPlainObject(schema.properties) ? schema.properties : {})),
    required: new Set(asArray(schema.required).filter((name) => typeof name === 'string')),
    items: schema.items,
    additional: schema.additionalProperties,
    constraints: pick(schema, CONSTRAINT_KEYWORDS),
    keywords: pick(schema, EXTRA_KEYWORDS),
    refs: new Set(),
  };
}

/** The types a schema admits on its own: `type`, else its enum values, else what its keywords imply. */
function declaredTypes(schema: Json, values: unknown[] | undefined): Set<JsonType> {
  let types: JsonType[];
  if (schema.type !== undefined) {
    types = asArray(schema.type).filter(isJsonType);
  } else if (values) {
    types = values.map(jsonTypeOf);
  } else if (schema.properties !== undefined || schema.required !== undefined) {
    // Specs often leave out `type: object` next to `properties`; they mean an object.
    types = ['object'];
  } else if (schema.items !== undefined) {
    types = ['array'];
  } else {
    return new Set(JSON_TYPES);
  }
  if (schema.nullable === true) types.push('null');
  return new Set(types);
}

/**
 * A value matches any variant: types add up, and a property stays required only when every
 * object variant requires it.
 */
export function union(shapes: Shape[]): Shape {
  const valued = shapes.filter((shape) => !isOnlyNull(shape));
  const objects = shapes.filter((shape) => shape.types.has('object'));
  const arrays = shapes.filter((shape) => shape.types.has('array') && shape.items !== undefined);
  const formats = unique(valued.map((shape) => shape.format));
  const allEnums = valued.length > 0 && valued.every((shape) => shape.enum);
  const someEnums = valued.some((shape) => shape.enum ?? shape.scopedEnum);
  const enumValues = uniqueValues(valued.flatMap((shape) => shape.enum ?? shape.scopedEnum ?? []));
  // Constraints of a lone variant (`anyOf: [X, null]`) still hold; of several, they do not add up.
  const only = valued.length === 1 ? valued[0]! : undefined;
  return {
    types: new Set(shapes.flatMap((shape) => [...shape.types])),
    enum: allEnums ? enumValues : undefined,
    scopedEnum: !allEnums && someEnums ? enumValues : undefined,
    additional: only?.additional,
    constraints: only?.constraints ?? {},
    keywords: only?.keywords ?? {},
    format: formats.length === 1 ? formats[0] : undefined,
    properties: mergeProperties(objects, 'anyOf'),
    required: new Set(
      objects.length === 0
        ? []
        : [...objects[0]!.required].filter((name) => objects.every((s) => s.required.has(name))),
    ),
    items: mergeSchemas(
      arrays.map((shape) => shape.items),
      'anyOf',
    ),
    refs: new Set(shapes.flatMap((shape) => [...shape.refs])),
    variants: valued.length >= 2 ? valued : undefined,
  };
}

/** A value matches both: types narrow, everything either side requires is required. */
export function intersect(a: Shape, b: Shape): Shape {
  return {
    types: new Set([
      ...[...a.types].filter((type) => covers(b.types, type)),
      ...[...b.types].filter((type) => covers(a.types, type)),
    ]),
    enum:
      a.enum && b.enum
        ? a.enum.filter((value) => b.enum!.some((other) => sameValue(value, other)))
        : (a.enum ?? b.enum),
    scopedEnum: a.scopedEnum ?? b.scopedEnum,
    format: a.format ?? b.format,
    additional: a.additional ?? b.additional,
    constraints: { ...b.constraints, ...a.constraints },
    keywords: { ...b.keywords, ...a.keywords },
    oneOf: a.oneOf ?? b.oneOf,
    properties: mergeProperties([a, b], 'allOf'),
    required: new Set([...a.required, ...b.required]),
    items: mergeSchemas(
      [a.items, b.items].filter((items) => items !== undefined),
      'allOf',
    ),
    refs: new Set([...a.refs, ...b.refs]),
    variants: a.variants ?? b.variants,
  };
}

/** Properties from several shapes; one defined in several places becomes an anyOf/allOf of them. */
export function mergeProperties(
  shapes: Shape[],
  combinator: 'anyOf' | 'allOf',
): Map<string, unknown> {
  const merged = new Map<string, unknown>();
  const names = unique(shapes.flatMap((shape) => [...shape.properties.keys()]));
  for (const name of names) {
    const schemas = shapes.filter((s) => s.properties.has(name)).map((s) => s.properties.get(name));
    merged.set(name, mergeSchemas(schemas, combinator));
  }
  return merged;
}

/** One schema as it is; several as a combinator of them. */
function mergeSchemas(schemas: unknown[], combinator: 'anyOf' | 'allOf'): unknown {
  if (schemas.length <= 1) return schemas[0];
  return { [combinator]: schemas };
}

/** True for the `null` variant of a nullable union. */
function isOnlyNull(shape: Shape): boolean {
  return shape.types.size === 1 && shape.types.has('null');
}

/** `number` includes `integer`, so integer -> number widens and number -> integer narrows. */
export function covers(types: Set<JsonType>, type: JsonType): boolean {
  return types.has(type) || (type === 'integer' && types.has('number'));
}

/** `string | null`, `any` for every type, `nothing` for none. */
export function showTypes(types: Set<JsonType>): string {
  if (JSON_TYPES.every((type) => types.has(type))) return 'any';
  if (types.size === 0) return 'nothing';
  return JSON_TYPES.filter((type) => types.has(type)).join(' | ');
}

function isJsonType(value: unknown): value is JsonType {
  return (JSON_TYPES as readonly unknown[]).includes(value);
}

/** The JSON Schema type of a value; whole numbers read as `integer`. */
function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}
