/** Webhooks, their deliveries and attempts as the engine returns them, mapped from their rows. */
import type { EventKind } from '../events/event-view.ts';
import type { AttemptRecord } from './webhook-queue.ts';
import type {
  Webhook as WebhookRow,
  WebhookAttempt as WebhookAttemptRow,
  WebhookDelivery as WebhookDeliveryRow,
} from '../generated/prisma/client.ts';

/** `active`, or `failing`: a delivery failed for good, and nothing is delivered until an admin replays. */
export type WebhookState = 'active' | 'failing';

/** Where a delivery stands. */
export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivering', 'succeeded', 'failed', 'cancelled'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** A webhook. */
export interface Webhook {
  id: string;
  workspaceId: string;
  url: string;
  /** Signs deliveries; shown to admins only, never logged. */
  secret: string;
  /** Record type apiNames; empty: every type. */
  types: string[];
  /** Event kinds; empty: every kind. */
  kinds: EventKind[];
  /** False: paused by an admin. */
  active: boolean;
  state: WebhookState;
  /** Since when it is failing; null when active. */
  failingSince: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One attempt to deliver a batch, as recorded (AttemptRecord: its outcome). */
export interface WebhookAttempt extends AttemptRecord {
  id: string;
  /** 1 for the first attempt. */
  attempt: number;
}

/** One batch of events for a webhook. */
export interface WebhookDelivery {
  /** Sent as `Relata-Delivery`, the same on every attempt. */
  id: string;
  webhookId: string;
  status: WebhookDeliveryStatus;
  /** Attempts started so far. */
  attempts: number;
  eventCount: number;
  /** Cursors of the batch's first and last events. */
  firstCursor: string;
  lastCursor: string;
  createdAt: Date;
  /** When the next attempt is due (pending), or the current one's lease ends (delivering); null when done. */
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  completedAt: Date | null;
  /** Every attempt, oldest first. */
  attemptLog: WebhookAttempt[];
}

/** A page of a webhook's deliveries, newest first. */
export interface WebhookDeliveryPage {
  edges: Array<{ cursor: string; node: WebhookDelivery }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** A webhook row as the engine returns it. */
export function toWebhook(row: WebhookRow): Webhook {
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    url: row.url,
    secret: row.secret,
    types: row.types,
    kinds: row.kinds as EventKind[],
    active: row.active,
    state: row.state as WebhookState,
    failingSince: row.failingSince,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** A delivery row (without its events) and its attempts, as the engine returns them. */
export function toWebhookDelivery(row: Omit<WebhookDeliveryRow, 'events'> & { attemptLog: WebhookAttemptRow[] }): WebhookDelivery {
  const status = row.status as WebhookDeliveryStatus;
  return {
    id: row.id,
    webhookId: row.webhookId,
    status,
    attempts: row.attempts,
    eventCount: row.eventCount,
    firstCursor: row.firstCursor,
    lastCursor: row.lastCursor,
    createdAt: row.createdAt,
    nextAttemptAt: status === 'pending' || status === 'delivering' ? row.nextAttemptAt : null,
    lastAttemptAt: row.lastAttemptAt,
    completedAt: row.completedAt,
    attemptLog: row.attemptLog.map((a) => ({
      id: a.id,
      attempt: a.attempt,
      startedAt: a.startedAt,
      durationMs: a.durationMs,
      statusCode: a.statusCode,
      error: a.error,
      responseExcerpt: a.responseExcerpt,
      succeeded: a.succeeded,
    })),
  };
}
