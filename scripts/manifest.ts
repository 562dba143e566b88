/**
 * Emits `src/generated/operations.ts`: for each operation, where its parameters go and which
 * JSON types they accept. The client reads it at run time to route `params` into the path or
 * the query and to refuse a bad value before sending, so a parameter added to the spec works
 * after regeneration with no edit to the handwritten code.
 */
import { deref, HTTP_METHODS, type OpenAPIDocument } from './lib/openapi.js';

const JSON_TYPES = ['string', 'number', 'integer', 'boolean', 'null', 'array', 'object'];

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
  in: 'path' | 'query';
  required: boolean;
  /** JSON types the value may have; absent when the schema is too rich to summarise. */
  types?: string[];
  default?: unknown;
}

export function buildOperationManifest(doc: OpenAPIDocument): string {
  const operations: Record<string, unknown> = {};
  for (const [route, rawItem] of Object.entries(doc.paths ?? {})) {
    const item = deref<Record<string, unknown>>(doc, rawItem);
    const shared = (item.parameters as ParameterObject[] | undefined) ?? [];
    for (const method of HTTP_METHODS) {
      const operation = item[method] as { parameters?: ParameterObject[] } | undefined;
      if (!operation) continue;
      operations[`${method.toUpperCase()} ${route}`] = {
        method: method.toUpperCase(),
        path: route,
        parameters: collectParameters(doc, [...shared, ...(operation.parameters ?? [])]),
      };
    }
  }
  return [
    '/** What the manifest says about one parameter. */',
    'export interface ParameterEntry {',
    "  readonly in: 'path' | 'query';",
    '  readonly required: boolean;',
    '  /** JSON types the value may have; absent when the schema is too rich to summarise. */',
    '  readonly types?: readonly string[];',
    '  readonly default?: unknown;',
    '}',
    '',
    '/** What the manifest says about one operation. */',
    'export interface OperationEntry {',
    '  readonly method: string;',
    '  readonly path: string;',
    '  readonly parameters: Readonly<Record<string, ParameterEntry>>;',
    '}',
    '',
    '/** Where each operation lives and which parameters it takes, as the spec says. */',
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
    // Headers and cookies are set through request options, not `params`.
    if (param.in !== 'path' && param.in !== 'query') continue;
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
