/**
 * Installing plugins into a workspace: its types and fields in one metadata
 * change (all or nothing), idempotent, upgraded by a newer version, data
 * migrations once each; uninstalling keeps the data unless forced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.ts';
import { createEngine, type Engine } from '../../src/engine.ts';
import type { Database } from '../../src/db/database.ts';
import { definePlugin, defineRecordType } from '../../src/plugins/define.ts';
import { field } from '../../src/plugins/field-builders.ts';
import { compareVersions, PluginConfigError } from '../../src/plugins/plugin-host.ts';
import { createTestDatabase } from '../../src/testing/index.ts';

const ticket = (extra = {}) =>
  defineRecordType({
    apiName: 'ticket',
    pluralApiName: 'tickets',
    label: 'Support ticket',
    fields: {
      subject: field.text({ required: true, searchable: true }),
      priority: field.select(['low', 'high'], { default: 'low' }),
      ...extra,
    },
  });
const seeded: string[] = [];
const v1 = definePlugin({
  name: 'helpdesk',
  version: '1.0.0',
  recordTypes: [ticket()],
  migrations: [{ name: 'welcome-ticket', up: async ({ records }) => void seeded.push((await records.create('ticket', { subject: 'Welcome' })).id) }],
});
const v2 = definePlugin({
  name: 'helpdesk',
  version: '1.1.0',
  recordTypes: [ticket({ priority: field.select(['low', 'high', 'urgent'], { default: 'low' }), dueOn: field.date() })],
  migrations: [...v1.migrations!, { name: 'urgent-note', up: async ({ records }) => void (await records.create('ticket', { subject: 'Urgent exists now', priority: 'urgent' })) }],
});
const addon = definePlugin({ name: 'sla', version: '1.0.0', fields: { ticket: { slaHours: field.integer({ default: 24 }) } } });

describe('plugin installer', () => {
  let db: Database;
  let engine: Engine;
  let admin: Actor;
  const workspace = async (e: Engine) => (await e.workspaces.authenticate((await e.workspaces.create({ name: 'w' })).apiKey)).actor;
  const ticketFields = async (e: Engine, a: Actor) => (await e.metadata.snapshot(a.workspaceId)).find('ticket')?.fields.map((f) => `${f.apiName}:${f.source}`);

  beforeAll(async () => {
    db = await createTestDatabase();
    engine = createEngine(db, { plugins: [v1, addon] });
    admin = await workspace(engine);
  });
  afterAll(() => db.close());

  it('refuses a plugin list that cannot run, naming every problem', () => {
    expect(() => createEngine(db, { plugins: [v1, v2] })).toThrow(PluginConfigError);
    expect(() => createEngine(db, { plugins: [{ ...v1, name: 'Bad Name', version: 'one' }] })).toThrow(/name must be lower-case[\s\S]*semantic version/);
    expect(compareVersions('1.10.0', '1.9.0')).toBeGreaterThan(0);
    expect(compareVersions('2.0.0-beta.2', '2.0.0')).toBeLessThan(0);
  });

  it('installs types and fields with the plugin as their source, runs migrations once, and is idempotent', async () => {
    const result = await engine.plugins.install(admin, 'helpdesk');
    expect(result).toMatchObject({ version: '1.0.0', previousVersion: null, created: ['ticket', 'ticket.subject', 'ticket.priority'], migrations: ['welcome-ticket'] });
    const metadata = await engine.metadata.snapshot(admin.workspaceId);
    expect(metadata.plugins.get('helpdesk')).toBe('1.0.0');
    expect(metadata.get('ticket')).toMatchObject({ label: 'Support ticket', source: 'helpdesk' });
    expect(await ticketFields(engine, admin)).toEqual(['subject:helpdesk', 'priority:helpdesk']);
    const again = await engine.plugins.install(admin, 'helpdesk');
    expect(again).toMatchObject({ previousVersion: '1.0.0', created: [], updated: [], migrations: [] });
    expect(seeded).toHaveLength(1);
    expect(await engine.plugins.installed(admin)).toMatchObject([{ plugin: 'helpdesk', version: '1.0.0', available: null }]);
  });

  it('lets a plugin add fields to another\'s type, and admins add their own', async () => {
    const other = await workspace(engine);
    await expect(engine.plugins.install(other, 'sla')).rejects.toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'fields.ticket', code: 'UNKNOWN_TYPE' }] });
    expect((await engine.metadata.snapshot(other.workspaceId)).plugins.size).toBe(0);
    await engine.plugins.install(admin, 'sla');
    await engine.metadata.createField(admin, 'ticket', { apiName: 'internalNote', type: 'LONG_TEXT' });
    // The plugin's own fields and types change with the plugin; an admin may relabel them.
    await expect(engine.metadata.deleteField(admin, 'ticket', 'slaHours')).rejects.toMatchObject({ fields: [{ code: 'PLUGIN_OWNED' }] });
    await expect(engine.metadata.updateField(admin, 'ticket', 'priority', { required: true })).rejects.toMatchObject({ fields: [{ code: 'PLUGIN_OWNED' }] });
    await expect(engine.metadata.deleteObjectType(admin, 'ticket', { force: true })).rejects.toMatchObject({ fields: [{ code: 'PLUGIN_OWNED' }] });
    await engine.metadata.updateObjectType(admin, 'ticket', { label: 'Case' });
    expect(await ticketFields(engine, admin)).toEqual(['subject:helpdesk', 'priority:helpdesk', 'slaHours:sla', 'internalNote:custom']);
  });

  it('refuses to install over a type of the same name made by an admin, and changes nothing', async () => {
    const other = await workspace(engine);
    await engine.metadata.createObjectType(other, { apiName: 'ticket', pluralApiName: 'tickets' });
    await expect(engine.plugins.install(other, 'helpdesk')).rejects.toMatchObject({ fields: [{ field: 'recordTypes.ticket', code: 'ALREADY_EXISTS' }] });
    const metadata = await engine.metadata.snapshot(other.workspaceId);
    expect([metadata.plugins.size, metadata.get('ticket').source, metadata.get('ticket').fields]).toEqual([0, 'custom', []]);
  });

  it('upgrades to a newer version: new fields and choices, pending migrations, admin labels kept', async () => {
    await engine.metadata.updateField(admin, 'ticket', 'subject', { label: 'Title' });
    const upgraded = createEngine(db, { plugins: [v2, addon] });
    expect(await upgraded.plugins.installed(admin)).toMatchObject([{ plugin: 'helpdesk', version: '1.0.0', available: '1.1.0' }, { plugin: 'sla' }]);
    const [done] = await upgraded.plugins.upgradeAll();
    expect(done).toMatchObject({ workspaceId: admin.workspaceId, previousVersion: '1.0.0', version: '1.1.0', created: ['ticket.dueOn'], updated: ['ticket.priority'], migrations: ['urgent-note'] });
    const type = (await upgraded.metadata.snapshot(admin.workspaceId)).get('ticket');
    expect(type.fields.find((f) => f.apiName === 'subject')?.label).toBe('Title');
    expect((type.fields.find((f) => f.apiName === 'priority')?.options.choices as Array<{ value: string }>).map((c) => c.value)).toEqual(['low', 'high', 'urgent']);
    expect(await upgraded.plugins.upgradeAll()).toEqual([]);
    // An older server does not downgrade.
    await expect(engine.plugins.install(admin, 'helpdesk')).rejects.toMatchObject({ code: 'CONFLICT', details: { reason: 'VERSION_NEWER' } });
  });

  it('uninstalls keeping the data as the workspace\'s own, or with force deleting it', async () => {
    const kept = await workspace(engine);
    await engine.plugins.install(kept, 'helpdesk');
    await engine.plugins.uninstall(kept, 'helpdesk');
    const metadata = await engine.metadata.snapshot(kept.workspaceId);
    expect([metadata.plugins.size, metadata.get('ticket').source]).toEqual([0, 'custom']);
    const s = { actor: kept, metadata };
    expect((await engine.records.list(s, 'ticket')).edges.map((e) => e.node.data.subject)).toEqual(['Welcome']);

    const gone = await workspace(engine);
    await engine.plugins.install(gone, 'helpdesk');
    await engine.plugins.install(gone, 'sla');
    await expect(engine.plugins.uninstall(gone, 'helpdesk', { force: true })).rejects.toMatchObject({ fields: [{ field: 'force', code: 'IN_USE' }] });
    await engine.plugins.uninstall(gone, 'sla', { force: true });
    await engine.plugins.uninstall(gone, 'helpdesk', { force: true });
    const after = await engine.metadata.snapshot(gone.workspaceId);
    expect([after.plugins.size, after.find('ticket')]).toEqual([0, undefined]);
    await expect(engine.plugins.uninstall(gone, 'helpdesk')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('is for admins only, and names plugins the server does not run', async () => {
    const viewer = { ...admin, roles: ['viewer'] };
    await expect(engine.plugins.install(viewer, 'helpdesk')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(engine.plugins.install(admin, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
