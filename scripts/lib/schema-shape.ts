/**
 * Schemas reduced to what a client's types depend on, and the algebra on them: `anyOf`/`oneOf`
 * as a union, `allOf` as an intersection. spec-diff compares two of these at a time.
 */
import type { OpenAPIDocument } from './openapi.js';
import { deref } from './openapi.js';
import { asArray, isPlainObject, sameValue, unique, uniqueValues, type Json } from './json.js';

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
  /** The `$ref`s followed to build this shape; the same set further down means recursion. */
  refs: Set<string>;
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
  if (Array.isArray(variants)) {
    shape = intersect(shape, union(variants.map((variant) => shapeOf(doc, variant, followed))));
  }
  for (const part of asArray(schema.allOf)) shape = intersect(shape, shapeOf(doc, part, followed));
  if (ref !== undefined) shape.refs.add(ref);
  return shape;
}

/** The shape of `{}`: any value. */
function anyShape(): Shape {
  return {
    types: new Set(JSON_TYPES),
    properties: new Map(),
    required: new Set(),
    refs: new Set(),
  };
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
  return {
    types: new Set(shapes.flatMap((shape) => [...shape.types])),
    enum:
      valued.length > 0 && valued.every((shape) => shape.enum)
        ? uniqueValues(valued.flatMap((shape) => shape.enum ?? []))
        : undefined,
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
    format: a.format ?? b.format,
    properties: mergeProperties([a, b], 'allOf'),
    required: new Set([...a.required, ...b.required]),
    items: mergeSchemas(
      [a.items, b.items].filter((items) => items !== undefined),
      'allOf',
    ),
    refs: new Set([...a.refs, ...b.refs]),
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
