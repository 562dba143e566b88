/**
 * Emits `src/generated/operations.ts`: for each operation, its name and resource, where its
 * parameters go and which JSON types they accept, its request body (encodings offered, binary
 * fields), what its success response is and whether it needs the API key. The client reads it
 * at run time, so an operation or parameter added to the spec works after regeneration with no
 * edit to the handwritten code.
 *
 * It refuses what it cannot route safely, so that a spec change forces a decision instead of a
 * silent misroute: an unknown success or body media type, a parameter and a body property with
 * the same name, an operation without a `resource.method` operationId, an unknown auth scheme.
 */
import { isPlainObject, type Json } from './lib/json.js';
import { deref, HTTP_METHODS, type OpenAPIDocument } from './lib/openapi.js';
import { isBinarySchema } from './lib/spec-patches.js';

const JSON_TYPES = ['string', 'number', 'integer', 'boolean', 'null', 'array', 'object'];

/** Request body media types the client can encode, and what the manifest calls them. */
export const BODY_ENCODINGS: Readonly<Record<string, BodyEncoding>> = {
  'application/json': 'json',
  'multipart/form-data': 'multipart',
  'application/msgpack': 'msgpack',
  'application/x-www-form-urlencoded': 'form',
};
type BodyEncoding = 'json' | 'multipart' | 'msgpack' | 'form';
type SuccessKind = 'json' | 'empty' | 'binary' | 'sse';

/** The kind of a success media type, or `undefined` when the client does not know it. */
export function successKind(mediaType: string): SuccessKind | undefined {
  if (mediaType === 'application/json') return 'json';
  if (mediaType === 'text/event-stream') return 'sse';
  if (
    mediaType === 'application/octet-stream' ||
    /^(audio|video|image)\/[\w.+*-]+$/.test(mediaType)
  )
    return 'binary';
  return undefined;
}

interface ParameterObject {
  name: string;
  in: string;
  required?: boolean;
  schema?: SchemaObject;
}
interface SchemaObject {
  type?: string | string[];
  anyOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  default?: unknown;
  $ref?: string;
}

interface ManifestParameter {
  in: 'path' | 'query' | 'header';
  required: boolean;
  types?: string[];
  default?: unknown;
}
interface ManifestBody {
  required: boolean;
  encodings: BodyEncoding[];
  binary: string[];
  holdsBytes: boolean;
  properties: string[];
}
interface ManifestOperation {
  method: string;
  path: string;
  name: string;
  resource: string;
  parameters: Record<string, ManifestParameter>;
  body?: ManifestBody;
  success: { status: number; kind: SuccessKind; mediaType?: string };
  auth: 'bearer' | 'none';
  pagination?: ManifestPagination;
}

/**
 * How an operation pages, detected from its shapes: `cursor` when it takes a `cursor` query
 * parameter and answers a `next_cursor`; `page` when it takes `page_number` and answers a
 * `total`. `items` is the answer's array property that holds the page's items.
 */
type ManifestPagination =
  | { style: 'cursor'; param: 'cursor'; next: 'next_cursor'; items: string }
  | { style: 'page'; param: 'page_number'; size: string; items: string; total: 'total' };

/** Every operation of `doc` as the manifest describes it, by `'METHOD /path'` key. */
export function describeOperations(doc: OpenAPIDocument): Record<string, ManifestOperation> {
  const operations: Record<string, ManifestOperation> = {};
  for (const [route, rawItem] of Object.entries(doc.paths ?? {})) {
    const item = deref<Record<string, unknown>>(doc, rawItem);
    const shared = (item.parameters as ParameterObject[] | undefined) ?? [];
    for (const method of HTTP_METHODS) {
      const operation = item[method] as Json | undefined;
      if (!operation) continue;
      const key = `${method.toUpperCase()} ${route}`;
      const fail = (problem: string): never => {
        throw new Error(`${key}: ${problem}`);
      };
      const name = operation.operationId;
      if (typeof name !== 'string' || !/^[a-z][A-Za-z0-9]*\.[a-z][A-Za-z0-9]*$/.test(name)) {
        fail(
          `the operationId must be "resource.method" (the spec:update name map), got ${JSON.stringify(name)}`,
        );
      }
      const parameters = collectParameters(doc, [
        ...shared,
        ...((operation.parameters as ParameterObject[] | undefined) ?? []),
      ]);
      const body = describeBody(doc, operation.requestBody, fail);
      for (const property of body?.properties ?? []) {
        if (Object.hasOwn(parameters, property)) {
          fail(`the parameter "${property}" and the body property "${property}" clash in params`);
        }
      }
      operations[key] = {
        method: method.toUpperCase(),
        path: route,
        name: name as string,
        resource: (name as string).split('.')[0]!,
        parameters,
        ...(body && { body }),
        success: describeSuccess(doc, operation.responses, fail),
        auth: authOf(doc, operation, fail),
      };
      const pagination = describePagination(doc, parameters, operation.responses);
      if (pagination) operations[key]!.pagination = pagination;
    }
  }
  return operations;
}

/** The generated module's source. */
export function buildOperationManifest(doc: OpenAPIDocument): string {
  const operations = describeOperations(doc);
  return [
    '/** How a request body is encoded on the wire. */',
    "export type BodyEncoding = 'json' | 'multipart' | 'msgpack' | 'form';",
    '',
    '/** What the manifest says about one parameter; header parameters keep their wire name. */',
    'export interface ParameterEntry {',
    "  readonly in: 'path' | 'query' | 'header';",
    '  readonly required: boolean;',
    '  /** JSON types the value may have; absent when the schema is too rich to summarise. */',
    '  readonly types?: readonly string[];',
    '  readonly default?: unknown;',
    '}',
    '',
    "/** What the manifest says about an operation's request body. */",
    'export interface RequestBodyEntry {',
    '  readonly required: boolean;',
    "  /** Encodings the (patched) spec offers, in the spec's order. */",
    '  readonly encodings: readonly BodyEncoding[];',
    '  /** Top-level body properties whose schema is binary (`format: binary`, or an array of such). */',
    '  readonly binary: readonly string[];',
    '  /** Whether any property, at any depth, is binary (then JSON cannot carry the body). */',
    '  readonly holdsBytes: boolean;',
    '  /** Every top-level body property name (to route params vs body and to detect clashes). */',
    '  readonly properties: readonly string[];',
    '}',
    '',
    '/** The success response: the lowest documented 2xx status and how its body is read. */',
    'export interface SuccessEntry {',
    '  readonly status: number;',
    "  readonly kind: 'json' | 'empty' | 'binary' | 'sse';",
    '  readonly mediaType?: string;',
    '}',
    '',
    '/** What the manifest says about one operation. */',
    'export interface OperationEntry {',
    '  readonly method: string;',
    '  readonly path: string;',
    "  /** `resource.method` from the checked-in name map, e.g. 'tts.convert', 'wallet.getApiCredit'. */",
    '  readonly name: string;',
    "  /** The resource, which is also the name of its validator module, e.g. 'tts', 'wallet'. */",
    '  readonly resource: string;',
    '  readonly parameters: Readonly<Record<string, ParameterEntry>>;',
    '  readonly body?: RequestBodyEntry;',
    '  readonly success: SuccessEntry;',
    "  readonly auth: 'bearer' | 'none';",
    '  /** How the operation pages, when it does (detected from its parameters and answer). */',
    '  readonly pagination?: PaginationEntry;',
    '}',
    '',
    '/** How a list operation pages: by cursor, or by page number (see scripts/manifest.ts). */',
    'export type PaginationEntry =',
    "  | { readonly style: 'cursor'; readonly param: 'cursor'; readonly next: 'next_cursor'; readonly items: string }",
    "  | { readonly style: 'page'; readonly param: 'page_number'; readonly size: string; readonly items: string; readonly total: 'total' };",
    '',
    '/** Every operation of the spec: where it lives, what it takes and what it answers. */',
    `export const operationManifest = ${JSON.stringify(operations, null, 2)} as const satisfies Record<string, OperationEntry>;`,
    '',
    "/** An operation's key, such as `'GET /wallet/{user_id}/api-credit'`. */",
    'export type OperationKey = keyof typeof operationManifest;',
    '',
  ].join('\n');
}

function collectParameters(
  doc: OpenAPIDocument,
  raw: ParameterObject[],
): Record<string, ManifestParameter> {
  const byName: Record<string, ManifestParameter> = {};
  for (const ref of raw) {
    const param = deref<ParameterObject>(doc, ref);
    // Cookies are not part of this API; anything else is routed by the client.
    if (param.in !== 'path' && param.in !== 'query' && param.in !== 'header') continue;
    const schema = param.schema ? deref<SchemaObject>(doc, param.schema) : undefined;
    const entry: ManifestParameter = {
      in: param.in,
      // OpenAPI says path parameters are always required; the upstream spec marks `user_id`
      // `required: false` with a default, which the client honours by filling in the default.
      required: param.in === 'path' ? true : param.required === true,
    };
    const types = schema && jsonTypes(doc, schema);
    if (types) entry.types = types;
    if (schema && 'default' in schema && schema.default !== null) entry.default = schema.default;
    byName[param.name] = entry;
  }
  return byName;
}

function describeBody(
  doc: OpenAPIDocument,
  raw: unknown,
  fail: (problem: string) => never,
): ManifestBody | undefined {
  if (raw === undefined) return undefined;
  const body = deref<Json>(doc, raw as Json);
  const content = isPlainObject(body.content) ? body.content : {};
  const encodings: BodyEncoding[] = [];
  const properties: string[] = [];
  const binary: string[] = [];
  let holdsBytes = false;
  for (const [mediaType, media] of Object.entries(content)) {
    const encoding = BODY_ENCODINGS[mediaType];
    if (!encoding) fail(`the request body media type ${mediaType} is not one the client can send`);
    encodings.push(encoding!);
    const schema = isPlainObject(media) ? deref<unknown>(doc, media.schema as Json) : undefined;
    const props =
      isPlainObject(schema) && isPlainObject(schema.properties) ? schema.properties : {};
    for (const [name, property] of Object.entries(props)) {
      if (!properties.includes(name)) properties.push(name);
      if (isBinarySchema(doc, property) && !binary.includes(name)) binary.push(name);
    }
    holdsBytes ||= holdsBinary(doc, schema, new Set());
  }
  if (encodings.length === 0) fail('the request body offers no media type');
  if (holdsBytes && !encodings.includes('multipart') && !encodings.includes('msgpack')) {
    fail('the request body holds bytes but offers neither multipart nor msgpack');
  }
  return { required: body.required === true, encodings, binary, holdsBytes, properties };
}

/** Whether `raw` or anything inside it is `format: binary`. */
function holdsBinary(doc: OpenAPIDocument, raw: unknown, seen: Set<unknown>): boolean {
  if (Array.isArray(raw)) return raw.some((item) => holdsBinary(doc, item, seen));
  if (!isPlainObject(raw) || seen.has(raw)) return false;
  seen.add(raw);
  if (typeof raw.$ref === 'string') return holdsBinary(doc, deref<unknown>(doc, raw), seen);
  if (raw.format === 'binary') return true;
  return Object.values(raw).some((value) => holdsBinary(doc, value, seen));
}

function describeSuccess(
  doc: OpenAPIDocument,
  raw: unknown,
  fail: (problem: string) => never,
): ManifestOperation['success'] {
  const responses = isPlainObject(raw) ? raw : {};
  const statuses = Object.keys(responses)
    .filter((status) => /^2\d\d$/.test(status))
    .map(Number)
    .sort((a, b) => a - b);
  const status = statuses[0] ?? fail('no 2xx response is documented');
  const response = deref<Json>(doc, responses[String(status)] as Json);
  const mediaTypes = Object.keys(isPlainObject(response.content) ? response.content : {});
  if (mediaTypes.length === 0) return { status, kind: 'empty' };
  if (mediaTypes.length > 1) fail(`the ${status} response offers several media types`);
  const mediaType = mediaTypes[0]!;
  const kind = successKind(mediaType) ?? fail(`the ${status} media type ${mediaType} is unknown`);
  return { status, kind, mediaType };
}

function describePagination(
  doc: OpenAPIDocument,
  parameters: Record<string, ManifestParameter>,
  responses: unknown,
): ManifestPagination | undefined {
  const success = isPlainObject(responses) ? responses['200'] : undefined;
  const content = success && deref<Json>(doc, success as Json).content;
  const media = isPlainObject(content) ? content['application/json'] : undefined;
  const schema = isPlainObject(media) && media.schema ? deref<Json>(doc, media.schema as Json) : {};
  const properties = isPlainObject(schema.properties) ? schema.properties : {};
  const query = (name: string) => parameters[name]?.in === 'query';
  // The page's items: the one array property of the answer.
  const arrays = Object.keys(properties).filter(
    (name) => deref<Json>(doc, properties[name] as Json).type === 'array',
  );
  if (arrays.length !== 1) return undefined;
  const items = arrays[0]!;
  if (query('cursor') && 'next_cursor' in properties) {
    return { style: 'cursor', param: 'cursor', next: 'next_cursor', items };
  }
  if (query('page_number') && query('page_size') && 'total' in properties) {
    return { style: 'page', param: 'page_number', size: 'page_size', items, total: 'total' };
  }
  return undefined;
}

function authOf(
  doc: OpenAPIDocument,
  operation: Json,
  fail: (problem: string) => never,
): 'bearer' | 'none' {
  const security = (operation.security ?? doc.security ?? []) as unknown[];
  const names = security.filter(isPlainObject).flatMap((requirement) => Object.keys(requirement));
  if (names.length === 0) return 'none';
  const schemes = (doc.components?.securitySchemes ?? {}) as Record<string, unknown>;
  for (const name of names) {
    const scheme =
      schemes[name] === undefined ? undefined : deref<Json>(doc, schemes[name] as Json);
    const bearer = scheme?.type === 'http' && String(scheme.scheme).toLowerCase() === 'bearer';
    if (!bearer) fail(`the security scheme "${name}" is not an HTTP bearer scheme`);
  }
  return 'bearer';
}

function jsonTypes(doc: OpenAPIDocument, schema: SchemaObject): string[] | undefined {
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type)) return [...schema.type];
  const variants = schema.anyOf ?? schema.oneOf;
  if (!variants) return undefined;
  const types: string[] = [];
  for (const variant of variants) {
    const inner = jsonTypes(doc, deref<SchemaObject>(doc, variant));
    if (!inner) return undefined;
    types.push(...inner);
  }
  return [...new Set(types)].filter((t) => JSON_TYPES.includes(t));
}
