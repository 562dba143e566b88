/**
 * Routes a call's one flat input object by the spec's own names: path, query and header
 * parameters by the manifest (`src/generated/operations.ts`), everything else into the request
 * body. Anything wrong is refused here, before a request exists, so a bad value never reaches
 * the network.
 */
import { createFinalURL, createQuerySerializer, defaultPathSerializer } from 'openapi-fetch';
import { InvalidParameterError } from '../errors.js';
import type { OperationEntry, ParameterEntry } from '../operations.js';
import { isUsableHeaderValue } from '../options.js';

// A lone UTF-16 surrogate cannot be percent-encoded (encodeURIComponent throws URIError).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const serializeQuery = createQuerySerializer();

/** A call's input, checked and routed. */
export interface PreparedRequest {
  /** The URL with path parameters (one percent-encoded segment each) and the query. */
  url: string;
  /** Header parameters, by their wire names. */
  headers: Record<string, string>;
  /** The body's properties, or `undefined` when the operation takes no body. */
  body: Record<string, unknown> | undefined;
}

/**
 * Checks `input` against the operation and routes each own property: a parameter of the spec
 * goes to the path, the query or a header; any other name is a body property when the
 * operation takes a body (and, when the spec lists its properties, one of them). Only own
 * properties count: nothing inherited, from a prototype or a polluted `Object.prototype`,
 * reaches the request.
 */
export function prepareRequest(
  baseUrl: string,
  operation: OperationEntry,
  input: unknown,
): PreparedRequest {
  if (input === undefined || input === null) input = {};
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidParameterError('params', 'params must be an object of parameter values.');
  }
  const given = input as Record<string, unknown>;
  const known = operation.parameters;
  const bodySpec = operation.body;
  // Prototype-free, because openapi-fetch's serialisers walk them with `for…in`.
  const path: Record<string, string> = Object.create(null);
  const query: Record<string, unknown> = Object.create(null);
  const headers: Record<string, string> = {};
  let body: Record<string, unknown> | undefined;

  for (const name of Object.keys(given)) {
    if (Object.hasOwn(known, name)) continue;
    const listed =
      bodySpec && (bodySpec.properties.length === 0 || bodySpec.properties.includes(name));
    if (!listed) {
      const expected =
        [...Object.keys(known), ...(bodySpec?.properties ?? [])].join(', ') || 'none';
      throw new InvalidParameterError(
        name,
        `Unknown parameter "${name}" for ${operation.method} ${operation.path} (expected: ${expected}).`,
      );
    }
    const value = given[name];
    if (value !== undefined) (body ??= {})[name] = value;
  }
  if (bodySpec) body ??= {};

  for (const name of Object.keys(known)) {
    const spec = known[name]!;
    let value = Object.hasOwn(given, name) ? given[name] : undefined;
    // Only path parameters take the spec's default: a missing segment cannot be left out,
    // while a missing query or header parameter lets the server apply its own default.
    if (value === undefined && spec.in === 'path') value = spec.default;
    if (value === undefined) {
      if (spec.required) {
        throw new InvalidParameterError(name, `Missing required parameter "${name}".`);
      }
      continue;
    }
    checkType(name, value, spec);
    if (spec.in === 'path') path[name] = checkPathSegment(name, value);
    else if (spec.in === 'header') {
      if (value === null) continue;
      headers[name] = checkHeaderValue(name, value);
    } else query[name] = value;
  }
  const url = createFinalURL(operation.path, {
    baseUrl,
    params: { path, query },
    querySerializer: serializeQuery,
    pathSerializer: defaultPathSerializer,
  });
  return { url, headers, body };
}

function checkHeaderValue(name: string, value: unknown): string {
  const text = String(value);
  if (!isUsableHeaderValue(text)) {
    throw new InvalidParameterError(
      name,
      `"${name}" is sent as a header and cannot hold line breaks or control characters.`,
    );
  }
  return text;
}

function checkType(name: string, value: unknown, spec: ParameterEntry): void {
  if (typeof value === 'string' && LONE_SURROGATE.test(value)) {
    throw new InvalidParameterError(name, `"${name}" contains an unpaired UTF-16 surrogate.`);
  }
  if (!spec.types || spec.types.some((type) => hasJsonType(value, type))) return;
  throw new InvalidParameterError(
    name,
    `"${name}" must be ${spec.types.join(' or ')}, got ${describe(value)}.`,
  );
}

function checkPathSegment(name: string, value: unknown): string {
  // A number the spec allows here (`version_number`, say) is written in its decimal form.
  if (typeof value === 'number') value = String(value);
  if (typeof value !== 'string') {
    throw new InvalidParameterError(name, `"${name}" must be a string, got ${describe(value)}.`);
  }
  // URL parsing resolves "." and ".." segments, which would send the call to another endpoint,
  // and an empty segment would collapse the path. Every other string is percent-encoded into
  // exactly one segment by openapi-fetch.
  if (value === '' || value === '.' || value === '..') {
    throw new InvalidParameterError(
      name,
      `"${name}" cannot be ${JSON.stringify(value)}: it would not address a single path segment.`,
    );
  }
  return value;
}

function hasJsonType(value: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return Number.isSafeInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
  return true;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  // A string is described, not quoted: a value in the wrong place may be a secret (a key
  // pasted into the wrong field), and a long one would flood the message.
  return typeof value === 'string' ? `a string of ${value.length} characters` : typeof value;
}
