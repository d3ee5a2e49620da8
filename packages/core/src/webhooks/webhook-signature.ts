/**
 * Webhook secrets and signatures. Every delivery carries
 * `Relata-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`, keyed
 * with the secret's UTF-8 bytes, so a receiver can check both who sent the body
 * and when (a replayed request carries an old timestamp). @relata/sdk's
 * verifyWebhook is the receiving side.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** The prefix of generated secrets. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** A new secret: `whsec_` and 32 base64url characters (192 random bits). */
export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(24).toString('base64url')}`;
}

/** The `Relata-Signature` header value of `body` sent at `timestamp` (Unix seconds). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `v1=${mac}`;
}
