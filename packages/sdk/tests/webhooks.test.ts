/**
 * verifyWebhook: accepts a delivery signed the way Relata signs it (headers from
 * fetch or from Node, or the signature and timestamp given apart) and returns
 * its events; refuses a changed body, another secret, a stale or future
 * timestamp, missing headers and a body that is no delivery.
 */
import { signWebhook, webhookBody, webhookHeaders } from '@relata/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WEBHOOK_TOLERANCE_SECONDS, verifyWebhook, WebhookVerificationError } from '../src/index.ts';

const SECRET = 'whsec_0123456789abcdefghijklmnopqrstuv';
const NOW = Date.parse('2026-11-23T10:00:00Z');
const event = {
  cursor: 'MTIzLjQ',
  kind: 'CREATED',
  type: 'deal',
  recordId: '01a20000-0000-7000-8000-000000000001',
  changedFields: ['name'],
  changes: [{ field: 'name', old: null, new: 'Acme', added: null, removed: null }],
  at: '2026-11-23T09:59:59.000Z',
  actor: { kind: 'apiKey', id: '01a20000-0000-7000-8000-000000000002' },
  record: { id: '01a20000-0000-7000-8000-000000000001', type: 'deal', version: 1, createdAt: '2026-11-23T09:59:59.000Z', updatedAt: '2026-11-23T09:59:59.000Z', deletedAt: null, ownerId: null, name: 'Acme' },
};
const body = webhookBody('01a20000-0000-7000-8000-0000000000aa', JSON.stringify([event]));
const signedAt = (ms: number) => webhookHeaders('01a20000-0000-7000-8000-0000000000bb', SECRET, body, ms);

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookVerificationError);
  return (error as WebhookVerificationError).reason;
}

describe('verifyWebhook', () => {
  it('accepts a signed delivery from fetch Headers or Node headers, and returns its events', async () => {
    const headers = signedAt(NOW - 10_000);
    const fromFetch = await verifyWebhook({ secret: SECRET, body, headers: new Headers(headers), now: NOW });
    expect(fromFetch).toEqual({
      webhookId: '01a20000-0000-7000-8000-0000000000aa',
      events: [event],
      deliveryId: '01a20000-0000-7000-8000-0000000000bb',
      timestamp: new Date(Math.floor((NOW - 10_000) / 1000) * 1000),
    });
    const nodeHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), k === 'Relata-Signature' ? [v] : v]));
    expect(await verifyWebhook({ secret: SECRET, body: new TextEncoder().encode(body), headers: nodeHeaders, now: new Date(NOW) })).toEqual(fromFetch);
    const apart = await verifyWebhook({ secret: SECRET, body, signature: headers['Relata-Signature'], timestamp: headers['Relata-Timestamp'], now: NOW });
    expect(apart).toEqual({ ...fromFetch, deliveryId: null });
  });

  it('accepts any of several v1 signatures', async () => {
    const headers = signedAt(NOW);
    const signature = `v1=${'0'.repeat(64)}, ${headers['Relata-Signature']}`;
    await expect(verifyWebhook({ secret: SECRET, body, signature, timestamp: headers['Relata-Timestamp'], now: NOW })).resolves.toBeTruthy();
  });

  it('refuses a changed body, another secret and a malformed signature', async () => {
    const headers = signedAt(NOW);
    expect(await refusal(verifyWebhook({ secret: SECRET, body: body.replace('Acme', 'Evil'), headers, now: NOW }))).toBe('INVALID_SIGNATURE');
    expect(await refusal(verifyWebhook({ secret: `${SECRET}x`, body, headers, now: NOW }))).toBe('INVALID_SIGNATURE');
    for (const signature of ['v1=zz', 'v2=' + headers['Relata-Signature']!.slice(3), headers['Relata-Signature']!.slice(3), '']) {
      const reason = await refusal(verifyWebhook({ secret: SECRET, body, signature, timestamp: headers['Relata-Timestamp'], now: NOW }));
      expect(reason, signature).toBe(signature ? 'INVALID_SIGNATURE' : 'MISSING_SIGNATURE');
    }
    // The timestamp is signed too: moving it breaks the signature.
    const moved = String(Number(headers['Relata-Timestamp']) + 1);
    expect(await refusal(verifyWebhook({ secret: SECRET, body, signature: headers['Relata-Signature'], timestamp: moved, now: NOW }))).toBe('INVALID_SIGNATURE');
  });

  it('refuses timestamps more than 5 minutes away (or the tolerance given), and missing ones', async () => {
    expect(DEFAULT_WEBHOOK_TOLERANCE_SECONDS).toBe(300);
    const stale = signedAt(NOW - 301_000);
    expect(await refusal(verifyWebhook({ secret: SECRET, body, headers: stale, now: NOW }))).toBe('TIMESTAMP_OUT_OF_RANGE');
    expect(await refusal(verifyWebhook({ secret: SECRET, body, headers: signedAt(NOW + 301_000), now: NOW }))).toBe('TIMESTAMP_OUT_OF_RANGE');
    await expect(verifyWebhook({ secret: SECRET, body, headers: stale, now: NOW, toleranceSeconds: 600 })).resolves.toBeTruthy();
    await expect(verifyWebhook({ secret: SECRET, body, headers: signedAt(NOW - 299_000), now: NOW })).resolves.toBeTruthy();
    const { 'Relata-Timestamp': _t, ...noTimestamp } = signedAt(NOW);
    expect(await refusal(verifyWebhook({ secret: SECRET, body, headers: noTimestamp, now: NOW }))).toBe('MISSING_TIMESTAMP');
    expect(await refusal(verifyWebhook({ secret: SECRET, body, headers: { ...signedAt(NOW), 'Relata-Timestamp': 'yesterday' }, now: NOW }))).toBe('MISSING_TIMESTAMP');
    // Without `now`, the clock: a delivery signed just now passes.
    await expect(verifyWebhook({ secret: SECRET, body, headers: signedAt(Date.now()) })).resolves.toBeTruthy();
  });

  it('refuses a correctly signed body that is not a delivery', async () => {
    for (const text of ['not json', '{"events": []}', '{"webhookId": "x"}']) {
      const timestamp = Math.floor(NOW / 1000);
      const reason = await refusal(verifyWebhook({ secret: SECRET, body: text, signature: signWebhook(SECRET, timestamp, text), timestamp, now: NOW }));
      expect(reason, text).toBe('INVALID_BODY');
    }
  });
});
