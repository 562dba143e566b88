/**
 * Checks a response body against the schema the spec documents for its status, and describes
 * every difference in plain words. The checks themselves are generated
 * (`src/generated/validators/<resource>.js`, compiled from the spec at codegen time and loaded
 * per resource); this file only finds the right one and turns its findings into
 * {@link ResponseMismatch}es.
 */
import { formatMismatches, type ResponseMismatch } from './errors.js';
import { escapePointer, unescapePointer } from './json-pointer.js';
import {
  loadValidator,
  validatorFor,
  type OperationKey,
  type ResponseValidationError,
  type ResponseValidator,
} from './operations.js';

export { formatMismatches, type ResponseMismatch };

/**
 * Compares `body` with the schema documented for `status` of operation `key`, loading that
 * operation's validators on first use. Resolves to every mismatch found, or `[]` when the body
 * conforms or the spec documents no JSON body for that status. Properties the spec does not
 * list are always accepted.
 */
export async function validateResponse(
  key: OperationKey | string,
  status: number,
  body: unknown,
): Promise<ResponseMismatch[]> {
  return checkResponse(await loadValidator(key, status), body);
}

/**
 * {@link validateResponse} for many bodies of one kind (a stream's events): asynchronous only
 * until the validator is loaded, then a plain call per body, with no promise to await.
 */
export function responseChecker(
  key: OperationKey | string,
  status: number,
): (body: unknown) => ResponseMismatch[] | Promise<ResponseMismatch[]> {
  let loaded: { validate: ResponseValidator | undefined } | undefined;
  return (body) =>
    loaded
      ? checkResponse(loaded.validate, body)
      : loadValidator(key, status).then((validate) => {
          loaded = { validate };
          return checkResponse(validate, body);
        });
}

/**
 * {@link validateResponse}, synchronously, for tools that called `loadAllValidators()` first
 * (the stand-in, the contract tests); throws when the validators are not loaded.
 */
export function validateLoadedResponse(
  key: OperationKey | string,
  status: number,
  body: unknown,
): ResponseMismatch[] {
  return checkResponse(validatorFor(key, status), body);
}

/** Runs an already loaded validator (none: nothing to check) and describes what failed. */
export function checkResponse(
  validate: ResponseValidator | undefined,
  body: unknown,
): ResponseMismatch[] {
  if (!validate || validate(body)) return [];
  return describeErrors(validate.errors ?? [], body);
}

/**
 * Turns the errors a generated validator left in its `errors` property into mismatches.
 * `body` is the value that was validated; the `actual` texts are read from it.
 */
export function describeErrors(
  errors: readonly ResponseValidationError[],
  body: unknown,
): ResponseMismatch[] {
  const out: Item[] = [];
  for (const error of errors) {
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf') out.push(...foldUnion(out, error));
    else out.push(toItem(error));
  }
  // Alternatives of a union often agree on a part ("call_id: type string"); say it once.
  const seen = new Set<string>();
  const unique = out.filter(({ pointer, expected }) => {
    const id = JSON.stringify([pointer, expected]);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  return unique.map(({ pointer, expected, missing }) => ({
    pointer,
    expected,
    actual: missing ? 'missing' : render(valueAt(body, pointer)),
  }));
}

interface Item {
  pointer: string;
  expected: string;
  missing?: boolean;
  /** The JSON types a failed `type` check wanted, kept so union alternatives can be merged. */
  types?: string[];
}

function toItem(error: ResponseValidationError): Item {
  const { instancePath, keyword, params } = error;
  switch (keyword) {
    case 'required':
      // Point at the absent property itself, not at the object that lacks it.
      return {
        pointer: `${instancePath}/${escapePointer(String(params.missingProperty))}`,
        expected: 'required property',
        missing: true,
      };
    case 'type': {
      const types = ([] as unknown[]).concat(params.type).map(String);
      return { pointer: instancePath, expected: `type ${types.join(' or ')}`, types };
    }
  }
  return { pointer: instancePath, expected: expectation(error) };
}

function expectation({ keyword, params }: ResponseValidationError): string {
  switch (keyword) {
    case 'const':
      return JSON.stringify(params.allowedValue);
    case 'enum': {
      const values = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      return values.length === 1 ? values[0]! : `one of ${values.join(', ')}`;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `a number ${String(params.comparison)} ${String(params.limit)}`;
    case 'multipleOf':
      return `a multiple of ${String(params.multipleOf)}`;
    case 'minLength':
      return `at least ${String(params.limit)} characters`;
    case 'maxLength':
      return `at most ${String(params.limit)} characters`;
    case 'minItems':
      return `at least ${String(params.limit)} items`;
    case 'maxItems':
      return `at most ${String(params.limit)} items`;
    case 'minProperties':
      return `at least ${String(params.limit)} properties`;
    case 'maxProperties':
      return `at most ${String(params.limit)} properties`;
    case 'pattern':
      return `a string matching /${String(params.pattern)}/`;
    case 'uniqueItems':
      return `unique items (items ${String(params.j)} and ${String(params.i)} are equal)`;
    case 'anyOf':
      return 'a match for one of the anyOf schemas';
    case 'oneOf':
      return Array.isArray(params.passingSchemas)
        ? `exactly one oneOf schema to match (${params.passingSchemas.join(' and ')} both do)`
        : 'a match for exactly one of the oneOf schemas';
    case 'false schema':
      return 'no value (the schema allows nothing here)';
  }
  return `${keyword} ${JSON.stringify(params)}`;
}

/**
 * Ajv reports a failed `anyOf`/`oneOf` after the failures of every alternative, which on their
 * own read as contradictions ("type boolean", "type null"). This takes those failures back off
 * `out` and returns what is worth saying instead:
 * - when every alternative failed at the union's own pointer (the value is of the wrong kind),
 *   one item listing the alternatives: `type boolean or null`;
 * - when some alternative failed deeper inside the value (the value is of the right kind but
 *   has a bad part), those deeper failures, which are the ones to fix.
 */
function foldUnion(out: Item[], union: ResponseValidationError): Item[] {
  const pointer = union.instancePath;
  // The alternatives' failures come right before the union's own error, all inside its value.
  let start = out.length;
  while (start > 0 && isWithin(out[start - 1]!.pointer, pointer)) start--;
  const alternatives = out.splice(start);
  // When several alternatives matched, what they said about each other is beside the point.
  if (union.keyword === 'oneOf' && Array.isArray(union.params.passingSchemas)) {
    return [toItemOf(union)];
  }
  const deeper = alternatives.filter((item) => item.pointer !== pointer);
  if (deeper.length > 0) return deeper;
  if (alternatives.length === 0) return [toItemOf(union)];
  if (alternatives.every((item) => item.types)) {
    const types = [...new Set(alternatives.flatMap((item) => item.types!))];
    return [{ pointer, expected: `type ${types.join(' or ')}`, types }];
  }
  const expected = [...new Set(alternatives.map((item) => item.expected))].join(' or ');
  return [{ pointer, expected }];
}

function toItemOf(error: ResponseValidationError): Item {
  return { pointer: error.instancePath, expected: expectation(error) };
}

/** Whether `pointer` is `parent` or lies inside it. */
function isWithin(pointer: string, parent: string): boolean {
  return pointer === parent || pointer.startsWith(`${parent}/`);
}

function valueAt(body: unknown, pointer: string): unknown {
  if (pointer === '') return body;
  let node = body;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = unescapePointer(raw);
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, segment))
      return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** `number 12`, `string "abc"`, `null`, `array (3 items)`, `object`. */
function render(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array (${value.length} item${value.length === 1 ? '' : 's'})`;
  switch (typeof value) {
    case 'string':
      return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'object':
      return 'object';
  }
  return typeof value;
}
