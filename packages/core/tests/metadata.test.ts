import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/access/actor.ts';
import type { Engine } from '../src/engine.ts';
import { createTestEngine } from '../src/testing/index.ts';

async function fieldErrors(promise: Promise<unknown>) {
  const error = (await promise.then(
    () => null,
    (e: unknown) => e,
  )) as { code?: string; fields?: Array<{ field: string; code: string }> } | null;
  expect(error?.code).toBe('VALIDATION_FAILED');
  return (error?.fields ?? []).map((f) => `${f.field}:${f.code}`);
}

describe('metadata', () => {
  let engine: Engine;
  let t: Awaited<ReturnType<typeof createTestEngine>>;
  let actor: Actor;
  const scope = async () => ({ actor, metadata: await engine.metadata.snapshot(actor.workspaceId) });

  beforeAll(async () => {
    t = await createTestEngine();
    engine = t.engine;
    actor = (await t.workspace()).actor;
  });
  afterAll(() => engine.close());

  it('validates names and refuses clashes with generated names', async () => {
    expect(await fieldErrors(engine.metadata.createObjectType(actor, { apiName: 'Invoice', pluralApiName: 'invoices' }))).toEqual([
      'input.apiName:INVALID_NAME',
    ]);
    expect(await fieldErrors(engine.metadata.createObjectType(actor, { apiName: 'objectType', pluralApiName: 'objectTypes' }))).toEqual([
      'input.apiName:RESERVED_NAME',
    ]);
    await engine.metadata.createObjectType(actor, { apiName: 'deal', pluralApiName: 'deals' });
    // `dealConnection` would generate the GraphQL type DealConnection, which `deal` already has.
    const clash = await fieldErrors(engine.metadata.createObjectType(actor, { apiName: 'dealConnection', pluralApiName: 'dealConnections' }));
    expect(clash).toEqual(['input.apiName:NAME_CLASH']);
    expect(await fieldErrors(engine.metadata.createObjectType(actor, { apiName: 'deal', pluralApiName: 'dealz' }))).toEqual([
      'input.apiName:ALREADY_EXISTS',
    ]);
    expect(await fieldErrors(engine.metadata.createObjectType(actor, { apiName: 'lead', pluralApiName: 'deals' }))).toContain(
      'input.apiName:NAME_CLASH',
    );
    expect(await fieldErrors(engine.metadata.createField(actor, 'deal', { apiName: 'createdAt', type: 'TEXT' }))).toEqual([
      'input.apiName:RESERVED_NAME',
    ]);
    expect(
      await fieldErrors(engine.metadata.createField(actor, 'deal', { apiName: 'x', type: 'BOOLEAN', unique: true, searchable: true })),
    ).toEqual(['input.unique:UNSUPPORTED', 'input.searchable:UNSUPPORTED']);
    expect(await fieldErrors(engine.metadata.createField(actor, 'deal', { apiName: 'x', type: 'NOPE' }))).toEqual(['input.type:INVALID_VALUE']);
  });

  it('refuses a choice enum that shadows another type, and a reference input that shadows a field', async () => {
    await engine.metadata.createObjectType(actor, { apiName: 'ticket', pluralApiName: 'tickets' });
    await engine.metadata.createObjectType(actor, { apiName: 'ticketStatus', pluralApiName: 'ticketStatuses' });
    const choices = { choices: [{ value: 'open' }] };
    // Both the enum TicketStatus and its filter TicketStatusFilter collide.
    expect(await fieldErrors(engine.metadata.createField(actor, 'ticket', { apiName: 'status', type: 'SELECT', options: choices }))).toEqual([
      'input.apiName:NAME_CLASH',
      'input.apiName:NAME_CLASH',
    ]);
    await engine.metadata.createField(actor, 'ticket', { apiName: 'dealId', type: 'TEXT' });
    expect(
      await fieldErrors(engine.metadata.createField(actor, 'ticket', { apiName: 'deal', type: 'RELATION', options: { target: 'deal' } })),
    ).toEqual(['input.apiName:NAME_CLASH']);
  });

  it('changes a field type only when every stored value fits, re-normalising them', async () => {
    await engine.metadata.createObjectType(actor, { apiName: 'contact', pluralApiName: 'contacts' });
    await engine.metadata.createField(actor, 'contact', { apiName: 'mail', type: 'TEXT' });
    await engine.metadata.createField(actor, 'contact', { apiName: 'code', type: 'TEXT' });
    const s = await scope();
    const a = await engine.records.create(s, 'contact', { mail: 'Ann@Example.COM', code: '12' });
    await engine.records.create(s, 'contact', { mail: 'bob@example.com', code: 'x' });

    const refused = await fieldErrors(engine.metadata.updateField(actor, 'contact', 'code', { type: 'INTEGER' }));
    expect(refused).toEqual(['input.type:INCOMPATIBLE_DATA']);
    expect((await scope()).metadata.get('contact').fields.find((f) => f.apiName === 'code')?.type).toBe('TEXT');

    const changed = await engine.metadata.updateField(actor, 'contact', 'mail', { type: 'EMAIL', unique: true });
    expect(changed).toMatchObject({ type: 'EMAIL', unique: true });
    expect((await engine.records.get(await scope(), 'contact', a.id))?.data.mail).toBe('ann@example.com');
    await expect(engine.records.create(await scope(), 'contact', { mail: 'ANN@example.com' })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('refuses a type change whose re-normalised values collide under a unique index, or whose ids point nowhere', async () => {
    await engine.metadata.createObjectType(actor, { apiName: 'lead', pluralApiName: 'leads' });
    await engine.metadata.createField(actor, 'lead', { apiName: 'mail', type: 'TEXT', unique: true });
    await engine.metadata.createField(actor, 'lead', { apiName: 'ref', type: 'TEXT' });
    const s = await scope();
    await engine.records.create(s, 'lead', { mail: 'Ann@x.com', ref: '01900000-0000-7000-8000-000000000000' });
    await engine.records.create(s, 'lead', { mail: 'ann@x.com' });
    expect(await fieldErrors(engine.metadata.updateField(actor, 'lead', 'mail', { type: 'EMAIL' }))).toEqual(['input.unique:DUPLICATE_VALUES']);
    expect(
      await fieldErrors(engine.metadata.updateField(actor, 'lead', 'ref', { type: 'RELATION', options: { target: 'lead' } })),
    ).toEqual(['input.type:INCOMPATIBLE_DATA']);
    const fields = (await scope()).metadata.get('lead').fields;
    expect(fields.map((f) => f.type)).toEqual(['TEXT', 'TEXT']);
  });

  it('refuses unique on duplicate data, required on missing data, and needs a default for a new required field', async () => {
    await engine.metadata.createObjectType(actor, { apiName: 'item', pluralApiName: 'items' });
    await engine.metadata.createField(actor, 'item', { apiName: 'sku', type: 'TEXT' });
    const s = await scope();
    await engine.records.create(s, 'item', { sku: 'A' });
    await engine.records.create(s, 'item', { sku: 'A' });
    await engine.records.create(s, 'item', {});
    expect(await fieldErrors(engine.metadata.updateField(actor, 'item', 'sku', { unique: true }))).toEqual(['input.unique:DUPLICATE_VALUES']);
    expect(await fieldErrors(engine.metadata.updateField(actor, 'item', 'sku', { required: true }))).toEqual(['input.required:MISSING_VALUES']);
    expect(await fieldErrors(engine.metadata.createField(actor, 'item', { apiName: 'qty', type: 'INTEGER', required: true }))).toEqual([
      'input.defaultValue:REQUIRED',
    ]);
    await engine.metadata.createField(actor, 'item', { apiName: 'qty', type: 'INTEGER', required: true, defaultValue: 1 });
    const page = await engine.records.list(await scope(), 'item', { first: 10 });
    expect(page.edges.map((e) => e.node.data.qty)).toEqual([1, 1, 1]);
  });

  it('needs force to delete a field or type that holds data', async () => {
    await engine.metadata.createObjectType(actor, { apiName: 'memo', pluralApiName: 'memos' });
    await engine.metadata.createField(actor, 'memo', { apiName: 'body', type: 'LONG_TEXT', indexed: false });
    await engine.metadata.createField(actor, 'memo', { apiName: 'tag', type: 'TEXT', indexed: true });
    await engine.records.create(await scope(), 'memo', { body: 'hello', tag: 't' });
    expect(await fieldErrors(engine.metadata.deleteField(actor, 'memo', 'body'))).toEqual(['force:HOLDS_DATA']);
    expect(await engine.metadata.deleteField(actor, 'memo', 'body', { force: true })).toBe(true);
    const [memo] = (await engine.records.list(await scope(), 'memo')).edges;
    expect(memo?.node.data).toEqual({ tag: 't' });
    expect(await fieldErrors(engine.metadata.deleteObjectType(actor, 'memo'))).toEqual(['force:HOLDS_DATA']);
    expect(await engine.metadata.deleteObjectType(actor, 'memo', { force: true })).toBe(true);
    const { rows } = await engine.db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = 'record' AND indexname LIKE 'record_f_%'`,
    );
    const indexed = (await scope()).metadata.objectTypes.flatMap((type) => type.fields.filter((f) => f.indexed || f.unique));
    expect(rows[0]?.n).toBe(indexed.length);
  });

  it('refuses to delete a type that relation fields point at', async () => {
    await engine.metadata.createObjectType(actor, { apiName: 'account', pluralApiName: 'accounts' });
    await engine.metadata.createObjectType(actor, { apiName: 'opportunity', pluralApiName: 'opportunities' });
    await engine.metadata.createField(actor, 'opportunity', { apiName: 'account', type: 'RELATION', options: { target: 'account' } });
    expect(await fieldErrors(engine.metadata.deleteObjectType(actor, 'account', { force: true }))).toEqual(['apiName:REFERENCED']);
  });

  it('is admin only, and bumps the version every change so snapshots refresh', async () => {
    const viewer: Actor = { ...actor, kind: 'apiKey', roles: ['viewer'] };
    await expect(engine.metadata.createObjectType(viewer, { apiName: 'x', pluralApiName: 'xs' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const before = await engine.metadata.snapshot(actor.workspaceId);
    await engine.metadata.updateObjectType(actor, 'deal', { label: 'Deal!' });
    const after = await engine.metadata.snapshot(actor.workspaceId);
    expect(after.version).toBe(before.version + 1);
    expect(after.hash).not.toBe(before.hash);
    expect(after.get('deal').label).toBe('Deal!');
  });

  it('gives identical metadata in two workspaces the same hash', async () => {
    const one = (await t.workspace('one')).actor;
    const two = (await t.workspace('two')).actor;
    for (const a of [one, two]) {
      await engine.metadata.createObjectType(a, { apiName: 'invoice', pluralApiName: 'invoices' });
      await engine.metadata.createField(a, 'invoice', { apiName: 'total', type: 'NUMBER' });
    }
    const [m1, m2] = await Promise.all([engine.metadata.snapshot(one.workspaceId), engine.metadata.snapshot(two.workspaceId)]);
    expect(m1.hash).toBe(m2.hash);
    expect(m1.get('invoice').id).not.toBe(m2.get('invoice').id);
  });
});
