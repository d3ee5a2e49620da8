/**
 * Money on the board: Relata sends amounts as decimal strings
 * (`{ amount: "12500.50", currency: "EUR" }`), and a column's total must be
 * exact, so amounts are added as integers of their smallest decimal unit
 * (BigInt), never as floats. A column may mix currencies: it gets one total
 * per currency.
 */

/** An amount of money as the API sends it. */
export interface Money {
  /** A decimal string: `"12500.50"`, `"-3"`. */
  amount: string;
  /** An ISO 4217 code: `"EUR"`. */
  currency: string;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** A decimal string as an integer and its number of decimals: `"12.50"` is `1250n` at scale 2. */
function parseDecimal(value: string): { units: bigint; scale: number } {
  const match = DECIMAL.exec(value.trim());
  if (!match) throw new Error(`Not a decimal amount: ${JSON.stringify(value)}`);
  const [, sign, whole, fraction = ''] = match;
  const units = BigInt(`${whole}${fraction}`);
  return { units: sign ? -units : units, scale: fraction.length };
}

/** Writes an integer at `scale` back as a decimal string (`1250n`, 2 → `"12.50"`). */
function formatDecimal(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** The exact sum of decimal strings, at the largest scale among them (`"0.1" + "0.2"` is `"0.3"`). */
export function sumDecimals(values: readonly string[]): string {
  const parsed = values.map(parseDecimal);
  const scale = Math.max(0, ...parsed.map((p) => p.scale));
  const total = parsed.reduce((sum, p) => sum + p.units * 10n ** BigInt(scale - p.scale), 0n);
  return formatDecimal(total, scale);
}

/** One exact total per currency, sorted by currency code; amounts that are missing are left out. */
export function totalsByCurrency(amounts: Iterable<Money | null | undefined>): Money[] {
  const byCurrency = new Map<string, string[]>();
  for (const money of amounts) {
    if (!money) continue;
    const list = byCurrency.get(money.currency) ?? [];
    list.push(money.amount);
    byCurrency.set(money.currency, list);
  }
  return [...byCurrency.keys()].sort().map((currency) => ({ currency, amount: sumDecimals(byCurrency.get(currency) ?? []) }));
}

/** `€12,500.50`: formats the decimal string itself (no float in between). */
export function formatMoney(money: Money, locale = 'en-US'): string {
  // Intl.NumberFormat formats a decimal string exactly (ES2023); a float would round large amounts.
  return new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency }).format(money.amount as `${number}`);
}

/** A column's total: `€60,500.00 + $30,000.00`, or `–` when nothing has an amount. */
export function formatTotals(totals: readonly Money[], locale = 'en-US'): string {
  return totals.length ? totals.map((total) => formatMoney(total, locale)).join(' + ') : '–';
}
