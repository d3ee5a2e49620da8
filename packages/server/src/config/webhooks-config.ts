/**
 * Where webhooks may send, from `RELATA_WEBHOOK_ALLOW_PRIVATE`
 * (docs/webhooks.md#private-addresses).
 */
import { ConfigError, read } from './env.ts';

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
}

/** Reads the webhook settings; ConfigError names a bad variable. */
export function parseWebhooks(env: NodeJS.ProcessEnv): WebhooksConfig {
  const raw = read(env, 'RELATA_WEBHOOK_ALLOW_PRIVATE')?.toLowerCase();
  if (raw !== undefined && raw !== 'true' && raw !== 'false') {
    throw new ConfigError(`RELATA_WEBHOOK_ALLOW_PRIVATE must be true or false (got ${JSON.stringify(raw)}).`);
  }
  return { allowPrivateAddresses: raw === undefined ? (read(env, 'NODE_ENV') ?? 'development') !== 'production' : raw === 'true' };
}
