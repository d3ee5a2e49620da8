/**
 * Token buckets, the arithmetic of the rate limits. Each key (an actor, a client
 * address) has a bucket of `burst` tokens, refilled at `perSecond`; a request
 * takes one, and an empty bucket says how long until the next one. No timers and
 * no I/O: time comes from `now`, so tests move a clock instead of sleeping.
 *
 * Buckets live in this process's memory. Several processes (behind a load
 * balancer, say) each keep their own, so together they allow up to that many
 * times the rate. Memory is bounded: a bucket idle long enough to be full again
 * is the same as no bucket and is dropped, and past `maxBuckets` the least
 * recently used bucket goes first (its key then starts again with a full one).
 */

/** The size and refill rate of a bucket. */
export interface TokenBucket {
  /** Tokens added per second, fractions allowed (0.5: one every 2 s). */
  perSecond: number;
  /** Most tokens a bucket holds: the requests allowed at once after a quiet spell. */
  burst: number;
}

/** Options of a rate limiter. */
export interface RateLimiterOptions extends TokenBucket {
  /** Most buckets kept at once. @default 100000 */
  maxBuckets?: number;
  /** A clock in milliseconds; only differences matter. @default performance.now */
  now?: () => number;
}

/** What a limiter says about one request. */
export type RateLimitDecision =
  | { allowed: true }
  | {
      allowed: false;
      /** Whole seconds until a token is there, rounded up, at least 1. */
      retryAfterSeconds: number;
    };

/** Buckets kept when `maxBuckets` is not given: some 10 MB at most. */
export const DEFAULT_MAX_BUCKETS = 100_000;

// Refills are sums of float products: 0.1 s at 10 per second may come out a hair under 1.
const EPSILON = 1e-9;

interface Bucket {
  tokens: number;
  /** When `tokens` was last computed. */
  at: number;
}

/** Token buckets by key, created on first use. */
export interface RateLimiter {
  /** Takes a token from `key`'s bucket, or says how long until there is one. */
  take(key: string): RateLimitDecision;
  /** What `take` would say, without taking anything or creating a bucket. */
  peek(key: string): RateLimitDecision;
  /** Buckets held now. */
  readonly size: number;
}

/** Creates a limiter; throws RangeError when `perSecond` or `burst` cannot make a working bucket. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { perSecond, burst } = options;
  const maxBuckets = options.maxBuckets ?? DEFAULT_MAX_BUCKETS;
  const now = options.now ?? (() => performance.now());
  if (!(Number.isFinite(perSecond) && perSecond > 0)) throw new RangeError(`perSecond must be a positive number (got ${perSecond})`);
  if (!(Number.isInteger(burst) && burst >= 1)) throw new RangeError(`burst must be a whole number of at least 1 (got ${burst})`);
  if (!(Number.isInteger(maxBuckets) && maxBuckets >= 1)) throw new RangeError(`maxBuckets must be a whole number of at least 1 (got ${maxBuckets})`);

  // A Map iterates in insertion order; every use re-inserts its bucket, so the
  // first entries are the least recently used, and the idle ones among them are full.
  const buckets = new Map<string, Bucket>();
  const fullAfterMs = (burst / perSecond) * 1000;

  const tokensAt = (bucket: Bucket, time: number) => Math.min(burst, bucket.tokens + (Math.max(0, time - bucket.at) / 1000) * perSecond);

  function decide(tokens: number): RateLimitDecision {
    if (tokens >= 1 - EPSILON) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perSecond - EPSILON)) };
  }

  function evict(time: number) {
    for (const [key, bucket] of buckets) {
      if (buckets.size <= maxBuckets && time - bucket.at < fullAfterMs) break;
      buckets.delete(key);
    }
  }

  return {
    take(key) {
      const time = now();
      const bucket = buckets.get(key);
      const tokens = bucket ? tokensAt(bucket, time) : burst;
      const decision = decide(tokens);
      buckets.delete(key);
      buckets.set(key, { tokens: decision.allowed ? tokens - 1 : tokens, at: time });
      evict(time);
      return decision;
    },
    peek(key) {
      const bucket = buckets.get(key);
      return bucket ? decide(tokensAt(bucket, now())) : { allowed: true };
    },
    get size() {
      return buckets.size;
    },
  };
}
