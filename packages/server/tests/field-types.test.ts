/**
 * Every field type through GraphQL, table-driven: one record type (`specimen`)
 * with one field of each type (and a `key` TEXT field that names each test row),
 * created with the metadata API. Per type: valid values come back normalised,
 * bad values are a VALIDATION_FAILED naming the field and write nothing, every
 * operator of the type's filter input (read from the schema, so a new operator
 * cannot go untested) finds the expected rows, and sortable fields order as
 * expected in every direction. Values follow the core fixtures
 * (packages/core/tests/fields/fixtures).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type GraphQLResponse } from './helpers.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Workspace = Awaited<ReturnType<Server['workspace']>>;

// Relation values name companies created in beforeAll: '@A' is company A's id,
// '@A!' the same id upper-cased, '@MISSING' a well-formed id of no record.
const A = '@A';
const B = '@B';
const C = '@C';

/** One field type, as data. */
interface FieldCase {
  type: string;
  /** The field's apiName. */
  field: string;
  /** Its key in inputs and filters, when not the apiName (relations: `companyId`). */
  key?: string;
  options?: Record<string, unknown>;
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
  filters: Array<{ op: string; operand: unknown; rows: number[] }>;
  /** For sortable fields: row numbers with a value in ascending order, ties grouped (they follow id order). */
  order?: number[][];
}

const eur = (amount: string) => ({ amount, currency: 'EUR' });

const CASES: FieldCase[] = [
  {
    type: 'TEXT',
    field: 'title',
    valid: [
      { input: '  Acme  ', output: 'Acme' },
      { input: 'Ünïcödé 😀', output: 'Ünïcödé 😀' },
    ],
    invalid: [
      { input: 'line\nbreak', code: 'INVALID_FORMAT' },
      { input: 'x'.repeat(1001), code: 'TOO_LONG' },
      { input: 'nul\u0000char', code: 'INVALID_FORMAT' },
    ],
    uncoercible: [42],
    rows: { 1: 'Acme', 2: 'acme corp', 3: '100% pure', 4: 'snake_case', 5: 'tree-cat', 6: undefined, 7: 'beta' },
    filters: [
      { op: 'eq', operand: 'Acme', rows: [1] },
      { op: 'neq', operand: 'Acme', rows: [2, 3, 4, 5, 6, 7] },
      { op: 'in', operand: ['Acme', 'beta'], rows: [1, 7] },
      { op: 'notIn', operand: ['Acme'], rows: [2, 3, 4, 5, 6, 7] },
      { op: 'isNull', operand: true, rows: [6] },
      { op: 'isNull', operand: false, rows: [1, 2, 3, 4, 5, 7] },
      { op: 'gt', operand: 'b', rows: [4, 5, 7] },
      { op: 'gte', operand: 'beta', rows: [4, 5, 7] },
      { op: 'lt', operand: 'acme corp', rows: [1, 3] },
      { op: 'lte', operand: 'Acme', rows: [1, 3] },
      { op: 'contains', operand: 'cme', rows: [1, 2] },
      { op: 'contains', operand: '%', rows: [3] },
      { op: 'contains', operand: 'e_c', rows: [4] },
      { op: 'startsWith', operand: 'acme', rows: [2] },
      { op: 'startsWith', operand: '100%', rows: [3] },
      { op: 'endsWith', operand: '_case', rows: [4] },
      { op: 'iEq', operand: 'ACME', rows: [1] },
      { op: 'iContains', operand: 'ACME', rows: [1, 2] },
      { op: 'iContains', operand: '_', rows: [4] },
      { op: 'iStartsWith', operand: 'SNAKE', rows: [4] },
    ],
    order: [[3], [1], [2], [7], [4], [5]],
  },
  {
    type: 'LONG_TEXT',
    field: 'notes',
    valid: [{ input: '  First line\nsecond line\n\n', output: 'First line\nsecond line' }],
    invalid: [
      { input: 'nul\u0000char', code: 'INVALID_FORMAT' },
      { input: 'x'.repeat(100_001), code: 'TOO_LONG' },
    ],
    uncoercible: [1],
    rows: { 1: 'First line\nsecond line', 2: 'Notes: 50% done', 3: 'under_score', 4: undefined, 5: 'underXscore' },
    filters: [
      { op: 'eq', operand: 'Notes: 50% done', rows: [2] },
      { op: 'neq', operand: 'Notes: 50% done', rows: [1, 3, 4, 5] },
      { op: 'isNull', operand: true, rows: [4] },
      { op: 'isNull', operand: false, rows: [1, 2, 3, 5] },
      { op: 'contains', operand: 'second', rows: [1] },
      { op: 'contains', operand: '%', rows: [2] },
      { op: 'contains', operand: 'r_s', rows: [3] },
      { op: 'startsWith', operand: 'under_', rows: [3] },
      { op: 'endsWith', operand: 'line', rows: [1] },
      { op: 'iContains', operand: 'FIRST LINE', rows: [1] },
      { op: 'iContains', operand: 'R_S', rows: [3] },
    ],
  },
  {
    type: 'NUMBER',
    field: 'score',
    valid: [
      { input: 1.5, output: 1.5 },
      { input: -2, output: -2 },
      { input: 1e300, output: 1e300 },
    ],
    // GraphQL's Float literal parser turns 1e309 into Infinity, which only the engine refuses.
    invalid: [{ literal: '1e309', code: 'INVALID_TYPE' }],
    uncoercible: ['1.5'],
    rows: { 1: 1.5, 2: -2, 3: 10, 4: undefined, 5: 0, 6: 1e10 },
    filters: [
      { op: 'eq', operand: 1.5, rows: [1] },
      { op: 'neq', operand: 1.5, rows: [2, 3, 4, 5, 6] },
      { op: 'in', operand: [-2, 10], rows: [2, 3] },
      { op: 'notIn', operand: [0], rows: [1, 2, 3, 4, 6] },
      { op: 'isNull', operand: true, rows: [4] },
      { op: 'gt', operand: 1.5, rows: [3, 6] },
      { op: 'gte', operand: 1.5, rows: [1, 3, 6] },
      { op: 'lt', operand: 0, rows: [2] },
      { op: 'lte', operand: 0, rows: [2, 5] },
    ],
    order: [[2], [5], [1], [3], [6]],
  },
  {
    type: 'INTEGER',
    field: 'quantity',
    valid: [
      { input: 42, output: 42 },
      { input: -2_147_483_648, output: -2_147_483_648 },
      { input: 2_147_483_647, output: 2_147_483_647 },
    ],
    // GraphQL's Int already guarantees a 32-bit whole number: nothing invalid reaches the engine.
    invalid: [],
    uncoercible: ['42', 1.5, 2_147_483_648],
    rows: { 1: 5, 2: -3, 3: 2_147_483_647, 4: undefined, 5: 0 },
    filters: [
      { op: 'eq', operand: 5, rows: [1] },
      { op: 'neq', operand: 5, rows: [2, 3, 4, 5] },
      { op: 'in', operand: [0, 5], rows: [1, 5] },
      { op: 'notIn', operand: [5], rows: [2, 3, 4, 5] },
      { op: 'isNull', operand: true, rows: [4] },
      { op: 'gt', operand: 0, rows: [1, 3] },
      { op: 'gte', operand: 0, rows: [1, 3, 5] },
      { op: 'lt', operand: 0, rows: [2] },
      { op: 'lte', operand: 5, rows: [1, 2, 5] },
    ],
    order: [[2], [5], [1], [3]],
  },
  {
    type: 'CURRENCY',
    field: 'price',
    options: { defaultCurrency: 'eur' },
    select: 'price { amount currency }',
    valid: [
      { input: { amount: '12.50', currency: 'usd' }, output: { amount: '12.50', currency: 'USD' } },
      { input: { amount: '12.50' }, output: eur('12.50') },
      { input: { amount: '007.50' }, output: eur('7.50') },
      { input: { amount: '-0.00' }, output: eur('0.00') },
      { input: { amount: '1', currency: ' jpy ' }, output: { amount: '1', currency: 'JPY' } },
    ],
    invalid: [
      { input: { amount: 'abc' }, code: 'INVALID_FORMAT' },
      { input: { amount: '1e3' }, code: 'INVALID_FORMAT' },
      { input: { amount: '1000000000000000' }, code: 'OUT_OF_RANGE' },
      { input: { amount: '1', currency: 'XYZ' }, code: 'INVALID_FORMAT' },
    ],
    uncoercible: ['12.50', { currency: 'EUR' }],
    rows: { 1: eur('12.50'), 2: { amount: '12.5', currency: 'USD' }, 3: eur('-3.00'), 4: undefined, 5: { amount: '1000', currency: 'JPY' }, 6: eur('0') },
    filters: [
      { op: 'eq', operand: '12.5', rows: [1, 2] },
      { op: 'eq', operand: '+012.500', rows: [1, 2] },
      { op: 'neq', operand: '12.5', rows: [3, 4, 5, 6] },
      { op: 'in', operand: ['0', '1000'], rows: [5, 6] },
      { op: 'notIn', operand: ['12.5'], rows: [3, 4, 5, 6] },
      { op: 'isNull', operand: true, rows: [4] },
      { op: 'isNull', operand: false, rows: [1, 2, 3, 5, 6] },
      { op: 'gt', operand: '0', rows: [1, 2, 5] },
      { op: 'gte', operand: '0', rows: [1, 2, 5, 6] },
      { op: 'lt', operand: '-0.01', rows: [3] },
      { op: 'lte', operand: '12.5', rows: [1, 2, 3, 6] },
      { op: 'currency', operand: 'eur', rows: [1, 3, 6] },
      { op: 'currency', operand: 'USD', rows: [2] },
    ],
    // Amounts only: 12.50 EUR and 12.5 USD tie.
    order: [[3], [6], [1, 2], [5]],
  },
  {
    type: 'BOOLEAN',
    field: 'active',
    valid: [
      { input: true, output: true },
      { input: false, output: false },
    ],
    invalid: [],
    uncoercible: ['true', 1],
    rows: { 1: true, 2: false, 3: undefined, 4: true },
    filters: [
      { op: 'eq', operand: true, rows: [1, 4] },
      { op: 'eq', operand: false, rows: [2] },
      { op: 'neq', operand: true, rows: [2, 3] },
      { op: 'isNull', operand: true, rows: [3] },
      { op: 'isNull', operand: false, rows: [1, 2, 4] },
    ],
    order: [[2], [1, 4]],
  },
  {
    type: 'DATE',
    field: 'dueOn',
    valid: [
      { input: '2024-02-29', output: '2024-02-29' },
      { input: '0001-01-01', output: '0001-01-01' },
      { input: '9999-12-31', output: '9999-12-31' },
    ],
    invalid: [
      { input: '2026-02-30', code: 'INVALID_FORMAT' },
      { input: '2026-13-01', code: 'INVALID_FORMAT' },
      { input: '2026-01-01T00:00:00Z', code: 'INVALID_FORMAT' },
      { input: '0000-01-01', code: 'OUT_OF_RANGE' },
      { input: 20260101, code: 'INVALID_TYPE' },
    ],
    rows: { 1: '2026-01-15', 2: '2025-12-31', 3: '0001-01-01', 4: undefined, 5: '9999-12-31', 6: '2026-02-01' },
    filters: [
      { op: 'eq', operand: '2026-01-15', rows: [1] },
      { op: 'neq', operand: '2026-01-15', rows: [2, 3, 4, 5, 6] },
      { op: 'in', operand: ['2025-12-31', '0001-01-01'], rows: [2, 3] },
      { op: 'notIn', operand: ['2026-01-15'], rows: [2, 3, 4, 5, 6] },
      { op: 'isNull', operand: true, rows: [4] },
      { op: 'gt', operand: '2026-01-15', rows: [5, 6] },
      { op: 'gte', operand: '2026-01-15', rows: [1, 5, 6] },
      { op: 'lt', operand: '2026-01-01', rows: [2, 3] },
      { op: 'lte', operand: '2025-12-31', rows: [2, 3] },
    ],
    order: [[3], [2], [1], [6], [5]],
  },
  {
    type: 'DATETIME',
    field: 'startsAt',
    valid: [
      { input: '2026-01-01T10:00:00+02:00', output: '2026-01-01T08:00:00.000Z' },
      { input: '2025-12-31T23:30:00-01:00', output: '2026-01-01T00:30:00.000Z' },
      { input: '2026-01-01t10:00:00.123456789z', output: '2026-01-01T10:00:00.123Z' },
    ],
    invalid: [
      { input: '2026-01-01T10:00:00', code: 'INVALID_FORMAT' },
      { input: '2026-01-01', code: 'INVALID_FORMAT' },
      { input: '2026-02-30T10:00:00Z', code: 'INVALID_FORMAT' },
      { input: '9999-12-31T23:30:00-01:00', code: 'OUT_OF_RANGE' },
      { input: 1_767_261_600_000, code: 'INVALID_TYPE' },
    ],
    rows: {
      1: '2026-01-01T08:00:00.000Z',
      2: '2026-01-01T10:00:00.000Z',
      3: '2025-06-30T23:59:59.999Z',
      4: undefined,
      5: '0001-01-01T00:00:00.000Z',
    },
    filters: [
      { op: 'eq', operand: '2026-01-01T10:00:00+02:00', rows: [1] },
      { op: 'neq', operand: '2026-01-01T10:00:00+02:00', rows: [2, 3, 4, 5] },
      { op: 'in', operand: ['2026-01-01T10:00:00Z', '0001-01-01T00:00:00Z'], rows: [2, 5] },
      { op: 'notIn', operand: ['2026-01-01T08:00:00Z'], rows: [2, 3, 4, 5] },
      { op: 'isNull', operand: true, rows: [4] },
      { op: 'gt', operand: '2026-01-01T09:00:00+01:00', rows: [2] },
      { op: 'gte', operand: '2026-01-01T09:00:00+01:00', rows: [1, 2] },
      { op: 'lt', operand: '2026-01-01T00:00:00Z', rows: [3, 5] },
      { op: 'lte', operand: '2025-06-30T23:59:59.999Z', rows: [3, 5] },
    ],
    order: [[5], [3], [1], [2]],
  },
  {
    type: 'SELECT',
    field: 'stage',
    options: { choices: [{ value: 'lead' }, { value: 'won', label: 'Won', color: 'green', position: 2 }, { value: 'qualified', position: 1 }, { value: 'lost', position: 3 }] },
    valid: [
      { input: 'lead', output: 'lead' },
      { input: 'won', output: 'won' },
    ],
    // Values are enum values: GraphQL refuses a name that is not a choice.
    invalid: [],
    uncoercible: ['Lead', 'unknown', ['lead']],
    rows: { 1: 'lead', 2: 'won', 3: 'qualified', 4: undefined, 5: 'lost', 6: 'lead' },
    filters: [
      { op: 'eq', operand: 'lead', rows: [1, 6] },
      { op: 'neq', operand: 'lead', rows: [2, 3, 4, 5] },
      { op: 'in', operand: ['won', 'lost'], rows: [2, 5] },
      { op: 'notIn', operand: ['lead'], rows: [2, 3, 4, 5] },
      { op: 'isNull', operand: true, rows: [4] },
      { op: 'isNull', operand: false, rows: [1, 2, 3, 5, 6] },
    ],
    // By value text, not choice position.
    order: [[1, 6], [5], [3], [2]],
  },
  {
    type: 'MULTI_SELECT',
    field: 'colors',
    options: { choices: [{ value: 'red' }, { value: 'green' }, { value: 'blue', color: '#00f' }] },
    valid: [
      { input: ['blue', 'red'], output: ['red', 'blue'] },
      { input: ['red', 'red'], output: ['red'] },
      { input: [], output: [] },
    ],
    invalid: [],
    uncoercible: [['pink'], ['red', 'Red'], [1]],
    rows: { 1: ['red'], 2: ['red', 'blue'], 3: ['green', 'blue'], 4: undefined, 5: [], 6: ['red', 'green', 'blue'] },
    filters: [
      { op: 'containsAny', operand: ['blue'], rows: [2, 3, 6] },
      { op: 'containsAny', operand: ['green', 'red'], rows: [1, 2, 3, 6] },
      { op: 'containsAny', operand: [], rows: [] },
      { op: 'containsAll', operand: ['blue', 'red'], rows: [2, 6] },
      { op: 'containsAll', operand: ['green'], rows: [3, 6] },
      { op: 'eq', operand: ['blue', 'red'], rows: [2] },
      { op: 'eq', operand: ['red'], rows: [1] },
      { op: 'eq', operand: [], rows: [4, 5] },
      { op: 'isNull', operand: true, rows: [4, 5] },
      { op: 'isNull', operand: false, rows: [1, 2, 3, 6] },
    ],
  },
  {
    type: 'EMAIL',
    field: 'email',
    valid: [
      { input: '  Bob@Example.COM ', output: 'bob@example.com' },
      { input: "o'neil+crm@mail.example.co.uk", output: "o'neil+crm@mail.example.co.uk" },
    ],
    invalid: [
      { input: 'bob', code: 'INVALID_FORMAT' },
      { input: 'bob@localhost', code: 'INVALID_FORMAT' },
      { input: 'josé@example.com', code: 'INVALID_FORMAT' },
    ],
    uncoercible: [5],
    rows: { 1: 'ann@acme.com', 2: 'bob@beta.io', 3: 'carl_x@acme.com', 4: undefined, 5: 'carlyx@acme.com' },
    filters: [
      { op: 'eq', operand: ' ANN@Acme.com', rows: [1] },
      { op: 'neq', operand: 'ann@acme.com', rows: [2, 3, 4, 5] },
      { op: 'in', operand: ['Bob@Beta.io', 'nobody@x.org'], rows: [2] },
      { op: 'notIn', operand: ['ann@acme.com', 'bob@beta.io'], rows: [3, 4, 5] },
      { op: 'isNull', operand: true, rows: [4] },
      { op: 'gt', operand: 'B', rows: [2, 3, 5] },
      { op: 'gte', operand: 'bob@beta.io', rows: [2, 3, 5] },
      { op: 'lt', operand: 'b', rows: [1] },
      { op: 'lte', operand: 'ann@acme.com', rows: [1] },
      { op: 'contains', operand: 'ACME', rows: [1, 3, 5] },
      { op: 'contains', operand: 'l_x', rows: [3] },
      { op: 'startsWith', operand: 'Carl_', rows: [3] },
      { op: 'endsWith', operand: '.IO', rows: [2] },
      { op: 'iEq', operand: 'Bob@Beta.IO', rows: [2] },
      { op: 'iContains', operand: 'L_X', rows: [3] },
      { op: 'iStartsWith', operand: 'ANN', rows: [1] },
    ],
    order: [[1], [2], [3], [5]],
  },
  {
    type: 'PHONE',
    field: 'phone',
    valid: [
      { input: '+1 (415) 555-0123', output: '+14155550123' },
      { input: ' +49 30.1234.5678 ', output: '+493012345678' },
    ],
    invalid: [
      { input: '415-555-0123', code: 'INVALID_FORMAT' },
      { input: '+1-800-FLOWERS', code: 'INVALID_FORMAT' },
    ],
    uncoercible: [4155550123],
    rows: { 1: '+14155550123', 2: '+493012345678', 3: '+441632960961', 4: undefined, 5: '+14155559999' },
    filters: [
      { op: 'eq', operand: '+1 (415) 555-0123', rows: [1] },
      { op: 'neq', operand: '+14155550123', rows: [2, 3, 4, 5] },
      { op: 'in', operand: ['+49 30 12345678', '+44 1632 960961'], rows: [2, 3] },
      { op: 'notIn', operand: ['+14155550123'], rows: [2, 3, 4, 5] },
      { op: 'isNull', operand: true, rows: [4] },
      { op: 'gt', operand: '+2', rows: [2, 3] },
      { op: 'gte', operand: '+441632960961', rows: [2, 3] },
      { op: 'lt', operand: '+2', rows: [1, 5] },
      { op: 'lte', operand: '+14155550123', rows: [1] },
      { op: 'contains', operand: '555 01', rows: [1] },
      { op: 'startsWith', operand: '+1 415', rows: [1, 5] },
      { op: 'endsWith', operand: '99-99', rows: [5] },
      { op: 'iEq', operand: '+44 (1632) 960961', rows: [3] },
      { op: 'iContains', operand: '(30)', rows: [2] },
      { op: 'iStartsWith', operand: '+49', rows: [2] },
    ],
    order: [[1], [5], [3], [2]],
  },
  {
    type: 'URL',
    field: 'website',
    valid: [
      { input: 'https://Example.com', output: 'https://example.com/' },
      { input: ' http://example.com/a b?q=1#top ', output: 'http://example.com/a%20b?q=1#top' },
      { input: 'https://münchen.de/', output: 'https://xn--mnchen-3ya.de/' },
    ],
    invalid: [
      { input: 'example.com', code: 'INVALID_FORMAT' },
      { input: 'ftp://example.com/file', code: 'INVALID_FORMAT' },
      { input: 'javascript:alert(1)', code: 'INVALID_FORMAT' },
      { input: `https://example.com/${'a'.repeat(2048)}`, code: 'TOO_LONG' },
    ],
    uncoercible: [42],
    rows: {
      1: 'https://acme.com/',
      2: 'https://acme.com/pricing?plan=pro_max',
      3: 'http://beta.io/',
      4: undefined,
      5: 'https://zeta.dev/proXmax',
    },
    filters: [
      { op: 'eq', operand: 'https://ACME.com', rows: [1] },
      { op: 'neq', operand: 'https://acme.com/', rows: [2, 3, 4, 5] },
      { op: 'in', operand: ['http://beta.io', 'https://nowhere.example/'], rows: [3] },
      { op: 'notIn', operand: ['https://acme.com/'], rows: [2, 3, 4, 5] },
      { op: 'isNull', operand: true, rows: [4] },
      { op: 'gt', operand: 'https://', rows: [1, 2, 5] },
      { op: 'gte', operand: 'https://acme.com/pricing', rows: [2, 5] },
      { op: 'lt', operand: 'https', rows: [3] },
      { op: 'lte', operand: 'http://beta.io/', rows: [3] },
      { op: 'contains', operand: 'o_m', rows: [2] },
      { op: 'startsWith', operand: 'https://acme.com/pricing', rows: [2] },
      { op: 'endsWith', operand: 'io/', rows: [3] },
      { op: 'iEq', operand: 'HTTP://BETA.IO/', rows: [3] },
      { op: 'iContains', operand: 'O_M', rows: [2] },
      { op: 'iStartsWith', operand: 'HTTPS://ACME', rows: [1, 2] },
    ],
    order: [[3], [1], [2], [5]],
  },
  {
    type: 'RATING',
    field: 'rating',
    valid: [
      { input: 1, output: 1 },
      { input: 5, output: 5 },
    ],
    invalid: [
      { input: 0, code: 'OUT_OF_RANGE' },
      { input: 6, code: 'OUT_OF_RANGE' },
      { input: -1, code: 'OUT_OF_RANGE' },
    ],
    uncoercible: ['3', 2.5],
    rows: { 1: 5, 2: 3, 3: 1, 4: undefined, 5: 3 },
    filters: [
      { op: 'eq', operand: 3, rows: [2, 5] },
      { op: 'neq', operand: 3, rows: [1, 3, 4] },
      { op: 'in', operand: [1, 5], rows: [1, 3] },
      { op: 'notIn', operand: [3], rows: [1, 3, 4] },
      { op: 'isNull', operand: true, rows: [4] },
      { op: 'gt', operand: 3, rows: [1] },
      { op: 'gte', operand: 3, rows: [1, 2, 5] },
      { op: 'lt', operand: 3, rows: [3] },
      { op: 'lte', operand: 10, rows: [1, 2, 3, 5] },
    ],
    order: [[3], [2, 5], [1]],
  },
  {
    type: 'JSON',
    field: 'payload',
    valid: [
      { input: { a: 1, b: [true, null, 'x'], c: { d: {} } }, output: { a: 1, b: [true, null, 'x'], c: { d: {} } } },
      { input: [1, 'two'], output: [1, 'two'] },
      { input: 'text', output: 'text' },
      { input: 42.5, output: 42.5 },
      { input: false, output: false },
    ],
    invalid: [
      // Two quotes make it 65,537 bytes.
      { input: 'x'.repeat(65_535), code: 'TOO_LONG' },
      { input: { s: 'nul\u0000' }, code: 'INVALID_FORMAT' },
    ],
    rows: { 1: { plan: 'pro', seats: 5, tags: ['a', 'b'] }, 2: { plan: 'free' }, 3: ['a', 'b'], 4: undefined, 5: 'plan', 6: 42 },
    filters: [
      { op: 'eq', operand: { tags: ['a', 'b'], seats: 5, plan: 'pro' }, rows: [1] },
      { op: 'eq', operand: 42, rows: [6] },
      { op: 'eq', operand: 'plan', rows: [5] },
      { op: 'contains', operand: { plan: 'pro' }, rows: [1] },
      { op: 'contains', operand: { tags: ['b'] }, rows: [1] },
      { op: 'contains', operand: ['a'], rows: [3] },
      { op: 'hasKey', operand: 'plan', rows: [1, 2, 5] },
      { op: 'hasKey', operand: 'a', rows: [3] },
      { op: 'isNull', operand: true, rows: [4] },
      { op: 'isNull', operand: false, rows: [1, 2, 3, 5, 6] },
    ],
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
      { input: 'not-a-uuid', code: 'INVALID_FORMAT' },
      { input: '@MISSING', code: 'INVALID_REFERENCE' },
      // A record that exists, of another type.
      { input: '@SPECIMEN', code: 'INVALID_REFERENCE' },
    ],
    uncoercible: [{ id: A }],
    rows: { 1: A, 2: B, 3: A, 4: undefined, 5: C },
    filters: [
      { op: 'eq', operand: `${A}!`, rows: [1, 3] },
      { op: 'neq', operand: A, rows: [2, 4, 5] },
      { op: 'in', operand: [B, C], rows: [2, 5] },
      { op: 'notIn', operand: [A], rows: [2, 4, 5] },
      { op: 'isNull', operand: true, rows: [4] },
      { op: 'isNull', operand: false, rows: [1, 2, 3, 5] },
    ],
  },
];

const DIRECTIONS = ['ASC', 'DESC', 'ASC_NULLS_FIRST', 'ASC_NULLS_LAST', 'DESC_NULLS_FIRST', 'DESC_NULLS_LAST'] as const;

const keyOf = (c: FieldCase) => c.key ?? c.field;
const rowKey = (c: FieldCase, n: number | string) => `ROW/${c.type}/${n}`;
const groupFilter = (c: FieldCase) => ({ key: { startsWith: `ROW/${c.type}/` } });

/** Introspected input fields of one input type: name → named type. */
interface InputFieldInfo {
  name: string;
  type: { kind: string; name: string | null; ofType: { kind: string; name: string | null; ofType: { name: string | null } | null } | null };
}
const namedType = (f: InputFieldInfo) => f.type.name ?? f.type.ofType?.name ?? f.type.ofType?.ofType?.name ?? null;

describe('every field type over GraphQL', () => {
  let server: Server;
  let ws: Workspace;
  /** Placeholder → value (company ids). */
  const refs = new Map<string, string>();
  /** Row key → record id. */
  const rowIds = new Map<string, string>();

  /** Replaces relation placeholders ('@A', '@A!', ...) anywhere in `value`. */
  function resolve(value: unknown): unknown {
    if (typeof value === 'string' && value.startsWith('@')) {
      const upper = value.endsWith('!');
      const id = refs.get(upper ? value.slice(0, -1) : value);
      if (id === undefined) throw new Error(`unknown placeholder ${value}`);
      return upper ? id.toUpperCase() : id;
    }
    if (Array.isArray(value)) return value.map(resolve);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    return value;
  }

  const selection = (c: FieldCase) => c.select ?? c.field;

  async function count(): Promise<number> {
    return ok(await ws.gql<{ specimens: { totalCount: number } }>('{ specimens(includeDeleted: true) { totalCount } }')).specimens.totalCount;
  }

  function create(c: FieldCase, input: Record<string, unknown>) {
    return ws.gql<{ createSpecimen: Record<string, unknown> & { id: string } }>(
      `mutation($input: SpecimenCreateInput!) { createSpecimen(input: $input) { id key ${selection(c)} } }`,
      { input },
    );
  }

  type ListResult = { specimens: { totalCount: number; edges: Array<{ node: { id: string; key: string } }> } };
  function list(filter: unknown, orderBy?: unknown) {
    return ws.gql<ListResult>(
      `query($filter: SpecimenFilter, $orderBy: [SpecimenOrderBy!]) {
        specimens(filter: $filter, orderBy: $orderBy, first: 200) { totalCount edges { node { id key } } } }`,
      { filter, orderBy },
    );
  }

  async function inputFields(typeName: string): Promise<InputFieldInfo[]> {
    const data = ok(
      await ws.gql<{ __type: { inputFields: InputFieldInfo[] } | null }>(
        `query($name: String!) { __type(name: $name) { inputFields { name type { kind name ofType { kind name ofType { name } } } } } }`,
        { name: typeName },
      ),
    );
    if (!data.__type) throw new Error(`no input type ${typeName}`);
    return data.__type.inputFields;
  }

  function fieldsOf(res: GraphQLResponse): Array<{ field: string; code: string; message: string }> {
    return (res.errors?.[0]?.extensions?.fields ?? []) as Array<{ field: string; code: string; message: string }>;
  }

  beforeAll(async () => {
    server = await startTestServer();
    ws = await server.workspace('Field types');
    ok(await ws.gql(`mutation { createObjectType(input: { apiName: "company", pluralApiName: "companies" }) { apiName } }`));
    ok(await ws.gql(`mutation { createField(objectType: "company", input: { apiName: "name", type: TEXT }) { apiName } }`));
    ok(await ws.gql(`mutation { createObjectType(input: { apiName: "specimen", pluralApiName: "specimens" }) { apiName } }`));
    ok(await ws.gql(`mutation { createField(objectType: "specimen", input: { apiName: "key", type: TEXT }) { apiName } }`));
    for (const c of CASES) {
      ok(
        await ws.gql(`mutation($input: FieldInput!) { createField(objectType: "specimen", input: $input) { apiName type } }`, {
          input: { apiName: c.field, type: c.type, options: c.options },
        }),
      );
    }
    for (const name of ['A', 'B', 'C']) {
      const { createCompany } = ok(
        await ws.gql<{ createCompany: { id: string } }>(`mutation($name: String) { createCompany(input: { name: $name }) { id } }`, { name }),
      );
      refs.set(`@${name}`, createCompany.id);
    }
    refs.set('@MISSING', '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b');
    const other = ok(await ws.gql<{ createSpecimen: { id: string } }>(`mutation { createSpecimen(input: { key: "OTHER" }) { id } }`));
    refs.set('@SPECIMEN', other.createSpecimen.id);

    // The rows every filter and order case runs on, one group per field type.
    for (const c of CASES) {
      for (const [n, value] of Object.entries(c.rows)) {
        const input: Record<string, unknown> = { key: rowKey(c, n) };
        if (value !== undefined) input[keyOf(c)] = resolve(value);
        const { createSpecimen } = ok(await create(c, input));
        rowIds.set(rowKey(c, n), createSpecimen.id);
      }
    }
  });
  afterAll(() => server.close());

  it('has a table row for every field type of the schema', async () => {
    const data = ok(await ws.gql<{ __type: { enumValues: Array<{ name: string }> } }>(`{ __type(name: "FieldType") { enumValues { name } } }`));
    expect(CASES.map((c) => c.type).sort()).toEqual(data.__type.enumValues.map((v) => v.name).sort());
  });

  describe.each(CASES)('$type', (c) => {
    it('creates with valid values and returns them normalised', async () => {
      for (const { input, output } of c.valid) {
        const created = ok(await create(c, { key: `VALID/${c.type}`, [keyOf(c)]: resolve(input) })).createSpecimen;
        expect(created[c.field], `${c.type} ${JSON.stringify(input)}`).toEqual(resolve(output));
        const read = ok(
          await ws.gql<{ specimen: Record<string, unknown> }>(`query($id: ID!) { specimen(id: $id) { ${selection(c)} } }`, { id: created.id }),
        ).specimen;
        expect(read[c.field]).toEqual(resolve(output));
      }
    });

    // INTEGER, BOOLEAN, SELECT and MULTI_SELECT have none: GraphQL's Int, Boolean and enums refuse every bad value first (below).
    if (c.invalid.length > 0) it('answers bad values with VALIDATION_FAILED naming the field, and writes nothing', async () => {
      for (const bad of c.invalid) {
        const before = await count();
        const res =
          bad.literal !== undefined
            ? await ws.gql(`mutation { createSpecimen(input: { key: "BAD", ${keyOf(c)}: ${bad.literal} }) { id } }`)
            : await create(c, { key: 'BAD', [keyOf(c)]: resolve(bad.input) });
        const label = `${c.type} ${bad.literal ?? JSON.stringify(bad.input)?.slice(0, 60)}`;
        expect(res.errors?.[0]?.extensions?.code, label).toBe('VALIDATION_FAILED');
        expect(res.data?.createSpecimen ?? null, label).toBeNull();
        // Soft, so that every value of the table is reported.
        expect.soft(fieldsOf(res).map(({ field, code }) => ({ field, code })), label).toEqual([{ field: `input.${keyOf(c)}`, code: bad.code }]);
        expect(await count(), label).toBe(before);
      }
    });

    // DATE, DATETIME and JSON scalars pass every value through to the engine, so they have none.
    if (c.uncoercible?.length) it('answers values of the wrong GraphQL type with BAD_REQUEST, and writes nothing', async () => {
      for (const value of c.uncoercible ?? []) {
        const before = await count();
        const res = await create(c, { key: 'BAD', [keyOf(c)]: resolve(value) });
        expect(res.errors?.[0]?.extensions?.code, `${c.type} ${JSON.stringify(value)}`).toBe('BAD_REQUEST');
        expect(res.data ?? null).toBeNull();
        expect(await count()).toBe(before);
      }
    });

    it('covers every operator of its filter input, and each finds the expected records', async () => {
      const filterField = (await inputFields('SpecimenFilter')).find((f) => f.name === keyOf(c));
      expect(filterField, `SpecimenFilter.${keyOf(c)}`).toBeDefined();
      const ops = (await inputFields(namedType(filterField!)!)).map((f) => f.name).sort();
      expect([...new Set(c.filters.map((f) => f.op))].sort(), `operators of ${namedType(filterField!)}`).toEqual(ops);

      for (const { op, operand, rows } of c.filters) {
        const res = await list({ ...groupFilter(c), [keyOf(c)]: { [op]: resolve(operand) } });
        const label = `${keyOf(c)}: { ${op}: ${JSON.stringify(operand)} }`;
        expect(res.errors, label).toBeUndefined();
        const found = res.data!.specimens.edges.map((e) => e.node.key).sort();
        expect(found, label).toEqual(rows.map((n) => rowKey(c, n)).sort());
        expect(res.data!.specimens.totalCount, label).toBe(rows.length);
      }
    });

    if (c.order) it('orders by the field in every direction, records without a value as the direction says', async () => {
      const nullRows = Object.entries(c.rows).filter(([, v]) => v === undefined).map(([n]) => Number(n));
      // Ties follow the record id, ascending, whatever the direction.
      const group = (rows: number[]) => rows.map((n) => rowKey(c, n)).sort((a, b) => (rowIds.get(a)! < rowIds.get(b)! ? -1 : 1));
      const asc = (c.order ?? []).map(group);
      const desc = [...asc].reverse();
      const nulls = group(nullRows);
      const expected: Record<(typeof DIRECTIONS)[number], string[][]> = {
        ASC: [...asc, nulls],
        ASC_NULLS_LAST: [...asc, nulls],
        ASC_NULLS_FIRST: [nulls, ...asc],
        DESC: [nulls, ...desc],
        DESC_NULLS_FIRST: [nulls, ...desc],
        DESC_NULLS_LAST: [...desc, nulls],
      };
      for (const direction of DIRECTIONS) {
        const res = ok(await list(groupFilter(c), [{ [c.field]: direction }]));
        expect(
          res.specimens.edges.map((e) => e.node.key),
          `${c.field}: ${direction}`,
        ).toEqual(expected[direction].flat());
      }
    });
  });

  it('offers ordering by exactly the sortable fields (and id, createdAt, updatedAt, key)', async () => {
    const names = (await inputFields('SpecimenOrderBy')).map((f) => f.name).sort();
    expect(names).toEqual(['createdAt', 'id', 'key', 'updatedAt', ...CASES.filter((c) => c.order).map((c) => c.field)].sort());
    const res = await list(undefined, [{ notes: 'ASC' }]);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('has a filter key for every field, and nothing else besides the system fields and combinators', async () => {
    const names = (await inputFields('SpecimenFilter')).map((f) => f.name).sort();
    expect(names).toEqual(['and', 'createdAt', 'id', 'key', 'not', 'or', 'updatedAt', ...CASES.map(keyOf)].sort());
  });

  it('filters by id with every operator of IDFilter', async () => {
    const c = CASES.find((x) => x.type === 'NUMBER')!;
    const keys = Object.keys(c.rows).map((n) => rowKey(c, n));
    const id = (k: string) => rowIds.get(k)!;
    const [first, second, ...rest] = keys;
    const cases: Array<{ op: string; operand: unknown; expected: string[] }> = [
      { op: 'eq', operand: id(first!).toUpperCase(), expected: [first!] },
      { op: 'neq', operand: id(first!), expected: [second!, ...rest] },
      { op: 'in', operand: [id(first!), id(second!)], expected: [first!, second!] },
      { op: 'notIn', operand: [id(first!)], expected: [second!, ...rest] },
      { op: 'isNull', operand: false, expected: keys },
      { op: 'isNull', operand: true, expected: [] },
    ];
    const filterField = (await inputFields('SpecimenFilter')).find((f) => f.name === 'id')!;
    const ops = (await inputFields(namedType(filterField)!)).map((f) => f.name).sort();
    expect([...new Set(cases.map((x) => x.op))].sort()).toEqual(ops);
    for (const { op, operand, expected } of cases) {
      const res = await list({ ...groupFilter(c), id: { [op]: operand } });
      expect(res.errors, `id: { ${op} }`).toBeUndefined();
      expect(res.data!.specimens.edges.map((e) => e.node.key).sort(), `id: { ${op} }`).toEqual([...expected].sort());
    }
  });

  it('filters by createdAt and updatedAt with every operator of their filter input', async () => {
    const c = CASES.find((x) => x.type === 'DATE')!;
    type Node = { key: string; createdAt: string; updatedAt: string };
    const all = ok(
      await ws.gql<{ specimens: { edges: Array<{ node: Node }> } }>(
        `query($filter: SpecimenFilter) { specimens(filter: $filter, first: 200) { edges { node { key createdAt updatedAt } } } }`,
        { filter: groupFilter(c) },
      ),
    ).specimens.edges.map((e) => e.node);
    for (const column of ['createdAt', 'updatedAt'] as const) {
      const filterField = (await inputFields('SpecimenFilter')).find((f) => f.name === column)!;
      const ops = (await inputFields(namedType(filterField)!)).map((f) => f.name).sort();
      const pivot = all[Math.floor(all.length / 2)]![column];
      // A pivot with an offset: the filter compares instants, whatever the zone it was written in.
      const shifted = new Date(pivot).toISOString().replace('Z', '+00:00');
      const keysWhere = (test: (v: string) => boolean) => all.filter((n) => test(n[column])).map((n) => n.key).sort();
      const cases: Record<string, { operand: unknown; expected: string[] }> = {
        eq: { operand: shifted, expected: keysWhere((v) => v === pivot) },
        neq: { operand: pivot, expected: keysWhere((v) => v !== pivot) },
        in: { operand: [pivot], expected: keysWhere((v) => v === pivot) },
        notIn: { operand: [pivot], expected: keysWhere((v) => v !== pivot) },
        gt: { operand: pivot, expected: keysWhere((v) => v > pivot) },
        gte: { operand: pivot, expected: keysWhere((v) => v >= pivot) },
        lt: { operand: pivot, expected: keysWhere((v) => v < pivot) },
        lte: { operand: pivot, expected: keysWhere((v) => v <= pivot) },
        isNull: { operand: false, expected: keysWhere(() => true) },
      };
      expect(Object.keys(cases).sort()).toEqual(ops);
      for (const [op, { operand, expected }] of Object.entries(cases)) {
        const res = await list({ ...groupFilter(c), [column]: { [op]: operand } });
        expect(res.errors, `${column}: { ${op} }`).toBeUndefined();
        expect(res.data!.specimens.edges.map((e) => e.node.key).sort(), `${column}: { ${op} }`).toEqual(expected);
      }
    }
  });

  it('orders by id, createdAt and updatedAt', async () => {
    const c = CASES.find((x) => x.type === 'TEXT')!;
    const keys = Object.keys(c.rows).map((n) => rowKey(c, n));
    const byId = [...keys].sort((a, b) => (rowIds.get(a)! < rowIds.get(b)! ? -1 : 1));
    expect(ok(await list(groupFilter(c), [{ id: 'ASC' }])).specimens.edges.map((e) => e.node.key)).toEqual(byId);
    expect(ok(await list(groupFilter(c), [{ id: 'DESC' }])).specimens.edges.map((e) => e.node.key)).toEqual([...byId].reverse());
    for (const column of ['createdAt', 'updatedAt']) {
      const nodes = ok(
        await ws.gql<{ specimens: { edges: Array<{ node: { id: string; key: string; at: string } }> } }>(
          `query($filter: SpecimenFilter, $orderBy: [SpecimenOrderBy!]) {
            specimens(filter: $filter, orderBy: $orderBy, first: 200) { edges { node { id key at: ${column} } } } }`,
          { filter: groupFilter(c), orderBy: [{ [column]: 'DESC' }] },
        ),
      ).specimens.edges.map((e) => e.node);
      const expected = [...nodes].sort((a, b) => (a.at !== b.at ? (a.at > b.at ? -1 : 1) : a.id < b.id ? -1 : 1));
      expect(nodes.map((n) => n.key), column).toEqual(expected.map((n) => n.key));
    }
  });

  it('combines filters with and, or and not', async () => {
    const rating = CASES.find((x) => x.type === 'RATING')!;
    const keys = (res: ListResult) => res.specimens.edges.map((e) => e.node.key).sort();
    const rows = (...ns: number[]) => ns.map((n) => rowKey(rating, n)).sort();
    expect(keys(ok(await list({ ...groupFilter(rating), or: [{ rating: { eq: 1 } }, { rating: { eq: 5 } }] })))).toEqual(rows(1, 3));
    expect(keys(ok(await list({ ...groupFilter(rating), and: [{ rating: { gte: 3 } }, { rating: { lt: 5 } }] })))).toEqual(rows(2, 5));
    // not treats a missing value as "does not match", so row 4 (no rating) is in.
    expect(keys(ok(await list({ ...groupFilter(rating), not: { rating: { gte: 3 } } })))).toEqual(rows(3, 4));
  });

  describe('bad filter operands', () => {
    const BAD: Array<{ name: string; filter: Record<string, unknown>; fields: Array<{ field: string; code: string }> }> = [
      { name: 'a DATE that does not exist', filter: { dueOn: { gt: '2026-13-01' } }, fields: [{ field: 'filter.dueOn.gt', code: 'INVALID_FORMAT' }] },
      { name: 'a DATETIME without offset', filter: { startsAt: { lte: '2026-01-01' } }, fields: [{ field: 'filter.startsAt.lte', code: 'INVALID_FORMAT' }] },
      { name: 'a CURRENCY amount that is not a decimal', filter: { price: { gt: 'abc' } }, fields: [{ field: 'filter.price.gt', code: 'INVALID_FORMAT' }] },
      { name: 'one bad value of a list', filter: { price: { in: ['1', '1e3'] } }, fields: [{ field: 'filter.price.in.1', code: 'INVALID_FORMAT' }] },
      { name: 'a NUL in a substring', filter: { title: { contains: 'a\u0000b' } }, fields: [{ field: 'filter.title.contains', code: 'INVALID_FORMAT' }] },
      { name: 'a null operand', filter: { rating: { eq: null } }, fields: [{ field: 'filter.rating.eq', code: 'INVALID_VALUE' }] },
      {
        name: 'inside and / not, every one at once',
        filter: { and: [{ dueOn: { gt: '2026-02-30' } }], not: { startsAt: { eq: 'soon' } } },
        fields: [
          { field: 'filter.and.0.dueOn.gt', code: 'INVALID_FORMAT' },
          { field: 'filter.not.startsAt.eq', code: 'INVALID_FORMAT' },
        ],
      },
      { name: 'a relation id that is not a UUID', filter: { companyId: { eq: 'company-1' } }, fields: [{ field: 'filter.companyId.eq', code: 'INVALID_FORMAT' }] },
      {
        name: 'a relation id inside or',
        filter: { or: [{ companyId: { in: ['nope'] } }] },
        fields: [{ field: 'filter.or.0.companyId.in.0', code: 'INVALID_FORMAT' }],
      },
    ];
    it.each(BAD)('$name → VALIDATION_FAILED naming filter.<field>.<op>', async ({ filter, fields }) => {
      const res = await list(filter);
      expect(res.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
      expect(res.data?.specimens ?? null).toBeNull();
      expect(fieldsOf(res).map(({ field, code }) => ({ field, code }))).toEqual(fields);
    });

    it('an operand of the wrong GraphQL type → BAD_REQUEST', async () => {
      const res = await list({ rating: { eq: 'three' } });
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    });
  });

  it('reports every failing field of a create at once, and writes nothing', async () => {
    const before = await count();
    const res = await ws.gql(`mutation($input: SpecimenCreateInput!) { createSpecimen(input: $input) { id } }`, {
      input: { title: 'a\nb', dueOn: '2026-02-30', email: 'bob', rating: 9, bogus: 1 },
    });
    // An unknown input key is GraphQL's to refuse.
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    const res2 = await ws.gql(`mutation($input: SpecimenCreateInput!) { createSpecimen(input: $input) { id } }`, {
      input: { title: 'a\nb', dueOn: '2026-02-30', email: 'bob', rating: 9, price: { amount: '1.2.3' } },
    });
    expect(res2.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(res2).map((f) => f.field).sort()).toEqual(['input.dueOn', 'input.email', 'input.price', 'input.rating', 'input.title']);
    expect(await count()).toBe(before);
  });

  it('reports a dangling relation together with the other failing fields (all at once)', async () => {
    const before = await count();
    const res = await ws.gql(`mutation($input: SpecimenCreateInput!) { createSpecimen(input: $input) { id } }`, {
      input: { title: 'a\nb', companyId: refs.get('@MISSING') },
    });
    expect(res.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(res).map(({ field, code }) => ({ field, code }))).toEqual([
      { field: 'input.title', code: 'INVALID_FORMAT' },
      { field: 'input.companyId', code: 'INVALID_REFERENCE' },
    ]);
    expect(await count()).toBe(before);
  });

  it('names a relation input by its GraphQL key on update too, and writes nothing', async () => {
    const id = rowIds.get(rowKey(CASES.find((x) => x.type === 'RELATION')!, 1))!;
    const res = await ws.gql(
      `mutation($id: ID!, $input: SpecimenUpdateInput!) { updateSpecimen(id: $id, input: $input) { version company { id } } }`,
      { id, input: { companyId: refs.get('@MISSING') } },
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(res).map(({ field, code }) => ({ field, code }))).toEqual([{ field: 'input.companyId', code: 'INVALID_REFERENCE' }]);
    const read = ok(await ws.gql<{ specimen: { version: number; company: { id: string } } }>(`query($id: ID!) { specimen(id: $id) { version company { id } } }`, { id }));
    expect(read.specimen).toEqual({ version: 1, company: { id: refs.get('@A') } });
  });

  it('a relation to a deleted record reads as null, refuses new links, and is cleared when the target is destroyed', async () => {
    const { createCompany } = ok(await ws.gql<{ createCompany: { id: string } }>(`mutation { createCompany(input: { name: "D" }) { id } }`));
    const d = createCompany.id;
    const { createSpecimen } = ok(await ws.gql<{ createSpecimen: { id: string } }>(`mutation($c: ID) { createSpecimen(input: { key: "LINK/1", companyId: $c }) { id } }`, { c: d }));
    const read = async () =>
      ok(await ws.gql<{ specimen: { version: number; company: { name: string } | null } }>(`query($id: ID!) { specimen(id: $id) { version company { name } } }`, { id: createSpecimen.id })).specimen;
    const linked = async () => ok(await list({ key: { eq: 'LINK/1' }, companyId: { eq: d } })).specimens.totalCount;

    ok(await ws.gql(`mutation($id: ID!) { deleteCompany(id: $id) { id } }`, { id: d }));
    expect(await read()).toEqual({ version: 1, company: null });
    expect(await linked()).toBe(1); // the stored link stays, for restore
    const refused = await ws.gql(`mutation($c: ID) { createSpecimen(input: { key: "LINK/2", companyId: $c }) { id } }`, { c: d });
    expect(refused.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(refused).map((f) => f.code)).toEqual(['INVALID_REFERENCE']);

    ok(await ws.gql(`mutation($id: ID!) { restoreCompany(id: $id) { id } }`, { id: d }));
    expect(await read()).toEqual({ version: 1, company: { name: 'D' } });

    expect(ok(await ws.gql<{ destroyCompany: boolean }>(`mutation($id: ID!) { destroyCompany(id: $id) }`, { id: d })).destroyCompany).toBe(true);
    expect(await read()).toEqual({ version: 2, company: null });
    expect(await linked()).toBe(0);
  });

  it('clears a value with null on update, which then matches isNull', async () => {
    const c = CASES.find((x) => x.type === 'INTEGER')!;
    const { createSpecimen } = ok(await create(c, { key: 'CLEAR/1', quantity: 7 }));
    const updated = ok(
      await ws.gql<{ updateSpecimen: { quantity: number | null; version: number } }>(
        `mutation($id: ID!) { updateSpecimen(id: $id, input: { quantity: null }) { quantity version } }`,
        { id: createSpecimen.id },
      ),
    ).updateSpecimen;
    expect(updated).toEqual({ quantity: null, version: 2 });
    const res = ok(await list({ key: { eq: 'CLEAR/1' }, quantity: { isNull: true } }));
    expect(res.specimens.edges.map((e) => e.node.id)).toEqual([createSpecimen.id]);
  });
});
