/**
 * The rules of webhook delivery, without a network: the retry schedule (first
 * retry within 10 s, at least 8 attempts, the last about a day after the first),
 * Retry-After, which answers are retried, which addresses count as private, and
 * the signature a receiver recomputes.
 */
import { createHmac } from 'node:crypto';
import type dns from 'node:dns';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_SCHEDULE,
  nominalDelayMs,
  parseRetryAfter,
  resolveRetrySchedule,
  retryDelayMs,
  verdictOfStatus,
} from '../src/webhooks/retry-policy.ts';
import { isPrivateAddress, isPrivateHost, publicOnlyLookup } from '../src/webhooks/webhook-address.ts';
import { webhookBody, webhookHeaders } from '../src/webhooks/webhook-payload.ts';
import { generateWebhookSecret, signWebhook } from '../src/webhooks/webhook-signature.ts';

const HOUR = 3_600_000;

describe('retry schedule', () => {
  const schedule = resolveRetrySchedule();
  const waits = (random: number) => Array.from({ length: schedule.maxAttempts - 1 }, (_, i) => retryDelayMs(schedule, i + 1, null, () => random));
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

  it('retries the first failure within 10 s, makes at least 8 attempts, and spreads them over about a day', () => {
    expect(schedule).toEqual(DEFAULT_RETRY_SCHEDULE);
    expect(schedule.maxAttempts).toBeGreaterThanOrEqual(8);
    // Equal jitter: each wait is between half and all of its nominal value.
    expect(waits(0)[0]).toBe(5_000);
    expect(waits(1)[0]).toBe(2_500);
    expect(Array.from({ length: 9 }, (_, i) => nominalDelayMs(schedule, i + 1) / 1000)).toEqual([5, 20, 80, 320, 1280, 5120, 20480, 43200, 43200]);
    expect(sum(waits(0)) / HOUR).toBeCloseTo(31.6, 1);
    expect(sum(waits(1)) / HOUR).toBeCloseTo(15.8, 1);
    expect(sum(waits(0.5)) / HOUR).toBeGreaterThan(22);
    expect(sum(waits(0.5)) / HOUR).toBeLessThan(26);
  });

  it('never retries sooner than Retry-After asks, up to the longest wait', () => {
    expect(retryDelayMs(schedule, 1, 60_000, () => 0)).toBe(60_000);
    expect(retryDelayMs(schedule, 1, 1_000, () => 0)).toBe(5_000);
    expect(retryDelayMs(schedule, 1, 7 * 24 * HOUR, () => 0)).toBe(12 * HOUR);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Mon, 23 Nov 2026 10:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 09:00:00 GMT', now)).toBe(0);
    for (const value of [undefined, null, '', 'soon', '-5', '1.5']) expect(parseRetryAfter(value, now), String(value)).toBeNull();
  });

  it('takes shorter schedules for tests, and refuses impossible ones', () => {
    expect(resolveRetrySchedule({ baseDelayMs: 10, maxAttempts: 3 })).toMatchObject({ baseDelayMs: 10, maxAttempts: 3, factor: 4 });
    expect(() => resolveRetrySchedule({ maxAttempts: 0, factor: 0.5, jitter: 2 })).toThrow(/maxAttempts.*factor.*jitter/);
  });

  it('retries 408, 425, 429 and 5xx; any other non-2xx fails the batch at once', () => {
    const verdicts = Object.fromEntries([200, 204, 299, 301, 304, 400, 401, 404, 408, 410, 422, 425, 429, 500, 502, 503, 599].map((s) => [s, verdictOfStatus(s)]));
    expect(verdicts).toEqual({
      200: 'succeeded', 204: 'succeeded', 299: 'succeeded',
      301: 'failed', 304: 'failed', 400: 'failed', 401: 'failed', 404: 'failed', 410: 'failed', 422: 'failed',
      408: 'retry', 425: 'retry', 429: 'retry', 500: 'retry', 502: 'retry', 503: 'retry', 599: 'retry',
    });
  });
});

describe('private addresses', () => {
  it('tells public unicast addresses from the rest, IPv4-mapped IPv6 included', () => {
    const privateOnes = ['127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.0.10', '169.254.169.254', '100.64.0.1',
      '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd12:3456::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:a9fe:a9fe', '64:ff9b::a00:1'];
    const publicOnes = ['8.8.8.8', '93.184.215.14', '172.32.0.1', '192.169.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'];
    for (const address of privateOnes) expect(isPrivateAddress(address), address).toBe(true);
    for (const address of publicOnes) expect(isPrivateAddress(address), address).toBe(false);
    expect(isPrivateHost('localhost')).toBe(true);
    expect(isPrivateHost('LOCALHOST.')).toBe(true);
    expect(isPrivateHost('app.localhost')).toBe(true);
    expect(isPrivateHost('example.com')).toBe(false);
  });

  it('refuses to connect to a name that resolves to a private address', async () => {
    // Node calls it with `all: true` too, which its declared type leaves out.
    const anyLookup = publicOnlyLookup as unknown as (host: string, options: dns.LookupOptions, done: (error: NodeJS.ErrnoException | null, address: unknown) => void) => void;
    const lookup = (all: boolean) =>
      new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((resolve) => anyLookup('localhost', { all }, (error, address) => resolve({ error, address })));
    for (const all of [false, true]) {
      const { error } = await lookup(all);
      expect(error).toMatchObject({ code: 'ERR_RELATA_PRIVATE_ADDRESS' });
      expect(error?.message).toMatch(/localhost resolves to .*, a private address/);
    }
  });
});

describe('signatures', () => {
  it('signs timestamp.body with HMAC-SHA256 of the secret, as a receiver recomputes it', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);
    expect(generateWebhookSecret()).not.toBe(secret);
    const body = webhookBody('wh-1', '[{"cursor":"x"}]');
    expect(JSON.parse(body)).toEqual({ webhookId: 'wh-1', events: [{ cursor: 'x' }] });
    const headers = webhookHeaders('delivery-1', secret, body, Date.parse('2026-11-23T10:00:00.900Z'));
    const expected = createHmac('sha256', secret).update(`1795428000.${body}`).digest('hex');
    expect(headers).toMatchObject({
      'Relata-Delivery': 'delivery-1',
      'Relata-Timestamp': '1795428000',
      'Relata-Signature': `v1=${expected}`,
      'Content-Type': 'application/json',
    });
    expect(signWebhook(secret, 1795428000, `${body} `)).not.toBe(headers['Relata-Signature']);
  });
});
