/**
 * The statements of plugin event handlers, each atomic on its own. A handler
 * (`<plugin>/<handler>`) has one row in `plugin_handler` for every workspace: the
 * log position it has handled events up to, and the lease of the process running
 * it. Only the lease holder reads events after the position, calls the handler
 * and moves the position, so one handler never runs on two processes at once and
 * its events are handled in log order:
 * - `ensure`: the rows of handlers seen for the first time, starting after every
 *   event readable then (a new handler does not replay history);
 * - `claim`: leases of free (or expired, or own) handlers that have events to read;
 * - `read`: a handler's next record events in workspaces where its plugin is
 *   installed (when they are read), of its types and kinds, in log order;
 * - `move`, `deadLetter`: the position moved (and the lease renewed), only while
 *   the lease is still the caller's; a dead letter is written in the same
 *   statement as the move past its event, so it is filed once;
 * - `renew`, `release`: the lease kept, or handed back.
 */
import type { Database } from '../db/database.ts';
import { afterPositionSql, type EventPosition } from '../events/event-cursor.ts';
import { EVENT_COLUMNS, type EventKind, type RawEvent } from '../events/event-view.ts';
import { newId } from '../ids.ts';

/** A handler whose lease a worker holds, and the position it has handled events up to. */
export interface HandlerClaim {
  key: string;
  position: EventPosition;
}

/** What a read takes: the handler's plugin, and its filters (every type or kind when omitted). */
export interface HandlerFilter {
  plugin: string;
  types?: readonly string[];
  kinds?: readonly EventKind[];
}

/** An event filed in the dead-letter list. */
export interface DeadLetterInput {
  workspaceId: string;
  plugin: string;
  handler: string;
  eventCursor: string;
  /** The event as the handler got it, as JSON text. */
  event: string;
  error: string;
  attempts: number;
}

const lease = (param: string) => `clock_timestamp() + make_interval(secs => ${param}::double precision / 1000)`;

/** Orders two positions: negative when `a` comes first. */
export function comparePositions(a: EventPosition, b: EventPosition): number {
  const [ta, tb, sa, sb] = [BigInt(a.txid), BigInt(b.txid), BigInt(a.seq), BigInt(b.seq)];
  return ta !== tb ? (ta < tb ? -1 : 1) : sa === sb ? 0 : sa < sb ? -1 : 1;
}

/** Creates the handler statements over `db` (the process's own connections: not a request's statements). */
export function createHandlerQueue(db: Pick<Database, 'background'>) {
  const sql = db.background;
  return {
    /** Creates the rows of handlers not seen before; each starts after every event readable now. */
    async ensure(keys: readonly string[]): Promise<void> {
      if (keys.length === 0) return;
      await sql.query('INSERT INTO "plugin_handler" ("name") SELECT unnest($1::text[]) ON CONFLICT ("name") DO NOTHING', [keys]);
    },

    /**
     * Leases, to `owner` for `leaseMs`, those of `keys` that no other worker holds
     * (or whose lease ended), whose plugin is installed somewhere, and that have
     * readable record events after their position (of any workspace: `read` filters).
     */
    async claim(keys: readonly string[], owner: string, leaseMs: number): Promise<HandlerClaim[]> {
      if (keys.length === 0) return [];
      const { rows } = await sql.query<{ name: string; txid: string; seq: string }>(
        `WITH "free" AS (
           SELECT h."name" FROM "plugin_handler" h
            WHERE h."name" = ANY($1::text[])
              AND (h."lease_owner" IS NULL OR h."lease_owner" = $2 OR h."lease_until" < clock_timestamp())
              AND EXISTS (SELECT 1 FROM "plugin_installation" i WHERE i."plugin" = split_part(h."name", '/', 1))
              AND EXISTS (SELECT 1 FROM "record_event" e
                           WHERE e."subject" = 'record'
                             AND (e."txid", e."seq") > (h."position_txid", h."position_seq")
                             AND e."txid" < pg_snapshot_xmin(pg_current_snapshot()))
              FOR UPDATE SKIP LOCKED
         )
         UPDATE "plugin_handler" h SET "lease_owner" = $2, "lease_until" = ${lease('$3')}, "updated_at" = clock_timestamp()
           FROM "free" WHERE h."name" = "free"."name"
         RETURNING h."name", h."position_txid"::text AS "txid", h."position_seq"::text AS "seq"`,
        [keys, owner, leaseMs],
      );
      return rows.map((r) => ({ key: r.name, position: { txid: r.txid, seq: r.seq } }));
    },

    /**
     * Up to `limit` record events after `after`, in log order, of workspaces where
     * `filter.plugin` is installed now, of its types and kinds. Not compared with
     * the installation's time (the application's clock; an event's is the
     * database's): a handler that keeps up has passed a workspace's earlier events
     * by the time the plugin is installed there.
     */
    async read(filter: HandlerFilter, after: EventPosition, limit: number): Promise<RawEvent[]> {
      const params: unknown[] = [after.txid, after.seq, filter.plugin];
      const where = [
        `"subject" = 'record'`,
        afterPositionSql('$1', '$2'),
        `EXISTS (SELECT 1 FROM "plugin_installation" i WHERE i."workspace_id" = "record_event"."workspace_id" AND i."plugin" = $3)`,
      ];
      if (filter.kinds) {
        params.push(filter.kinds);
        where.push(`"kind" = ANY($${params.length}::text[])`);
      }
      if (filter.types) {
        params.push(filter.types);
        where.push(
          `"object_type_id" IN (SELECT ot."id" FROM "object_type" ot WHERE ot."workspace_id" = "record_event"."workspace_id" AND ot."api_name" = ANY($${params.length}::text[]))`,
        );
      }
      params.push(limit);
      const { rows } = await sql.query<RawEvent>(
        `SELECT ${EVENT_COLUMNS} FROM "record_event" WHERE ${where.join(' AND ')} ORDER BY "record_event"."txid", "record_event"."seq" LIMIT $${params.length}`,
        params,
      );
      return rows;
    },

    /** Moves `key`'s position to `to` and renews the lease, if `owner` still holds it. False when it does not. */
    async move(key: string, owner: string, to: EventPosition, leaseMs: number): Promise<boolean> {
      const { rowCount } = await sql.query(
        `UPDATE "plugin_handler" SET "position_txid" = $3::xid8, "position_seq" = $4::bigint, "lease_until" = ${lease('$5')}, "updated_at" = clock_timestamp()
          WHERE "name" = $1 AND "lease_owner" = $2`,
        [key, owner, to.txid, to.seq, leaseMs],
      );
      return rowCount > 0;
    },

    /** Files `letter` and moves `key`'s position past its event (`to`), in one statement, if `owner` still holds the lease. */
    async deadLetter(key: string, owner: string, to: EventPosition, leaseMs: number, letter: DeadLetterInput): Promise<boolean> {
      const { rowCount } = await sql.query(
        `WITH "moved" AS (
           UPDATE "plugin_handler" SET "position_txid" = $3::xid8, "position_seq" = $4::bigint, "lease_until" = ${lease('$5')}, "updated_at" = clock_timestamp()
            WHERE "name" = $1 AND "lease_owner" = $2
           RETURNING 1
         )
         INSERT INTO "plugin_dead_letter" ("workspace_id", "id", "plugin", "handler", "event_cursor", "event", "error", "attempts")
         SELECT $6::uuid, $7::uuid, $8::text, $9::text, $10::text, $11::jsonb, $12::text, $13::int FROM "moved"`,
        [key, owner, to.txid, to.seq, leaseMs, letter.workspaceId, newId(), letter.plugin, letter.handler, letter.eventCursor, letter.event, letter.error, letter.attempts],
      );
      return rowCount > 0;
    },

    /** Extends `owner`'s lease on `key`; false when it is no longer theirs. */
    async renew(key: string, owner: string, leaseMs: number): Promise<boolean> {
      const { rowCount } = await sql.query(
        `UPDATE "plugin_handler" SET "lease_until" = ${lease('$3')} WHERE "name" = $1 AND "lease_owner" = $2`,
        [key, owner, leaseMs],
      );
      return rowCount > 0;
    },

    /** Hands `owner`'s lease on `key` back, so any worker may claim it at once. */
    async release(key: string, owner: string): Promise<void> {
      await sql.query(
        'UPDATE "plugin_handler" SET "lease_owner" = NULL, "lease_until" = NULL, "updated_at" = clock_timestamp() WHERE "name" = $1 AND "lease_owner" = $2',
        [key, owner],
      );
    },
  };
}

/** The handler statements. */
export type HandlerQueue = ReturnType<typeof createHandlerQueue>;
