/**
 * The printed, sorted schema of a workspace with one type of every field type:
 * any change to the generated API shows up in review as a snapshot diff.
 */
import { createEngine, policyOf, systemActor } from '@relata/core';
import { createTestDatabase } from '@relata/core/testing';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema, createSchemaCache } from '../src/index.ts';

describe('generated schema', () => {
  let engine: ReturnType<typeof createEngine>;
  beforeAll(async () => {
    engine = createEngine(await createTestDatabase());
  });
  afterAll(() => engine.close());

  it('matches the snapshot', async () => {
    const { workspaceId } = await engine.workspaces.create({ name: 'Schema' });
    const actor = systemActor(workspaceId);
    await engine.metadata.createObjectType(actor, { apiName: 'company', pluralApiName: 'companies' });
    await engine.metadata.createField(actor, 'company', { apiName: 'name', type: 'TEXT', required: true });
    await engine.metadata.createObjectType(actor, { apiName: 'lineItem', pluralApiName: 'lineItems', description: 'One line of an order.' });
    const choices = { choices: [{ value: 'low' }, { value: 'high', label: 'High', color: 'red' }] };
    const fields = [
      { apiName: 'title', type: 'TEXT', required: true },
      { apiName: 'notes', type: 'LONG_TEXT' },
      { apiName: 'weight', type: 'NUMBER' },
      { apiName: 'quantity', type: 'INTEGER', defaultValue: 1, required: true },
      { apiName: 'price', type: 'CURRENCY', options: { defaultCurrency: 'EUR' } },
      { apiName: 'taxable', type: 'BOOLEAN' },
      { apiName: 'shipOn', type: 'DATE' },
      { apiName: 'shippedAt', type: 'DATETIME' },
      { apiName: 'priority', type: 'SELECT', options: choices },
      { apiName: 'tags', type: 'MULTI_SELECT', options: choices },
      { apiName: 'contactEmail', type: 'EMAIL' },
      { apiName: 'contactPhone', type: 'PHONE' },
      { apiName: 'link', type: 'URL' },
      { apiName: 'score', type: 'RATING', options: { max: 5 } },
      { apiName: 'extra', type: 'JSON' },
      { apiName: 'company', type: 'RELATION', options: { target: 'company' } },
    ];
    for (const field of fields) await engine.metadata.createField(actor, 'lineItem', field);
    const schema = buildSchema(engine, policyOf({ actor, metadata: await engine.metadata.snapshot(workspaceId) }));
    expect(printSchema(lexicographicSortSchema(schema))).toMatchSnapshot();
  });

  it('caches schemas by metadata hash in a bounded LRU', async () => {
    const cache = createSchemaCache(engine, { max: 2 });
    const snapshots = [];
    for (const apiName of ['alpha', 'beta', 'gamma']) {
      const { workspaceId } = await engine.workspaces.create({ name: apiName });
      await engine.metadata.createObjectType(systemActor(workspaceId), { apiName, pluralApiName: `${apiName}s` });
      snapshots.push(await engine.metadata.snapshot(workspaceId));
    }
    const [a, b, c] = snapshots as [Snapshot, Snapshot, Snapshot];
    const admin = (s: Snapshot) => systemActor(s.workspaceId);
    const first = cache.get(a, admin(a));
    expect(cache.get(a, admin(a))).toBe(first);
    cache.get(b, admin(b));
    cache.get(c, admin(c));
    expect(cache.size).toBe(2);
    // `a` was least recently used: it was evicted and is built anew.
    expect(cache.get(a, admin(a))).not.toBe(first);
  });
});

type Snapshot = Awaited<ReturnType<ReturnType<typeof createEngine>['metadata']['snapshot']>>;
