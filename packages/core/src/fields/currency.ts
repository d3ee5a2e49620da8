/**
 * CURRENCY: an amount of money in one currency, stored as
 * `{ amount: "12.50", currency: "EUR" }`. The amount is a decimal string so that
 * no binary rounding ever touches money, and its scale is kept as given.
 */
import type { FieldError } from '../errors.ts';
import { equalityOperators, rangeOperators } from './operators.ts';
import { asOptionsObject, isUnset, optionError, rejectUnknownKeys } from './options.ts';
import type { FieldTypeModule, NormalizeResult } from './types.ts';

/** Most digits before the decimal point of an amount (with the next, fits `numeric(21,6)`). */
export const AMOUNT_MAX_INTEGER_DIGITS = 15;
/** Most digits after the decimal point of an amount: enough for crypto and unit prices. */
export const AMOUNT_MAX_FRACTION_DIGITS = 6;

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/**
 * Parses a decimal string into its canonical form: no `+`, no leading zeros,
 * no negative zero, scale kept (`"+007.50"` → `"7.50"`, `"-0.00"` → `"0.00"`).
 *
 * JS numbers are rejected, not converted: GraphQL carries amounts as strings, and
 * a number has already lost the caller's scale (12.50 arrives as 12.5) and may
 * not be the decimal they meant (0.1 + 0.2). Callers in code pass strings too.
 */
export function parseDecimal(input: unknown): NormalizeResult {
  if (typeof input !== 'string') {
    const hint = typeof input === 'number' ? ', not a number' : '';
    return { ok: false, code: 'INVALID_TYPE', message: `must be a decimal string such as "12.50"${hint}` };
  }
  const match = DECIMAL.exec(input.trim());
  if (!match) return { ok: false, code: 'INVALID_FORMAT', message: 'must be a decimal number such as "12.50"' };
  const [, sign = '', digits = '', fraction = ''] = match;
  const integer = digits.replace(/^0+(?=\d)/, '');
  if (integer.length > AMOUNT_MAX_INTEGER_DIGITS) {
    const message = `must have at most ${AMOUNT_MAX_INTEGER_DIGITS} digits before the decimal point`;
    return { ok: false, code: 'OUT_OF_RANGE', message };
  }
  if (fraction.length > AMOUNT_MAX_FRACTION_DIGITS) {
    const message = `must have at most ${AMOUNT_MAX_FRACTION_DIGITS} decimal places`;
    return { ok: false, code: 'INVALID_FORMAT', message };
  }
  const isZero = /^0*$/.test(integer + fraction);
  const value = `${sign === '-' && !isZero ? '-' : ''}${integer}${fraction ? `.${fraction}` : ''}`;
  return { ok: true, value };
}

/** Parses an ISO 4217 currency code, case-insensitively, into upper case. */
export function parseCurrencyCode(input: unknown): NormalizeResult {
  if (typeof input !== 'string') return { ok: false, code: 'INVALID_TYPE', message: 'must be a currency code string' };
  const code = input.trim().toUpperCase();
  if (!CURRENCIES.has(code)) {
    return { ok: false, code: 'INVALID_FORMAT', message: 'must be an ISO 4217 currency code such as "EUR"' };
  }
  return { ok: true, value: code };
}

function normalizeCurrencyOptions(options: unknown): { options: Record<string, unknown>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const input = asOptionsObject(options, errors);
  rejectUnknownKeys(input, ['defaultCurrency'], errors);
  const normalized: Record<string, unknown> = {};
  if (!isUnset(input.defaultCurrency)) {
    const parsed = parseCurrencyCode(input.defaultCurrency);
    if (parsed.ok) normalized.defaultCurrency = parsed.value;
    else errors.push(optionError('defaultCurrency', parsed));
  }
  return { options: normalized, errors };
}

/** The CURRENCY field type. */
export const currencyField: FieldTypeModule = {
  type: 'CURRENCY',
  description: 'An amount of money with its ISO 4217 currency.',
  graphql: {
    value: { kind: 'money' },
    filterName: 'CurrencyFilter',
    operand: { kind: 'scalar', scalar: 'String' },
  },
  sqlExpr: (key) => `((data->${key}->>'amount')::numeric)`,
  // Sorting and ranges compare amounts only: mixed currencies are not converted.
  sortable: true,
  indexable: true,
  // "One record per amount" is never a business rule, and 12.5 EUR vs 12.5 USD would collide.
  uniqueable: false,
  searchable: false,
  operators: {
    ...equalityOperators('numeric'),
    ...rangeOperators(),
    currency: {
      operand: 'string',
      description: 'In this currency (ISO 4217 code, any case).',
      sql: (c, v) => `(${c.json}->>'currency') = ${c.param(String(v).trim().toUpperCase())}`,
    },
  },
  normalizeOptions: normalizeCurrencyOptions,
  normalize(input, field) {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return { ok: false, code: 'INVALID_TYPE', message: 'must be an object with amount and currency' };
    }
    const { amount, currency, ...rest } = input as Record<string, unknown>;
    if (Object.keys(rest).length > 0) {
      return { ok: false, code: 'INVALID_FORMAT', message: 'must have only amount and currency' };
    }
    const parsedAmount = parseDecimal(amount);
    if (!parsedAmount.ok) return { ...parsedAmount, message: `amount ${parsedAmount.message}` };
    const code = isUnset(currency) ? field.options.defaultCurrency : currency;
    if (isUnset(code)) {
      return { ok: false, code: 'INVALID_FORMAT', message: 'must have a currency (the field has no default currency)' };
    }
    const parsedCurrency = parseCurrencyCode(code);
    if (!parsedCurrency.ok) return { ...parsedCurrency, message: `currency ${parsedCurrency.message}` };
    return { ok: true, value: { amount: parsedAmount.value, currency: parsedCurrency.value } };
  },
  // Filters compare amounts: `{ price: { gte: "100" } }`.
  parseOperand: parseDecimal,
};
