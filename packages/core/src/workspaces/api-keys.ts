/**
 * API keys: random, shown once, stored as SHA-256 hashes. A key looks like
 * `rk_<32 base62 chars>`; its first characters are kept as a prefix so keys can
 * be told apart in lists without revealing them.
 */
import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The form every Relata API key has; anything else is not one. */
export const API_KEY_PATTERN = /^rk_[A-Za-z0-9]{32}$/;

/** A new random key (about 190 bits). */
export function generateApiKey(): string {
  const bytes = randomBytes(32);
  let body = '';
  for (const byte of bytes) {
    body += ALPHABET[byte % ALPHABET.length];
  }
  return `rk_${body}`;
}

/** The hash stored for a key. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The prefix shown in lists. */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, 7);
}
