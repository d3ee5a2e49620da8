/**
 * Which outcomes of an attempt are retried, and when. Retries back off
 * exponentially with "equal jitter" (each wait is between half and all of its
 * nominal value, so workers that failed together do not retry together), and
 * never come sooner than a receiver's `Retry-After` asks.
 *
 * The default schedule (docs/webhooks.md has the table): 10 attempts; the first
 * retry 2.5 to 5 s after the first attempt, each nominal wait 4 times the one
 * before, capped at 12 hours, so the last attempt comes about a day after the
 * first (16 to 32 hours, by the jitter drawn).
 */
import { ValidationError } from '../errors.ts';

/** When retries happen. */
export interface RetrySchedule {
  /** Attempts in all, the first one included. @default 10 */
  maxAttempts: number;
  /** Nominal wait before the first retry, in milliseconds. @default 5000 */
  baseDelayMs: number;
  /** Each nominal wait is this many times the one before. @default 4 */
  factor: number;
  /** Longest nominal wait (and longest `Retry-After` honoured), in milliseconds. @default 43200000 (12 hours) */
  maxDelayMs: number;
  /**
   * Share of each wait drawn at random: the wait is `nominal * (1 - jitter * random)`.
   * 0.5 is "equal jitter", 1 "full jitter", 0 none.
   * @default 0.5
   */
  jitter: number;
}

/** The production schedule. */
export const DEFAULT_RETRY_SCHEDULE: Readonly<RetrySchedule> = Object.freeze({
  maxAttempts: 10,
  baseDelayMs: 5_000,
  factor: 4,
  maxDelayMs: 12 * 3600_000,
  jitter: 0.5,
});

/** `schedule` with defaults for what it leaves out; VALIDATION_FAILED for impossible values. */
export function resolveRetrySchedule(schedule: Partial<RetrySchedule> = {}): RetrySchedule {
  const resolved = { ...DEFAULT_RETRY_SCHEDULE, ...schedule };
  const bad = (field: string, message: string) => ({ field: `retry.${field}`, code: 'INVALID_VALUE', message });
  const errors = [
    ...(Number.isInteger(resolved.maxAttempts) && resolved.maxAttempts >= 1 ? [] : [bad('maxAttempts', 'must be an integer of at least 1')]),
    ...(resolved.baseDelayMs >= 0 ? [] : [bad('baseDelayMs', 'must be at least 0')]),
    ...(resolved.factor >= 1 ? [] : [bad('factor', 'must be at least 1')]),
    ...(resolved.maxDelayMs >= resolved.baseDelayMs ? [] : [bad('maxDelayMs', 'must be at least baseDelayMs')]),
    ...(resolved.jitter >= 0 && resolved.jitter <= 1 ? [] : [bad('jitter', 'must be from 0 to 1')]),
  ];
  if (errors.length > 0) throw new ValidationError(errors);
  return resolved;
}

/** The nominal wait after failed attempt number `attempt` (1-based), before jitter. */
export function nominalDelayMs(schedule: RetrySchedule, attempt: number): number {
  return Math.min(schedule.maxDelayMs, schedule.baseDelayMs * schedule.factor ** (attempt - 1));
}

/**
 * How long to wait after failed attempt number `attempt` (1-based): the jittered
 * backoff, or `retryAfterMs` (the receiver's Retry-After) when that is longer, up
 * to the schedule's longest wait.
 */
export function retryDelayMs(schedule: RetrySchedule, attempt: number, retryAfterMs: number | null = null, random: () => number = Math.random): number {
  const backoff = Math.round(nominalDelayMs(schedule, attempt) * (1 - schedule.jitter * random()));
  return Math.max(backoff, Math.min(retryAfterMs ?? 0, schedule.maxDelayMs));
}

/** A `Retry-After` header (seconds, or an HTTP date) as milliseconds from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | null {
  const text = value?.trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its day and month (`Wed, 21 Oct 2026 07:28:00 GMT`); Date.parse would take "-5" too.
  if (!/^[A-Za-z]{3},/.test(text)) return null;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** What an attempt's answer means for its batch. */
export type AttemptVerdict = 'succeeded' | 'retry' | 'failed';

/**
 * 2xx succeeds. 408, 425, 429 and 5xx are passing troubles: retried. Any other
 * answer (a redirect, which is not followed, or a 4xx) says the request itself is
 * refused and would be refused again: the batch fails at once, and the webhook
 * with it, until an admin fixes the receiver and replays.
 */
export function verdictOfStatus(status: number): AttemptVerdict {
  if (status >= 200 && status < 300) return 'succeeded';
  if (status === 408 || status === 425 || status === 429 || status >= 500) return 'retry';
  return 'failed';
}

/** Answers whose Retry-After is honoured. */
export function honoursRetryAfter(status: number): boolean {
  return status === 429 || status === 503;
}
