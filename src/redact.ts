/**
 * Keeps the API key out of everything the package composes from a response. The client makes
 * one {@link Redactor} per key and passes every body, header and foreign error message through
 * it *before* any message is built from them, so no later step can leak what it never saw. The
 * key is found raw, percent-encoded, JSON-escaped and base64-encoded (see `base64Pattern`).
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
  /** The text with every occurrence of the secret (raw, percent-encoded or base64) replaced. */
  text(text: string): string;
  /**
   * A copy of a parsed JSON value with every string (and property name) passed through
   * {@link Redactor.text}; the value itself when it holds no secret. Iterative, so any depth
   * is safe.
   */
  value<T>(value: T): T;
  /**
   * The headers themselves when no name or value holds the secret, else a redacted copy without
   * the headers whose name holds it.
   */
  headers(headers: Headers): Headers;
  /**
   * Whether text may hold the secret in a spelling {@link Redactor.text} finds: `false` means
   * `text` would return it unchanged, and so would every string cut from it. One scan, for the
   * happy path: redact only what may hold the key.
   */
  holds(text: string): boolean;
}

/** Makes the redactor for `secret`; with no secret (`null`, a keyless client) it changes nothing. */
export function redactor(secret: string | null): Redactor {
  if (secret === null || secret === '') {
    return {
      text: (text) => text,
      value: (value) => value,
      headers: (headers) => headers,
      holds: () => false,
    };
  }
  const plain = plainPattern(secret);
  const encoded = base64Pattern(secret);
  // The cheap test, which is all that text without the key costs. A match of `plain` is never
  // shorter than the key (an escape is longer than its character) and holds the raw key, a `%`
  // or a `\u`; a match of `encoded` holds one of its anchors, letters and digits written only
  // as themselves. One scan looks for the key and the anchors together.
  const literals = [secret, ...encoded.anchors];
  const shortest = Math.min(...literals.map((literal) => literal.length));
  const containsLiteral = literalScanner(literals);
  const hasEscape = (text: string) => text.includes('%') || text.includes('\\u');
  const mayContain = (text: string) =>
    text.length >= shortest && (hasEscape(text) || containsLiteral(text));
  const text = (input: string): string => {
    if (input.length < shortest) return input;
    const literal = containsLiteral(input);
    if (!literal && !hasEscape(input)) return input;
    const output = input.replace(plain, REDACTED);
    return literal ? output.replace(encoded.pattern, REDACTED) : output;
  };
  return {
    text,
    holds: mayContain,
    value: <T>(value: T) => mapStrings(value, text),
    headers(headers) {
      let found = false;
      headers.forEach((value, name) => (found ||= mayContain(value) || mayContain(name)));
      if (!found) return headers;
      const copy = new Headers();
      headers.forEach((value, name) => {
        // A header named after the key is left out: a name cannot be redacted and stay a name,
        // and error JSON and inspect show every name.
        if (text(name) === name) copy.append(name, text(value));
      });
      return copy;
    },
  };
}

/** The key as itself, percent-encoded or JSON-escaped, character by character in any mix. */
function plainPattern(secret: string): RegExp {
  // Each character of the key may stand as itself, percent-encoded (either case of hex) or as
  // a JSON `\u00XX` escape, in any mix: an echo that encodes the key is still the key.
  const alternatives = [...secret].map(encodedChar).join('');
  return secret.length >= ANYWHERE_LENGTH
    ? new RegExp(alternatives, 'g')
    : // Not inside a longer token, except right after a percent escape (`Bearer%20e`).
      new RegExp(
        `(?:(?<=%[0-9A-Fa-f]{2})|(?<!${TOKEN_CHAR}))(?:${alternatives})(?!${TOKEN_CHAR})`,
        'g',
      );
}

// Both base64 alphabets: standard (`+/`) and URL-safe (`-_`).
const BASE64_CHAR = '[A-Za-z0-9+/_-]';
const BASE64_PAD = '(?:=|%3[Dd])';

/**
 * The key base64-encoded, as a proxy echoes an `Authorization` header or a request dump:
 * standard or URL-safe alphabet, padded or not, `+`, `/` and `=` raw or percent-encoded (and
 * `/` JSON-escaped as `\/`, in a body kept as text).
 *
 * A key of at least {@link ANYWHERE_LENGTH} characters is found wherever its bytes stand in
 * the encoded data: alone, after `Bearer ` or `user:`, or deep inside a longer run such as an
 * encoded JSON dump. Its bytes start at one of three offsets within a 3-byte group, so there
 * are three encodings of it; in each, the characters made only of the key's bits (all but at
 * most one at either end) are the same whatever surrounds the key. Those "stable middles" are
 * searched for, and the one character on either side that mixes key bits with its neighbours'
 * is removed with them. A middle is at least 20 characters (120 bits) long, so ordinary text
 * or unrelated base64 (audio) never holds one by chance. Base64 broken into lines is not
 * searched.
 *
 * A shorter key (a test key such as `'e'`, whose encoding `ZQ` is everywhere in base64) is
 * found only as a whole token that is exactly the encoding of the key or of `Bearer <key>`.
 *
 * `anchors` holds, per alternative, its longest run of letters and digits: every match
 * contains one of them verbatim.
 */
function base64Pattern(secret: string): { pattern: RegExp; anchors: string[] } {
  const bytes = new TextEncoder().encode(secret);
  const alternatives: string[] = [];
  const anchors: string[] = [];
  if (secret.length >= ANYWHERE_LENGTH) {
    for (let shift = 0; shift < 3; shift++) {
      const encoded = base64([...new Array<number>(shift).fill(0), ...bytes]);
      const startBits = 8 * shift;
      const endBits = 8 * (shift + bytes.length);
      const middle = encoded.slice(Math.ceil(startBits / 6), Math.floor(endBits / 6));
      alternatives.push(
        (startBits % 6 === 0 ? '' : `${BASE64_CHAR}?`) +
          [...middle].map(base64Char).join('') +
          (endBits % 6 === 0 ? '' : `${BASE64_CHAR}?`) +
          `${BASE64_PAD}{0,2}`,
      );
      anchors.push(longestAlphanumericRun(middle));
    }
  } else {
    for (const data of [bytes, new TextEncoder().encode(`Bearer ${secret}`)]) {
      const unpadded = base64([...data]).replace(/=+$/, '');
      alternatives.push(
        `(?<!${BASE64_CHAR})${[...unpadded].map(base64Char).join('')}` +
          `${BASE64_PAD}{0,2}(?!${BASE64_CHAR})`,
      );
      anchors.push(longestAlphanumericRun(unpadded));
    }
  }
  return { pattern: new RegExp(alternatives.join('|'), 'g'), anchors };
}

/** Standard base64 of `bytes`, with padding, without Buffer. */
function base64(bytes: readonly number[]): string {
  return btoa(String.fromCharCode(...bytes));
}

/** A pattern for one base64 character: `+` and `/` also in the URL-safe alphabet or escaped. */
function base64Char(char: string): string {
  if (char === '+') return '(?:\\+|-|%2[Bb])';
  if (char === '/') return '(?:/|\\\\/|_|%2[Ff])';
  return char;
}

function longestAlphanumericRun(text: string): string {
  return (text.match(/[A-Za-z0-9]+/g) ?? ['']).reduce((a, b) => (b.length > a.length ? b : a));
}

// The scanner's window: long enough to skip far, short enough for a byte-sized shift.
const MAX_WINDOW = 64;
const MIN_WINDOW = 8;
const HASH_MASK = 4095;

/**
 * Whether text contains any of `literals`, in one pass: the key and three base64 anchors cost
 * about what one `includes` does (an `includes` per literal would cost three times as much on
 * base64 audio, and a regular expression's alternation is fast or slow by the key). Horspool's skip on pairs of characters (Wu–Manber): the window is the length
 * `m` of the shortest literal (capped, each literal cut to it: a prefix is a necessary
 * condition); the pair that ends the window says how far the nearest possible match can be.
 * A pair no literal holds skips `m - 1`; hashing pairs together only shortens skips. Short
 * literals (a test key) fall back to `includes`.
 */
function literalScanner(literals: readonly string[]): (text: string) => boolean {
  const m = Math.min(MAX_WINDOW, ...literals.map((literal) => literal.length));
  if (m < MIN_WINDOW) return (text) => literals.some((literal) => text.includes(literal));
  const prefixes = [...new Set(literals.map((literal) => literal.slice(0, m)))];
  // skip[h]: how far the window's end may move when the pair ending it hashes to h.
  const skip = new Uint8Array(HASH_MASK + 1).fill(m - 1);
  for (const prefix of prefixes) {
    for (let end = 1; end < m; end++) {
      const h = ((prefix.charCodeAt(end - 1) << 5) ^ prefix.charCodeAt(end)) & HASH_MASK;
      skip[h] = Math.min(skip[h]!, m - 1 - end);
    }
  }
  const matchesAt = (text: string, start: number) =>
    prefixes.some((prefix) => text.startsWith(prefix, start));
  return (text) => {
    const length = text.length;
    let end = m - 1;
    while (end < length) {
      const step = skip[((text.charCodeAt(end - 1) << 5) ^ text.charCodeAt(end)) & HASH_MASK]!;
      if (step > 0) end += step;
      else if (matchesAt(text, end - m + 1)) return true;
      else end += 1;
    }
    return false;
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
