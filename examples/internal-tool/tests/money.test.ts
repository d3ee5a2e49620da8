/** The board's money math: exact sums of decimal strings, one total per currency. */
import { describe, expect, it } from 'vitest';
import { formatMoney, formatTotals, sumDecimals, totalsByCurrency } from '../src/money.ts';

describe('sumDecimals', () => {
  it('adds exactly, at the largest scale given', () => {
    expect(sumDecimals(['0.1', '0.2'])).toBe('0.3');
    expect(sumDecimals(['12000.00', '48500', '7250.5'])).toBe('67750.50');
    expect(sumDecimals(['-3.25', '1'])).toBe('-2.25');
    expect(sumDecimals(['-0.05', '0.01'])).toBe('-0.04');
    expect(sumDecimals([])).toBe('0');
  });

  it('keeps amounts beyond a float’s precision', () => {
    expect(sumDecimals(['90071992547409.93', '0.01'])).toBe('90071992547409.94');
  });

  it('refuses what is not a decimal', () => {
    expect(() => sumDecimals(['1e3'])).toThrow('Not a decimal amount: "1e3"');
  });
});

describe('totalsByCurrency', () => {
  it('sums per currency, sorted by code, leaving out missing amounts', () => {
    const totals = totalsByCurrency([
      { amount: '30000.00', currency: 'USD' },
      null,
      { amount: '95000.00', currency: 'EUR' },
      { amount: '0.50', currency: 'EUR' },
      undefined,
    ]);
    expect(totals).toEqual([
      { amount: '95000.50', currency: 'EUR' },
      { amount: '30000.00', currency: 'USD' },
    ]);
    expect(formatTotals(totals)).toBe('€95,000.50 + $30,000.00');
    expect(formatTotals([])).toBe('–');
  });

  it('formats the decimal string itself', () => {
    expect(formatMoney({ amount: '12345678901234567.89', currency: 'EUR' })).toBe('€12,345,678,901,234,567.89');
  });
});
