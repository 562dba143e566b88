/**
 * Builds a minimal body that a generated validator accepts, by trial: the package ships the
 * compiled validators but not the schemas, so the validator's own complaints (a required
 * property, a type, an enum, a length) say what to add next.
 */
import type { ResponseValidationError, ResponseValidator } from '../operations.js';
import { unescapePointer } from '../json-pointer.js';

// Enough for the deepest body of the spec; a schema the builder cannot satisfy stops here.
const MAX_STEPS = 2000;

/**
 * Fills `seed` (a deep copy is made) until `validate` accepts it, or throws naming the error
 * it could not fix. Deterministic: the same validator and seed give the same body.
 */
export function buildValidBody(validate: ResponseValidator, seed: unknown = {}): unknown {
  let body: unknown = structuredClone(seed);
  for (let step = 0; step < MAX_STEPS; step++) {
    if (validate(body)) return body;
    const errors = validate.errors ?? [];
    // The first error belongs to the first anyOf/oneOf branch, so fixing errors in order
    // steers toward the first branch, as a minimal instance should.
    const fix = errors.map((error) => fixFor(error, body)).find((f) => f !== undefined);
    if (!fix) {
      throw new Error(`cannot build a valid body: ${JSON.stringify(errors.slice(0, 3))}`);
    }
    body = setAt(body, fix.pointer, fix.value);
  }
  throw new Error('cannot build a valid body: the validator never settled');
}

interface Fix {
  pointer: string;
  value: unknown;
}

function fixFor(error: ResponseValidationError, body: unknown): Fix | undefined {
  const { instancePath: pointer, keyword, params } = error;
  const current = valueAt(body, pointer);
  switch (keyword) {
    case 'required': {
      const name = String(params.missingProperty);
      // null first: a nullable property stays null, any other answers with a `type` error.
      return { pointer: `${pointer}/${escape(name)}`, value: null };
    }
    case 'type': {
      const types = ([] as unknown[]).concat(params.type).map(String);
      const type = types.find((t) => t !== 'null') ?? 'null';
      return { pointer, value: sample(type, lastSegment(pointer)) };
    }
    case 'enum':
      return { pointer, value: (params.allowedValues as unknown[])[0] };
    case 'const':
      return { pointer, value: params.allowedValue };
    case 'minLength':
      return { pointer, value: String(current ?? '').padEnd(Number(params.limit), 'x') };
    case 'maxLength':
      return { pointer, value: String(current ?? '').slice(0, Number(params.limit)) };
    case 'minimum':
    case 'maximum':
      return { pointer, value: Number(params.limit) };
    case 'exclusiveMinimum':
      return { pointer, value: Number(params.limit) + 1 };
    case 'exclusiveMaximum':
      return { pointer, value: Number(params.limit) - 1 };
    case 'minItems':
      return Array.isArray(current) ? { pointer, value: [...current, null] } : undefined;
    case 'maxItems':
      return Array.isArray(current)
        ? { pointer, value: current.slice(0, Number(params.limit)) }
        : undefined;
  }
  return undefined;
}

const DATE = '2025-01-01T00:00:00Z';

/** A placeholder of `type`; a string named like a timestamp reads as one. */
function sample(type: string, name: string): unknown {
  switch (type) {
    case 'string':
      return /(_at|date|time)$/i.test(name) ? DATE : `stand-in-${name || 'value'}`;
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return {};
  }
  return null;
}

function escape(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1');
}

function lastSegment(pointer: string): string {
  const last = pointer.slice(pointer.lastIndexOf('/') + 1);
  return /^\d+$/.test(last) ? '' : unescapePointer(last);
}

function segments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map(unescapePointer);
}

function valueAt(body: unknown, pointer: string): unknown {
  let node = body;
  for (const segment of segments(pointer)) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** `body` with the value at `pointer` replaced; parents are made objects where missing. */
function setAt(body: unknown, pointer: string, value: unknown): unknown {
  const path = segments(pointer);
  if (path.length === 0) return value;
  const root = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  let node = root;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    if (typeof next !== 'object' || next === null) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  node[path.at(-1)!] = value;
  return root;
}
