/**
 * Every field type as data, for the GraphQL field type tests (field-types,
 * field-filters and field-ordering). The test rows, the filter cases and the
 * order are the core fixtures' own (packages/core/tests/fields/fixtures), so
 * the engine and the API are held to the same cases; the valid and invalid
 * values are those of the fixture cases named here by input, with the stored
 * value or error code the fixture gives. What only GraphQL has (values its
 * input coercion refuses, literals, relation placeholders) is written here.
 */
import { isDeepStrictEqual } from 'node:util';
import boolean from '../../../core/tests/fields/fixtures/boolean.ts';
import currency from '../../../core/tests/fields/fixtures/currency.ts';
import date from '../../../core/tests/fields/fixtures/date.ts';
import datetime from '../../../core/tests/fields/fixtures/datetime.ts';
import email from '../../../core/tests/fields/fixtures/email.ts';
import integer from '../../../core/tests/fields/fixtures/integer.ts';
import json from '../../../core/tests/fields/fixtures/json.ts';
import longText from '../../../core/tests/fields/fixtures/long-text.ts';
import multiSelect from '../../../core/tests/fields/fixtures/multi-select.ts';
import number from '../../../core/tests/fields/fixtures/number.ts';
import phone from '../../../core/tests/fields/fixtures/phone.ts';
import rating from '../../../core/tests/fields/fixtures/rating.ts';
import relation, { A as TARGET_A, B as TARGET_B, C as TARGET_C } from '../../../core/tests/fields/fixtures/relation.ts';
import select from '../../../core/tests/fields/fixtures/select.ts';
import text from '../../../core/tests/fields/fixtures/text.ts';
import url from '../../../core/tests/fields/fixtures/url.ts';
import type { FieldFixture } from '../../../core/tests/fields/helpers.ts';

// Relation values name companies created in beforeAll: '@A' is company A's id,
// '@A!' the same id upper-cased, '@MISSING' a well-formed id of no record.
const A = '@A';

/** One field type, as data. */
export interface FieldCase {
  type: string;
  /** The field's apiName. */
  field: string;
  /** Its key in inputs and filters, when not the apiName (relations: `companyId`). */
  key?: string;
  options?: unknown;
  /** Output selection, when not the bare field name. */
  select?: string;
  /** Values accepted on create, and what comes back. */
  valid: Array<{ input: unknown; output: unknown }>;
  /** Values the engine refuses: VALIDATION_FAILED with this field code. `literal` sends GraphQL text instead of a variable. */
  invalid: Array<{ input?: unknown; literal?: string; code: string }>;
  /**
   * Values GraphQL's own input coercion refuses before the engine sees them
   * (an Int field given a string, an enum given an unknown name): BAD_REQUEST.
   */
  uncoercible?: unknown[];
  /** Test rows by number; `undefined` leaves the field without a value. */
  rows: Record<number, unknown>;
  /** Filter cases: the rows each must match. Together they must cover every operator of the filter input. */
  filters: Array<{ op: string; operand: unknown; ids: number[] }>;
  /** For sortable fields: row numbers with a value in ascending order, ties grouped (they follow id order). */
  order?: number[][];
}

/**
 * The fixture's cases with these inputs, in the order given (an input the
 * fixture lacks is an error). Cases with options of their own are left out:
 * the specimen field has the table's options.
 */
function pick<T extends { input: unknown; options?: unknown }>(fixture: FieldFixture, cases: T[], inputs: unknown[]): T[] {
  return inputs.map((input) => {
    const found = cases.find((c) => c.options === undefined && isDeepStrictEqual(c.input, input));
    if (!found) throw new Error(`the ${fixture.module.type} fixture has no case with input ${JSON.stringify(input)?.slice(0, 60)}`);
    return found;
  });
}

/** Valid values of the fixture, by input: they come back as the fixture stores them. */
function validOf(fixture: FieldFixture, ...inputs: unknown[]): FieldCase['valid'] {
  return pick(fixture, fixture.valid, inputs).map(({ input, stored }) => ({ input, output: stored }));
}

/** Invalid values of the fixture, by input, with the fixture's code. */
function invalidOf(fixture: FieldFixture, ...inputs: unknown[]): FieldCase['invalid'] {
  return pick(fixture, fixture.invalid, inputs).map(({ input, code }) => ({ input, code }));
}

/**
 * The fixture's test rows and filter cases (`value` rewrites row values and
 * operands) and, for sortable types, its order in this table's form: the
 * fixture lists every row (ties by id, rows without a value last); here the
 * rows without a value are left out, and each of `ties` (rows that sort equal)
 * is one group.
 */
function fromFixture(
  fixture: FieldFixture,
  { ties = [], value = (v) => v }: { ties?: number[][]; value?: (v: unknown) => unknown } = {},
): Pick<FieldCase, 'rows' | 'filters' | 'order'> {
  const rows = Object.fromEntries(Object.entries(fixture.rows).map(([n, v]) => [n, v === undefined ? undefined : value(v)]));
  const filters = fixture.filters.map((f) => ({ ...f, operand: value(f.operand) }));
  if (!fixture.order) return { rows, filters };
  const withValue = fixture.order.filter((n) => fixture.rows[n] !== undefined);
  const order: number[][] = [];
  for (const n of withValue) {
    const tie = ties.find((t) => t.includes(n));
    if (!tie) order.push([n]);
    else if (!order.includes(tie)) order.push(tie);
  }
  if (!isDeepStrictEqual(order.flat(), withValue)) {
    throw new Error(`ties ${JSON.stringify(ties)} are not neighbours in the ${fixture.module.type} fixture's order`);
  }
  return { rows, filters, order };
}

// The relation fixture's target ids stand for companies A, B and C.
const COMPANIES = new Map([
  [TARGET_A, A],
  [TARGET_A.toUpperCase(), `${A}!`],
  [TARGET_B, '@B'],
  [TARGET_C, '@C'],
]);
const asCompany = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(asCompany) : typeof value === 'string' ? (COMPANIES.get(value) ?? value) : value;

export const CASES: FieldCase[] = [
  {
    type: 'TEXT',
    field: 'title',
    valid: validOf(text, '  Acme  ', 'Ünïcödé 😀'),
    invalid: invalidOf(text, 'line\nbreak', 'x'.repeat(1001), 'nul\u0000char'),
    uncoercible: [42],
    ...fromFixture(text),
  },
  {
    type: 'LONG_TEXT',
    field: 'notes',
    valid: validOf(longText, '  First line\nsecond line\n\n'),
    invalid: invalidOf(longText, 'nul\u0000char', 'x'.repeat(100_001)),
    uncoercible: [1],
    ...fromFixture(longText),
  },
  {
    type: 'NUMBER',
    field: 'score',
    valid: validOf(number, 1.5, -2, 1e300),
    // GraphQL's Float literal parser turns 1e309 into Infinity, which only the engine refuses.
    invalid: [{ literal: '1e309', code: 'INVALID_TYPE' }],
    uncoercible: ['1.5'],
    ...fromFixture(number),
  },
  {
    type: 'INTEGER',
    field: 'quantity',
    valid: validOf(integer, 42, -2_147_483_648, 2_147_483_647),
    // GraphQL's Int already guarantees a 32-bit whole number: nothing invalid reaches the engine.
    invalid: [],
    uncoercible: ['42', 1.5, 2_147_483_648],
    ...fromFixture(integer),
  },
  {
    type: 'CURRENCY',
    field: 'price',
    options: currency.options,
    select: 'price { amount currency }',
    valid: validOf(
      currency,
      { amount: '12.50', currency: 'usd' },
      { amount: '12.50' },
      { amount: '007.50' },
      { amount: '-0.00' },
      { amount: '1', currency: ' jpy ' },
    ),
    invalid: [
      { input: { amount: 'abc' }, code: 'INVALID_FORMAT' },
      ...invalidOf(currency, { amount: '1e3' }, { amount: '1000000000000000' }, { amount: '1', currency: 'XYZ' }),
    ],
    uncoercible: ['12.50', { currency: 'EUR' }],
    // Amounts only: 12.50 EUR and 12.5 USD tie.
    ...fromFixture(currency, { ties: [[1, 2]] }),
  },
  {
    type: 'BOOLEAN',
    field: 'active',
    valid: validOf(boolean, true, false),
    invalid: [],
    uncoercible: ['true', 1],
    ...fromFixture(boolean, { ties: [[1, 4]] }),
  },
  {
    type: 'DATE',
    field: 'dueOn',
    valid: validOf(date, '2024-02-29', '0001-01-01', '9999-12-31'),
    invalid: invalidOf(date, '2026-02-30', '2026-13-01', '2026-01-01T00:00:00Z', '0000-01-01', 20260101),
    ...fromFixture(date),
  },
  {
    type: 'DATETIME',
    field: 'startsAt',
    valid: validOf(datetime, '2026-01-01T10:00:00+02:00', '2025-12-31T23:30:00-01:00', '2026-01-01t10:00:00.123456789z'),
    invalid: invalidOf(datetime, '2026-01-01T10:00:00', '2026-01-01', '2026-02-30T10:00:00Z', '9999-12-31T23:30:00-01:00', 1_767_261_600_000),
    ...fromFixture(datetime),
  },
  {
    type: 'SELECT',
    field: 'stage',
    options: select.options,
    valid: validOf(select, 'lead', 'won'),
    // Values are enum values: GraphQL refuses a name that is not a choice.
    invalid: [],
    uncoercible: ['Lead', 'unknown', ['lead']],
    // By value text, not choice position.
    ...fromFixture(select, { ties: [[1, 6]] }),
  },
  {
    type: 'MULTI_SELECT',
    field: 'colors',
    options: multiSelect.options,
    valid: validOf(multiSelect, ['blue', 'red'], ['red', 'red'], []),
    invalid: [],
    uncoercible: [['pink'], ['red', 'Red'], [1]],
    ...fromFixture(multiSelect),
  },
  {
    type: 'EMAIL',
    field: 'email',
    valid: validOf(email, '  Bob@Example.COM ', "o'neil+crm@mail.example.co.uk"),
    invalid: invalidOf(email, 'bob', 'bob@localhost', 'josé@example.com'),
    uncoercible: [5],
    ...fromFixture(email),
  },
  {
    type: 'PHONE',
    field: 'phone',
    valid: validOf(phone, '+1 (415) 555-0123', ' +49 30.1234.5678 '),
    invalid: invalidOf(phone, '415-555-0123', '+1-800-FLOWERS'),
    uncoercible: [4155550123],
    ...fromFixture(phone),
  },
  {
    type: 'URL',
    field: 'website',
    valid: validOf(url, 'https://Example.com', ' http://example.com/a b?q=1#top ', 'https://münchen.de/'),
    invalid: invalidOf(url, 'example.com', 'ftp://example.com/file', 'javascript:alert(1)', `https://example.com/${'a'.repeat(2048)}`),
    uncoercible: [42],
    ...fromFixture(url),
  },
  {
    type: 'RATING',
    field: 'rating',
    valid: validOf(rating, 1, 5),
    invalid: invalidOf(rating, 0, 6, -1),
    uncoercible: ['3', 2.5],
    ...fromFixture(rating, { ties: [[2, 5]] }),
  },
  {
    type: 'JSON',
    field: 'payload',
    valid: validOf(json, { a: 1, b: [true, null, 'x'], c: { d: {} } }, [1, 'two'], 'text', 42.5, false),
    // Two quotes make the first 65,537 bytes.
    invalid: invalidOf(json, 'x'.repeat(65_535), { s: 'nul\u0000' }),
    ...fromFixture(json),
  },
  {
    type: 'RELATION',
    field: 'company',
    key: 'companyId',
    options: { target: 'company' },
    select: 'company { id name }',
    valid: [
      { input: A, output: { id: A, name: 'A' } },
      { input: `${A}!`, output: { id: A, name: 'A' } },
    ],
    invalid: [
      ...invalidOf(relation, 'not-a-uuid'),
      { input: '@MISSING', code: 'INVALID_REFERENCE' },
      // A record that exists, of another type.
      { input: '@SPECIMEN', code: 'INVALID_REFERENCE' },
    ],
    uncoercible: [{ id: A }],
    ...fromFixture(relation, { value: asCompany }),
  },
];

/** The field's key in inputs and filters. */
export const keyOf = (c: FieldCase) => c.key ?? c.field;
/** The field's output selection. */
export const selection = (c: FieldCase) => c.select ?? c.field;
/** The `key` of test row `n` of a case. */
export const rowKey = (c: FieldCase, n: number | string) => `ROW/${c.type}/${n}`;
/** A filter that finds the test rows of a case, and nothing else. */
export const groupFilter = (c: FieldCase) => ({ key: { startsWith: `ROW/${c.type}/` } });
