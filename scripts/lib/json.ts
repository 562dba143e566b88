/** Small facts about JSON values that every script needs. */

/** A JSON object, as parsed from YAML or JSON. */
export type Json = Record<string, unknown>;

// "Is a plain object" is the library's rule too; one definition serves both.
export { isPlainObject } from '../../src/options.js';

// JSON Pointer escaping is shared with the library, which owns it.
export { escapePointer, unescapePointer } from '../../src/json-pointer.js';

/** The distinct values of `values`, in first-seen order (by identity). */
export function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** `undefined` -> `[]`, an array as it is, anything else as a one-element array. */
export function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Equality of two JSON values (key order counts, which is fine for enum members). */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The distinct JSON values of `values`, in first-seen order. */
export function uniqueValues(values: unknown[]): unknown[] {
  return values.filter((value, i) => values.findIndex((other) => sameValue(value, other)) === i);
}
