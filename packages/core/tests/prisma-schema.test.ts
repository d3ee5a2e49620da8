/**
 * The Prisma schema and the SQL migrations must describe the same database: every
 * model round-trips every one of its fields through a freshly migrated database.
 * A field added to schema.prisma without a migration (or the reverse) fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../src/db/database.ts';
import { Prisma } from '../src/generated/prisma/client.ts';
import { createTestDatabase } from '../src/testing/index.ts';

const at = (s: string) => new Date(`2026-11-22T10:00:${s}.123Z`);

describe('Prisma schema and migrations agree', () => {
  let db: Database;
  /** What the first test wrote, by table: the second checks the database has exactly these columns. */
  const roundTripped: Record<string, Record<string, unknown>> = {};
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.close());

  it('round-trips every field of every model', async () => {
    const workspace = { id: uuidv7(), name: 'Acme', metadataVersion: 7, createdAt: at('01') };
    const member = { id: uuidv7(), workspaceId: workspace.id, userId: 'user-1', name: 'Ann', email: 'ann@acme.test', role: 'member', createdAt: at('02') };
    const apiKey = {
      id: uuidv7(), workspaceId: workspace.id, name: 'ci', keyHash: 'ab'.repeat(32), prefix: 'rk_abcd', role: 'viewer',
      createdAt: at('03'), expiresAt: at('04'), lastUsedAt: at('05'), revokedAt: at('06'),
    };
    const objectType = {
      id: uuidv7(), workspaceId: workspace.id, apiName: 'invoice', pluralApiName: 'invoices', label: 'Invoice',
      description: 'Bills', source: 'plugin-x', createdAt: at('07'), updatedAt: at('08'),
    };
    const fieldDef = {
      id: uuidv7(), workspaceId: workspace.id, objectTypeId: objectType.id, apiName: 'total', label: 'Total', description: 'Sum',
      type: 'CURRENCY', required: true, unique: true, indexed: true, searchable: true, defaultValue: { amount: '1.00', currency: 'EUR' },
      options: { defaultCurrency: 'EUR' }, source: 'custom', position: 3, createdAt: at('09'), updatedAt: at('10'),
    };
    const record = {
      workspaceId: workspace.id, id: uuidv7(), objectTypeId: objectType.id, data: { total: { amount: '2.00', currency: 'EUR' } },
      ownerId: member.id, version: 4, createdAt: at('11'), updatedAt: at('12'), deletedAt: at('13'), deletedRoot: uuidv7(),
    };
    const target = { ...record, id: uuidv7(), deletedAt: null, deletedRoot: null };
    const role = {
      id: uuidv7(), workspaceId: workspace.id, name: 'salesOps', description: 'Sales operations',
      rules: { invoice: { read: 'all', create: 'own', update: 'own', delete: 'none', fields: { total: 'read' } } }, createdAt: at('15'), updatedAt: at('16'),
    };
    const link = { workspaceId: workspace.id, fieldId: fieldDef.id, fromId: record.id, toId: target.id, position: 2, createdAt: at('14') };

    const event = {
      seq: 1n, workspaceId: workspace.id, subject: 'field', kind: 'UPDATED', objectTypeId: objectType.id, recordId: fieldDef.id,
      actor: 'member:x', changes: { label: { old: 'Total', new: 'Sum' } }, record: { id: fieldDef.id }, at: at('17'),
    };
    const webhook = {
      workspaceId: workspace.id, id: uuidv7(), url: 'https://hooks.acme.test/relata', secret: 'whsec_test', types: ['invoice'],
      kinds: ['CREATED', 'DELETED'], active: false, state: 'failing', failingSince: at('18'), positionSeq: 42n, createdAt: at('19'), updatedAt: at('20'),
    };
    const delivery = {
      workspaceId: workspace.id, id: uuidv7(), webhookId: webhook.id, seq: 7n, firstCursor: 'MTAuMQ', lastCursor: 'MTAuMg', eventCount: 2,
      events: [{ cursor: 'MTAuMQ', kind: 'CREATED' }], status: 'failed', attempts: 10, nextAttemptAt: at('21'), lastAttemptAt: at('22'),
      createdAt: at('23'), completedAt: at('24'),
    };
    const attempt = {
      workspaceId: workspace.id, id: uuidv7(), deliveryId: delivery.id, attempt: 3, startedAt: at('25'), durationMs: 120, statusCode: 503,
      error: 'timeout', responseExcerpt: 'busy', succeeded: true,
    };
    const installation = { workspaceId: workspace.id, plugin: 'crm', version: '1.2.0', migrations: ['seed-stages'], installedAt: at('26'), updatedAt: at('27') };
    const handler = { name: 'crm/stage-times', positionSeq: 9n, leaseOwner: 'host-1', leaseUntil: at('28'), updatedAt: at('29') };
    const deadLetter = {
      workspaceId: workspace.id, id: uuidv7(), plugin: 'crm', handler: 'stage-times', eventCursor: 'MTAuMQ', event: { kind: 'UPDATED' },
      error: 'boom', attempts: 5, status: 'resolved', createdAt: at('30'), resolvedAt: at('31'),
    };
    const jobRun = { plugin: 'crm', job: 'reminders', workspaceId: workspace.id, scheduledAt: at('32'), startedAt: at('33'), finishedAt: at('34'), error: 'late' };
    Object.assign(roundTripped, {
      workspace, member, api_key: apiKey, object_type: objectType, field_def: fieldDef, record, record_link: link, role, record_event: event,
      webhook, webhook_delivery: delivery, webhook_attempt: attempt, plugin_installation: installation, plugin_handler: handler,
      plugin_dead_letter: deadLetter, plugin_job_run: jobRun,
    });
    await db.prisma.workspace.create({ data: workspace });
    await db.prisma.member.create({ data: member });
    await db.prisma.apiKey.create({ data: apiKey });
    // updatedAt is @updatedAt: Prisma sets it on write, so compare the rest and check it is a date.
    await db.prisma.objectType.create({ data: objectType });
    await db.prisma.fieldDef.create({ data: fieldDef });
    await db.prisma.record.create({ data: record });
    await db.prisma.record.create({ data: target });
    await db.prisma.recordLink.create({ data: link });
    await db.prisma.role.create({ data: role });
    // The metadata rows above logged events of their own (triggers); this one is written by hand.
    await db.sql.query('DELETE FROM "record_event"');
    await db.prisma.recordEvent.create({ data: event });
    await db.prisma.webhook.create({ data: webhook });
    await db.prisma.webhookDelivery.create({ data: delivery });
    await db.prisma.webhookAttempt.create({ data: attempt });
    await db.prisma.pluginInstallation.create({ data: installation });
    await db.prisma.pluginHandler.create({ data: handler });
    await db.prisma.pluginDeadLetter.create({ data: deadLetter });
    await db.prisma.pluginJobRun.create({ data: jobRun });

    expect(await db.prisma.workspace.findUniqueOrThrow({ where: { id: workspace.id } })).toEqual(workspace);
    expect(await db.prisma.member.findUniqueOrThrow({ where: { workspaceId_id: { workspaceId: workspace.id, id: member.id } } })).toEqual(member);
    expect(await db.prisma.apiKey.findUniqueOrThrow({ where: { workspaceId_id: { workspaceId: workspace.id, id: apiKey.id } } })).toEqual(apiKey);
    const { updatedAt: _o, ...objectTypeRest } = objectType;
    expect(await db.prisma.objectType.findUniqueOrThrow({ where: { workspaceId_id: { workspaceId: workspace.id, id: objectType.id } } })).toMatchObject({ ...objectTypeRest, updatedAt: expect.any(Date) });
    const { updatedAt: _f, ...fieldRest } = fieldDef;
    expect(await db.prisma.fieldDef.findUniqueOrThrow({ where: { workspaceId_id: { workspaceId: workspace.id, id: fieldDef.id } } })).toMatchObject({ ...fieldRest, updatedAt: expect.any(Date) });
    expect(
      await db.prisma.record.findUniqueOrThrow({ where: { workspaceId_id: { workspaceId: workspace.id, id: record.id } } }),
    ).toEqual(record);
    const linkKey = { workspaceId: workspace.id, fieldId: fieldDef.id, fromId: record.id, toId: target.id };
    expect(await db.prisma.recordLink.findUniqueOrThrow({ where: { workspaceId_fieldId_fromId_toId: linkKey } })).toEqual(link);

    const { updatedAt: _r, ...roleRest } = role;
    expect(await db.prisma.role.findUniqueOrThrow({ where: { workspaceId_name: { workspaceId: workspace.id, name: 'salesOps' } } })).toMatchObject({
      ...roleRest,
      updatedAt: expect.any(Date),
    });

    expect(await db.prisma.recordEvent.findUniqueOrThrow({ where: { seq: 1n } })).toEqual(event);
    const { updatedAt: _w, ...webhookRest } = webhook;
    expect(await db.prisma.webhook.findUniqueOrThrow({ where: { workspaceId_id: { workspaceId: workspace.id, id: webhook.id } } })).toEqual({
      ...webhookRest,
      updatedAt: expect.any(Date),
    });
    expect(await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { workspaceId_id: { workspaceId: workspace.id, id: delivery.id } } })).toEqual(delivery);
    expect(await db.prisma.webhookAttempt.findUniqueOrThrow({ where: { workspaceId_id: { workspaceId: workspace.id, id: attempt.id } } })).toEqual(attempt);

    const { updatedAt: _i, ...installationRest } = installation;
    expect(await db.prisma.pluginInstallation.findUniqueOrThrow({ where: { workspaceId_plugin: { workspaceId: workspace.id, plugin: 'crm' } } })).toEqual({
      ...installationRest,
      updatedAt: expect.any(Date),
    });
    const { updatedAt: _h, ...handlerRest } = handler;
    expect(await db.prisma.pluginHandler.findUniqueOrThrow({ where: { name: handler.name } })).toEqual({ ...handlerRest, updatedAt: expect.any(Date) });
    expect(await db.prisma.pluginDeadLetter.findUniqueOrThrow({ where: { workspaceId_id: { workspaceId: workspace.id, id: deadLetter.id } } })).toEqual(deadLetter);
    expect(
      await db.prisma.pluginJobRun.findUniqueOrThrow({
        where: { plugin_job_workspaceId_scheduledAt: { plugin: 'crm', job: 'reminders', workspaceId: workspace.id, scheduledAt: jobRun.scheduledAt } },
      }),
    ).toEqual(jobRun);

    // Every model is covered: a new model must be added to this test.
    expect(Object.keys(Prisma.ModelName).sort()).toEqual(['ApiKey', 'FieldDef', 'ObjectType', 'Record', 'RecordLink', 'Workspace', 'Member', 'Role', 'RecordEvent', 'Webhook', 'WebhookDelivery', 'WebhookAttempt', 'PluginInstallation', 'PluginHandler', 'PluginDeadLetter', 'PluginJobRun'].sort());
  });

  it('has no column that the models do not know', async () => {
    const { rows } = await db.sql.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()
         AND table_name IN ('workspace', 'member', 'api_key', 'object_type', 'field_def', 'record', 'record_link', 'role', 'record_event', 'webhook', 'webhook_delivery', 'webhook_attempt', 'plugin_installation', 'plugin_handler', 'plugin_dead_letter', 'plugin_job_run')`,
    );
    const actual = rows.map((r) => `${r.table_name}.${r.column_name}`).sort();
    const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const expected = Object.entries(roundTripped)
      .flatMap(([table, row]) => Object.keys(row).map((key) => `${table}.${snake(key)}`))
      // Prisma sees the search vector as Unsupported("tsvector"): it cannot round-trip it.
      .concat('record.search', 'record_event.txid', 'webhook.position_txid', 'plugin_handler.position_txid')
      .sort();
    expect(actual).toEqual(expected);
  });
});
