/**
 * The statements of webhook delivery, each one atomic on its own:
 * - `webhooksToFill`: active webhooks with no unfinished delivery and readable
 *   record events after their position;
 * - `readEvents`: a webhook's next events, in log order;
 * - `fill`: one batch made into a delivery, in the statement that moves the
 *   webhook's position past it (compare-and-set on the position, so two workers
 *   never make the same batch; the partial unique index allows one unfinished
 *   delivery per webhook, so batches go out one at a time, in log order);
 * - `claim`: due deliveries taken with `FOR UPDATE SKIP LOCKED` and marked
 *   `delivering` with a lease (next_attempt_at), so no two workers send one
 *   attempt, and a dead worker's claim is taken over once its lease ends (the
 *   attempt it never finished is recorded as interrupted);
 * - `finish`: the attempt recorded and the delivery moved on, only if the claim is
 *   still the caller's (same attempt, still delivering); a batch that failed for
 *   good marks its webhook failing.
 */
import type { Database } from '../db/database.ts';
import { isUniqueViolation, sqlState } from '../db/pg-errors.ts';
import type { EventPosition } from '../events/event-cursor.ts';
import { createEventLog } from '../events/event-log.ts';
import type { EventKind, RawEvent } from '../events/event-view.ts';
import { newId } from '../ids.ts';

/** A webhook that may have a batch to make. */
export interface WebhookToFill {
  workspaceId: string;
  id: string;
  types: string[];
  kinds: EventKind[];
  position: EventPosition;
}

/** A claimed delivery: what one attempt needs. */
export interface ClaimedDelivery {
  workspaceId: string;
  id: string;
  webhookId: string;
  /** This attempt's number (1 for the first). */
  attempt: number;
  url: string;
  secret: string;
  /** The events' JSON text, as stored. */
  events: string;
}

/** What an attempt came to. */
export interface AttemptRecord {
  startedAt: Date;
  /** Null when the outcome is unknown (the delivering process stopped). */
  durationMs: number | null;
  /** The receiver's HTTP status; null when it did not answer. */
  statusCode: number | null;
  /** Why there was no usable answer (timeout, connection refused...). */
  error: string | null;
  /** The first kilobyte of the response body. */
  responseExcerpt: string | null;
  succeeded: boolean;
}

/** Where the delivery goes next: done, failed for good, or due again after `delayMs`. */
export type NextStep = { status: 'succeeded' } | { status: 'failed' } | { status: 'pending'; delayMs: number };

/** The message of an attempt cut off by the end of its worker. */
export const INTERRUPTED = 'interrupted: no outcome was recorded before the lease ran out (the delivering process stopped)';

const UNFINISHED = `('pending', 'delivering')`;

/** Creates the delivery statements over `db`. */
export function createWebhookQueue(db: Pick<Database, 'sql' | 'background'>) {
  const sql = db.sql;
  const log = createEventLog(db);
  return {
    /** Up to `limit` active webhooks whose next batch may be made. */
    async webhooksToFill(limit: number): Promise<WebhookToFill[]> {
      const { rows } = await sql.query<{ workspace_id: string; id: string; types: string[]; kinds: EventKind[]; txid: string; seq: string }>(
        `SELECT w."workspace_id", w."id", w."types", w."kinds", w."position_txid"::text AS "txid", w."position_seq"::text AS "seq"
           FROM "webhook" w
          WHERE w."active" AND w."state" = 'active'
            AND NOT EXISTS (SELECT 1 FROM "webhook_delivery" d
                             WHERE d."workspace_id" = w."workspace_id" AND d."webhook_id" = w."id" AND d."status" IN ${UNFINISHED})
            AND EXISTS (SELECT 1 FROM "record_event" e
                         WHERE e."workspace_id" = w."workspace_id" AND e."subject" = 'record'
                           AND (e."txid", e."seq") > (w."position_txid", w."position_seq")
                           AND e."txid" < pg_snapshot_xmin(pg_current_snapshot()))
          LIMIT $1`,
        [limit],
      );
      return rows.map((r) => ({ workspaceId: r.workspace_id, id: r.id, types: r.types, kinds: r.kinds, position: { txid: r.txid, seq: r.seq } }));
    },

    /** A webhook's next events after `after`, in log order (the change log's own replay). */
    readEvents(webhook: WebhookToFill, after: EventPosition, typeIds: readonly string[] | undefined, limit: number): Promise<RawEvent[]> {
      return log.replay(webhook.workspaceId, after, { typeIds, kinds: webhook.kinds.length > 0 ? webhook.kinds : undefined }, limit);
    },

    /**
     * Moves `webhook`'s position from where it was read to `to`, and when `batch` is
     * given, makes it its next delivery, in one statement. False when another worker
     * or an admin moved the position first (nothing is written then).
     */
    async fill(
      webhook: WebhookToFill,
      to: EventPosition,
      batch: { events: string; count: number; firstCursor: string; lastCursor: string } | null,
    ): Promise<boolean> {
      const move = `UPDATE "webhook" SET "position_txid" = $3::xid8, "position_seq" = $4::bigint
        WHERE "workspace_id" = $1 AND "id" = $2 AND "position_txid" = $5::xid8 AND "position_seq" = $6::bigint
          AND "active" AND "state" = 'active'
        RETURNING "workspace_id", "id"`;
      const params = [webhook.workspaceId, webhook.id, to.txid, to.seq, webhook.position.txid, webhook.position.seq];
      try {
        const { rowCount } = batch
          ? await sql.query(
              `WITH "moved" AS (${move})
               INSERT INTO "webhook_delivery" ("workspace_id", "id", "webhook_id", "first_cursor", "last_cursor", "event_count", "events")
               SELECT "workspace_id", $7::uuid, "id", $8::text, $9::text, $10::int, $11::json FROM "moved"`,
              [...params, newId(), batch.firstCursor, batch.lastCursor, batch.count, batch.events],
            )
          : await sql.query(move, params);
        return rowCount > 0;
      } catch (error) {
        // Another worker made this webhook's next delivery in the meantime.
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },

    /** Claims up to `limit` due deliveries of active webhooks until `leaseMs` from now; each claim starts an attempt. */
    async claim(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
      const { rows } = await sql.query<{ workspace_id: string; id: string; webhook_id: string; attempts: number; events: string; url: string; secret: string }>(
        `WITH "due" AS (
           SELECT d."workspace_id", d."id", d."status", d."attempts", d."last_attempt_at"
             FROM "webhook_delivery" d
             JOIN "webhook" w ON w."workspace_id" = d."workspace_id" AND w."id" = d."webhook_id"
            WHERE d."status" IN ${UNFINISHED} AND d."next_attempt_at" <= clock_timestamp() AND w."active" AND w."state" = 'active'
            ORDER BY d."next_attempt_at"
            LIMIT $1
              FOR UPDATE OF d SKIP LOCKED
         ), "interrupted" AS (
           INSERT INTO "webhook_attempt" ("workspace_id", "id", "delivery_id", "attempt", "started_at", "error")
           SELECT "workspace_id", gen_random_uuid(), "id", "attempts", COALESCE("last_attempt_at", clock_timestamp()), $3::text
             FROM "due" WHERE "status" = 'delivering'
         )
         UPDATE "webhook_delivery" d
            SET "status" = 'delivering', "attempts" = d."attempts" + 1, "last_attempt_at" = clock_timestamp(),
                "next_attempt_at" = clock_timestamp() + make_interval(secs => $2::double precision / 1000)
           FROM "due", "webhook" w
          WHERE d."workspace_id" = "due"."workspace_id" AND d."id" = "due"."id"
            AND w."workspace_id" = d."workspace_id" AND w."id" = d."webhook_id"
         RETURNING d."workspace_id", d."id", d."webhook_id", d."attempts", d."events"::text AS "events", w."url", w."secret"`,
        [limit, leaseMs, INTERRUPTED],
      );
      return rows.map((r) => ({
        workspaceId: r.workspace_id,
        id: r.id,
        webhookId: r.webhook_id,
        attempt: Number(r.attempts),
        url: r.url,
        secret: r.secret,
        events: r.events,
      }));
    },

    /**
     * Records `attempt` of `delivery` and moves the delivery to `next`, if the claim
     * is still this one. Returns true when this made the webhook failing.
     */
    async finish(delivery: ClaimedDelivery, attempt: AttemptRecord, next: NextStep): Promise<boolean> {
      const delayMs = next.status === 'pending' ? next.delayMs : null;
      const { rows } = await sql
        .query<{ id: string }>(
        `WITH "recorded" AS (
           INSERT INTO "webhook_attempt" ("workspace_id", "id", "delivery_id", "attempt", "started_at", "duration_ms", "status_code", "error", "response_excerpt", "succeeded")
           SELECT $1::uuid, $3::uuid, $2::uuid, $4::int, $5::timestamptz, $6::int, $7::int, $8::text, $9::text, $10::boolean
            WHERE EXISTS (SELECT 1 FROM "webhook_delivery" WHERE "workspace_id" = $1 AND "id" = $2)
         ), "moved" AS (
           UPDATE "webhook_delivery"
              SET "status" = $11::text,
                  "next_attempt_at" = CASE WHEN $12::double precision IS NULL THEN "next_attempt_at"
                                           ELSE clock_timestamp() + make_interval(secs => $12::double precision / 1000) END,
                  "completed_at" = CASE WHEN $11::text IN ('succeeded', 'failed') THEN clock_timestamp() END
            WHERE "workspace_id" = $1 AND "id" = $2 AND "status" = 'delivering' AND "attempts" = $4::int
           RETURNING "webhook_id", "status"
         )
         UPDATE "webhook" w SET "state" = 'failing', "failing_since" = clock_timestamp()
           FROM "moved"
          WHERE "moved"."status" = 'failed' AND w."workspace_id" = $1 AND w."id" = "moved"."webhook_id" AND w."state" = 'active'
         RETURNING w."id"`,
        [
          delivery.workspaceId,
          delivery.id,
          newId(),
          delivery.attempt,
          attempt.startedAt,
          attempt.durationMs,
          attempt.statusCode,
          attempt.error,
          attempt.responseExcerpt,
          attempt.succeeded,
          next.status,
          delayMs,
        ],
        )
        // The webhook was deleted while its batch was out: nothing to record.
        .catch((error: unknown) => (sqlState(error) === '23503' ? { rows: [] } : Promise.reject(error)));
      return rows.length > 0;
    },
  };
}

/** The delivery statements. */
export type WebhookQueue = ReturnType<typeof createWebhookQueue>;
