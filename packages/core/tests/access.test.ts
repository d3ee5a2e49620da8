/**
 * Roles enforced by the engine itself, for callers that do not go through a
 * GraphQL schema (plugins, jobs, other transports): the same rules hold when a
 * call names what the actor's schema would not even offer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/access/actor.ts';
import { policyOf } from '../src/access/policy.ts';
import type { Engine } from '../src/engine.ts';
import { createTestEngine } from '../src/testing/index.ts';

describe('access in the engine', () => {
  let engine: Engine;
  let admin: Actor;
  const ids: Record<string, string> = {};
  const as = async (roles: string[], id = '01a20000-0000-7000-8000-0000000000a1'): Promise<{ actor: Actor; metadata: Awaited<ReturnType<Engine['metadata']['snapshot']>> }> => ({
    actor: { workspaceId: admin.workspaceId, kind: 'member', id, roles },
    metadata: await engine.metadata.snapshot(admin.workspaceId),
  });

  beforeAll(async () => {
    const t = await createTestEngine();
    engine = t.engine;
    admin = (await t.workspace()).actor;
    await engine.metadata.createObjectType(admin, { apiName: 'account', pluralApiName: 'accounts' });
    await engine.metadata.createField(admin, 'account', { apiName: 'name', type: 'TEXT', required: true, unique: true });
    await engine.metadata.createField(admin, 'account', { apiName: 'margin', type: 'NUMBER' });
    await engine.metadata.createField(admin, 'account', { apiName: 'tier', type: 'TEXT', defaultValue: 'bronze' });
    await engine.metadata.createObjectType(admin, { apiName: 'ticket', pluralApiName: 'tickets' });
    await engine.metadata.createField(admin, 'ticket', { apiName: 'title', type: 'TEXT' });
    await engine.metadata.createField(admin, 'ticket', { apiName: 'account', type: 'RELATION', options: { target: 'account', inverseApiName: 'tickets' } });
    await engine.metadata.createObjectType(admin, { apiName: 'audit', pluralApiName: 'audits' });
    await engine.metadata.createRole(admin, {
      name: 'agent',
      rules: [
        { type: 'account', read: 'all', create: 'all', update: 'all', fields: [{ field: 'margin', access: 'hidden' }, { field: 'tier', access: 'read' }] },
        { type: 'ticket', read: 'all', create: 'all', update: 'own' },
      ],
    });
    const s = { actor: admin, metadata: await engine.metadata.snapshot(admin.workspaceId) };
    ids.account = (await engine.records.create(s, 'account', { name: 'Acme', margin: 0.4 })).id;
    ids.ticket = (await engine.records.create(s, 'ticket', { title: 'Broken', account: ids.account })).id;
  });
  afterAll(() => engine.close());

  it('leaves hidden fields out of every row it returns, and applies their defaults on create', async () => {
    const agent = await as(['agent']);
    expect((await engine.records.get(agent, 'account', ids.account!))?.data).toEqual({ name: 'Acme', tier: 'bronze' });
    const page = await engine.records.list(agent, 'account', {});
    expect(page.edges.map((e) => e.node.data)).toEqual([{ name: 'Acme', tier: 'bronze' }]);
    const created = await engine.records.create(agent, 'account', { name: 'Globex' });
    expect(created.data).toEqual({ name: 'Globex', tier: 'bronze' });
    expect(created.ownerId).toBe(agent.actor.id);
  });

  it('treats a hidden field as unknown in filters, orderings and inputs, and a read-only one as FORBIDDEN to write', async () => {
    const agent = await as(['agent']);
    await expect(engine.records.list(agent, 'account', { filter: { margin: { gt: 0.1 } } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { fields: [{ field: 'filter.margin', code: 'UNKNOWN_FIELD' }] },
    });
    await expect(engine.records.list(agent, 'account', { orderBy: [{ margin: 'DESC' }] })).rejects.toMatchObject({ code: expect.stringMatching(/VALIDATION_FAILED|BAD_REQUEST/) });
    await expect(engine.records.list(agent, 'ticket', { filter: { account: { margin: { gt: 0.1 } } } })).rejects.toMatchObject({
      details: { fields: [{ field: 'filter.account.margin', code: 'UNKNOWN_FIELD' }] },
    });
    await expect(engine.records.create(agent, 'account', { name: 'Initech', margin: 1 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { fields: [{ field: 'input.margin', code: 'UNKNOWN_FIELD' }] },
    });
    await expect(engine.records.update(agent, 'account', ids.account!, { tier: 'gold', name: 'Acme 2' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      details: { fields: [{ field: 'input.tier', code: 'FORBIDDEN' }] },
    });
    await expect(engine.records.createMany(agent, 'account', [{ name: 'A' }, { name: 'B', tier: 'x' }])).rejects.toMatchObject({
      details: { fields: [{ field: 'inputs.1.tier', code: 'FORBIDDEN' }] },
    });
    // An admin sees the value untouched by any of it.
    const s = { actor: admin, metadata: await engine.metadata.snapshot(admin.workspaceId) };
    expect((await engine.records.get(s, 'account', ids.account!))?.data).toEqual({ name: 'Acme', margin: 0.4, tier: 'bronze' });
  });

  it('makes a type the actor may not read unknown, and refuses verbs the role lacks', async () => {
    const agent = await as(['agent']);
    await expect(engine.records.list(agent, 'audit', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(engine.records.get(agent, 'audit', ids.account!)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(engine.records.create(agent, 'audit', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await engine.records.getMany(agent, ['audit', 'account'], [ids.account!])).toHaveLength(1);
    await expect(engine.records.delete(agent, 'account', ids.account!)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const viewer = await as(['viewer']);
    await expect(engine.records.create(viewer, 'account', { name: 'V' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(engine.records.upsert(viewer, 'account', { name: 'Acme' }, { name: 'Acme' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // A ONE_TO_MANY change rewrites tickets' account: update ALL on tickets is needed (the agent has OWN).
    await expect(engine.records.update(agent, 'account', ids.account!, { tickets: { connect: [ids.ticket!] } })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      details: { fields: [{ field: 'input.tickets', code: 'FORBIDDEN' }] },
    });
  });

  it('adds up several roles, and grants nothing for role names it does not know', async () => {
    const both = policyOf(await as(['viewer', 'agent']));
    const meta = await engine.metadata.snapshot(admin.workspaceId);
    const account = meta.get('account');
    expect(both.field(account.id, 'margin')).toBe('read'); // hidden for agent, read for viewer
    expect(both.field(account.id, 'tier')).toBe('read');
    expect(both.access(meta.get('audit').id, 'read')).toBe('all');
    expect(both.access(meta.get('ticket').id, 'update')).toBe('own');
    const nobody = policyOf(await as(['ghost']));
    expect(nobody.view.objectTypes).toEqual([]);
    await expect(engine.records.list(await as(['ghost']), 'account', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
