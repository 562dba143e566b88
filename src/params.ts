/**
 * Checks a call's `params` against the spec's parameter list (from `src/generated/operations.ts`)
 * and splits them into path and query values. Anything wrong is refused here, before a request
 * exists, so a bad value can never reach the network.
 */
import { createFinalURL, createQuerySerializer, defaultPathSerializer } from 'openapi-fetch';
import { InvalidParameterError } from './errors.js';
import type { OperationEntry, ParameterEntry } from './operations.js';

// A lone UTF-16 surrogate cannot be percent-encoded (encodeURIComponent throws URIError).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const serializeQuery = createQuerySerializer();

/**
 * Checks `params` against the operation's parameter list and returns the request URL, with
 * path parameters percent-encoded into one segment each and query parameters serialised by
 * openapi-fetch. Only own properties count: nothing inherited, from a prototype or a polluted
 * `Object.prototype`, reaches the request.
 */
export function buildUrl(baseUrl: string, operation: OperationEntry, params: unknown): string {
  if (params === undefined || params === null) params = {};
  if (typeof params !== 'object' || Array.isArray(params)) {
    throw new InvalidParameterError('params', 'params must be an object of parameter values.');
  }
  const given = params as Record<string, unknown>;
  const known = operation.parameters;
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(known, name)) {
      const expected = Object.keys(known).join(', ') || 'none';
      throw new InvalidParameterError(
        name,
        `Unknown parameter "${name}" for ${operation.method} ${operation.path} (expected: ${expected}).`,
      );
    }
  }

  // Prototype-free, because openapi-fetch's serialisers walk them with `for…in`.
  const path: Record<string, string> = Object.create(null);
  const query: Record<string, unknown> = Object.create(null);
  for (const name of Object.keys(known)) {
    const spec = known[name]!;
    let value = Object.hasOwn(given, name) ? given[name] : undefined;
    if (value === undefined && spec.in === 'path') value = spec.default;
    if (value === undefined) {
      if (spec.required) {
        throw new InvalidParameterError(name, `Missing required parameter "${name}".`);
      }
      continue;
    }
    checkType(name, value, spec);
    if (spec.in === 'path') path[name] = checkPathSegment(name, value);
    else query[name] = value;
  }
  return createFinalURL(operation.path, {
    baseUrl,
    params: { path, query },
    querySerializer: serializeQuery,
    pathSerializer: defaultPathSerializer,
  });
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
  return typeof value === 'string' ? `the string ${JSON.stringify(value)}` : typeof value;
}
