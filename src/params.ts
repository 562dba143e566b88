/**
 * Checks a call's `params` against the spec's parameter list (from `src/generated/operations.ts`)
 * and splits them into path and query values. Anything wrong is refused here, before a request
 * exists, so a bad value can never reach the network.
 */
import { InvalidParameterError } from './errors.js';
import type { operationManifest } from './generated/operations.js';

type Manifest = typeof operationManifest;
/** An operation's key in the manifest, e.g. `'GET /wallet/{user_id}/api-credit'`. */
export type OperationKey = keyof Manifest;
type ParameterSpec = {
  readonly in: 'path' | 'query';
  readonly required: boolean;
  readonly types?: readonly string[];
  readonly default?: unknown;
};
/** What the manifest says about one operation. */
export interface OperationSpec {
  readonly method: string;
  readonly path: string;
  readonly parameters: Readonly<Record<string, ParameterSpec>>;
}

/** Path and query values ready for openapi-fetch. */
export interface PreparedParams {
  path: Record<string, string>;
  query: Record<string, unknown>;
}

// A lone UTF-16 surrogate cannot be percent-encoded (encodeURIComponent throws URIError).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function prepareParams(operation: OperationSpec, params: unknown): PreparedParams {
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

  const prepared: PreparedParams = { path: {}, query: {} };
  for (const [name, spec] of Object.entries(known)) {
    let value = given[name];
    if (value === undefined && spec.in === 'path') value = spec.default;
    if (value === undefined) {
      if (spec.required) {
        throw new InvalidParameterError(name, `Missing required parameter "${name}".`);
      }
      continue;
    }
    checkType(name, value, spec);
    if (spec.in === 'path') prepared.path[name] = checkPathSegment(name, value);
    else prepared.query[name] = value;
  }
  return prepared;
}

function checkType(name: string, value: unknown, spec: ParameterSpec): void {
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
