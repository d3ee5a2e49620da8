/**
 * RELATA_PERSISTED_ONLY holds over WebSocket too: an operation's text must be one
 * of the manifest's, or it runs a persisted one by its hash.
 */
import { systemActor } from '@relata/core';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './helpers.ts';
import { wsClient } from './subscription-client.ts';

const ALLOWED = 'subscription { recordEvents { kind recordId } }';
const HASH = createHash('sha256').update(ALLOWED).digest('hex');

describe('persisted operations over WebSocket', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let key: string;
  let workspaceId: string;
  beforeAll(async () => {
    server = await startTestServer({ persistedOperations: { operations: { [HASH]: ALLOWED }, only: true } });
    const ws = await server.workspace('Persisted');
    key = ws.apiKey;
    workspaceId = ws.workspaceId;
    await server.engine.metadata.createObjectType(systemActor(ws.workspaceId), { apiName: 'note', pluralApiName: 'notes' });
  });
  afterAll(() => server.close());

  /** The first message a subscription gets: its data, or its errors. */
  const first = (payload: { query: string; extensions?: Record<string, unknown> }) =>
    new Promise<{ data?: unknown; errors?: Array<{ extensions?: { code?: string; reason?: string } }> }>((resolve) => {
      const client = wsClient(server.url, key);
      const stop = client.subscribe(payload, {
        next: (result) => {
          stop();
          void client.dispose();
          resolve(result as never);
        },
        error: (errors) => {
          void client.dispose();
          resolve({ errors: errors as never });
        },
        complete: () => {},
      });
      // Something to deliver once subscribed (through the engine: HTTP takes persisted operations only).
      setTimeout(async () => {
        const actor = systemActor(workspaceId);
        await server.engine.records.create({ actor, metadata: await server.engine.metadata.snapshot(workspaceId) }, 'note', {});
      }, 300);
    });

  it('refuses an operation text that is not in the manifest', async () => {
    const refused = await first({ query: 'subscription { recordEvents { cursor } }' });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_REQUEST', reason: 'PERSISTED_ONLY' });
  });

  it('runs a persisted operation by its hash, and the manifest’s own text', async () => {
    const byHash = await first({ query: '', extensions: { persistedQuery: { version: 1, sha256Hash: HASH } } });
    expect(byHash.data).toMatchObject({ recordEvents: { kind: 'CREATED' } });
    const byText = await first({ query: ALLOWED });
    expect(byText.data).toMatchObject({ recordEvents: { kind: 'CREATED' } });
  });
});
