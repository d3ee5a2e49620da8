/**
 * The printed, sorted schema of a workspace with one type of every field type:
 * any change to the generated API shows up in review as a snapshot diff.
 */
import { createEngine, systemActor } from '@relata/core';
import { createTestDatabase } from '@relata/core/testing';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema } from '../src/index.ts';

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
    const schema = buildSchema(engine, await engine.metadata.snapshot(workspaceId));
    expect(printSchema(lexicographicSortSchema(schema))).toMatchSnapshot();
  });
});
