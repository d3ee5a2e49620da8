/**
 * Reading the change log (written by triggers: migration 20261126000000):
 * - `tail`: every workspace's events after a position, for the process that fans
 *   them out to subscribers and webhooks;
 * - `replay`: one workspace's record events after a client's cursor, checked to
 *   be a cursor of that workspace within the replay window;
 * - `history`: one page of each record's events, newest first;
 * - `prune`: dropping events older than the retention.
 * Only events of finished transactions are read, in (txid, seq) order
 * (event-cursor.ts), so a reader never passes an event that commits later.
 */
import { readableType, type AccessScope } from '../access/policy.ts';
import { deleteInBatches } from '../db/batched-delete.ts';
import type { Database } from '../db/database.ts';
import { BadRequestError } from '../errors.ts';
import { isUuid } from '../ids.ts';
import { SqlParams } from '../records/query/params.ts';
import { accessCondition } from '../access/policy.ts';
import { afterPositionSql, decodeEventCursor, type EventPosition } from './event-cursor.ts';
import { creationChanges, EVENT_COLUMNS, parseActor, visibleChanges, type EventActor, type EventKind, type FieldChange, type RawEvent } from './event-view.ts';
import { forwardPageInfo } from '../util/forward-page.ts';

/** How long a subscriber's cursor stays valid, when not configured: 72 hours. */
export const DEFAULT_REPLAY_WINDOW_MS = 72 * 3600_000;
/** Most entries one history page may hold. */
export const MAX_HISTORY_PAGE = 100;

/** One entry of a record's history. */
export interface HistoryEntry {
  /** Pass as `after` for the next (older) page. */
  cursor: string;
  kind: EventKind;
  at: Date;
  actor: EventActor | null;
  changes: FieldChange[];
}

/** A page of a record's history, newest first. */
export interface HistoryPage {
  edges: Array<{ cursor: string; node: HistoryEntry }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** Arguments of a history page. */
export interface HistoryArgs {
  first?: number | null;
  after?: string | null;
  /** Only entries changing one of these fields, with only their changes. */
  fields?: readonly string[] | null;
}

/** What a replay may be limited to. */
export interface ReplayFilter {
  /** Record type ids; every type when omitted. */
  typeIds?: readonly string[];
  kinds?: readonly EventKind[];
}

/** Creates the change log's reader over `db`. */
export function createEventLog(db: Pick<Database, 'sql' | 'background'>, options: { replayWindowMs?: number } = {}) {
  const sql = db.sql;
  // The process's own reads (tailing, pruning): not statements of any request.
  const background = db.background;
  const replayWindowMs = options.replayWindowMs ?? DEFAULT_REPLAY_WINDOW_MS;

  return {
    replayWindowMs,

    /** The position before every event not yet readable: a new reader starting here misses nothing that commits later. */
    async start(): Promise<EventPosition> {
      const { rows } = await background.query<{ txid: string }>('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS "txid"');
      return { txid: rows[0]!.txid, seq: '0' };
    },

    /**
     * Resolves once every transaction committed before the call is readable from
     * the log. The read horizon is the oldest running transaction of the whole
     * PostgreSQL cluster, so a long transaction anywhere (another database
     * included) holds events back; tests and the plugin testkit wait here
     * instead of sleeping.
     */
    async settled(timeoutMs = 30_000): Promise<void> {
      const { rows } = await background.query<{ next: string }>('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS "next"');
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { rows: now } = await background.query<{ ok: boolean }>('SELECT pg_snapshot_xmin(pg_current_snapshot()) >= $1::xid8 AS "ok"', [rows[0]!.next]);
        if (now[0]!.ok) return;
        if (Date.now() > deadline) throw new Error(`the change log did not settle within ${timeoutMs} ms: a transaction is still running`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },

    /** Up to `limit` events of every workspace after `after`, in log order. */
    async tail(after: EventPosition, limit: number): Promise<RawEvent[]> {
      const { rows } = await background.query<RawEvent>(
        `SELECT ${EVENT_COLUMNS} FROM "record_event" WHERE ${afterPositionSql('$1', '$2')} ORDER BY "record_event"."txid", "record_event"."seq" LIMIT $3`,
        [after.txid, after.seq, limit],
      );
      return rows;
    },

    /**
     * The position of `cursor`, a cursor a client got from this workspace's events:
     * BAD_REQUEST when it is not one, or when its event is older than the replay
     * window (or pruned), so a gap is never passed off as a complete replay.
     */
    async checkCursor(workspaceId: string, cursor: string, argument = 'after'): Promise<EventPosition> {
      const position = decodeEventCursor(cursor, argument);
      const { rows } = await sql.query<{ at: Date }>(
        'SELECT "at" FROM "record_event" WHERE "seq" = $1::bigint AND "txid" = $2::xid8 AND "workspace_id" = $3',
        [position.seq, position.txid, workspaceId],
      );
      const event = rows[0];
      if (!event) {
        throw new BadRequestError(`${argument} is not a cursor of this workspace's events, or its event is past retention`, {
          argument,
          reason: 'CURSOR_UNKNOWN',
        });
      }
      if (event.at.getTime() < Date.now() - replayWindowMs) {
        throw new BadRequestError(`${argument} is older than the replay window (${Math.round(replayWindowMs / 3600_000)} hours): read the current state instead`, {
          argument,
          reason: 'CURSOR_EXPIRED',
        });
      }
      return position;
    },

    /** Up to `limit` record events of one workspace after `after`, in log order. */
    async replay(workspaceId: string, after: EventPosition, filter: ReplayFilter, limit: number): Promise<RawEvent[]> {
      const params = new SqlParams();
      const where = [`"workspace_id" = ${params.add(workspaceId)}`, `"subject" = 'record'`];
      where.push(afterPositionSql(params.add(after.txid), params.add(after.seq)));
      if (filter.typeIds) where.push(`"object_type_id" = ANY(${params.add(filter.typeIds)}::uuid[])`);
      if (filter.kinds) where.push(`"kind" = ANY(${params.add(filter.kinds)}::text[])`);
      const { rows } = await sql.query<RawEvent>(
        `SELECT ${EVENT_COLUMNS} FROM "record_event" WHERE ${where.join(' AND ')} ORDER BY "record_event"."txid", "record_event"."seq" LIMIT ${params.add(limit)}`,
        params.values,
      );
      return rows;
    },

    /**
     * A page of the history of each record of `typeName` in `ids` the actor may
     * read, newest first, in one statement for all of them. Entries that changed
     * only fields hidden from the actor (or not in `fields`) are left out.
     */
    async history(scope: AccessScope, typeName: string, ids: readonly string[], args: HistoryArgs = {}): Promise<Map<string, HistoryPage>> {
      const type = readableType(scope, typeName);
      const size = args.first ?? 20;
      if (!Number.isInteger(size) || size < 0 || size > MAX_HISTORY_PAGE) {
        throw new BadRequestError(`first must be an integer from 0 to ${MAX_HISTORY_PAGE}`, { argument: 'first' });
      }
      const before = args.after == null ? null : Number(Buffer.from(args.after, 'base64url').toString('utf8').replace(/^h/, ''));
      if (args.after != null && !(Number.isSafeInteger(before) && before! > 0)) throw new BadRequestError('after is not a history cursor', { argument: 'after' });
      const visible = new Set(['ownerId', ...type.fields.map((f) => f.apiName)]);
      const only = args.fields ? new Set(args.fields.filter((f) => visible.has(f))) : null;
      const names = [...(only ?? visible)];

      const params = new SqlParams();
      const records = params.add(ids.filter(isUuid));
      // The records must be readable now (deleted ones too: their history stays theirs).
      const readable = accessCondition(scope, type, 'read', params, 'r."owner_id"');
      const entries = [
        `e."workspace_id" = ${params.add(scope.metadata.workspaceId)}`,
        'e."record_id" = p."id"',
        `e."subject" = 'record'`,
        `e."object_type_id" = ${params.add(type.id)}`,
        // Updates that changed none of the fields shown are not entries.
        `(${only ? 'FALSE' : `e."kind" <> 'UPDATED'`} OR e."changes" ?| ${params.add(names)}::text[] ` +
          `OR (e."kind" = 'CREATED' AND (e."record" -> 'data') ?| ${params.add(names)}::text[]))`,
        ...(before !== null ? [`e."seq" < ${params.add(before)}::bigint`] : []),
      ];
      const text =
        `SELECT p."id"::text AS "parent", e."seq"::text AS "seq", e."kind", e."actor", e."changes", e."at", ` +
        `CASE WHEN e."kind" = 'CREATED' THEN e."record" -> 'data' END AS "created" ` +
        `FROM unnest(${records}::uuid[]) AS p("id") ` +
        `JOIN "record" r ON r."workspace_id" = ${params.add(scope.metadata.workspaceId)} AND r."object_type_id" = ${params.add(type.id)} ` +
        `AND r."id" = p."id"${readable ? ` AND ${readable}` : ''} ` +
        `CROSS JOIN LATERAL (SELECT * FROM "record_event" e WHERE ${entries.join(' AND ')} ORDER BY e."seq" DESC LIMIT ${size + 1}) AS e`;
      const { rows } = await sql.query<{
        parent: string;
        seq: string;
        kind: EventKind;
        actor: string | null;
        changes: RawEvent['changes'];
        at: Date;
        created: Record<string, unknown> | null;
      }>(
        text,
        params.values,
      );
      const pages = new Map<string, HistoryPage>();
      for (const id of ids) {
        const mine = rows.filter((r) => r.parent === id);
        const edges = mine.slice(0, size).map((r) => {
          const cursor = Buffer.from(`h${r.seq}`).toString('base64url');
          return { cursor, node: { cursor, kind: r.kind, at: r.at, actor: parseActor(r.actor), changes: visibleChanges(type, r.created ? creationChanges(r.created) : r.changes, only ?? undefined) } };
        });
        pages.set(id, {
          edges,
          pageInfo: forwardPageInfo(edges, mine.length, size, args.after),
        });
      }
      return pages;
    },

    /** Deletes events older than `before`, in batches; returns how many. */
    async prune(before: Date, batch = 10_000): Promise<number> {
      // The oldest events by seq (the primary key: no index on "at"), those of them past the cutoff.
      return deleteInBatches(
        background,
        'DELETE FROM "record_event" WHERE "seq" IN (SELECT "seq" FROM (SELECT "seq", "at" FROM "record_event" ' +
          'ORDER BY "seq" LIMIT $2) AS "oldest" WHERE "at" < $1) RETURNING 1',
        [before, batch],
        batch,
      );
    },
  };
}

/** The change log's reader. */
export type EventLog = ReturnType<typeof createEventLog>;
