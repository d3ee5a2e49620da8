/**
 * Receiving Relata webhooks: `verifyWebhook` checks that a request was signed
 * with the webhook's secret and sent recently, and returns its parsed body.
 * Web Crypto only (HMAC verification is constant-time there), so it runs in
 * Node 20, Deno, Bun and edge runtimes. Pass the raw body, exactly as received:
 * a body parsed and serialised again no longer matches its signature.
 */

/** The headers Relata signs deliveries with. */
export const WEBHOOK_SIGNATURE_HEADER = 'relata-signature';
export const WEBHOOK_TIMESTAMP_HEADER = 'relata-timestamp';
export const WEBHOOK_DELIVERY_HEADER = 'relata-delivery';

/** How old a delivery may be, by default: 5 minutes. */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

/** One record event of a delivery. */
export interface WebhookEvent {
  /** Its position in the change log: deliveries are at least once, so skip cursors you have handled. */
  cursor: string;
  kind: 'CREATED' | 'UPDATED' | 'DELETED' | 'RESTORED' | 'DESTROYED';
  /** The record type's apiName. */
  type: string;
  recordId: string;
  changedFields: string[];
  changes: Array<{ field: string; old: unknown; new: unknown; added: string[] | null; removed: string[] | null }>;
  /** ISO-8601. */
  at: string;
  actor: { kind: 'member' | 'apiKey' | 'system'; id: string } | null;
  /** The record as of the event (before it, for DESTROYED): system fields, then field values by apiName. */
  record: {
    id: string;
    type: string;
    version: number;
    createdAt: string;
    updatedAt: string;
    deletedAt: string | null;
    ownerId: string | null;
    [field: string]: unknown;
  };
}

/** A verified delivery. */
export interface VerifiedWebhook {
  webhookId: string;
  /** Events in log order. */
  events: WebhookEvent[];
  /** `Relata-Delivery`: the same on every attempt of one batch; null when not given. */
  deliveryId: string | null;
  /** When this attempt was signed. */
  timestamp: Date;
}

/** Options of verifyWebhook: the request's headers, or its signature and timestamp. */
export interface VerifyWebhookOptions {
  /** The webhook's secret. */
  secret: string;
  /** The raw request body, exactly as received. */
  body: string | Uint8Array | ArrayBuffer;
  /** The request's headers: a Headers object (fetch) or Node's `req.headers`. */
  headers?: Headers | Record<string, string | string[] | undefined>;
  /** `Relata-Signature`, when not passing headers. */
  signature?: string;
  /** `Relata-Timestamp` (Unix seconds), when not passing headers. */
  timestamp?: string | number;
  /** Refuse deliveries signed longer ago (or further ahead) than this. @default 300 */
  toleranceSeconds?: number;
  /** The current time, for tests. @default Date.now() */
  now?: Date | number;
}

/** Why a delivery was refused. */
export type WebhookVerificationReason = 'MISSING_SIGNATURE' | 'MISSING_TIMESTAMP' | 'INVALID_SIGNATURE' | 'TIMESTAMP_OUT_OF_RANGE' | 'INVALID_BODY';

/** The delivery is not authentic or not fresh: answer it 400 (or 401) and drop it. */
export class WebhookVerificationError extends Error {
  readonly reason: WebhookVerificationReason;

  constructor(reason: WebhookVerificationReason, message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.reason = reason;
  }
}

function header(headers: VerifyWebhookOptions['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

function bytesOf(body: VerifyWebhookOptions['body']): Uint8Array {
  if (typeof body === 'string') return new TextEncoder().encode(body);
  return body instanceof Uint8Array ? body : new Uint8Array(body);
}

function hexBytes(hex: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[0-9a-f]{64}$/i.test(hex)) return null;
  return Uint8Array.from(hex.match(/../g)!, (pair) => parseInt(pair, 16));
}

/**
 * Verifies a webhook delivery and returns its events. Throws a
 * WebhookVerificationError when the signature does not match the secret, the
 * timestamp is further than `toleranceSeconds` from now (a replayed request),
 * or a header is missing.
 *
 * @example
 * const delivery = await verifyWebhook({ secret: process.env.RELATA_WEBHOOK_SECRET!, body: rawBody, headers: req.headers });
 * for (const event of delivery.events) console.log(event.kind, event.type, event.recordId);
 */
export async function verifyWebhook(options: VerifyWebhookOptions): Promise<VerifiedWebhook> {
  const signature = options.signature ?? header(options.headers, WEBHOOK_SIGNATURE_HEADER);
  const timestampText = options.timestamp !== undefined ? String(options.timestamp) : header(options.headers, WEBHOOK_TIMESTAMP_HEADER);
  if (!signature) throw new WebhookVerificationError('MISSING_SIGNATURE', 'The request has no Relata-Signature header');
  if (!timestampText || !/^\d{1,12}$/.test(timestampText.trim())) {
    throw new WebhookVerificationError('MISSING_TIMESTAMP', 'The request has no valid Relata-Timestamp header');
  }
  const timestamp = Number(timestampText.trim());
  const now = options.now === undefined ? Date.now() : typeof options.now === 'number' ? options.now : options.now.getTime();
  const tolerance = options.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS;
  if (Math.abs(now / 1000 - timestamp) > tolerance) {
    throw new WebhookVerificationError('TIMESTAMP_OUT_OF_RANGE', `The delivery was signed more than ${tolerance} s from now`);
  }

  const body = bytesOf(options.body);
  const encoder = new TextEncoder();
  const signed = new Uint8Array([...encoder.encode(`${timestamp}.`), ...body]);
  const key = await crypto.subtle.importKey('raw', encoder.encode(options.secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  // Several `v1=` values may be sent; any one matching is enough. subtle.verify compares in constant time.
  const candidates = signature
    .split(/[\s,]+/)
    .filter((part) => part.startsWith('v1='))
    .flatMap((part) => hexBytes(part.slice(3)) ?? []);
  let valid = false;
  for (const candidate of candidates) {
    if (await crypto.subtle.verify('HMAC', key, candidate, signed)) valid = true;
  }
  if (!valid) throw new WebhookVerificationError('INVALID_SIGNATURE', 'The signature does not match the body and the secret');

  let payload: { webhookId?: unknown; events?: unknown };
  try {
    payload = JSON.parse(new TextDecoder().decode(body)) as typeof payload;
  } catch {
    throw new WebhookVerificationError('INVALID_BODY', 'The body is not JSON');
  }
  if (typeof payload?.webhookId !== 'string' || !Array.isArray(payload.events)) {
    throw new WebhookVerificationError('INVALID_BODY', 'The body is not a Relata delivery');
  }
  return {
    webhookId: payload.webhookId,
    events: payload.events as WebhookEvent[],
    deliveryId: header(options.headers, WEBHOOK_DELIVERY_HEADER) ?? null,
    timestamp: new Date(timestamp * 1000),
  };
}
