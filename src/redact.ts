/**
 * Keeps the API key out of everything the package composes from a response. The client makes
 * one {@link Redactor} per key and passes every body, header and foreign error message through
 * it *before* any message is built from them, so no later step can leak what it never saw.
 */

/** The text that stands where the key was. */
export const REDACTED = '[redacted]';

/** JSON bodies nested deeper than this are kept as text: nothing walks them recursively. */
export const MAX_JSON_DEPTH = 128;

// Keys at least this long are secret wherever they stand; a shorter one (a test key such as
// 'e') only where it stands as a whole token, so that innocent words keep their letters.
const ANYWHERE_LENGTH = 16;
const TOKEN_CHAR = '[A-Za-z0-9\\-_.~]';

/** Removes one secret from text, values and headers. */
export interface Redactor {
  /** The text with every occurrence of the secret (raw or percent-encoded) replaced. */
  text(text: string): string;
  /**
   * A copy of a parsed JSON value with every string (and property name) passed through
   * {@link Redactor.text}; the value itself when it holds no secret. Iterative, so any depth
   * is safe.
   */
  value<T>(value: T): T;
  /** The headers themselves when no value holds the secret, else a redacted copy. */
  headers(headers: Headers): Headers;
}

/** Makes the redactor for `secret`; with no secret (`null`, a keyless client) it changes nothing. */
export function redactor(secret: string | null): Redactor {
  if (secret === null || secret === '') {
    return { text: (text) => text, value: (value) => value, headers: (headers) => headers };
  }
  // Each character of the key may stand as itself, percent-encoded (either case of hex) or as
  // a JSON `\u00XX` escape, in any mix: an echo that encodes the key is still the key.
  const alternatives = [...secret].map(encodedChar).join('');
  const pattern =
    secret.length >= ANYWHERE_LENGTH
      ? new RegExp(alternatives, 'g')
      : // Not inside a longer token, except right after a percent escape (`Bearer%20e`).
        new RegExp(
          `(?:(?<=%[0-9A-Fa-f]{2})|(?<!${TOKEN_CHAR}))(?:${alternatives})(?!${TOKEN_CHAR})`,
          'g',
        );
  // A cheap test first: most text holds neither the raw key nor any escape.
  const mayContain = (text: string) =>
    text.includes(secret) || text.includes('%') || text.includes('\\u');
  const text = (input: string): string =>
    mayContain(input) ? input.replace(pattern, REDACTED) : input;
  return {
    text,
    value: <T>(value: T) => mapStrings(value, text),
    headers(headers) {
      let found = false;
      headers.forEach((value) => (found ||= mayContain(value)));
      if (!found) return headers;
      const copy = new Headers();
      headers.forEach((value, name) => copy.append(name, text(value)));
      return copy;
    },
  };
}

/**
 * How deeply `value` nests arrays and objects (a scalar is 0), counting no further than
 * `limit + 1`. Iterative: a hostile 100 000-level body cannot overflow the stack here.
 */
export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth + 1 > deepest) deepest = depth + 1;
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Copies `value` with `map` applied to every string and property name, without recursion. */
function mapStrings<T>(value: T, map: (text: string) => string): T {
  if (typeof value === 'string') return map(value) as T;
  if (typeof value !== 'object' || value === null) return value;
  // Only copy when something changes: most bodies hold no secret.
  if (!containsChange(value, map)) return value;
  const root: { v: unknown } = { v: undefined };
  const stack: [unknown, Record<string, unknown> | unknown[], string | number][] = [
    [value, root as Record<string, unknown>, 'v'],
  ];
  while (stack.length > 0) {
    const [node, parent, slot] = stack.pop()!;
    let copy: unknown = node;
    if (typeof node === 'string') copy = map(node);
    else if (Array.isArray(node)) {
      const array: unknown[] = new Array(node.length);
      node.forEach((item, index) => stack.push([item, array, index]));
      copy = array;
    } else if (typeof node === 'object' && node !== null) {
      const object: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(node)) stack.push([item, object, map(key)]);
      copy = object;
    }
    // Defined, not assigned: a body's own "__proto__" key must stay a plain property.
    Object.defineProperty(parent, slot, {
      value: copy,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return root.v as T;
}

function containsChange(value: object, map: (text: string) => string): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === 'string') {
      if (map(node) !== node) return true;
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, item] of Object.entries(node)) {
        if (map(key) !== key) return true;
        stack.push(item);
      }
    }
  }
  return false;
}

/** A pattern for one character of the key: itself, `%XX` or `\u00XX`, hex in either case. */
function encodedChar(char: string): string {
  const hex = char.charCodeAt(0).toString(16).padStart(2, '0');
  const anyCase = [...hex].map((h) => (/[a-f]/.test(h) ? `[${h}${h.toUpperCase()}]` : h)).join('');
  return `(?:${escapeRegExp(char)}|%${anyCase}|\\\\u00${anyCase})`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
