/**
 * The webhook worker's guarantees at the engine level, with a real receiver on
 * 127.0.0.1: a claim whose worker died is taken over once its lease ends (the
 * cut-off attempt on record), a stopping worker hands its attempts back, a
 * webhook deleted mid-attempt is no error, and (PostgreSQL) two workers on one
 * database never send one batch twice and keep each webhook's batches in order.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/access/actor.ts';
import { openDatabase } from '../src/db/database.ts';
import { createEngine, type Engine } from '../src/engine.ts';
import { createPostgresTestDatabaseUrl, createTestEngine } from '../src/testing/index.ts';
import { createWebhookQueue, INTERRUPTED } from '../src/webhooks/webhook-queue.ts';
import { startWebhookWorker, type WebhookWorkerOptions } from '../src/webhooks/webhook-worker.ts';

interface Hit {
  deliveryId: string;
  webhookId: string;
  cursors: string[];
}

/** A receiver recording each request; `hold` keeps answers back until `release`. */
async function startReceiver() {
  const hits: Hit[] = [];
  let hold = false;
  const held: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const payload = JSON.parse(body) as { webhookId: string; events: Array<{ cursor: string }> };
      hits.push({ deliveryId: String(req.headers['relata-delivery']), webhookId: payload.webhookId, cursors: payload.events.map((e) => e.cursor) });
      if (hold) held.push(res);
      else res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    hits,
    hold: (value: boolean) => void (hold = value),
    release: () => held.splice(0).forEach((res) => res.end('ok')),
    async until(what: string, check: () => boolean, ms = 20_000) {
      const end = Date.now() + ms;
      while (!check()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

const position = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8').split('.').map(BigInt) as [bigint, bigint];
const inOrder = (cursors: string[]) =>
  cursors.every((c, i) => {
    if (i === 0) return true;
    const [ta, sa] = position(cursors[i - 1]!);
    const [tb, sb] = position(c);
    return ta < tb || (ta === tb && sa < sb);
  });
const FAST: WebhookWorkerOptions = { pollIntervalMs: 20, timeoutMs: 500, leaseMs: 800, retry: { baseDelayMs: 20, jitter: 0 }, log: () => {} };

describe('webhook worker', () => {
  let engine: Engine;
  let admin: Actor;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  /** The webhook's latest delivery, once its latest attempt is recorded. */
  const settled = async (webhookId: string) => {
    for (let i = 0; ; i++) {
      const [latest] = (await engine.webhooks.findDeliveries(admin, webhookId)).edges.map((e) => e.node);
      if ((latest && latest.status !== 'delivering') || i > 200) return latest;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const createNotes = async (count: number, prefix = 'n') => {
    const scope = { actor: admin, metadata: await engine.metadata.snapshot(admin.workspaceId) };
    return engine.records.createMany(scope, 'note', Array.from({ length: count }, (_, i) => ({ title: `${prefix}${i}` })));
  };

  beforeAll(async () => {
    const t = await createTestEngine();
    engine = t.engine;
    admin = (await t.workspace()).actor;
    await engine.metadata.createObjectType(admin, { apiName: 'note', pluralApiName: 'notes' });
    await engine.metadata.createField(admin, 'note', { apiName: 'title', type: 'TEXT' });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await engine.close();
  });

  it('takes over the claim of a worker that died mid-attempt once its lease ends, and records the cut-off attempt', async () => {
    const hook = await engine.webhooks.createWebhook(admin, { url: receiver.url });
    await createNotes(3);
    // A worker that claims the batch and dies before answering: fill and claim by hand.
    const queue = createWebhookQueue(engine.db);
    await engine.events.settled();
    const [toFill] = (await queue.webhooksToFill(10)).filter((w) => w.id === hook.id);
    const raw = await queue.readEvents(toFill!, toFill!.position, undefined, 100);
    const last = raw.at(-1)!;
    expect(await queue.fill(toFill!, { txid: last.txid, seq: last.seq }, { events: '[]', count: 3, firstCursor: 'a', lastCursor: 'b' })).toBe(true);
    // The same batch cannot be made twice: the position moved.
    expect(await queue.fill(toFill!, { txid: last.txid, seq: last.seq }, { events: '[]', count: 3, firstCursor: 'a', lastCursor: 'b' })).toBe(false);
    const [claimed] = await queue.claim(10, 300);
    expect(claimed).toMatchObject({ webhookId: hook.id, attempt: 1 });
    expect(await queue.claim(10, 300)).toEqual([]);

    const worker = await startWebhookWorker(engine, FAST);
    try {
      await receiver.until('the batch', () => receiver.hits.some((h) => h.deliveryId === claimed!.id));
      const delivery = await settled(hook.id);
      expect(delivery!.attemptLog.map((a) => [a.attempt, a.error, a.statusCode, a.durationMs === null])).toEqual([
        [1, INTERRUPTED, null, true],
        [2, null, 200, false],
      ]);
      expect(delivery).toMatchObject({ status: 'succeeded', attempts: 2 });
    } finally {
      await worker.stop();
    }
  });

  it('hands attempts in flight back when it stops; the next worker delivers them', async () => {
    const hook = await engine.webhooks.createWebhook(admin, { url: receiver.url });
    receiver.hold(true);
    const first = await startWebhookWorker(engine, { ...FAST, timeoutMs: 5_000, leaseMs: 60_000 });
    await createNotes(2, 'stop');
    await receiver.until('the held request', () => receiver.hits.some((h) => h.webhookId === hook.id));
    await first.stop();
    receiver.hold(false);
    const handedBack = await settled(hook.id);
    expect(handedBack).toMatchObject({ status: 'pending', attempts: 1 });
    expect(handedBack!.attemptLog.map((a) => a.error)).toEqual(['aborted: the worker stopped']);

    const second = await startWebhookWorker(engine, FAST);
    try {
      await receiver.until('the redelivery', () => receiver.hits.filter((h) => h.webhookId === hook.id).length >= 2);
      const hits = receiver.hits.filter((h) => h.webhookId === hook.id);
      expect(hits[1]!.deliveryId).toBe(hits[0]!.deliveryId);
    } finally {
      await second.stop();
    }
  });

  it('shrugs off a webhook deleted while its batch is out', async () => {
    const hook = await engine.webhooks.createWebhook(admin, { url: receiver.url });
    const problems: unknown[] = [];
    receiver.hold(true);
    const worker = await startWebhookWorker(engine, { ...FAST, timeoutMs: 5_000, leaseMs: 60_000, log: (m, e) => problems.push(e ?? m) });
    try {
      await createNotes(1, 'gone');
      await receiver.until('the request', () => receiver.hits.some((h) => h.webhookId === hook.id));
      await engine.webhooks.deleteWebhook(admin, hook.id);
      receiver.release();
      receiver.hold(false);
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await worker.stop();
    }
    expect(problems).toEqual([]);
  });

  const adminUrl = process.env.RELATA_TEST_DATABASE_URL;
  // PGlite is one connection in one process: only PostgreSQL has workers that race.
  if (adminUrl) it('never sends one batch twice from two workers on one PostgreSQL database, and keeps each webhook in order', async () => {
    const url = await createPostgresTestDatabaseUrl(adminUrl!);
    const first = createEngine(await openDatabase({ url, poolSize: 4 }));
    const { migrate } = await import('../src/db/migrator.ts');
    await migrate(first.db.sql);
    const second = createEngine(await openDatabase({ url, poolSize: 4 }));
    const shared = await startReceiver();
    const workers = [];
    try {
      const { workspaceId } = await first.workspaces.create({ name: 'Race' });
      const { systemActor } = await import('../src/access/actor.ts');
      const actor = systemActor(workspaceId);
      await first.metadata.createObjectType(actor, { apiName: 'note', pluralApiName: 'notes' });
      await first.metadata.createField(actor, 'note', { apiName: 'title', type: 'TEXT' });
      const hooks = await Promise.all(Array.from({ length: 4 }, () => first.webhooks.createWebhook(actor, { url: shared.url })));
      workers.push(await startWebhookWorker(first, { ...FAST, leaseMs: 30_000, concurrency: 3 }));
      workers.push(await startWebhookWorker(second, { ...FAST, leaseMs: 30_000, concurrency: 3 }));
      const scope = { actor, metadata: await first.metadata.snapshot(workspaceId) };
      const writes = [];
      for (let i = 0; i < 30; i++) writes.push(first.records.createMany(scope, 'note', Array.from({ length: 20 }, (_, j) => ({ title: `${i}.${j}` }))));
      await Promise.all(writes);
      await shared.until('600 events per webhook', () => hooks.every((h) => new Set(shared.hits.filter((x) => x.webhookId === h.id).flatMap((x) => x.cursors)).size >= 600), 60_000);

      const ids = shared.hits.map((h) => h.deliveryId);
      expect(new Set(ids).size).toBe(ids.length);
      for (const hook of hooks) {
        const cursors = shared.hits.filter((h) => h.webhookId === hook.id).flatMap((h) => h.cursors);
        expect(cursors).toHaveLength(600);
        expect(inOrder(cursors)).toBe(true);
      }
    } finally {
      for (const worker of workers) await worker.stop();
      await shared.close();
      await first.close();
      await second.close();
    }
  });
});
