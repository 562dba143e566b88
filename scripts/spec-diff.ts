/**
 * Lists what changed between two OpenAPI 3.x documents, as it matters to this client.
 *
 *   npm run spec:diff -- <old> <new>          # report for humans, grouped per operation
 *   npm run spec:diff -- <old> <new> --json   # the same report as JSON
 *
 * Exit code: 1 when a change is breaking, 0 otherwise, 2 when an input cannot be read or is
 * not OpenAPI 3.x.
 *
 * Every change is for one audience. `callers` are affected through what they send
 * (parameters, request body): a change breaks them when the API stops accepting something it
 * accepted before (narrowing). `readers` are affected through what they receive (statuses,
 * response bodies): a change breaks them when the API may now send something the old types
 * did not allow (widening). So the same schema rule runs in two directions.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { deref, loadSpec, HTTP_METHODS, type OpenAPIDocument } from './spec.js';

/** Who notices a change: `callers` through what they send, `readers` through what they receive. */
export type Audience = 'callers' | 'readers';

/** One change to one operation. */
export interface Change {
  audience: Audience;
  breaking: boolean;
  /** A stable category such as `property-removed` or `type-changed`, for machines. */
  kind: string;
  /** What changed, concretely, e.g. `response 200: property "credit" type changed: string -> number`. */
  message: string;
  /** The property path inside a body or parameter, e.g. `credit` or `items[].loc`. */
  path?: string;
}

/** The changes to one operation, keyed like `GET /wallet/{user_id}/api-credit`. */
export interface OperationDiff {
  key: string;
  changes: Change[];
}

/** Everything that changed, per operation; `breaking` is true when any change is. */
export interface SpecDiffReport {
  breaking: boolean;
  operations: OperationDiff[];
}

type Json = Record<string, unknown>;

/** Display order of JSON types; `null` last so unions read like `string | null`. */
const JSON_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'] as const;
type JsonType = (typeof JSON_TYPES)[number];
/** Deeper than any real payload; a backstop for recursion the `$ref` check does not see. */
const MAX_DEPTH = 32;

// ---------------------------------------------------------------------------------------------
// Operations

interface Operation {
  parameters: Map<string, Json>;
  requestBody?: Json;
  responses: Map<string, Json>;
}

/** Compares two documents operation by operation. */
export function diffSpecs(oldDoc: OpenAPIDocument, newDoc: OpenAPIDocument): SpecDiffReport {
  const before = listOperations(oldDoc);
  const after = listOperations(newDoc);
  const keys = unique([...before.keys(), ...after.keys()]);
  const operations = keys
    .map((key) => ({
      key,
      changes: diffOperation(oldDoc, newDoc, before.get(key), after.get(key)),
    }))
    .filter((operation) => operation.changes.length > 0);
  const breaking = operations.some((operation) => operation.changes.some((c) => c.breaking));
  return { breaking, operations };
}

function listOperations(doc: OpenAPIDocument): Map<string, Operation> {
  const operations = new Map<string, Operation>();
  for (const [route, rawItem] of Object.entries(doc.paths ?? {})) {
    const item = resolve(doc, rawItem);
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      operations.set(`${method.toUpperCase()} ${route}`, {
        parameters: collectParameters(doc, item.parameters, operation.parameters),
        requestBody: isObject(operation.requestBody)
          ? resolve(doc, operation.requestBody)
          : undefined,
        responses: new Map(
          Object.entries(isObject(operation.responses) ? operation.responses : {}).map(
            ([status, response]) => [status, resolve(doc, response)],
          ),
        ),
      });
    }
  }
  return operations;
}

/** Path-level parameters apply to every operation; an operation's own ones override them. */
function collectParameters(doc: OpenAPIDocument, shared: unknown, own: unknown): Map<string, Json> {
  const parameters = new Map<string, Json>();
  for (const raw of [...asArray(shared), ...asArray(own)]) {
    const parameter = resolve(doc, raw);
    parameters.set(parameterKey(parameter), parameter);
  }
  return parameters;
}

function parameterKey(parameter: Json): string {
  const name = String(parameter.name);
  // Header names are case-insensitive, so `X-Team` and `x-team` are the same parameter.
  return `${String(parameter.in)}:${parameter.in === 'header' ? name.toLowerCase() : name}`;
}

function diffOperation(
  oldDoc: OpenAPIDocument,
  newDoc: OpenAPIDocument,
  before: Operation | undefined,
  after: Operation | undefined,
): Change[] {
  if (!before) return [change('callers', false, 'operation-added', 'operation added')];
  if (!after) return [change('callers', true, 'operation-removed', 'operation removed')];
  const docs = { oldDoc, newDoc };
  return [
    ...diffParameters(docs, before.parameters, after.parameters),
    ...diffRequestBody(docs, before.requestBody, after.requestBody),
    ...diffResponses(docs, before.responses, after.responses),
  ];
}

// ---------------------------------------------------------------------------------------------
// Parameters, request body, responses

interface Docs {
  oldDoc: OpenAPIDocument;
  newDoc: OpenAPIDocument;
}

function diffParameters(docs: Docs, before: Map<string, Json>, after: Map<string, Json>): Change[] {
  const changes: Change[] = [];
  for (const key of unique([...before.keys(), ...after.keys()])) {
    const oldParam = before.get(key);
    const newParam = after.get(key);
    const label = parameterLabel((newParam ?? oldParam)!);
    if (!newParam) {
      changes.push(change('callers', true, 'parameter-removed', `${label} removed`));
    } else if (!oldParam) {
      const required = isRequiredParameter(newParam);
      const detail = required ? 'required' : 'optional';
      changes.push(change('callers', required, 'parameter-added', `${label} added (${detail})`));
    } else {
      const [was, is] = [isRequiredParameter(oldParam), isRequiredParameter(newParam)];
      changes.push(...diffRequired(label, 'parameter', was, is));
      const site = { ...docs, audience: 'callers' as const, where: label, subject: label, changes };
      compareSchemas(site, '', parameterSchema(oldParam), parameterSchema(newParam));
    }
  }
  return changes;
}

function parameterLabel(parameter: Json): string {
  return `${String(parameter.in)} parameter "${String(parameter.name)}"`;
}

/** OpenAPI makes path parameters always required, whatever `required` says. */
function isRequiredParameter(parameter: Json): boolean {
  return parameter.in === 'path' || parameter.required === true;
}

/** A parameter's schema sits under `schema`, or under `content` for serialised values. */
function parameterSchema(parameter: Json): unknown {
  if (parameter.schema !== undefined) return parameter.schema;
  const media = Object.values(isObject(parameter.content) ? parameter.content : {})[0];
  return isObject(media) ? media.schema : undefined;
}

/** Only callers feel this: a newly required input is one they may not be sending yet. */
function diffRequired(label: string, kindPrefix: string, was: boolean, is: boolean): Change[] {
  if (was === is) return [];
  return is
    ? [change('callers', true, `${kindPrefix}-became-required`, `${label} became required`)]
    : [change('callers', false, `${kindPrefix}-became-optional`, `${label} became optional`)];
}

function diffRequestBody(docs: Docs, before: Json | undefined, after: Json | undefined): Change[] {
  const label = 'request body';
  if (!after)
    return before ? [change('callers', true, 'request-body-removed', `${label} removed`)] : [];
  if (!before) {
    const required = after.required === true;
    const detail = required ? 'required' : 'optional';
    return [change('callers', required, 'request-body-added', `${label} added (${detail})`)];
  }
  const was = before.required === true;
  const changes = diffRequired(label, 'request-body', was, after.required === true);
  const site = { ...docs, audience: 'callers' as const, where: label, subject: label, changes };
  diffContent(site, before.content, after.content);
  return changes;
}

function diffResponses(docs: Docs, before: Map<string, Json>, after: Map<string, Json>): Change[] {
  const changes: Change[] = [];
  for (const status of unique([...before.keys(), ...after.keys()])) {
    const oldResponse = before.get(status);
    const newResponse = after.get(status);
    const label = `response ${status}`;
    if (!oldResponse && newResponse) {
      // Not breaking (unknown statuses already reach the client's error path), but listed:
      // callers may now meet this error and want to handle it.
      const what = quotedDescription(newResponse);
      changes.push(change('readers', false, 'status-added', `${label} added${what}`));
    } else if (oldResponse && !newResponse) {
      // The client simply never sees it any more.
      changes.push(change('readers', false, 'status-removed', `${label} removed`));
    } else if (oldResponse && newResponse) {
      const subject = `${label} body`;
      const site = { ...docs, audience: 'readers' as const, where: label, subject, changes };
      diffContent(site, oldResponse.content, newResponse.content);
    }
  }
  return changes;
}

function quotedDescription(response: Json): string {
  return typeof response.description === 'string' && response.description !== ''
    ? ` (${JSON.stringify(response.description)})`
    : '';
}

/** Compares the media types of a request or response body, and the schema of each. */
function diffContent(site: SchemaSite, before: unknown, after: unknown): void {
  const oldContent = isObject(before) ? before : {};
  const newContent = isObject(after) ? after : {};
  for (const mediaType of unique([...Object.keys(oldContent), ...Object.keys(newContent)])) {
    const oldMedia = oldContent[mediaType];
    const newMedia = newContent[mediaType];
    const label = `${site.where}: media type "${mediaType}"`;
    if (oldMedia === undefined) {
      // A new format is negotiated (Accept), so neither side meets it unless it asks.
      site.changes.push(change(site.audience, false, 'media-type-added', `${label} added`));
    } else if (newMedia === undefined) {
      // Callers can no longer send it; readers no longer get the body they parse.
      site.changes.push(change(site.audience, true, 'media-type-removed', `${label} removed`));
    } else {
      const suffix = mediaType === 'application/json' ? '' : ` (${mediaType})`;
      const inner = { ...site, where: site.where + suffix, subject: site.subject + suffix };
      compareSchemas(inner, '', schemaOf(oldMedia), schemaOf(newMedia));
    }
  }
}

function schemaOf(media: unknown): unknown {
  return isObject(media) ? media.schema : undefined;
}

// ---------------------------------------------------------------------------------------------
// Schemas, reduced to what a client's types depend on

/**
 * A schema flattened into the constraints that matter here: which JSON types, which enum
 * values, which format, and for objects and arrays what is inside. `anyOf`/`oneOf` become a
 * union, `allOf` an intersection, `nullable: true` (OpenAPI 3.0) adds `null`.
 */
interface Shape {
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
function shapeOf(doc: OpenAPIDocument, raw: unknown, followed = new Set<string>()): Shape {
  const ref = isObject(raw) && typeof raw.$ref === 'string' ? raw.$ref : undefined;
  if (ref !== undefined) {
    // A schema made of itself (`A: {anyOf: [$ref A]}`) says nothing more; stop there.
    if (followed.has(ref)) return anyShape();
    followed = new Set([...followed, ref]);
  }
  const schema = raw === undefined ? {} : deref<unknown>(doc, raw);
  if (schema === false) return { ...anyShape(), types: new Set() };
  if (!isObject(schema)) return anyShape();
  let shape = ownShape(schema);
  const variants = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(variants)) {
    shape = intersect(shape, union(variants.map((variant) => shapeOf(doc, variant, followed))));
  }
  for (const part of asArray(schema.allOf)) shape = intersect(shape, shapeOf(doc, part, followed));
  if (ref !== undefined) shape.refs.add(ref);
  return shape;
}

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
    properties: new Map(Object.entries(isObject(schema.properties) ? schema.properties : {})),
    required: new Set(asArray(schema.required).filter((name) => typeof name === 'string')),
    items: schema.items,
    refs: new Set(),
  };
}

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
function union(shapes: Shape[]): Shape {
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
function intersect(a: Shape, b: Shape): Shape {
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
function mergeProperties(shapes: Shape[], combinator: 'anyOf' | 'allOf'): Map<string, unknown> {
  const merged = new Map<string, unknown>();
  const names = unique(shapes.flatMap((shape) => [...shape.properties.keys()]));
  for (const name of names) {
    const schemas = shapes.filter((s) => s.properties.has(name)).map((s) => s.properties.get(name));
    merged.set(name, mergeSchemas(schemas, combinator));
  }
  return merged;
}

function mergeSchemas(schemas: unknown[], combinator: 'anyOf' | 'allOf'): unknown {
  if (schemas.length <= 1) return schemas[0];
  return { [combinator]: schemas };
}

function isOnlyNull(shape: Shape): boolean {
  return shape.types.size === 1 && shape.types.has('null');
}

/** `number` includes `integer`, so integer -> number widens and number -> integer narrows. */
function covers(types: Set<JsonType>, type: JsonType): boolean {
  return types.has(type) || (type === 'integer' && types.has('number'));
}

// ---------------------------------------------------------------------------------------------
// Schema comparison: one function per concern

/** Where a schema sits, whom its changes reach, and where to put them. */
interface SchemaSite extends Docs {
  audience: Audience;
  /** Prefix for changes inside the schema, e.g. `response 200`. */
  where: string;
  /** Name of the schema as a whole, e.g. `response 200 body` or `query parameter "q"`. */
  subject: string;
  changes: Change[];
}

/**
 * The `$ref`s of the schemas being compared further up. Meeting the same ones again means a
 * recursive schema (a tree node, a linked list): its changes are reported at the first level.
 */
const ancestors: string[] = [];

function compareSchemas(site: SchemaSite, path: string, oldRaw: unknown, newRaw: unknown): void {
  const before = shapeOf(site.oldDoc, oldRaw);
  const after = shapeOf(site.newDoc, newRaw);
  compareTypes(site, path, before, after);
  compareEnums(site, path, before, after);
  compareFormats(site, path, before, after);

  const key = `${[...before.refs].sort().join()} -> ${[...after.refs].sort().join()}`;
  const recursive = (before.refs.size > 0 || after.refs.size > 0) && ancestors.includes(key);
  if (recursive || ancestors.length >= MAX_DEPTH) return;
  ancestors.push(key);
  try {
    // Once the type itself changed, the properties or items of the old type are moot.
    if (before.types.has('object') && after.types.has('object')) {
      compareProperties(site, path, before, after);
    }
    if (before.types.has('array') && after.types.has('array')) {
      compareSchemas(site, `${path}[]`, before.items, after.items);
    }
  } finally {
    ancestors.pop();
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

// ---------------------------------------------------------------------------------------------
// Small helpers

function change(
  audience: Audience,
  breaking: boolean,
  kind: string,
  message: string,
  path?: string,
): Change {
  return path === undefined
    ? { audience, breaking, kind, message }
    : { audience, breaking, kind, message, path };
}

function showTypes(types: Set<JsonType>): string {
  if (JSON_TYPES.every((type) => types.has(type))) return 'any';
  if (types.size === 0) return 'nothing';
  return JSON_TYPES.filter((type) => types.has(type)).join(' | ');
}

function showValues(values: unknown[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}

function isJsonType(value: unknown): value is JsonType {
  return (JSON_TYPES as readonly unknown[]).includes(value);
}

function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function uniqueValues(values: unknown[]): unknown[] {
  return values.filter((value, i) => values.findIndex((other) => sameValue(value, other)) === i);
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Follows `$ref`s; anything that is not an object reads as an empty one. */
function resolve(doc: OpenAPIDocument, value: unknown): Json {
  const resolved = deref<unknown>(doc, value as Json);
  return isObject(resolved) ? resolved : {};
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// Output

/** The report for humans: one block per operation, one line per change, a summary at the end. */
export function formatReport(report: SpecDiffReport): string {
  if (report.operations.length === 0) return 'No changes to any operation.\n';
  const lines: string[] = [];
  for (const operation of report.operations) {
    lines.push(operation.key);
    for (const c of operation.changes) {
      lines.push(
        `  ${(c.breaking ? 'BREAKING' : 'ok').padEnd(8)}  ${c.audience.padEnd(7)}  ${c.message}`,
      );
    }
    lines.push('');
  }
  lines.push(summary(report));
  return lines.join('\n') + '\n';
}

function summary(report: SpecDiffReport): string {
  const all = report.operations.flatMap((operation) => operation.changes);
  const breaking = all.filter((c) => c.breaking);
  const count = (audience: Audience) => breaking.filter((c) => c.audience === audience).length;
  const ops = report.operations.length;
  const head = `${all.length} ${plural(all.length, 'change')} in ${ops} ${plural(ops, 'operation')}`;
  if (breaking.length === 0) return `${head}, none breaking.`;
  return `${head}, ${breaking.length} breaking (callers: ${count('callers')}, readers: ${count('readers')}).`;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 2) throw new Error('usage: spec-diff <old> <new> [--json]');
  const [oldDoc, newDoc] = await Promise.all(positionals.map((file) => loadSpec(file)));
  const report = diffSpecs(oldDoc!, newDoc!);
  process.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
  return report.breaking ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // One line: YAML parse errors carry a multi-line excerpt of the file.
      const message = error instanceof Error ? error.message : String(error);
      console.error(`spec-diff: ${message.split('\n')[0]}`);
      process.exitCode = 2;
    },
  );
}
