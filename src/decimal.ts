/**
 * Exact comparison of decimal amounts written as strings, such as the API's `"12.3400"`.
 * Money never goes through binary floating point here: `"0.30"` and `"0.3"` are equal, and
 * `"123456789012345678.5"` keeps its last digit.
 */

// An optional sign, then digits with an optional fraction, or a bare fraction (`.5`).
// No exponent, no spaces, no thousands separators: amounts are compared, not guessed at.
const DECIMAL = /^([+-]?)(\d+)?(?:\.(\d+))?$/;

/**
 * Whether `value` is a decimal amount `compareDecimal` accepts: `5`, `-0.30`, `+12.3400`, `.5`.
 * Exponents (`1e3`), spaces, `NaN` and `Infinity` are not decimals.
 */
export function isDecimal(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DECIMAL.exec(value);
  // The pattern alone would accept "", "+" and "." (all parts optional).
  return match !== null && (match[2] !== undefined || match[3] !== undefined);
}

interface Parsed {
  negative: boolean;
  /** Integer digits without leading zeros (`''` for zero). */
  whole: string;
  /** Fraction digits without trailing zeros (`''` for none). */
  fraction: string;
}

function parse(value: string): Parsed {
  if (!isDecimal(value)) {
    throw new TypeError(`Not a decimal amount: ${JSON.stringify(value)}.`);
  }
  const [, sign = '', whole = '', fraction = ''] = DECIMAL.exec(value) ?? [];
  const parsed = {
    negative: sign === '-',
    whole: whole.replace(/^0+/, ''),
    fraction: fraction.replace(/0+$/, ''),
  };
  // "-0" and "-0.00" are zero, which has no sign.
  if (parsed.whole === '' && parsed.fraction === '') parsed.negative = false;
  return parsed;
}

function compareMagnitude(a: Parsed, b: Parsed): -1 | 0 | 1 {
  // Without leading zeros, a longer integer part is a larger number.
  if (a.whole.length !== b.whole.length) return a.whole.length < b.whole.length ? -1 : 1;
  if (a.whole !== b.whole) return a.whole < b.whole ? -1 : 1;
  // Without trailing zeros, fractions compare as plain strings: "5" < "51" < "6".
  if (a.fraction !== b.fraction) return a.fraction < b.fraction ? -1 : 1;
  return 0;
}

/**
 * Compares two decimal amounts exactly: -1 when `a < b`, 0 when equal, 1 when `a > b`.
 * Throws a `TypeError` when either is not a decimal (see {@link isDecimal}).
 *
 * ```ts
 * compareDecimal('0.30', '0.3'); // 0
 * compareDecimal('10.0000', '9.99999'); // 1
 * ```
 */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const x = parse(a);
  const y = parse(b);
  if (x.negative !== y.negative) return x.negative ? -1 : 1;
  const magnitude = compareMagnitude(x, y);
  // Among negatives the larger magnitude is the smaller number; `-0` would be a distinct value.
  return x.negative && magnitude !== 0 ? (-magnitude as -1 | 1) : magnitude;
}
