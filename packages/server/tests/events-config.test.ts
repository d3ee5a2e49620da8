/** The change log's lifetimes from the environment, and the hourly pruning they drive. */
import { createEventLog, encodeEventCursor, type Engine, type EventPosition } from '@relata/core';
import { createTestEngine } from '@relata/core/testing';
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../src/config.ts';
import { startEventPruning } from '../src/jobs/prune-events.ts';

/** The position just before the first event of `recordId`. */
async function startOf(engine: Engine, recordId: string): Promise<EventPosition> {
  const { rows } = await engine.db.sql.query<{ txid: string; seq: string }>(
    'SELECT "txid"::text AS "txid", ("seq" - 1)::text AS "seq" FROM "record_event" WHERE "record_id" = $1 ORDER BY "seq" LIMIT 1',
    [recordId],
  );
  return rows[0]!;
}

describe('event retention', () => {
  it('keeps events forever and lets subscribers resume 72 hours back by default; reads durations', () => {
    expect(resolveConfig({}).events).toEqual({ retentionMs: null, replayWindowMs: 72 * 3_600_000 });
    expect(resolveConfig({ RELATA_EVENT_RETENTION: '90d', RELATA_REPLAY_WINDOW: '30m' }).events).toEqual({
      retentionMs: 90 * 86_400_000,
      replayWindowMs: 30 * 60_000,
    });
  });

  it('names the variable of a bad value, and refuses a replay window past retention', () => {
    for (const [env, pattern] of [
      [{ RELATA_EVENT_RETENTION: 'ten days' }, /RELATA_EVENT_RETENTION must be a duration/],
      [{ RELATA_EVENT_RETENTION: '0d' }, /RELATA_EVENT_RETENTION/],
      [{ RELATA_REPLAY_WINDOW: '-1h' }, /RELATA_REPLAY_WINDOW must be a duration/],
      [{ RELATA_EVENT_RETENTION: '1d', RELATA_REPLAY_WINDOW: '72h' }, /cannot be longer than RELATA_EVENT_RETENTION/],
    ] as const) {
      expect(() => resolveConfig(env)).toThrow(ConfigError);
      expect(() => resolveConfig(env)).toThrow(pattern);
    }
  });

  it('keeps webhook deliveries 30 days by default, configurable, and prunes completed ones past it', async () => {
    expect(resolveConfig({}).webhooks.deliveryRetentionMs).toBe(30 * 86_400_000);
    expect(resolveConfig({ RELATA_WEBHOOK_DELIVERY_RETENTION: 'forever' }).webhooks.deliveryRetentionMs).toBeNull();
    expect(() => resolveConfig({ RELATA_WEBHOOK_DELIVERY_RETENTION: 'a month' })).toThrow(/RELATA_WEBHOOK_DELIVERY_RETENTION must be a duration/);

    const { engine, workspace } = await createTestEngine();
    try {
      const { actor } = await workspace();
      const hook = await engine.webhooks.createWebhook(actor, { url: 'http://127.0.0.1:9/hook' });
      const delivery = (status: string, daysAgo: number) =>
        engine.db.sql.query(
          `INSERT INTO "webhook_delivery" ("workspace_id", "id", "webhook_id", "first_cursor", "last_cursor", "event_count", "events", "status", "completed_at")
           VALUES ($1, gen_random_uuid(), $2, 'a', 'b', 0, '[]', $3, now() - make_interval(days => $4)) RETURNING "id"`,
          [actor.workspaceId, hook.id, status, daysAgo],
        );
      await delivery('succeeded', 40);
      await delivery('cancelled', 40);
      await delivery('failed', 40);
      await delivery('succeeded', 1);
      const stop = startEventPruning(engine, null, { deliveryRetentionMs: 30 * 86_400_000, intervalMs: 60_000 });
      await stop();
      const { rows } = await engine.db.sql.query<{ status: string }>('SELECT "status" FROM "webhook_delivery" ORDER BY "status"');
      // Failed ones stay for replay; recent ones stay.
      expect(rows.map((r) => r.status)).toEqual(['failed', 'succeeded']);
    } finally {
      await engine.close();
    }
  });

  it('prunes events older than the retention, and keeps the rest', async () => {
    const { engine, workspace } = await createTestEngine();
    try {
      const { actor } = await workspace();
      await engine.metadata.createObjectType(actor, { apiName: 'note', pluralApiName: 'notes' });
      const s = { actor, metadata: await engine.metadata.snapshot(actor.workspaceId) };
      const old = await engine.records.create(s, 'note', {});
      await engine.db.sql.query(`UPDATE "record_event" SET "at" = now() - interval '2 days' WHERE "record_id" = $1`, [old.id]);
      const fresh = await engine.records.create(s, 'note', {});
      await engine.events.settled();
      // Past the replay window: a subscriber cannot resume from it, and is told why.
      const [aged] = await engine.events.replay(actor.workspaceId, await startOf(engine, old.id), {}, 1);
      const narrow = createEventLog(engine.db, { replayWindowMs: 86_400_000 });
      await expect(narrow.checkCursor(actor.workspaceId, encodeEventCursor(aged!))).rejects.toMatchObject({ details: { reason: 'CURSOR_EXPIRED' } });
      const stop = startEventPruning(engine, 86_400_000, { intervalMs: 60_000 });
      await stop();
      const { rows } = await engine.db.sql.query<{ record_id: string }>(`SELECT "record_id" FROM "record_event" WHERE "subject" = 'record'`);
      expect(rows.map((r) => r.record_id)).toEqual([fresh.id]);
      // A cursor of a pruned event cannot resume: its gap would go unnoticed.
      await expect(engine.events.checkCursor(actor.workspaceId, Buffer.from('1.1').toString('base64url'))).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        details: { reason: 'CURSOR_UNKNOWN' },
      });
    } finally {
      await engine.close();
    }
  });
});
