/**
 * The token bucket arithmetic behind the rate limits: a burst, then one request
 * per refill, a Retry-After that is never 0 nor too short, buckets apart by key,
 * and memory that stays bounded however many keys come by.
 */
import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../src/limits/rate-limit.ts';

/** A limiter on a clock the test moves by hand. */
function limiterAt(options: { perSecond: number; burst: number; maxBuckets?: number }) {
  const clock = { ms: 0 };
  const limiter = createRateLimiter({ ...options, now: () => clock.ms });
  const takes = (key: string, n: number) => Array.from({ length: n }, () => limiter.take(key).allowed);
  return { clock, limiter, takes };
}

describe('token buckets', () => {
  it('allows a burst, then refuses with the seconds until the next token', () => {
    const { clock, limiter, takes } = limiterAt({ perSecond: 2, burst: 5 });
    expect(takes('a', 5)).toEqual([true, true, true, true, true]);
    // One token every 500 ms: the wait is rounded up to a whole second.
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    clock.ms += 500;
    expect(takes('a', 2)).toEqual([true, false]);
    // After a quiet spell the bucket is full again, never fuller.
    clock.ms += 60_000;
    expect(takes('a', 6)).toEqual([true, true, true, true, true, false]);
  });

  it('says how long a slow refill takes, rounded up, and a refused request costs nothing', () => {
    const { clock, limiter } = limiterAt({ perSecond: 0.4, burst: 1 });
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 3 }); // 2.5 s
    clock.ms += 2000;
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 }); // 0.5 s
    clock.ms += 500;
    expect(limiter.take('a').allowed).toBe(true);
  });

  it('keeps one bucket per key', () => {
    const { limiter, takes } = limiterAt({ perSecond: 1, burst: 2 });
    expect(takes('a', 3)).toEqual([true, true, false]);
    expect(takes('b', 2)).toEqual([true, true]);
    expect(limiter.peek('a').allowed).toBe(false);
    expect(limiter.peek('c').allowed).toBe(true);
  });

  it('peeks without taking, and without keeping a bucket for an unknown key', () => {
    const { limiter, takes } = limiterAt({ perSecond: 1, burst: 2 });
    for (let i = 0; i < 10; i++) expect(limiter.peek('x').allowed).toBe(true);
    expect(limiter.size).toBe(0);
    expect(takes('x', 3)).toEqual([true, true, false]);
    expect(limiter.peek('x')).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('forgets buckets that have refilled, and never holds more than maxBuckets', () => {
    const { clock, limiter, takes } = limiterAt({ perSecond: 10, burst: 20, maxBuckets: 1000 });
    for (let i = 0; i < 5000; i++) limiter.take(`key-${i}`);
    expect(limiter.size).toBe(1000);
    // A bucket is full 2 s (20 / 10 per second) after its last use: the next use drops every such one.
    clock.ms += 2000;
    limiter.take('fresh');
    expect(limiter.size).toBe(1);
    // Past maxBuckets the least recently used go first; the busy key keeps its empty bucket.
    expect(takes('busy', 20).every(Boolean)).toBe(true);
    for (let i = 0; i < 999; i++) limiter.take(`other-${i}`);
    expect(limiter.size).toBe(1000);
    expect(limiter.take('busy').allowed).toBe(false);
  });

  it('refuses settings that make no working bucket', () => {
    expect(() => createRateLimiter({ perSecond: 0, burst: 10 })).toThrow(RangeError);
    expect(() => createRateLimiter({ perSecond: 1, burst: 0 })).toThrow(RangeError);
    expect(() => createRateLimiter({ perSecond: Number.NaN, burst: 1 })).toThrow(RangeError);
  });
});
