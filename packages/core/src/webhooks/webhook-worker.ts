/**
 * The webhook worker: runs in each server process (or any process with an
 * engine), woken by the change log's NOTIFY (`relata_events`) and by a timer.
 * Each round it
 * 1. fills: for each active webhook with no unfinished delivery and new events,
 *    reads up to 100 events after its position (its filters applied, as an admin
 *    of its workspace sees them) and makes them its next delivery;
 * 2. claims due deliveries (webhook-queue.ts) and sends each one, outside any
 *    transaction, then records the attempt and schedules a retry, gives up, or
 *    marks the delivery done (retry-policy.ts).
 * Any number of workers may share a database: claims and fills are atomic, and a
 * webhook has one unfinished delivery at a time, so each batch is sent by one
 * worker at a time and batches go out in log order. Delivery is at least once:
 * a batch is only done once a receiver answered 2xx, and a worker that dies
 * mid-attempt leaves a claim that another worker takes over when its lease ends.
 */
import { systemActor } from '../access/actor.ts';
import type { Engine } from '../engine.ts';
import type { EventPosition } from '../events/event-cursor.ts';
import { visibleEvent } from '../events/event-view.ts';
import { honoursRetryAfter, parseRetryAfter, resolveRetrySchedule, retryDelayMs, verdictOfStatus, type RetrySchedule } from './retry-policy.ts';
import { webhookBody, webhookEventJson, webhookHeaders } from './webhook-payload.ts';
import { createWebhookQueue, type ClaimedDelivery, type NextStep, type WebhookToFill } from './webhook-queue.ts';
import { postWebhook } from './webhook-sender.ts';
import { throttledLog } from '../util/throttled-log.ts';

/** Options of a webhook worker. The defaults are the production behaviour; tests shorten the times. */
export interface WebhookWorkerOptions {
  /** How often to look for work without a notification (retries fall due, other processes' changes). @default 1000 */
  pollIntervalMs?: number;
  /** Limit of one attempt: connecting, sending and reading the answer. @default 10000 */
  timeoutMs?: number;
  /** How long a claim lasts before another worker may take it over; more than timeoutMs. @default 30000 */
  leaseMs?: number;
  /** Deliveries this worker sends at once. @default 8 */
  concurrency?: number;
  /** Most events in one delivery, 1 to 100. @default 100 */
  batchSize?: number;
  /** When retries happen (retry-policy.ts). @default DEFAULT_RETRY_SCHEDULE */
  retry?: Partial<RetrySchedule>;
  /** Where problems are reported: database errors, and webhooks that became failing. Never given a secret. @default console.error */
  log?: (message: string, error?: unknown) => void;
  /** Source of the retries' jitter, from 0 to 1. @default Math.random */
  random?: () => number;
}

/** A running worker. */
export interface WebhookWorker {
  /** Looks for work now. */
  wake(): void;
  /** Stops: no new claims, attempts in flight are cut off and handed back (due at once). Call before closing the engine. */
  stop(): Promise<void>;
}

/** The NOTIFY channel of the change log's triggers. */
export const EVENTS_CHANNEL = 'relata_events';

const comparePositions = (a: EventPosition, b: EventPosition) => {
  const [ta, tb, sa, sb] = [BigInt(a.txid), BigInt(b.txid), BigInt(a.seq), BigInt(b.seq)];
  return ta !== tb ? (ta < tb ? -1 : 1) : sa === sb ? 0 : sa < sb ? -1 : 1;
};

/** Starts delivering the webhooks of every workspace of `engine`'s database. */
export async function startWebhookWorker(engine: Engine, options: WebhookWorkerOptions = {}): Promise<WebhookWorker> {
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const leaseMs = options.leaseMs ?? Math.max(30_000, timeoutMs + 5_000);
  const concurrency = options.concurrency ?? 8;
  const batchSize = Math.min(100, Math.max(1, options.batchSize ?? 100));
  const schedule = resolveRetrySchedule(options.retry);
  const log = options.log ?? ((message: string, error?: unknown) => console.error(message, error ?? ''));
  const random = options.random ?? Math.random;
  const allowPrivateAddresses = engine.webhooks.allowPrivateAddresses;
  if (leaseMs <= timeoutMs) throw new RangeError('leaseMs must be longer than timeoutMs: a claim must outlast its attempt');
  const queue = createWebhookQueue(engine.db);

  let stopped = false;
  let round: Promise<void> | null = null;
  let again = false;
  const inFlight = new Map<string, { controller: AbortController; done: Promise<void> }>();
  const report = throttledLog(log);

  /** Makes `webhook`'s next delivery from the events after its position, or moves its position past events it does not take. */
  async function fill(webhook: WebhookToFill): Promise<void> {
    const metadata = await engine.metadata.snapshot(webhook.workspaceId);
    const scope = { actor: systemActor(webhook.workspaceId), metadata };
    const typeIds = webhook.types.length > 0 ? webhook.types.flatMap((name) => metadata.find(name)?.id ?? []) : undefined;
    // Read before the events: every event before this position is final by the time they are read.
    const readable = await engine.events.start();
    const raw = await queue.readEvents(webhook, webhook.position, typeIds, batchSize);
    const last = raw[raw.length - 1];
    let to: EventPosition = last ? { txid: last.txid, seq: last.seq } : webhook.position;
    // A short page means nothing the filters take lies between it and `readable`: skip ahead.
    if (raw.length < batchSize && comparePositions(readable, to) > 0) to = readable;
    if (comparePositions(to, webhook.position) === 0) return;
    const events = raw.flatMap((row) => {
      const event = visibleEvent(scope, row);
      return event ? [webhookEventJson(event)] : [];
    });
    const batch = events.length
      ? { events: JSON.stringify(events), count: events.length, firstCursor: events[0]!.cursor, lastCursor: events[events.length - 1]!.cursor }
      : null;
    await queue.fill(webhook, to, batch);
  }

  /** Sends one claimed delivery and records what came of it. */
  async function deliver(delivery: ClaimedDelivery, controller: AbortController): Promise<void> {
    const body = webhookBody(delivery.webhookId, delivery.events);
    const startedAt = new Date();
    const sent = await postWebhook(delivery.url, body, webhookHeaders(delivery.id, delivery.secret, body, startedAt.getTime()), {
      timeoutMs,
      allowPrivateAddresses,
      signal: controller.signal,
    });
    const verdict = sent.aborted ? 'retry' : sent.statusCode !== null ? verdictOfStatus(sent.statusCode) : sent.permanent ? 'failed' : 'retry';
    let next: NextStep;
    if (sent.aborted) next = { status: 'pending', delayMs: 0 };
    else if (verdict === 'succeeded') next = { status: 'succeeded' };
    else if (verdict === 'failed' || delivery.attempt >= schedule.maxAttempts) next = { status: 'failed' };
    else {
      const retryAfter = sent.statusCode !== null && honoursRetryAfter(sent.statusCode) ? parseRetryAfter(sent.retryAfter) : null;
      next = { status: 'pending', delayMs: retryDelayMs(schedule, delivery.attempt, retryAfter, random) };
    }
    const failing = await queue.finish(
      delivery,
      {
        startedAt,
        durationMs: sent.durationMs,
        statusCode: sent.statusCode,
        error: sent.error,
        responseExcerpt: sent.responseExcerpt,
        succeeded: verdict === 'succeeded' && !sent.aborted,
      },
      next,
    );
    if (failing) {
      const why = sent.statusCode !== null ? `HTTP ${sent.statusCode}` : sent.error;
      log(`Webhook ${delivery.webhookId} of workspace ${delivery.workspaceId} is failing (delivery ${delivery.id}, attempt ${delivery.attempt}: ${why}); replay it once its receiver is fixed.`);
    }
  }

  async function runRound(): Promise<void> {
    do {
      again = false;
      try {
        const webhooks = await queue.webhooksToFill(100);
        for (const webhook of webhooks) {
          if (stopped) return;
          await fill(webhook);
        }
        if (webhooks.length === 100) again = true;
        const free = concurrency - inFlight.size;
        if (free <= 0 || stopped) continue;
        const claimed = await queue.claim(free, leaseMs);
        for (const delivery of claimed) {
          const controller = new AbortController();
          if (stopped) controller.abort();
          const done = deliver(delivery, controller)
            .catch((error: unknown) => report(`Webhook delivery ${delivery.id} could not be recorded`, error))
            .finally(() => {
              inFlight.delete(delivery.id);
              wake();
            });
          inFlight.set(delivery.id, { controller, done });
        }
      } catch (error) {
        report('The webhook worker could not read or claim its work', error);
        return;
      }
    } while (again && !stopped);
  }

  function wake(): void {
    if (stopped) return;
    if (round) {
      again = true;
      return;
    }
    round = runRound().finally(() => {
      round = null;
    });
  }

  const timer = setInterval(wake, pollIntervalMs);
  let unlisten: (() => Promise<void>) | undefined;
  try {
    unlisten = await engine.db.listen(EVENTS_CHANNEL, wake);
  } catch (error) {
    // Polling still finds every event, only later.
    report(`Cannot LISTEN on ${EVENTS_CHANNEL}; webhooks are found by polling only`, error);
  }
  wake();

  return {
    wake,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await unlisten?.().catch(() => {});
      for (const { controller } of inFlight.values()) controller.abort();
      await round;
      await Promise.all([...inFlight.values()].map((d) => d.done));
    },
  };
}
