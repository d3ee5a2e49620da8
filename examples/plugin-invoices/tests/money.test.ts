/** The money math is exact: integers of minor units, never floats. */
import { describe, expect, it } from 'vitest';
import { add, formatDecimal, integerDigits, minorDigits, multiply, parseDecimal, sum, toMoney, zero } from '../src/money.ts';

const d = (text: string) => parseDecimal(text)!;

describe('money', () => {
  it('parses and prints decimal strings without losing scale or sign', () => {
    expect(d('12.50')).toEqual({ units: 1250n, scale: 2 });
    expect(d('-0.05')).toEqual({ units: -5n, scale: 2 });
    expect(d('+007')).toEqual({ units: 7n, scale: 0 });
    expect(parseDecimal('1e3')).toBeNull();
    expect(parseDecimal('12,50')).toBeNull();
    for (const text of ['0.00', '12.50', '-0.05', '123456789012345.123456', '7']) expect(formatDecimal(d(text))).toBe(text);
  });

  it('adds and multiplies exactly where floats would not', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(formatDecimal(add(d('0.1'), d('0.2')))).toBe('0.3');
    expect(formatDecimal(multiply(d('19.99'), 3))).toBe('59.97');
    expect(formatDecimal(multiply(d('0.333333'), 3))).toBe('0.999999');
    // 2^53 + 1 minor units: beyond a double's integers.
    expect(formatDecimal(add(d('90071992547409.92'), d('0.01')))).toBe('90071992547409.93');
    expect(integerDigits(multiply(d('999999999999999.99'), 2))).toBe(16);
  });

  it("prints money with at least the currency's minor digits", () => {
    expect([minorDigits('EUR'), minorDigits('JPY'), minorDigits('BHD')]).toEqual([2, 0, 3]);
    expect(zero('EUR')).toEqual({ amount: '0.00', currency: 'EUR' });
    expect(zero('JPY')).toEqual({ amount: '0', currency: 'JPY' });
    expect(toMoney(d('5'), 'EUR')).toEqual({ amount: '5.00', currency: 'EUR' });
    expect(toMoney(d('0.125'), 'EUR')).toEqual({ amount: '0.125', currency: 'EUR' });
    expect(sum(['10.10', '0.2', '-0.30'], 'EUR')).toEqual({ amount: '10.00', currency: 'EUR' });
    expect(sum([], 'BHD')).toEqual({ amount: '0.000', currency: 'BHD' });
  });
});
