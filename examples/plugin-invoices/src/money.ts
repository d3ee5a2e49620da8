/**
 * Exact money math on decimal strings. Relata stores amounts as decimal strings
 * (`"19.99"`) so that no binary rounding touches them; this module keeps it that
 * way: an amount is parsed into an integer count of its smallest unit (a BigInt)
 * and a scale (digits after the point), multiplied and added as integers, and
 * printed back. `0.1 + 0.2` is `"0.3"` here, and `3 × 19.99` is `"59.97"`.
 */
import type { Money } from '@relata/core/plugin';

/** `units / 10^scale`: `"-12.50"` is `{ units: -1250n, scale: 2 }`. */
export interface Decimal {
  units: bigint;
  scale: number;
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/** Parses a decimal string as Relata stores amounts; null when it is not one. */
export function parseDecimal(text: string): Decimal | null {
  const match = DECIMAL.exec(text.trim());
  if (!match) return null;
  const [, sign = '', whole = '', fraction = ''] = match;
  const units = BigInt(whole + fraction);
  return { units: sign === '-' ? -units : units, scale: fraction.length };
}

/** The decimal at a larger scale (same value): `1.5` at scale 2 is `1.50`. */
export function rescale(d: Decimal, scale: number): Decimal {
  if (scale < d.scale) throw new RangeError(`cannot rescale ${formatDecimal(d)} to ${scale} digits without rounding`);
  return { units: d.units * 10n ** BigInt(scale - d.scale), scale };
}

/** The sum, at the larger of the scales. */
export function add(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale).units + rescale(b, scale).units, scale };
}

/** `d × n` for a whole number `n`, at `d`'s scale. */
export function multiply(d: Decimal, n: number): Decimal {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${n} is not a whole number`);
  return { units: d.units * BigInt(n), scale: d.scale };
}

/** `"-12.50"` from `{ units: -1250n, scale: 2 }`. */
export function formatDecimal(d: Decimal): string {
  const negative = d.units < 0n;
  const digits = (negative ? -d.units : d.units).toString().padStart(d.scale + 1, '0');
  const whole = digits.slice(0, digits.length - d.scale);
  const fraction = digits.slice(digits.length - d.scale);
  return `${negative ? '-' : ''}${whole}${d.scale > 0 ? `.${fraction}` : ''}`;
}

/** Digits before the point (without sign): Relata allows at most 15. */
export function integerDigits(d: Decimal): number {
  return formatDecimal(d).replace('-', '').split('.')[0]!.length;
}

/** How many minor-unit digits a currency has: EUR 2, JPY 0, BHD 3. */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** True when `code` is an ISO 4217 currency code Node knows (upper case). */
export function isCurrencyCode(code: string): boolean {
  return Intl.supportedValuesOf('currency').includes(code);
}

/** Money with `d` as its amount, printed with at least the currency's minor digits (`5` EUR → `"5.00"`). */
export function toMoney(d: Decimal, currency: string): Money {
  return { amount: formatDecimal(rescale(d, Math.max(d.scale, minorDigits(currency)))), currency };
}

/** Zero in `currency`: `"0.00"` EUR, `"0"` JPY. */
export function zero(currency: string): Money {
  return toMoney({ units: 0n, scale: 0 }, currency);
}

/** The sum of `amounts` (decimal strings) as money in `currency`. Throws on an amount that is not a decimal. */
export function sum(amounts: readonly string[], currency: string): Money {
  let total: Decimal = { units: 0n, scale: 0 };
  for (const amount of amounts) {
    const d = parseDecimal(amount);
    if (!d) throw new Error(`not a decimal amount: ${JSON.stringify(amount)}`);
    total = add(total, d);
  }
  return toMoney(total, currency);
}

/** True when both are the same money, written the same way (`"10.50"` is not `"10.5"`). */
export function sameMoney(a: Money | null | undefined, b: Money | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.amount === b.amount && a.currency === b.currency;
}
