/**
 * Writing an OpenAPI document as YAML in a fixed order, so the same content always gives the
 * same bytes:
 *   - OpenAPI objects list their fields in the specification's conventional order (see SHAPES;
 *     for the document: openapi, info, servers, security, tags, paths, components). A `$ref`
 *     comes first; fields not in the table (extensions such as `x-...`) follow, sorted by name.
 *   - `paths` and each `components` map are sorted by name, `responses` by status code
 *     (`default` last): their upstream order carries no meaning.
 *   - Other maps keep the upstream order: schema `properties` follow the declaration order of
 *     the upstream model (and so do the generated types), `content` lists the preferred media
 *     type first.
 *   - Values that are data (`example`, `default`, `enum`, extensions) are written as they are.
 */
import { stringify as stringifyYaml } from 'yaml';
import { isPlainObject } from './json.js';
import { HTTP_METHODS, TOP_LEVEL_FIELDS, type OpenAPIDocument } from './openapi.js';

/** What sits under a field: an OpenAPI object, a list or a map of them, or plain data. */
type Child = Kind | { list: Child } | { map: Child; sort?: 'name' | 'status' };
type Kind = ObjectKind | 'data';
type ObjectKind =
  | 'document'
  | 'plain'
  | 'info'
  | 'tag'
  | 'server'
  | 'components'
  | 'pathItem'
  | 'operation'
  | 'parameter'
  | 'requestBody'
  | 'mediaType'
  | 'encoding'
  | 'response'
  | 'header'
  | 'example'
  | 'securityScheme'
  | 'schema';
interface Shape {
  order: string[];
  fields: Record<string, Child>;
}

/** Conventional field order of each OpenAPI object, and the kind of each nested field. */
const SHAPES: Record<ObjectKind, Shape> = {
  document: {
    order: [...TOP_LEVEL_FIELDS, 'paths', 'components'],
    fields: {
      info: 'info',
      servers: { list: 'server' },
      tags: { list: 'tag' },
      externalDocs: 'plain',
      paths: { map: 'pathItem', sort: 'name' },
      components: 'components',
    },
  },
  /** Small objects (contact, license, discriminator, ...): fields sorted by name. */
  plain: { order: [], fields: {} },
  info: {
    order: ['title', 'summary', 'description', 'termsOfService', 'contact', 'license', 'version'],
    fields: { contact: 'plain', license: 'plain' },
  },
  tag: { order: ['name', 'description', 'externalDocs'], fields: { externalDocs: 'plain' } },
  server: { order: ['url', 'description', 'variables'], fields: { variables: { map: 'plain' } } },
  components: {
    order: [
      'schemas',
      'responses',
      'parameters',
      'examples',
      'requestBodies',
      'headers',
      'securitySchemes',
      'links',
      'callbacks',
      'pathItems',
    ],
    fields: {
      schemas: { map: 'schema', sort: 'name' },
      responses: { map: 'response', sort: 'name' },
      parameters: { map: 'parameter', sort: 'name' },
      examples: { map: 'example', sort: 'name' },
      requestBodies: { map: 'requestBody', sort: 'name' },
      headers: { map: 'header', sort: 'name' },
      securitySchemes: { map: 'securityScheme', sort: 'name' },
      links: { map: 'plain', sort: 'name' },
      callbacks: { map: { map: 'pathItem' }, sort: 'name' },
      pathItems: { map: 'pathItem', sort: 'name' },
    },
  },
  pathItem: {
    order: ['summary', 'description', 'servers', 'parameters', ...HTTP_METHODS],
    fields: {
      servers: { list: 'server' },
      parameters: { list: 'parameter' },
      ...Object.fromEntries(HTTP_METHODS.map((method) => [method, 'operation'] as const)),
    },
  },
  operation: {
    order: [
      'tags',
      'summary',
      'description',
      'externalDocs',
      'operationId',
      'parameters',
      'requestBody',
      'responses',
      'callbacks',
      'deprecated',
      'security',
      'servers',
    ],
    fields: {
      externalDocs: 'plain',
      parameters: { list: 'parameter' },
      requestBody: 'requestBody',
      responses: { map: 'response', sort: 'status' },
      callbacks: { map: { map: 'pathItem' } },
      servers: { list: 'server' },
    },
  },
  parameter: {
    order: [
      'name',
      'in',
      'description',
      'required',
      'deprecated',
      'allowEmptyValue',
      'style',
      'explode',
      'allowReserved',
      'schema',
      'example',
      'examples',
      'content',
    ],
    fields: {
      schema: 'schema',
      examples: { map: 'example' },
      content: { map: 'mediaType' },
    },
  },
  requestBody: {
    order: ['description', 'content', 'required'],
    fields: { content: { map: 'mediaType' } },
  },
  mediaType: {
    order: ['schema', 'example', 'examples', 'encoding'],
    fields: { schema: 'schema', examples: { map: 'example' }, encoding: { map: 'encoding' } },
  },
  encoding: {
    order: ['contentType', 'headers', 'style', 'explode', 'allowReserved'],
    fields: { headers: { map: 'header' } },
  },
  response: {
    order: ['description', 'headers', 'content', 'links'],
    fields: { headers: { map: 'header' }, content: { map: 'mediaType' }, links: { map: 'plain' } },
  },
  header: {
    order: ['description', 'required', 'deprecated', 'style', 'explode', 'schema', 'example'],
    fields: { schema: 'schema', examples: { map: 'example' }, content: { map: 'mediaType' } },
  },
  example: { order: ['summary', 'description', 'value', 'externalValue'], fields: {} },
  securityScheme: {
    order: ['type', 'description', 'name', 'in', 'scheme', 'bearerFormat', 'flows'],
    fields: { flows: 'plain' },
  },
  // JSON Schema: identity, annotations, type, composition, then object, array, string and
  // number keywords, examples last.
  schema: {
    order: [
      '$schema',
      '$id',
      '$anchor',
      '$dynamicAnchor',
      '$dynamicRef',
      '$comment',
      'title',
      'description',
      'type',
      'format',
      'contentMediaType',
      'contentEncoding',
      'const',
      'enum',
      'default',
      'nullable',
      'deprecated',
      'readOnly',
      'writeOnly',
      'discriminator',
      'allOf',
      'anyOf',
      'oneOf',
      'not',
      'if',
      'then',
      'else',
      'properties',
      'patternProperties',
      'additionalProperties',
      'unevaluatedProperties',
      'propertyNames',
      'required',
      'dependentRequired',
      'dependentSchemas',
      'minProperties',
      'maxProperties',
      'prefixItems',
      'items',
      'contains',
      'minContains',
      'maxContains',
      'unevaluatedItems',
      'minItems',
      'maxItems',
      'uniqueItems',
      'minLength',
      'maxLength',
      'pattern',
      'minimum',
      'exclusiveMinimum',
      'maximum',
      'exclusiveMaximum',
      'multipleOf',
      'example',
      'examples',
      'externalDocs',
      'xml',
      '$defs',
    ],
    fields: {
      discriminator: 'plain',
      allOf: { list: 'schema' },
      anyOf: { list: 'schema' },
      oneOf: { list: 'schema' },
      not: 'schema',
      if: 'schema',
      then: 'schema',
      else: 'schema',
      properties: { map: 'schema' },
      patternProperties: { map: 'schema' },
      additionalProperties: 'schema',
      unevaluatedProperties: 'schema',
      propertyNames: 'schema',
      dependentSchemas: { map: 'schema' },
      prefixItems: { list: 'schema' },
      items: 'schema',
      contains: 'schema',
      unevaluatedItems: 'schema',
      externalDocs: 'plain',
      xml: 'plain',
      $defs: { map: 'schema', sort: 'name' },
    },
  },
};

/** The document as YAML, with keys in the order described at the top of this file. */
export function toYaml(doc: OpenAPIDocument): string {
  // Maps, not objects: a JS object lists integer-like keys ('200') first, whatever the order.
  return stringifyYaml(ordered(doc, 'document'), {
    singleQuote: true,
    lineWidth: 0, // never fold long descriptions: a changed word would rewrap a paragraph
    aliasDuplicateObjects: false,
  });
}

/** `value` as Maps in the order `child` prescribes, recursively; data is left as it is. */
function ordered(value: unknown, child: Child): unknown {
  if (Array.isArray(value)) {
    const item = typeof child === 'object' && 'list' in child ? child.list : 'data';
    return value.map((entry) => ordered(entry, item));
  }
  if (!isPlainObject(value) || child === 'data' || (typeof child === 'object' && 'list' in child)) {
    return value;
  }
  if (typeof child === 'object') {
    const keys = Object.keys(value);
    if (child.sort === 'name') keys.sort(byName);
    if (child.sort === 'status') keys.sort(byStatus);
    return new Map(keys.map((key) => [key, ordered(value[key], child.map)]));
  }
  const shape = SHAPES[child];
  const rank = (key: string) => {
    const index = ['$ref', ...shape.order].indexOf(key);
    return index === -1 ? Infinity : index;
  };
  const keys = Object.keys(value).sort((a, b) => rank(a) - rank(b) || byName(a, b));
  return new Map(keys.map((key) => [key, ordered(value[key], shape.fields[key] ?? 'data')]));
}

/** Code-unit order: the same on every machine, unlike `localeCompare`. */
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** `200` < `2XX` < `401` < `default`. */
const byStatus = (a: string, b: string) =>
  Number(a === 'default') - Number(b === 'default') || byName(a, b);
