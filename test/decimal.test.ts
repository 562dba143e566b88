import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareDecimal, isDecimal } from '../src/decimal.js';

/** The reference: both amounts scaled to whole numbers with BigInt, then compared. */
function compareByBigInt(a: string, b: string): -1 | 0 | 1 {
  const split = (s: string) => {
    const negative = s.startsWith('-');
    const [whole = '', fraction = ''] = s.replace(/^[+-]/, '').split('.');
    return { negative, whole: whole || '0', fraction };
  };
  const x = split(a);
  const y = split(b);
  const places = Math.max(x.fraction.length, y.fraction.length);
  const scaled = (p: typeof x) => {
    const magnitude = BigInt(p.whole + p.fraction.padEnd(places, '0'));
    return p.negative ? -magnitude : magnitude;
  };
  const difference = scaled(x) - scaled(y);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

const digits = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

/** Decimal strings with every optional part: sign, leading zeros, trailing zeros, bare fraction. */
const decimal = fc
  .tuple(fc.constantFrom('', '+', '-'), digits(0, 25), fc.option(digits(1, 12), { nil: undefined }))
  .filter(([, whole, fraction]) => whole !== '' || fraction !== undefined)
  .map(([sign, whole, fraction]) => sign + whole + (fraction === undefined ? '' : `.${fraction}`));

describe('isDecimal', () => {
  it('accepts plain, signed, zero-padded and bare-fraction amounts', () => {
    for (const value of ['0', '5', '12.3400', '-0.30', '+7', '.5', '007.100', '-0']) {
      expect(isDecimal(value), value).toBe(true);
    }
  });

  it('refuses exponents, spaces, separators, words and non-strings', () => {
    const refused = ['', '+', '-', '.', '5.', '1e3', ' 5', '5 ', '1,000', '1_000', '0x10', 'NaN'];
    for (const value of [...refused, 'Infinity', '--5', '5.5.5', '٣', 5, null, undefined]) {
      expect(isDecimal(value), String(value)).toBe(false);
    }
  });
});

describe('compareDecimal', () => {
  it('treats "0.30" and "0.3" as equal, which binary floating point only gets right by luck', () => {
    expect(compareDecimal('0.30', '0.3')).toBe(0);
    expect(compareDecimal('0.3', '0.30')).toBe(0);
  });

  it('orders by value, not by string length or text', () => {
    expect(compareDecimal('10.0000', '9.99999')).toBe(1);
    expect(compareDecimal('9.99999', '10.0000')).toBe(-1);
    expect(compareDecimal('0.5', '0.49999999999999999999')).toBe(1);
    expect(compareDecimal('2', '10')).toBe(-1);
  });

  it('keeps every digit of amounts beyond the precision of a double', () => {
    expect(compareDecimal('123456789012345678.5', '123456789012345678.4')).toBe(1);
    expect(compareDecimal('123456789012345678.5', '123456789012345678.50')).toBe(0);
    expect(compareDecimal('9007199254740993', '9007199254740992')).toBe(1);
  });

  it('orders negative amounts below zero and by their magnitude reversed', () => {
    expect(compareDecimal('-1', '0')).toBe(-1);
    expect(compareDecimal('-1.5', '-1.25')).toBe(-1);
    expect(compareDecimal('-0.01', '-0.1')).toBe(1);
    expect(compareDecimal('-3', '2')).toBe(-1);
  });

  it('treats every spelling of zero as the same value, signed or not', () => {
    for (const zero of ['0', '-0', '+0.000', '.0', '000']) {
      expect(compareDecimal(zero, '0'), zero).toBe(0);
    }
  });

  it('ignores leading zeros, trailing zeros and a plus sign', () => {
    expect(compareDecimal('007.100', '7.1')).toBe(0);
    expect(compareDecimal('+5', '5.000')).toBe(0);
  });

  it('throws a TypeError naming the value that is not a decimal', () => {
    expect(() => compareDecimal('1e3', '5')).toThrow(TypeError);
    expect(() => compareDecimal('5', 'abc')).toThrow('"abc"');
  });

  it('agrees with a BigInt-scaled comparison on any two decimals', () => {
    fc.assert(
      fc.property(decimal, decimal, (a, b) => {
        expect(compareDecimal(a, b)).toBe(compareByBigInt(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with BigInt when the amounts share most of their digits', () => {
    // Random pairs rarely get close; these differ only in the last places.
    const near = fc
      .tuple(decimal, digits(0, 3), digits(0, 3))
      .map(([base, x, y]) => [base + (base.includes('.') ? '' : '.') + x, base + y] as const)
      .filter(([a, b]) => isDecimal(a) && isDecimal(b));
    fc.assert(
      fc.property(near, ([a, b]) => {
        expect(compareDecimal(a, b)).toBe(compareByBigInt(a, b));
      }),
    );
  });

  it('is antisymmetric and reflexive', () => {
    fc.assert(
      fc.property(decimal, decimal, (a, b) => {
        expect(compareDecimal(a, a)).toBe(0);
        expect(compareDecimal(b, a)).toBe(-compareDecimal(a, b) || 0);
      }),
    );
  });
});
