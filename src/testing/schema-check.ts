/**
 * A small JSON Schema checker for the stand-in's requests, over the spec's own schema objects
 * (`request-schemas.ts`): the package ships no schema compiler, and the generated validators
 * cover responses only. It knows the keywords the spec's request side uses
 * ({@link KNOWN_KEYWORDS}; a test fails when the spec starts using another) and reports
 * problems as the API's framework does, `{loc, type, msg}`, without repeating a sent value.
 *
 * Three modes, for what a decoded request holds: `json` (JSON values), `msgpack` (JSON values
 * plus bytes, for `format: binary`) and `text` (a URL value, a header or a multipart field:
 * text that must parse as the schema's type, bytes for a file part, a repeated field a list).
 */

/** A JSON Schema object, as the spec writes it. */
export type Schema = { readonly [keyword: string]: unknown };

/** One problem with a request, in the shape the API's framework reports it. */
export interface Issue {
  loc: string[];
  type: string;
  msg: string;
}

export type Mode = 'json' | 'msgpack' | 'text';

/** Finds the schema a `$ref` names. */
export type Resolve = (ref: string) => Schema | undefined;

/** Every keyword {@link checkValue} applies or knowingly ignores. */
export const KNOWN_KEYWORDS = [
  '$ref',
  'type',
  'enum',
  'const',
  'anyOf',
  'oneOf',
  'allOf',
  'properties',
  'required',
  'additionalProperties',
  'maxProperties',
  'minProperties',
  'items',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  // Only `binary` changes a check (bytes, not text); other formats are not asserted, as Ajv
  // does not assert them for the response validators either.
  'format',
];

/** The problems of `value` against `schema`; `[]` when it fits. */
export function checkValue(
  schema: Schema,
  value: unknown,
  loc: string[],
  mode: Mode,
  resolve: Resolve,
): Issue[] {
  return check(schema, value, loc, mode, resolve, 0);
}

function check(
  schema: Schema,
  value: unknown,
  loc: string[],
  mode: Mode,
  resolve: Resolve,
  depth: number,
): Issue[] {
  if (depth > 64) return [];
  const issues: Issue[] = [];
  if (typeof schema.$ref === 'string') {
    const target = resolve(schema.$ref);
    if (target) issues.push(...check(target, value, loc, mode, resolve, depth + 1));
  }
  if (Array.isArray(schema.allOf)) {
    for (const part of schema.allOf as Schema[]) {
      issues.push(...check(part, value, loc, mode, resolve, depth + 1));
    }
  }
  const branches = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (Array.isArray(branches)) {
    const results = branches.map((b) => check(b, value, loc, mode, resolve, depth + 1));
    if (!results.some((r) => r.length === 0)) {
      // The branch whose type the value has says best what is wrong (a nullable string that
      // is too long is "too long", not "not null").
      const fitting = branches.findIndex((b) => fitsType(b, value, mode, resolve, depth));
      issues.push(...results[fitting === -1 ? 0 : fitting]!);
    }
  }
  let current = value;
  if (schema.type !== undefined) {
    const types = ([] as unknown[]).concat(schema.type).map(String);
    const read = readAs(types, value, mode, schema.format === 'binary');
    if (!read.ok) return [...issues, { loc, ...typeIssue(types, mode, schema.format) }];
    current = read.value;
  }
  // An object read from a text value (a multipart field holding JSON) holds JSON values; the
  // fields of a multipart body itself, and the items of a repeated field, are still text.
  const inner: Mode =
    mode === 'text' && typeof value === 'string' && isRecord(current) ? 'json' : mode;
  if (schema.enum !== undefined && !(schema.enum as unknown[]).some((v) => same(v, current))) {
    issues.push({ loc, type: 'enum', msg: `Input should be ${listOf(schema.enum as unknown[])}` });
  }
  if (schema.const !== undefined && !same(schema.const, current)) {
    issues.push({ loc, type: 'literal_error', msg: `Input should be ${show(schema.const)}` });
  }
  if (typeof current === 'string') issues.push(...stringIssues(schema, current, loc));
  if (typeof current === 'number') issues.push(...numberIssues(schema, current, loc));
  if (Array.isArray(current)) {
    issues.push(...countIssues(schema, current.length, loc, 'List', 'item'));
    if (isSchema(schema.items)) {
      current.forEach((item, i) => {
        issues.push(
          ...check(schema.items as Schema, item, [...loc, String(i)], inner, resolve, depth + 1),
        );
      });
    }
  }
  if (isRecord(current)) {
    issues.push(...objectIssues(schema, current, loc, inner, resolve, depth));
  }
  return issues;
}

function objectIssues(
  schema: Schema,
  value: Record<string, unknown>,
  loc: string[],
  mode: Mode,
  resolve: Resolve,
  depth: number,
): Issue[] {
  const issues: Issue[] = [];
  const properties = (isRecord(schema.properties) ? schema.properties : {}) as Record<
    string,
    Schema
  >;
  for (const name of (schema.required as string[] | undefined) ?? []) {
    if (value[name] === undefined) {
      issues.push({ loc: [...loc, name], type: 'missing', msg: 'Field required' });
    }
  }
  for (const [name, item] of Object.entries(value)) {
    if (item === undefined) continue;
    if (Object.hasOwn(properties, name)) {
      issues.push(...check(properties[name]!, item, [...loc, name], mode, resolve, depth + 1));
    } else if (schema.additionalProperties === false) {
      issues.push({
        loc: [...loc, name],
        type: 'extra_forbidden',
        msg: 'Extra inputs are not permitted',
      });
    } else if (isSchema(schema.additionalProperties)) {
      issues.push(
        ...check(schema.additionalProperties, item, [...loc, name], mode, resolve, depth + 1),
      );
    }
  }
  const count = Object.keys(value).length;
  if (typeof schema.maxProperties === 'number' && count > schema.maxProperties) {
    issues.push({
      loc,
      type: 'too_long',
      msg: `Object should have at most ${schema.maxProperties} properties`,
    });
  }
  if (typeof schema.minProperties === 'number' && count < schema.minProperties) {
    issues.push({
      loc,
      type: 'too_short',
      msg: `Object should have at least ${schema.minProperties} properties`,
    });
  }
  return issues;
}

function stringIssues(schema: Schema, value: string, loc: string[]): Issue[] {
  const issues: Issue[] = [];
  // JSON Schema counts characters (code points), as Ajv does, not UTF-16 units.
  const length = [...value].length;
  if (typeof schema.minLength === 'number' && length < schema.minLength) {
    issues.push({
      loc,
      type: 'string_too_short',
      msg: `String should have at least ${schema.minLength} character${schema.minLength === 1 ? '' : 's'}`,
    });
  }
  if (typeof schema.maxLength === 'number' && length > schema.maxLength) {
    issues.push({
      loc,
      type: 'string_too_long',
      msg: `String should have at most ${schema.maxLength} characters`,
    });
  }
  if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) {
    issues.push({
      loc,
      type: 'string_pattern_mismatch',
      msg: `String should match pattern '${schema.pattern}'`,
    });
  }
  return issues;
}

function numberIssues(schema: Schema, value: number, loc: string[]): Issue[] {
  const bounds: Array<
    [keyword: string, fails: (limit: number) => boolean, type: string, words: string]
  > = [
    ['minimum', (l) => value < l, 'greater_than_equal', 'greater than or equal to'],
    ['maximum', (l) => value > l, 'less_than_equal', 'less than or equal to'],
    ['exclusiveMinimum', (l) => value <= l, 'greater_than', 'greater than'],
    ['exclusiveMaximum', (l) => value >= l, 'less_than', 'less than'],
  ];
  const issues: Issue[] = [];
  for (const [keyword, fails, type, words] of bounds) {
    const limit = schema[keyword];
    if (typeof limit === 'number' && fails(limit)) {
      issues.push({ loc, type, msg: `Input should be ${words} ${limit}` });
    }
  }
  return issues;
}

function countIssues(
  schema: Schema,
  count: number,
  loc: string[],
  what: string,
  unit: string,
): Issue[] {
  const issues: Issue[] = [];
  if (typeof schema.minItems === 'number' && count < schema.minItems) {
    issues.push({
      loc,
      type: 'too_short',
      msg: `${what} should have at least ${schema.minItems} ${unit}${schema.minItems === 1 ? '' : 's'}`,
    });
  }
  if (typeof schema.maxItems === 'number' && count > schema.maxItems) {
    issues.push({
      loc,
      type: 'too_long',
      msg: `${what} should have at most ${schema.maxItems} ${unit}s`,
    });
  }
  return issues;
}

/** Whether `value` has (or, as text, reads as) one of the schema's types, ignoring the rest. */
function fitsType(
  schema: Schema,
  value: unknown,
  mode: Mode,
  resolve: Resolve,
  depth: number,
): boolean {
  if (typeof schema.$ref === 'string') {
    const target = resolve(schema.$ref);
    return depth < 64 && !!target && fitsType(target, value, mode, resolve, depth + 1);
  }
  if (schema.type === undefined) return true;
  const types = ([] as unknown[]).concat(schema.type).map(String);
  return readAs(types, value, mode, schema.format === 'binary').ok;
}

type Read = { ok: true; value: unknown } | { ok: false };

/** `value` as one of `types`: as it is, or parsed from text in `text` mode. */
function readAs(types: string[], value: unknown, mode: Mode, binary: boolean): Read {
  for (const type of types) {
    const read = readOne(type, value, mode, binary);
    if (read.ok) return read;
  }
  return { ok: false };
}

function readOne(type: string, value: unknown, mode: Mode, binary: boolean): Read {
  const bytes = value instanceof Uint8Array;
  if (binary && type === 'string' && mode !== 'json') {
    // A file: bytes, never text (a path or a name is not the file).
    return bytes ? { ok: true, value: undefined } : { ok: false };
  }
  if (bytes) return { ok: false };
  const text = mode === 'text' && typeof value === 'string' ? value : undefined;
  switch (type) {
    case 'string':
      return typeof value === 'string' ? { ok: true, value } : { ok: false };
    case 'integer':
    case 'number': {
      const n =
        text !== undefined && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text) ? Number(text) : value;
      const fits =
        typeof n === 'number' && Number.isFinite(n) && (type === 'number' || Number.isInteger(n));
      return fits ? { ok: true, value: n } : { ok: false };
    }
    case 'boolean': {
      const b = text === 'true' ? true : text === 'false' ? false : value;
      return typeof b === 'boolean' ? { ok: true, value: b } : { ok: false };
    }
    case 'null':
      return value === null ? { ok: true, value } : { ok: false };
    case 'array':
      if (Array.isArray(value)) return { ok: true, value };
      // One field (or one query value) where the schema takes a list is a list of one.
      return mode === 'text' && value !== undefined ? { ok: true, value: [value] } : { ok: false };
    case 'object': {
      if (isRecord(value)) return { ok: true, value };
      if (text === undefined) return { ok: false };
      try {
        const parsed: unknown = JSON.parse(text);
        return isRecord(parsed) ? { ok: true, value: parsed } : { ok: false };
      } catch {
        return { ok: false };
      }
    }
  }
  return { ok: false };
}

const TYPE_ISSUES: Record<string, [type: string, parsing: string, msg: string]> = {
  string: ['string_type', 'string_type', 'Input should be a valid string'],
  integer: ['int_type', 'int_parsing', 'Input should be a valid integer'],
  number: ['float_type', 'float_parsing', 'Input should be a valid number'],
  boolean: ['bool_type', 'bool_parsing', 'Input should be a valid boolean'],
  null: ['none_required', 'none_required', 'Input should be None'],
  array: ['list_type', 'list_type', 'Input should be a valid list'],
  object: ['dict_type', 'dict_type', 'Input should be a valid dictionary'],
};

function typeIssue(types: string[], mode: Mode, format: unknown): Omit<Issue, 'loc'> {
  if (format === 'binary' && mode !== 'json') {
    return { type: 'bytes_type', msg: 'Input should be a file (bytes)' };
  }
  const [type, parsing, msg] = TYPE_ISSUES[types[0] ?? ''] ?? [
    'type_error',
    'type_error',
    'Input has the wrong type',
  ];
  return { type: mode === 'text' ? parsing : type, msg };
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Spec values only (an enum's members), never what the request sent. */
function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

function listOf(values: unknown[]): string {
  const shown = values.map(show);
  return shown.length < 2 ? shown.join('') : `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}`;
}

function isSchema(value: unknown): value is Schema {
  return isRecord(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array)
  );
}
