/**
 * Change events under load: commit-to-delivery latency of graphql-ws subscribers
 * while writes are made at a steady rate, and whether every subscriber received
 * every event. The server runs as its own process (`relata start` on the bench's
 * PostgreSQL), so the subscribers and the writer, in this process, do not take
 * its CPU.
 *
 * Latency of one delivery: the time the subscriber received the event minus the
 * event's `at` (the database's transaction timestamp, taken just before the write
 * commits); both clocks are this machine's.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { systemActor, type Engine } from '@relata/core';
import { quantile } from './stats.ts';

const BIN = fileURLToPath(new URL('../bin/relata.js', import.meta.url));

/**
 * The scenario's size. Subscribers are spread over `workspaces` tenants (as the
 * integrations of many customers are), writes round-robin over them, so each
 * event goes to subscribers / workspaces subscribers: 1,000 subscribers over 100
 * workspaces at 200 writes/s is 2,000 deliveries a second.
 */
export interface EventsBenchOptions {
  subscribers: number;
  workspaces: number;
  writesPerSecond: number;
  seconds: number;
}

/** What one run measured. */
export interface EventsBenchResult extends EventsBenchOptions {
  events: number;
  deliveriesPerSecond: number;
  deliveries: number;
  expectedDeliveries: number;
  lost: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** The p99 goal of commit-to-delivery latency, in milliseconds. */
export const EVENTS_GOAL_P99_MS = 200;

/** Starts `relata start` on `databaseUrl`; resolves with its URL and how to stop it. */
async function startServer(databaseUrl: string): Promise<{ url: string; stop(): Promise<void> }> {
  // RELATA_BENCH_PROFILE=<dir> writes the server's CPU profile there.
  const profile = process.env.RELATA_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.RELATA_BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, BIN, 'start'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'production', RELATA_RATE_LIMIT_PER_SECOND: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relata start did not start:\n${output}`)), 60_000);
    child.stdout!.on('data', () => {
      if (/Health: .*\n/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`relata start exited with ${code}:\n${output}`)));
  });
  const port = output.match(/GraphQL:\s+http:\/\/[^:]+:(\d+)\//)![1];
  child.on('exit', (code, signal) => {
    if (signal !== 'SIGTERM') console.error(`relata start exited (${code ?? signal}):\n${output.slice(-4000)}`);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
    },
  };
}

/** Creates the scenario's workspaces (each with a `ticket` type) through `engine`; returns their admin keys. */
export async function seedEventWorkspaces(engine: Engine, count: number): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = await engine.workspaces.create({ name: `Events ${i}` });
    const actor = systemActor(created.workspaceId);
    await engine.metadata.createObjectType(actor, { apiName: 'ticket', pluralApiName: 'tickets' });
    await engine.metadata.createField(actor, 'ticket', { apiName: 'title', type: 'TEXT' });
    keys.push(created.apiKey);
  }
  return keys;
}

/** Runs the scenario against a fresh server process on `databaseUrl`, with one admin key per workspace. */
export async function benchEvents(databaseUrl: string, keys: readonly string[], options: EventsBenchOptions, log: (line: string) => void): Promise<EventsBenchResult> {
  const server = await startServer(databaseUrl);
  const gql = async (apiKey: string, query: string, variables?: unknown) => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: Record<string, { id: string }>; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data!;
  };
  const clients: Client[] = [];
  try {
    const received: Array<Map<string, number>> = [];
    /** Events before this time are the warm-up's: delivered, but not measured. */
    let measureFrom = Number.POSITIVE_INFINITY;
    const latencies: number[] = [];
    let connected = 0;
    log(`  connecting ${options.subscribers} graphql-ws subscribers...`);
    for (let i = 0; i < options.subscribers; i++) {
      const seen = new Map<string, number>();
      received.push(seen);
      const client = createClient({
        url: `${server.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${keys[i % keys.length]}` },
        retryAttempts: 0,
        on: { connected: () => void connected++ },
      });
      clients.push(client);
      client.subscribe<{ ticketEvents: { recordId: string; at: string } }>(
        { query: 'subscription { ticketEvents(kinds: [CREATED]) { recordId at record { title } } }' },
        {
          next: (result) => {
            const event = result.data?.ticketEvents;
            if (!event) return;
            const latency = Date.now() - Date.parse(event.at);
            seen.set(event.recordId, latency);
            if (Date.parse(event.at) >= measureFrom) latencies.push(latency);
          },
          error: (error) => log(`  subscriber ${i} failed: ${JSON.stringify(error)}`),
          complete: () => {},
        },
      );
    }
    const deadline = Date.now() + 60_000;
    while (connected < options.subscribers && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1000));
    log(`  ${connected} connected; writing ${options.writesPerSecond} records/s for ${options.seconds} s...`);

    // Warm-up: one write per workspace, delivered before anything is measured.
    const warmup = await Promise.all(keys.map((key) => gql(key, 'mutation { createTicket(input: { title: "warm-up" }) { id } }')));
    const warmIds = warmup.map((d) => d.createTicket!.id);
    while (!received.every((seen, i) => seen.has(warmIds[i % keys.length]!)) && Date.now() < deadline + 60_000) await new Promise((r) => setTimeout(r, 100));
    measureFrom = Date.now();

    const written: string[] = [];
    /** Which workspace each written record belongs to (the warm-up's too). */
    const workspaceOf = new Map<string, number>(warmIds.map((id, w) => [id, w]));
    const total = options.writesPerSecond * options.seconds;
    const start = Date.now();
    const inflight: Array<Promise<void>> = [];
    for (let n = 0; n < total; n++) {
      const due = start + (n * 1000) / options.writesPerSecond;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const w = n % keys.length;
      inflight.push(
        gql(keys[w]!, 'mutation($t: String) { createTicket(input: { title: $t }) { id } }', { t: `Ticket ${n}` }).then((d) => {
          written.push(d.createTicket!.id);
          workspaceOf.set(d.createTicket!.id, w);
        }),
      );
    }
    await Promise.all(inflight);
    const writeSeconds = (Date.now() - start) / 1000;
    // Let the last events arrive.
    const settle = Date.now() + 15_000;
    // Subscriber i watches workspace i % workspaces: it must get that workspace's records, and only those.
    const expectedOf = (i: number) => written.filter((id) => workspaceOf.get(id) === i % keys.length);
    const complete = () => received.every((seen, i) => expectedOf(i).every((id) => seen.has(id)));
    while (!complete() && Date.now() < settle) await new Promise((r) => setTimeout(r, 200));

    const expectedDeliveries = received.reduce((n, _seen, i) => n + expectedOf(i).length, 0);
    const deliveries = received.reduce((n, seen, i) => n + expectedOf(i).filter((id) => seen.has(id)).length, 0);
    const strays = received.reduce((n, seen, i) => n + [...seen.keys()].filter((id) => workspaceOf.get(id) !== i % keys.length).length, 0);
    if (strays > 0) throw new Error(`${strays} events reached subscribers of another workspace`);
    const sorted = [...latencies].sort((a, b) => a - b);
    log(`  wrote ${written.length} in ${writeSeconds.toFixed(1)} s; ${deliveries} of ${expectedDeliveries} deliveries`);
    return {
      ...options,
      events: written.length,
      deliveriesPerSecond: Math.round(expectedDeliveries / writeSeconds),
      deliveries,
      expectedDeliveries,
      lost: expectedDeliveries - deliveries,
      p50Ms: quantile(sorted, 0.5),
      p99Ms: quantile(sorted, 0.99),
      maxMs: sorted[sorted.length - 1] ?? 0,
    };
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    await server.stop();
  }
}

/** What the webhook scenario measured. */
export interface WebhookBenchResult {
  events: number;
  batches: number;
  seconds: number;
  eventsPerSecond: number;
  lost: number;
  inOrder: boolean;
}

/**
 * Webhook throughput: `total` record events (written in bulk calls of 1,000) to
 * one webhook pointing at a local receiver that answers 200 at once, from the
 * first write until the receiver holds every event; delivered by a worker in this
 * process, as `relata start` runs it.
 */
export async function benchWebhooks(engine: Engine, total: number, log: (line: string) => void): Promise<WebhookBenchResult> {
  const http = await import('node:http');
  const received: string[] = [];
  let batches = 0;
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const payload = JSON.parse(body) as { events: Array<{ recordId: string }> };
      batches++;
      for (const e of payload.events) received.push(e.recordId);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as { port: number }).port;
  const { startWebhookWorker } = await import('@relata/core');
  const worker = await startWebhookWorker(engine, { log: () => {} });
  try {
    const [key] = await seedEventWorkspaces(engine, 1);
    const { actor } = await engine.workspaces.authenticate(key!);
    await engine.webhooks.createWebhook(actor, { url: `http://127.0.0.1:${port}/hook`, types: ['ticket'] });
    const scope = { actor, metadata: await engine.metadata.snapshot(actor.workspaceId) };
    const start = performance.now();
    const ids: string[] = [];
    for (let n = 0; n < total; n += 1000) {
      const rows = await engine.records.createMany(scope, 'ticket', Array.from({ length: Math.min(1000, total - n) }, (_, i) => ({ title: `T${n + i}` })));
      ids.push(...rows.map((r) => r.id));
    }
    const deadline = Date.now() + 120_000;
    while (new Set(received).size < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const seconds = (performance.now() - start) / 1000;
    const got = new Set(received);
    const lost = ids.filter((id) => !got.has(id)).length;
    // Ids are made in creation order (UUIDv7) and events are sent in log order.
    const firsts = received.filter((id, i) => received.indexOf(id) === i);
    const inOrder = firsts.every((id, i) => i === 0 || firsts[i - 1]! < id);
    log(`  ${got.size} of ${total} events in ${batches} batches in ${seconds.toFixed(1)} s`);
    return { events: total, batches, seconds, eventsPerSecond: Math.round(total / seconds), lost, inOrder };
  } finally {
    await worker.stop();
    await new Promise((resolve) => receiver.close(resolve));
  }
}
