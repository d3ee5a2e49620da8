/**
 * The position of an event in the change log: its transaction id and sequence
 * number. Events are read in (txid, seq) order, and only those of transactions
 * older than every transaction still running (migration 20261126000000 explains
 * why): so a cursor never skips an event that commits later, and every reader
 * sees one order. Cursors are opaque to clients (base64url of `txid.seq`).
 */
import { BadRequestError } from '../errors.ts';

/** A position in the log; `seq` 0 is the position before every event of transaction `txid`. */
export interface EventPosition {
  /** The transaction id (xid8), as decimal text. */
  txid: string;
  /** The event's sequence number, as decimal text. */
  seq: string;
}

const DECIMAL = /^\d{1,20}$/;

/** The cursor of a position. */
export function encodeEventCursor(position: EventPosition): string {
  return Buffer.from(`${position.txid}.${position.seq}`).toString('base64url');
}

/** The position of a cursor; BAD_REQUEST naming `argument` when it is not one. */
export function decodeEventCursor(cursor: string, argument = 'after'): EventPosition {
  const [txid, seq, ...rest] = Buffer.from(String(cursor), 'base64url').toString('utf8').split('.');
  if (rest.length > 0 || !txid || !seq || !DECIMAL.test(txid) || !DECIMAL.test(seq)) {
    throw new BadRequestError(`${argument} is not an event cursor`, { argument });
  }
  return { txid, seq };
}

/** SQL true for the events after `position` whose transaction is over (their `txid` below every running one). */
export function afterPositionSql(txid: string, seq: string, alias = ''): string {
  const col = (name: string) => (alias ? `${alias}."${name}"` : `"${name}"`);
  return `(${col('txid')}, ${col('seq')}) > (${txid}::xid8, ${seq}::bigint) AND ${col('txid')} < pg_snapshot_xmin(pg_current_snapshot())`;
}
