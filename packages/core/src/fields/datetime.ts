/**
 * DATETIME: an instant, given as ISO-8601 with an explicit offset and stored as
 * UTC in `toISOString()` form (`"2026-01-01T09:00:00.000Z"`). One fixed-width
 * form makes text order time order, so the SQL expression is plain text: a cast
 * to timestamptz depends on the session time zone and cannot be indexed.
 */
import { isCalendarDate } from './date.ts';
import { equalityOperators, rangeOperators, textExpr } from './operators.ts';
import { noOptions } from './options.ts';
import type { FieldTypeModule, NormalizeResult } from './types.ts';

// Date, `T` (or a space, as RFC 3339 allows), hh:mm[:ss[.fraction]], then `Z` or ±hh[:]mm.
const DATETIME = new RegExp(
  [
    '^(?<year>\\d{4})-(?<month>\\d{2})-(?<day>\\d{2})',
    '[Tt ](?<hour>\\d{2}):(?<minute>\\d{2})(?::(?<second>\\d{2})(?:\\.(?<fraction>\\d{1,9}))?)?',
    '(?:[Zz]|(?<sign>[+-])(?<offsetHour>\\d{2}):?(?<offsetMinute>\\d{2}))$',
  ].join(''),
);

const INVALID: NormalizeResult = {
  ok: false,
  code: 'INVALID_FORMAT',
  message: 'must be an ISO-8601 date-time with an offset, such as "2026-01-01T09:00:00Z"',
};
const OUT_OF_RANGE: NormalizeResult = {
  ok: false,
  code: 'OUT_OF_RANGE',
  message: 'must be between years 0001 and 9999 in UTC',
};

/** Milliseconds since the epoch as the stored form, or an error outside years 1–9999 UTC. */
function fromEpoch(ms: number): NormalizeResult {
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  if (Number.isNaN(ms) || year < 1 || year > 9999) return OUT_OF_RANGE;
  return { ok: true, value: date.toISOString() };
}

/**
 * Parses an ISO-8601 date-time with offset into UTC. A `Date` is accepted too,
 * for plugins and hooks that compute instants in code; it has no zone ambiguity.
 * Fractions beyond milliseconds are truncated, never rounded, so an instant
 * is never moved into the next second (or year).
 */
export function parseDateTime(input: unknown): NormalizeResult {
  if (input instanceof Date) return Number.isNaN(input.getTime()) ? INVALID : fromEpoch(input.getTime());
  if (typeof input !== 'string') return { ok: false, code: 'INVALID_TYPE', message: 'must be a date-time string' };
  const groups = DATETIME.exec(input)?.groups;
  if (!groups) return INVALID;
  const part = (name: string) => Number(groups[name] ?? 0);
  const [year, month, day] = [part('year'), part('month'), part('day')];
  if (year < 1) return OUT_OF_RANGE;
  if (!isCalendarDate(year, month, day) || part('hour') > 23 || part('minute') > 59 || part('second') > 59) {
    return INVALID;
  }
  if (part('offsetHour') > 23 || part('offsetMinute') > 59) return INVALID;
  const offsetMinutes = (groups.sign === '-' ? -1 : 1) * (part('offsetHour') * 60 + part('offsetMinute'));
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  const ms = Number((groups.fraction ?? '').padEnd(3, '0').slice(0, 3));
  date.setUTCHours(part('hour'), part('minute'), part('second'), ms);
  return fromEpoch(date.getTime() - offsetMinutes * 60_000);
}

/** The DATETIME field type. */
export const datetimeField: FieldTypeModule = {
  type: 'DATETIME',
  description: 'An instant: ISO-8601 with an offset in, UTC out.',
  graphql: { value: { kind: 'scalar', scalar: 'DateTime' }, filterName: 'DateTimeFilter' },
  sqlExpr: textExpr,
  sortable: true,
  indexable: true,
  uniqueable: true,
  searchable: false,
  operators: { ...equalityOperators('text'), ...rangeOperators() },
  normalizeOptions: noOptions,
  normalize: parseDateTime,
};
