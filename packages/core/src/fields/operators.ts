/**
 * Filter operators shared by field types. A module picks the ones that apply to
 * it; the SQL is written once here. Every operand is a bound parameter.
 */
import type { NormalizeResult, OperatorDef, OperatorSqlContext } from './types.ts';

/** Escapes `%`, `_` and `\` so a user's string matches literally inside LIKE. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Equality, membership and null checks. `neq` and `notIn` also match records
 * that have no value (they are not equal to it), unlike bare SQL `<>`.
 */
export function equalityOperators(sqlType: string): Record<string, OperatorDef> {
  return {
    eq: { operand: 'value', description: 'Equal to.', sql: (c, v) => `${c.expr} = ${c.param(v)}` },
    neq: {
      operand: 'value',
      description: 'Not equal to (records without a value match).',
      sql: (c, v) => `${c.expr} IS DISTINCT FROM ${c.param(v)}`,
    },
    in: {
      operand: 'values',
      description: 'Equal to one of the values.',
      sql: (c, v) => `${c.expr} = ANY(${c.param(v)}::${sqlType}[])`,
    },
    notIn: {
      operand: 'values',
      description: 'Equal to none of the values (records without a value match).',
      sql: (c, v) => `(${c.expr} IS NULL OR NOT (${c.expr} = ANY(${c.param(v)}::${sqlType}[])))`,
    },
    isNull: isNullOperator,
  };
}

/** `isNull: true` matches records without a value; `isNull: false` those with one. */
export const isNullOperator: OperatorDef = {
  operand: 'boolean',
  description: 'True: has no value. False: has a value.',
  sql: (c, v) => (v ? `${c.expr} IS NULL` : `${c.expr} IS NOT NULL`),
};

/** `gt gte lt lte` on the typed expression. */
export function rangeOperators(): Record<string, OperatorDef> {
  return {
    gt: { operand: 'value', description: 'Greater than.', sql: (c, v) => `${c.expr} > ${c.param(v)}` },
    gte: { operand: 'value', description: 'Greater than or equal to.', sql: (c, v) => `${c.expr} >= ${c.param(v)}` },
    lt: { operand: 'value', description: 'Less than.', sql: (c, v) => `${c.expr} < ${c.param(v)}` },
    lte: { operand: 'value', description: 'Less than or equal to.', sql: (c, v) => `${c.expr} <= ${c.param(v)}` },
  };
}

/** Substring matches, case-sensitive, and the case-insensitive family of text. */
export function stringOperators(options: { caseInsensitive: boolean }): Record<string, OperatorDef> {
  const ops: Record<string, OperatorDef> = {
    contains: {
      operand: 'string',
      description: 'Contains the string (case-sensitive).',
      sql: (c, v) => `${c.expr} LIKE '%' || ${c.param(escapeLike(String(v)))} || '%'`,
    },
    startsWith: {
      operand: 'string',
      description: 'Starts with the string (case-sensitive).',
      sql: (c, v) => `${c.expr} LIKE ${c.param(escapeLike(String(v)))} || '%'`,
    },
    endsWith: {
      operand: 'string',
      description: 'Ends with the string (case-sensitive).',
      sql: (c, v) => `${c.expr} LIKE '%' || ${c.param(escapeLike(String(v)))}`,
    },
  };
  if (options.caseInsensitive) {
    ops.iEq = {
      operand: 'string',
      description: 'Equal to, ignoring case.',
      sql: (c, v) => `lower(${c.expr}) = lower(${c.param(String(v))})`,
    };
    ops.iContains = {
      operand: 'string',
      description: 'Contains the string, ignoring case.',
      sql: (c, v) => `${c.expr} ILIKE '%' || ${c.param(escapeLike(String(v)))} || '%'`,
    };
    ops.iStartsWith = {
      operand: 'string',
      description: 'Starts with the string, ignoring case.',
      sql: (c, v) => `${c.expr} ILIKE ${c.param(escapeLike(String(v)))} || '%'`,
    };
  }
  return ops;
}

/** The typed SQL expression of a text value stored at `key`. */
export function textExpr(key: string): string {
  return `(data->>${key})`;
}

/** TEXT's operator set (equality, range, substring and case-insensitive), shared by text-like types. */
export function textOperators(): Record<string, OperatorDef> {
  return { ...equalityOperators('text'), ...rangeOperators(), ...stringOperators({ caseInsensitive: true }) };
}

/** The named operators of `ops`; throws on a name it lacks, so a typo fails at load time. */
export function pickOperators(ops: Record<string, OperatorDef>, ...names: string[]): Record<string, OperatorDef> {
  return Object.fromEntries(
    names.map((name) => {
      const op = ops[name];
      if (!op) throw new Error(`No operator ${name}`);
      return [name, op];
    }),
  );
}

/**
 * `ops` with every `string` operand passed through `canonical` first, so that a
 * substring is compared in the same canonical form as the stored value (an
 * email's `contains: "Example"` still finds the lowercased address).
 */
export function withCanonicalStrings(
  ops: Record<string, OperatorDef>,
  canonical: (value: string) => string,
): Record<string, OperatorDef> {
  return Object.fromEntries(
    Object.entries(ops).map(([name, op]) => [
      name,
      op.operand === 'string'
        ? { ...op, sql: (c: OperatorSqlContext, v: unknown) => op.sql(c, canonical(String(v))) }
        : op,
    ]),
  );
}

/** Parses a text operand as given (untrimmed, any length): it is only compared, never stored. */
export function parseStringOperand(input: unknown): NormalizeResult {
  return typeof input === 'string'
    ? { ok: true, value: input }
    : { ok: false, code: 'INVALID_TYPE', message: 'must be a string' };
}
