/** Hooks of companies, people and leads: normal forms and the checks the field types cannot make. */
import type { HookErrors, HooksOf } from '@relata/core/plugin';
import type { company, person } from '../types/accounts.ts';
import type { lead } from '../types/sales.ts';

const EMAIL = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
const PHONE = /^\+[1-9]\d{5,14}$/;
const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** The value a write leaves in `name`: the input's, else the stored one. */
function after<T>(data: Record<string, unknown>, original: { data: Record<string, unknown> } | null, name: string): T | null | undefined {
  return (data[name] !== undefined ? data[name] : original?.data[name]) as T | null | undefined;
}

function present(value: unknown): boolean {
  return typeof value === 'string' ? value.trim() !== '' : value !== null && value !== undefined;
}

/** A person or lead needs something to call it by: one of `names` set after the write. */
function requireOneOf(data: Record<string, unknown>, original: { data: Record<string, unknown> } | null, names: string[], errors: HookErrors): void {
  if (names.some((n) => present(after(data, original, n)))) return;
  errors.add(names.includes('lastName') ? 'lastName' : names[0]!, 'REQUIRED', `needs at least one of ${names.join(', ')}`);
}

function normaliseList(value: unknown, item: (s: string) => string): unknown {
  if (!Array.isArray(value)) return value;
  const out = value.map((v) => (typeof v === 'string' ? item(v) : v));
  return out.filter((v, i) => out.indexOf(v) === i);
}

function checkList(name: string, value: unknown, pattern: RegExp, what: string, errors: HookErrors): void {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value)) return errors.add(name, 'INVALID_TYPE', `must be a list of ${what}`);
  value.forEach((v, i) => {
    if (typeof v !== 'string' || !pattern.test(v)) errors.add(`${name}.${i}`, 'INVALID_FORMAT', `must be ${what.replace(/s$/, '')}`);
  });
}

const lowerTrim = (s: string) => s.trim().toLowerCase();
const phoneDigits = (s: string) => s.replace(/[\s().-]/g, '');

/** `https://www.Acme.example/about` → `acme.example`. */
export function normaliseDomain(input: string): string {
  return input
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/[/?#].*$/, '')
    .replace(/:\d+$/, '')
    .replace(/^www\./, '');
}

export const companyHooks: HooksOf<typeof company> = {
  beforeValidate({ data }) {
    if (typeof data.domain !== 'string') return;
    return { ...data, domain: normaliseDomain(data.domain) };
  },
  validate({ data, errors }) {
    if (typeof data.domain === 'string' && !DOMAIN.test(data.domain)) errors.add('domain', 'INVALID_FORMAT', 'must be a domain name, such as "acme.example"');
  },
};

export const personHooks: HooksOf<typeof person> = {
  beforeValidate({ data }) {
    if (data.additionalEmails == null && data.additionalPhones == null) return;
    return {
      ...data,
      ...(data.additionalEmails != null && { additionalEmails: normaliseList(data.additionalEmails, lowerTrim) as string[] }),
      ...(data.additionalPhones != null && { additionalPhones: normaliseList(data.additionalPhones, phoneDigits) as string[] }),
    };
  },
  validate({ data, original, errors }) {
    requireOneOf(data, original, ['firstName', 'lastName', 'email'], errors);
    checkList('additionalEmails', data.additionalEmails, EMAIL, 'email addresses', errors);
    checkList('additionalPhones', data.additionalPhones, PHONE, 'phone numbers with their country code ("+14155550123")', errors);
  },
};

export const leadHooks: HooksOf<typeof lead> = {
  validate({ data, original, errors, actor }) {
    requireOneOf(data, original, ['firstName', 'lastName', 'email', 'companyName'], errors);
    const converted = data.status === 'converted' && original?.data.status !== 'converted';
    if (converted && !after(data, original, 'convertedPerson') && actor.kind !== 'system') {
      errors.add('status', 'USE_CONVERT_LEAD', 'a lead becomes converted by convertLead, which makes the person it becomes');
    }
  },
};
