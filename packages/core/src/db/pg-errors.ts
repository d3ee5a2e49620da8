/** Recognising PostgreSQL errors, whichever driver (pg, PGlite, Prisma) raised them. */

/** The SQLSTATE of a database error, looking through Prisma's driver-adapter wrapping. */
export function sqlState(error: unknown): string | undefined {
  const e = error as
    | { code?: unknown; meta?: { code?: unknown; driverAdapterError?: { cause?: { originalCode?: unknown } } } }
    | undefined;
  // Prisma's own code (P2010) comes last: the database's code sits deeper.
  for (const code of [e?.meta?.driverAdapterError?.cause?.originalCode, e?.meta?.code, e?.code]) {
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** True for unique_violation (23505). */
export function isUniqueViolation(error: unknown): boolean {
  return sqlState(error) === '23505';
}
