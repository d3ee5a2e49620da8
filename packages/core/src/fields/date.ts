/**
 * DATE: a calendar date without time or zone, stored as `"YYYY-MM-DD"`. Years are
 * limited to 0001–9999 so every value has four year digits and text order is date order.
 */
import { equalityOperators, rangeOperators, textExpr } from './operators.ts';
import { noOptions } from './options.ts';
import type { FieldTypeModule, NormalizeResult } from './types.ts';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days in a month of the proleptic Gregorian calendar (`month` 1–12). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** True when `month` and `day` name a day that exists in `year`. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Parses `"YYYY-MM-DD"`, checking that the day exists. */
export function parseDate(input: unknown): NormalizeResult {
  if (typeof input !== 'string') return { ok: false, code: 'INVALID_TYPE', message: 'must be a date string' };
  const match = DATE.exec(input);
  if (!match) return { ok: false, code: 'INVALID_FORMAT', message: 'must be a date in YYYY-MM-DD form' };
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  if (year < 1) return { ok: false, code: 'OUT_OF_RANGE', message: 'must be between 0001-01-01 and 9999-12-31' };
  if (!isCalendarDate(year, month, day)) {
    return { ok: false, code: 'INVALID_FORMAT', message: 'must be a real calendar date' };
  }
  return { ok: true, value: input };
}

/** The DATE field type. */
export const dateField: FieldTypeModule = {
  type: 'DATE',
  description: 'A calendar date, "YYYY-MM-DD".',
  graphql: { value: { kind: 'scalar', scalar: 'Date' }, filterName: 'DateFilter' },
  // Plain text: a cast to `date` would depend on DateStyle, which an index may not.
  sqlExpr: textExpr,
  sortable: true,
  indexable: true,
  uniqueable: true,
  searchable: false,
  operators: { ...equalityOperators('text'), ...rangeOperators() },
  normalizeOptions: noOptions,
  normalize: parseDate,
};
