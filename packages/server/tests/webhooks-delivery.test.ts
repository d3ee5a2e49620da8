/**
 * Webhook delivery against a real receiver on 127.0.0.1: signed batches of up to
 * 100 events in log order (checked with @relata/sdk's verifyWebhook), filters by
 * type and kind, pausing, retries on 5xx, timeouts and 429 (honouring
 * Retry-After), giving up (connection refused; a 4xx at once), failing and
 * replaying, every attempt readable through GraphQL. The worker runs with a
 * short retry schedule so the test takes seconds, not hours.
 */
import { startWebhookWorker, type WebhookWorker } from '@relata/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../sdk/src/index.ts';
import { ok, startTestServer } from './helpers.ts';
import { cursorBefore, startReceiver, type Receiver } from './webhook-receiver.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Workspace = Awaited<ReturnType<Server['workspace']>>;

interface WebhookRow {
  id: string;
  secret: string;
  state: string;
  active: boolean;
}
interface DeliveryRow {
  id: string;
  status: string;
  attempt: number;
  statusCode: number | null;
  eventCount: number;
  firstCursor: string;
  lastCursor: string;
  attempts: Array<{ attempt: number; startedAt: string; durationMs: number | null; statusCode: number | null; error: string | null; responseExcerpt: string | null; succeeded: boolean }>;
}

const CREATE = 'mutation($input: WebhookInput!) { createWebhook(input: $input) { id secret state active } }';
const DELIVERIES = `query($id: ID!, $first: Int) { webhookDeliveries(webhookId: $id, first: $first) {
  edges { node { id status attempt statusCode eventCount firstCursor lastCursor
    attempts { attempt startedAt durationMs statusCode error responseExcerpt succeeded } } } } }`;

// Fast enough for tests, same shape as production: equal jitter off so waits are exact.
const RETRY = { baseDelayMs: 50, factor: 2, maxDelayMs: 3_000, maxAttempts: 4, jitter: 0 };

describe('webhook delivery', () => {
  let server: Server;
  let ws: Workspace;
  let receiver: Receiver;
  let worker: WebhookWorker;
  const logged: string[] = [];

  const createWebhook = async (input: Record<string, unknown>) => ok(await ws.gql<{ createWebhook: WebhookRow }>(CREATE, { input: { url: receiver.url, ...input } })).createWebhook;
  const deliveries = async (id: string) =>
    ok(await ws.gql<{ webhookDeliveries: { edges: Array<{ node: DeliveryRow }> } }>(DELIVERIES, { id, first: 100 })).webhookDeliveries.edges.map((e) => e.node).reverse();
  /** The deliveries once none is in flight (the receiver sees a request before its attempt is recorded). */
  const settledDeliveries = async (id: string) => {
    for (let i = 0; ; i++) {
      const rows = await deliveries(id);
      if (rows.every((d) => d.status !== 'DELIVERING' && d.status !== 'PENDING') || i > 100) return rows;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const webhook = async (id: string) => ok(await ws.gql<{ webhook: WebhookRow }>('query($id: ID!) { webhook(id: $id) { id secret state active } }', { id })).webhook;
  const createDeals = async (names: string[]) =>
    ok(await ws.gql<{ createDeals: Array<{ id: string }> }>('mutation($inputs: [DealCreateInput!]!) { createDeals(inputs: $inputs) { id } }', { inputs: names.map((name) => ({ name })) })).createDeals;

  beforeAll(async () => {
    server = await startTestServer();
    ws = await server.workspace('Hooks');
    receiver = await startReceiver();
    for (const query of [
      'mutation { createObjectType(input: { apiName: "deal", pluralApiName: "deals" }) { apiName } }',
      'mutation { createField(objectType: "deal", input: { apiName: "name", type: TEXT }) { apiName } }',
      'mutation { createObjectType(input: { apiName: "company", pluralApiName: "companies" }) { apiName } }',
      'mutation { createField(objectType: "company", input: { apiName: "name", type: TEXT }) { apiName } }',
    ]) {
      ok(await ws.gql(query));
    }
    worker = await startWebhookWorker(server.engine, {
      pollIntervalMs: 25,
      timeoutMs: 400,
      leaseMs: 5_000,
      retry: RETRY,
      log: (message) => logged.push(message),
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await receiver?.close();
    await server?.close();
  });

  it('POSTs signed batches of up to 100 events, in log order, once each; every attempt is on record', async () => {
    const hook = await createWebhook({ types: ['deal'] });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);
    const created = await createDeals(Array.from({ length: 250 }, (_, i) => `Deal ${i}`));
    await receiver.waitFor('250 events', () => receiver.eventsOf(hook.id).length >= 250);

    const requests = receiver.requestsOf(hook.id);
    expect(requests.map((r) => r.payload.events.length)).toEqual([100, 100, 50]);
    for (const request of requests) {
      const verified = await verifyWebhook({ secret: hook.secret, body: request.body, headers: request.headers });
      expect(verified).toMatchObject({ webhookId: hook.id, deliveryId: request.deliveryId });
      expect(request.headers['content-type']).toBe('application/json');
      await expect(verifyWebhook({ secret: 'whsec_not-the-right-secret-at-all', body: request.body, headers: request.headers })).rejects.toMatchObject({
        reason: 'INVALID_SIGNATURE',
      });
    }
    const events = receiver.eventsOf(hook.id);
    expect(new Set(events.map((e) => e.recordId))).toEqual(new Set(created.map((d) => d.id)));
    expect(events.every((e, i) => i === 0 || cursorBefore(events[i - 1]!.cursor, e.cursor))).toBe(true);
    expect(events[0]).toMatchObject({
      kind: 'CREATED',
      type: 'deal',
      changedFields: ['name'],
      actor: { kind: 'apiKey', id: ws.apiKeyId },
      record: { type: 'deal', version: 1, deletedAt: null, ownerId: null, name: expect.stringMatching(/^Deal \d+$/) },
    });

    const rows = await settledDeliveries(hook.id);
    expect(rows.map((d) => [d.status, d.attempt, d.eventCount, d.statusCode])).toEqual([
      ['SUCCEEDED', 1, 100, 200],
      ['SUCCEEDED', 1, 100, 200],
      ['SUCCEEDED', 1, 50, 200],
    ]);
    expect(rows.map((d) => d.id)).toEqual(requests.map((r) => r.deliveryId));
    expect(rows[0]!.attempts).toEqual([
      { attempt: 1, startedAt: expect.any(String), durationMs: expect.any(Number), statusCode: 200, error: null, responseExcerpt: 'ok', succeeded: true },
    ]);
    expect(rows.map((d) => [d.firstCursor, d.lastCursor])).toEqual(requests.map((r) => [r.payload.events[0]!.cursor, r.payload.events.at(-1)!.cursor]));
  });

  it('sends only the types and kinds a webhook asks for, and holds events while it is paused', async () => {
    const hook = await createWebhook({ types: ['deal'], kinds: ['CREATED', 'DELETED'], active: false });
    const [deal] = await createDeals(['Filtered']);
    ok(await ws.gql('mutation { createCompany(input: { name: "Acme" }) { id } }'));
    ok(await ws.gql('mutation($id: ID!) { updateDeal(id: $id, input: { name: "Renamed" }) { id } }', { id: deal!.id }));
    ok(await ws.gql('mutation($id: ID!) { deleteDeal(id: $id) { id } }', { id: deal!.id }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.requestsOf(hook.id)).toEqual([]);

    ok(await ws.gql('mutation($id: ID!) { updateWebhook(id: $id, input: { active: true }) { id } }', { id: hook.id }));
    await receiver.waitFor('the filtered events', () => receiver.eventsOf(hook.id).length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.eventsOf(hook.id).map((e) => [e.kind, e.type, e.recordId])).toEqual([
      ['CREATED', 'deal', deal!.id],
      ['DELETED', 'deal', deal!.id],
    ]);
  });

  it('retries a 500, a timeout and a 429 (after its Retry-After), then succeeds; each attempt is recorded', async () => {
    const hook = await createWebhook({ types: ['company'] });
    let seen = 0;
    receiver.respondWith((request) => {
      if (request.payload.webhookId !== hook.id) return undefined;
      seen += 1;
      if (seen === 1) return { status: 500, body: 'boom' };
      if (seen === 2) return { delayMs: 1_500 };
      if (seen === 3) return { status: 429, headers: { 'retry-after': '1' }, body: 'slow down' };
      return undefined;
    });
    ok(await ws.gql('mutation { createCompany(input: { name: "Retried" }) { id } }'));
    await receiver.waitFor('4 attempts', () => receiver.requestsOf(hook.id).length >= 4);
    receiver.respondWith(() => undefined);

    const requests = receiver.requestsOf(hook.id);
    expect(new Set(requests.map((r) => r.deliveryId)).size).toBe(1);
    expect(new Set(requests.map((r) => r.body)).size).toBe(1);
    for (const request of requests) await verifyWebhook({ secret: hook.secret, body: request.body, headers: request.headers });

    const [delivery] = await settledDeliveries(hook.id);
    expect(delivery).toMatchObject({ status: 'SUCCEEDED', attempt: 4, statusCode: 200 });
    expect(delivery!.attempts.map((a) => [a.attempt, a.statusCode, a.succeeded])).toEqual([
      [1, 500, false],
      [2, null, false],
      [3, 429, false],
      [4, 200, true],
    ]);
    expect(delivery!.attempts[0]!.responseExcerpt).toBe('boom');
    expect(delivery!.attempts[1]!.error).toMatch(/^timeout/);
    expect(delivery!.attempts[2]!.responseExcerpt).toBe('slow down');
    // The backoff alone would have retried after 200 ms; Retry-After asked for a second.
    expect(requests[3]!.receivedAt - requests[2]!.receivedAt).toBeGreaterThanOrEqual(950);
    expect(requests[1]!.receivedAt - requests[0]!.receivedAt).toBeGreaterThanOrEqual(45);
  });

  it('marks a webhook failing when its retries run out, delivers nothing more, and resumes with the failed batch on replay', async () => {
    const closed = await startReceiver();
    const deadUrl = closed.url;
    await closed.close();
    const hook = await createWebhook({ url: deadUrl, types: ['company'] });
    ok(await ws.gql('mutation { createCompany(input: { name: "First" }) { id } }'));
    for (let i = 0; i < 200 && (await webhook(hook.id)).state !== 'FAILING'; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(await webhook(hook.id)).toMatchObject({ state: 'FAILING', active: true });
    const [failed] = await deliveries(hook.id);
    expect(failed).toMatchObject({ status: 'FAILED', attempt: RETRY.maxAttempts, statusCode: null });
    expect(failed!.attempts.map((a) => a.error)).toEqual(Array(RETRY.maxAttempts).fill('connection refused'));

    // While failing, later events wait: no new delivery is made.
    ok(await ws.gql('mutation { createCompany(input: { name: "Second" }) { id } }'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await deliveries(hook.id)).toHaveLength(1);

    ok(await ws.gql('mutation($id: ID!, $url: String!) { updateWebhook(id: $id, input: { url: $url }) { id } }', { id: hook.id, url: receiver.url }));
    expect((await webhook(hook.id)).state).toBe('FAILING');
    const replayed = ok(await ws.gql<{ replayWebhook: WebhookRow }>('mutation($id: ID!) { replayWebhook(id: $id) { state active } }', { id: hook.id }));
    expect(replayed.replayWebhook).toEqual({ state: 'ACTIVE', active: true });
    await receiver.waitFor('both companies', () => receiver.eventsOf(hook.id).length >= 2);
    expect(receiver.eventsOf(hook.id).map((e) => e.record.name)).toEqual(['First', 'Second']);
    expect(receiver.requestsOf(hook.id)[0]!.payload.events[0]!.cursor).toBe(failed!.firstCursor);
  });

  it('fails a batch at once on a 4xx, and replays every event after a cursor', async () => {
    const hook = await createWebhook({ types: ['company'] });
    receiver.respondWith((request) => (request.payload.webhookId === hook.id ? { status: 400, body: 'bad request' } : undefined));
    ok(await ws.gql('mutation { createCompanies(inputs: [{ name: "A" }, { name: "B" }, { name: "C" }]) { id } }'));
    for (let i = 0; i < 200 && (await webhook(hook.id)).state !== 'FAILING'; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    const [failed] = await deliveries(hook.id);
    expect(failed).toMatchObject({ status: 'FAILED', attempt: 1, statusCode: 400, eventCount: 3 });
    expect(failed!.attempts[0]!.responseExcerpt).toBe('bad request');
    expect(logged.at(-1)).toMatch(new RegExp(`Webhook ${hook.id} of workspace .* is failing \\(delivery ${failed!.id}, attempt 1: HTTP 400\\)`));
    const first = receiver.requestsOf(hook.id)[0]!.payload.events[0]!;

    receiver.respondWith(() => undefined);
    const before = receiver.eventsOf(hook.id).length;
    ok(await ws.gql('mutation($id: ID!, $after: String) { replayWebhook(id: $id, after: $after) { id } }', { id: hook.id, after: first.cursor }));
    await receiver.waitFor('the replay', () => receiver.eventsOf(hook.id).length >= before + 2);
    const replayed = receiver.eventsOf(hook.id).slice(before);
    expect(replayed.map((e) => e.record.name)).toEqual(['B', 'C']);
    expect(replayed.every((e) => cursorBefore(first.cursor, e.cursor))).toBe(true);
    expect((await webhook(hook.id)).state).toBe('ACTIVE');

    const bad = await ws.gql('mutation($id: ID!) { replayWebhook(id: $id, after: "bm9wZQ") { id } }', { id: hook.id });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_REQUEST', argument: 'after' });
  });
});
