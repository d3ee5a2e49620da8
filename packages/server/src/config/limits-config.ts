/**
 * What a client may send: rate limits, body size, introspection and persisted
 * operations, from the `RELATA_RATE_LIMIT_*`, `RELATA_AUTH_FAILURE_LIMIT_*`,
 * `RELATA_TRUST_PROXY_HOPS`, `RELATA_MAX_BODY_BYTES`, `RELATA_INTROSPECTION` and
 * `RELATA_PERSISTED_*` variables (docs/security.md#limits).
 */
import path from 'node:path';
import type { TokenBucket } from '../limits/rate-limit.ts';
import { ConfigError, read } from './env.ts';

/**
 * Rate limits: token buckets kept in each process's memory (see
 * limits/rate-limit.ts). Set a bucket's refill or size to 0 to turn it off.
 */
export interface RateLimitConfig {
  /**
   * Requests per API key and per member (per workspace), from
   * `RELATA_RATE_LIMIT_PER_SECOND` and `RELATA_RATE_LIMIT_BURST`; false when off.
   * @example { perSecond: 50, burst: 500 }
   * @default { perSecond: 20, burst: 200 }
   */
  perActor: TokenBucket | false;
  /**
   * 401 answers per client address, from `RELATA_AUTH_FAILURE_LIMIT_PER_SECOND`
   * and `RELATA_AUTH_FAILURE_LIMIT_BURST`; while an address's bucket is empty, all
   * its requests are refused before their credentials are checked. False when off.
   * @default { perSecond: 1, burst: 30 }
   */
  authFailures: TokenBucket | false;
  /**
   * How many reverse proxies stand in front of the server, from
   * `RELATA_TRUST_PROXY_HOPS`: the client address is then the entry of
   * `X-Forwarded-For` that many places from its end. 0 uses the TCP peer and
   * ignores the header (any client can write it).
   * @example 1
   * @default 0
   */
  trustProxyHops: number;
}

/** The persisted operations manifest and whether only its documents may run. */
export interface PersistedOperationsConfig {
  /**
   * Absolute path of a JSON object mapping ids (sha256 hashes of the documents)
   * to documents, from `RELATA_PERSISTED_OPERATIONS` resolved against the working directory.
   * @example '/srv/relata/persisted-operations.json'
   */
  file: string;
  /** Refuse every document not in the file, from `RELATA_PERSISTED_ONLY` (`true`/`false`). @default false */
  only: boolean;
}

/** What a client may send: rates, body size, introspection and persisted operations. */
export interface LimitsConfig {
  /** Rate limits per actor and per address of failed authentications. */
  rateLimits: RateLimitConfig;
  /**
   * Largest request body, in bytes, from `RELATA_MAX_BODY_BYTES` (at least 1024).
   * @default 2097152 (2 MiB: a bulk create of 1,000 records fits several times over)
   */
  maxBodyBytes: number;
  /** Answer introspection (`__schema`, `__type`), from `RELATA_INTROSPECTION` (`on`/`off`). @default true */
  introspection: boolean;
  /** Persisted operations; undefined when `RELATA_PERSISTED_OPERATIONS` is unset. @default undefined */
  persistedOperations?: PersistedOperationsConfig;
}

/** Requests per API key and per member when RELATA_RATE_LIMIT_* are unset: bursts of a busy integration, a steady rate a CRM API can serve to many. */
export const DEFAULT_RATE_LIMIT: TokenBucket = { perSecond: 20, burst: 200 };

/** 401 answers per client address when RELATA_AUTH_FAILURE_LIMIT_* are unset: room for an office behind one address whose tokens expire. */
export const DEFAULT_AUTH_FAILURE_LIMIT: TokenBucket = { perSecond: 1, burst: 30 };

/** The largest request body when RELATA_MAX_BODY_BYTES is unset: 2 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;

const MAX_RATE = 1_000_000;
const MIN_BODY_BYTES = 1024;
const MAX_BODY_BYTES = 1024 * 1024 * 1024;
const MAX_PROXY_HOPS = 10;

/** A bucket from `<prefix>_PER_SECOND` and `<prefix>_BURST`; either one 0 turns it off. */
function parseBucket(env: NodeJS.ProcessEnv, prefix: string, fallback: TokenBucket): TokenBucket | false {
  const perSecondRaw = read(env, `${prefix}_PER_SECOND`);
  const burstRaw = read(env, `${prefix}_BURST`);
  const perSecond = perSecondRaw === undefined ? fallback.perSecond : /^\d{1,7}(\.\d{1,6})?$/.test(perSecondRaw) ? Number(perSecondRaw) : NaN;
  if (!(perSecond <= MAX_RATE)) {
    throw new ConfigError(`${prefix}_PER_SECOND must be a number of requests per second from 0 (no limit) to ${MAX_RATE}, like 20 or 0.5 (got ${JSON.stringify(perSecondRaw)}).`);
  }
  const burst = burstRaw === undefined ? fallback.burst : /^\d{1,7}$/.test(burstRaw) ? Number(burstRaw) : NaN;
  if (!(burst <= MAX_RATE)) {
    throw new ConfigError(`${prefix}_BURST must be a whole number of requests from 0 (no limit) to ${MAX_RATE} (got ${JSON.stringify(burstRaw)}).`);
  }
  return perSecond === 0 || burst === 0 ? false : { perSecond, burst };
}

export function parseLimits(env: NodeJS.ProcessEnv, cwd: string): LimitsConfig {
  const hopsRaw = read(env, 'RELATA_TRUST_PROXY_HOPS');
  const trustProxyHops = hopsRaw === undefined ? 0 : /^\d{1,2}$/.test(hopsRaw) ? Number(hopsRaw) : NaN;
  if (!(trustProxyHops <= MAX_PROXY_HOPS)) {
    throw new ConfigError(`RELATA_TRUST_PROXY_HOPS must be the number of reverse proxies in front of Relata, from 0 to ${MAX_PROXY_HOPS} (got ${JSON.stringify(hopsRaw)}).`);
  }

  const bodyRaw = read(env, 'RELATA_MAX_BODY_BYTES');
  const maxBodyBytes = bodyRaw === undefined ? DEFAULT_MAX_BODY_BYTES : /^\d{1,10}$/.test(bodyRaw) ? Number(bodyRaw) : NaN;
  if (!(maxBodyBytes >= MIN_BODY_BYTES && maxBodyBytes <= MAX_BODY_BYTES)) {
    throw new ConfigError(`RELATA_MAX_BODY_BYTES must be a whole number of bytes from ${MIN_BODY_BYTES} to ${MAX_BODY_BYTES} (got ${JSON.stringify(bodyRaw)}).`);
  }

  const introspectionRaw = read(env, 'RELATA_INTROSPECTION')?.toLowerCase() ?? 'on';
  if (introspectionRaw !== 'on' && introspectionRaw !== 'off') {
    throw new ConfigError(`RELATA_INTROSPECTION must be on or off (got ${JSON.stringify(read(env, 'RELATA_INTROSPECTION'))}).`);
  }

  const file = read(env, 'RELATA_PERSISTED_OPERATIONS');
  const onlyRaw = read(env, 'RELATA_PERSISTED_ONLY')?.toLowerCase() ?? 'false';
  if (onlyRaw !== 'true' && onlyRaw !== 'false') {
    throw new ConfigError(`RELATA_PERSISTED_ONLY must be true or false (got ${JSON.stringify(read(env, 'RELATA_PERSISTED_ONLY'))}).`);
  }
  if (onlyRaw === 'true' && file === undefined) {
    // Refusing every operation, or silently accepting all of them, would both surprise.
    throw new ConfigError('RELATA_PERSISTED_ONLY=true needs RELATA_PERSISTED_OPERATIONS: the JSON file of the operations to allow.');
  }

  return {
    rateLimits: {
      perActor: parseBucket(env, 'RELATA_RATE_LIMIT', DEFAULT_RATE_LIMIT),
      authFailures: parseBucket(env, 'RELATA_AUTH_FAILURE_LIMIT', DEFAULT_AUTH_FAILURE_LIMIT),
      trustProxyHops,
    },
    maxBodyBytes,
    introspection: introspectionRaw === 'on',
    ...(file === undefined ? {} : { persistedOperations: { file: path.resolve(cwd, file), only: onlyRaw === 'true' } }),
  };
}
