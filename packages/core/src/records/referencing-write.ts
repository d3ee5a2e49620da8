/**
 * A write whose input names other records (a to-one id, links to connect) runs
 * in one transaction: the named records are checked and locked FOR SHARE first,
 * then the write, then its link changes. A concurrent delete of a named record
 * therefore either waits for the write (and then sees the reference: RESTRICT
 * refuses, CASCADE takes it along) or commits first (and the check fails). A write
 * naming no other record is a single statement, as before.
 */
import type { Queryable, SqlClient } from '../db/sql-client.ts';
import type { FieldErrorCollector } from '../errors.ts';
import type { ObjectTypeMeta } from '../metadata/workspace-metadata.ts';
import { writeLinks } from './link-writes.ts';
import { checkReferences, namesOtherRecords, type WriteItem } from './record-input.ts';
import type { RecordScope } from './record-service.ts';

/**
 * Runs `write` (which returns the written records' ids in the order of `items`)
 * with the references of `items` checked, then applies their link changes.
 * Validation errors collected so far are thrown with the reference errors.
 */
export async function referencingWrite<T>(
  sql: SqlClient,
  scope: RecordScope,
  type: ObjectTypeMeta,
  items: readonly WriteItem[],
  errors: FieldErrorCollector,
  write: (q: Queryable) => Promise<{ result: T; ids: readonly string[] }>,
): Promise<T> {
  if (!namesOtherRecords(type, items)) {
    errors.throwIfAny();
    return (await write(sql)).result;
  }
  return sql.transaction((tx) => checkedWrite(tx, scope, type, items, errors, write));
}

/** The same inside a transaction the caller holds. */
export async function checkedWrite<T>(
  tx: Queryable,
  scope: RecordScope,
  type: ObjectTypeMeta,
  items: readonly WriteItem[],
  errors: FieldErrorCollector,
  write: (q: Queryable) => Promise<{ result: T; ids: readonly string[] }>,
): Promise<T> {
  await checkReferences(tx, scope, type, items, errors, true);
  errors.throwIfAny();
  const { result, ids } = await write(tx);
  const records = items.flatMap((item, i) => (item.links?.length ? [{ id: ids[i]!, links: item.links }] : []));
  if (records.length > 0) await writeLinks(tx, scope, type, records);
  return result;
}
