/**
 * The webhook worker survives being killed: a real server process (HTTP server
 * and worker, tests/fixtures/webhook-server.ts) is killed with SIGKILL while the
 * receiver holds its answers, then started again on the same database. Every
 * event arrives at least once, in log order per webhook, none lost; the batch
 * cut off by the kill is sent again under the same delivery id, and its cut-off
 * attempt is on record. On the embedded database and on PostgreSQL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEngine, systemActor, type DatabaseOptions, type Engine } from '@relata/core';
import { createPostgresTestDatabaseUrl } from '@relata/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { cursorBefore, startReceiver, type Receiver } from './webhook-receiver.ts';

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/webhook-server.ts', import.meta.url));
const adminUrl = process.env.RELATA_TEST_DATABASE_URL;
const children = new Set<ChildProcess>();
const tempDirs: string[] = [];

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Starts the fixture server on `env`'s database; resolves with its URL and how to end it. */
async function startServer(env: Record<string, string>) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!env.DATABASE_URL) delete childEnv.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], { cwd: SERVER_DIR, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.on('exit', () => (children.delete(child), resolve())));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 30_000);
    child.stdout!.on('data', () => {
      const match = /READY (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then(() => reject(new Error(`the server exited:\n${output}`)));
  });
  return {
    url,
    output: () => output,
    kill: async () => (child.kill('SIGKILL'), await exited),
    stop: async () => (child.kill('SIGTERM'), await exited),
  };
}

async function withEngine<T>(database: DatabaseOptions, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await startEngine(database);
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

describe(`webhooks across a crash (${adminUrl ? 'PostgreSQL' : 'PGlite'})`, () => {
  let receiver: Receiver;
  afterAll(() => receiver?.close());

  it('delivers every event at least once, in order per webhook, after the server is killed mid-delivery and restarted', async () => {
    let env: Record<string, string>;
    let database: DatabaseOptions;
    if (adminUrl) {
      const url = await createPostgresTestDatabaseUrl(adminUrl);
      env = { DATABASE_URL: url };
      database = { url, poolSize: 2 };
    } else {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relata-crash-'));
      tempDirs.push(dir);
      env = { RELATA_DATA_DIR: path.join(dir, 'data') };
      database = { dataDir: path.join(dir, 'data') };
    }
    // Answers at once until told to hold; held requests are never answered.
    let holding = false;
    receiver = await startReceiver(() => (holding ? { hang: true } : { delayMs: 20 }));

    const setup = await withEngine(database, async (engine) => {
      const { workspaceId, apiKey } = await engine.workspaces.create({ name: 'Crash' });
      const actor = systemActor(workspaceId);
      await engine.metadata.createObjectType(actor, { apiName: 'deal', pluralApiName: 'deals' });
      await engine.metadata.createField(actor, 'deal', { apiName: 'name', type: 'TEXT' });
      const all = await engine.webhooks.createWebhook(actor, { url: receiver.url });
      const created = await engine.webhooks.createWebhook(actor, { url: receiver.url, types: ['deal'], kinds: ['CREATED'] });
      return { workspaceId, apiKey, hooks: [all.id, created.id] };
    });
    const gql = async (base: string, query: string, variables?: Record<string, unknown>) => {
      const res = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${setup.apiKey}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: Record<string, Array<{ id: string }>>; errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data!;
    };
    const createDeals = (base: string, count: number, prefix: string) =>
      gql(base, 'mutation($inputs: [DealCreateInput!]!) { createDeals(inputs: $inputs) { id } }', {
        inputs: Array.from({ length: count }, (_, i) => ({ name: `${prefix}${i}` })),
      });

    // First life: the first batch of each webhook is answered, the ones after it are held.
    const first = await startServer(env);
    const deals = [];
    deals.push(...(await createDeals(first.url, 100, 'a')).createDeals!);
    await receiver.waitFor('the first batch of each webhook', () => setup.hooks.every((id) => receiver.requestsOf(id).length >= 1));
    holding = true;
    deals.push(...(await createDeals(first.url, 150, 'b')).createDeals!);
    for (const deal of deals.slice(0, 10)) await gql(first.url, 'mutation($id: ID!) { updateDeal(id: $id, input: { name: "renamed" }) { id } }', { id: deal.id });
    await receiver.waitFor('a held batch of each webhook', () => setup.hooks.every((id) => receiver.requestsOf(id).length >= 2));
    await first.kill();

    // Second life, on the same database: the held batches are sent again once their lease ends.
    holding = false;
    const second = await startServer(env);
    deals.push(...(await createDeals(second.url, 50, 'c')).createDeals!);
    const expected = { [setup.hooks[0]!]: 300 + 10, [setup.hooks[1]!]: 300 };
    await receiver.waitFor('every event', () => setup.hooks.every((id) => new Set(receiver.eventsOf(id).map((e) => e.cursor)).size >= expected[id]!), 30_000);
    await second.stop();

    // The log, read after the fact, is what each webhook had to receive.
    const log = await withEngine(database, async (engine) => {
      const { rows } = await engine.db.sql.query<{ cursor: string; kind: string }>(
        `SELECT encode(convert_to("txid"::text || '.' || "seq"::text, 'UTF8'), 'base64') AS "cursor", "kind" FROM "record_event"
          WHERE "workspace_id" = $1 AND "subject" = 'record' ORDER BY "record_event"."txid", "record_event"."seq"`,
        [setup.workspaceId],
      );
      const interrupted = await engine.db.sql.query<{ n: number }>(`SELECT count(*)::int AS "n" FROM "webhook_attempt" WHERE "error" LIKE 'interrupted%'`);
      return { rows: rows.map((r) => ({ ...r, cursor: r.cursor.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_') })), interrupted: interrupted.rows[0]!.n };
    });
    const want = {
      [setup.hooks[0]!]: log.rows.map((r) => r.cursor),
      [setup.hooks[1]!]: log.rows.filter((r) => r.kind === 'CREATED').map((r) => r.cursor),
    };
    for (const id of setup.hooks) {
      const requests = receiver.requestsOf(id);
      // None lost, nothing else.
      expect(new Set(receiver.eventsOf(id).map((e) => e.cursor))).toEqual(new Set(want[id]));
      // In order: the first time each delivery arrives, it continues where the previous one ended.
      const firstTimes = requests.filter((r, i) => requests.findIndex((o) => o.deliveryId === r.deliveryId) === i);
      expect(firstTimes.flatMap((r) => r.payload.events.map((e) => e.cursor))).toEqual(want[id]);
      // A request is either the next batch or a batch sent again, never one from further back.
      requests.forEach((r, i) => {
        if (i === 0 || firstTimes.includes(r)) return;
        expect(r.deliveryId).toBe(requests[i - 1]!.deliveryId);
      });
      // The batch held when the process died came again, under the same id.
      expect(requests.length).toBeGreaterThan(firstTimes.length);
      for (const r of firstTimes.slice(1)) {
        const before = firstTimes[firstTimes.indexOf(r) - 1]!;
        expect(cursorBefore(before.payload.events.at(-1)!.cursor, r.payload.events[0]!.cursor)).toBe(true);
      }
    }
    expect(log.interrupted).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
