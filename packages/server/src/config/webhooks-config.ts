/**
 * Where webhooks may send, from `RELATA_WEBHOOK_ALLOW_PRIVATE`
 * (docs/webhooks.md#private-addresses), and how long their deliveries are kept,
 * from `RELATA_WEBHOOK_DELIVERY_RETENTION`.
 */
import { ConfigError, parseDuration, read } from './env.ts';

/** Webhook settings of a process. */
export interface WebhooksConfig {
  /**
   * Allow webhook URLs (and DNS names) that lead to private, loopback or
   * link-local addresses, from `RELATA_WEBHOOK_ALLOW_PRIVATE` (`true`/`false`).
   * Off in production, where it would let an admin make the server reach its own
   * network (server-side request forgery).
   * @example true
   * @default NODE_ENV !== 'production'
   */
  allowPrivateAddresses: boolean;
  /**
   * Deliveries that succeeded (or were replaced by a replay) are deleted, with
   * their attempts, this long after they completed, from
   * `RELATA_WEBHOOK_DELIVERY_RETENTION` (`30d`, `12h`..., or `forever`: null).
   * Each holds a copy of its events. Failed ones are kept for replay.
   * @default 2592000000 (30 days)
   */
  deliveryRetentionMs: number | null;
}

/** Reads the webhook settings; ConfigError names a bad variable. */
export function parseWebhooks(env: NodeJS.ProcessEnv): WebhooksConfig {
  const raw = read(env, 'RELATA_WEBHOOK_ALLOW_PRIVATE')?.toLowerCase();
  if (raw !== undefined && raw !== 'true' && raw !== 'false') {
    throw new ConfigError(`RELATA_WEBHOOK_ALLOW_PRIVATE must be true or false (got ${JSON.stringify(raw)}).`);
  }
  const retentionRaw = read(env, 'RELATA_WEBHOOK_DELIVERY_RETENTION')?.toLowerCase() ?? '30d';
  const deliveryRetentionMs = retentionRaw === 'forever' ? null : parseDuration(retentionRaw);
  if (deliveryRetentionMs === undefined || deliveryRetentionMs === 0) {
    throw new ConfigError(`RELATA_WEBHOOK_DELIVERY_RETENTION must be a duration like 30d or 12h, or forever (got ${JSON.stringify(retentionRaw)}).`);
  }
  return {
    allowPrivateAddresses: raw === undefined ? (read(env, 'NODE_ENV') ?? 'development') !== 'production' : raw === 'true',
    deliveryRetentionMs,
  };
}
