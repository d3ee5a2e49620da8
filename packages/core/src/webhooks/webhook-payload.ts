/**
 * What a webhook receives: `POST` with the JSON body `{ webhookId, events }`,
 * each event a RecordEvent as the API shows it (the record as of the event, field
 * values in their output forms), and the headers that identify and sign it.
 */
import type { EventActor, EventKind, FieldChange, RecordEvent } from '../events/event-view.ts';
import { signWebhook } from './webhook-signature.ts';

/** Names of the headers of a delivery. */
export const WEBHOOK_HEADERS = {
  /** The delivery (batch) id: the same on every attempt of the batch. */
  delivery: 'Relata-Delivery',
  /** When the attempt was sent, in Unix seconds; signed with the body. */
  timestamp: 'Relata-Timestamp',
  /** `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`. */
  signature: 'Relata-Signature',
} as const;

/** A record event as a webhook sends it. */
export interface WebhookEventJson {
  cursor: string;
  kind: EventKind;
  type: string;
  recordId: string;
  changedFields: string[];
  changes: FieldChange[];
  /** ISO-8601. */
  at: string;
  actor: EventActor | null;
  /** System fields, then the field values by apiName. */
  record: Record<string, unknown> & { id: string; type: string; version: number; createdAt: string; updatedAt: string; deletedAt: string | null; ownerId: string | null };
}

/** `event` in the form webhooks send. */
export function webhookEventJson(event: RecordEvent): WebhookEventJson {
  const { record } = event;
  return {
    cursor: event.cursor,
    kind: event.kind,
    type: event.type,
    recordId: event.recordId,
    changedFields: event.changedFields,
    changes: event.changes,
    at: event.at.toISOString(),
    actor: event.actor,
    record: {
      id: record.id,
      type: record.type,
      version: record.version,
      createdAt: record.createdAt.toISOString(),
      updatedAt: record.updatedAt.toISOString(),
      deletedAt: record.deletedAt?.toISOString() ?? null,
      ownerId: record.ownerId,
      ...record.data,
    },
  };
}

/** The body of a delivery, around its events' JSON text (kept as stored, so every attempt sends the same bytes). */
export function webhookBody(webhookId: string, eventsJson: string): string {
  return `{"webhookId":${JSON.stringify(webhookId)},"events":${eventsJson}}`;
}

/** The headers of one attempt to deliver `body`, signed with `secret` at `now`. */
export function webhookHeaders(deliveryId: string, secret: string, body: string, now: number = Date.now()): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'Relata-Webhooks/1',
    [WEBHOOK_HEADERS.delivery]: deliveryId,
    [WEBHOOK_HEADERS.timestamp]: String(timestamp),
    [WEBHOOK_HEADERS.signature]: signWebhook(secret, timestamp, body),
  };
}
