/** Deleting many rows a batch at a time, so no one statement holds its locks long. */
import type { Queryable } from './sql-client.ts';

/**
 * Runs `deleteStatement` (a `DELETE ... RETURNING 1` that deletes at most `batch`
 * rows, its parameters `values`) until it deletes fewer than `batch`; returns how
 * many rows went.
 */
export async function deleteInBatches(q: Queryable, deleteStatement: string, values: readonly unknown[], batch: number): Promise<number> {
  let total = 0;
  for (;;) {
    const { rows } = await q.query<{ n: number }>(`WITH "gone" AS (${deleteStatement}) SELECT count(*)::int AS "n" FROM "gone"`, values);
    const n = Number(rows[0]?.n ?? 0);
    total += n;
    if (n < batch) return total;
  }
}
