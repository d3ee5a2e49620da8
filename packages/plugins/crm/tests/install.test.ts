/**
 * Installing the CRM: every record type and field of the contract, with the
 * relations' inverse sides, the default pipeline; installing again changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crm, { DEFAULT_STAGES } from '../src/index.ts';
import { listAll, startHarness, type Harness } from './harness.ts';

/** The apiNames the issue makes part of the contract. */
const CONTRACT: Record<string, string[]> = {
  company: ['name', 'domain', 'industry', 'employees', 'annualRevenue'],
  person: ['firstName', 'lastName', 'email', 'phone', 'jobTitle', 'preferredChannel', 'company'],
  // `owner` is the system owner every record has (ownerId / owner), not a field: see docs/crm.md.
  lead: ['firstName', 'lastName', 'email', 'phone', 'companyName', 'source', 'status', 'score'],
  opportunity: ['name', 'amount', 'stage', 'probability', 'closeDate', 'company', 'contacts'],
  task: ['title', 'dueAt', 'reminderAt', 'status', 'assignee', 'targets'],
  call: ['targets'],
  meeting: ['targets'],
  emailLog: ['targets'],
  note: ['targets'],
  case: ['subject', 'description', 'status', 'priority', 'channel', 'company', 'person', 'escalationCount', 'firstResponseAt', 'resolvedAt'],
  campaign: ['name', 'channel', 'startDate', 'endDate', 'budget', 'members'],
};

describe('installing the CRM plugin', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness([crm]);
  });
  afterAll(async () => h?.close());

  it('creates every record type and the contract fields, idempotently', async () => {
    const created = await h.engine.workspaces.create({ name: 'Install' });
    const { actor } = await h.engine.workspaces.authenticate(created.apiKey);
    const first = await h.engine.plugins.install(actor, 'crm');
    expect(first.previousVersion).toBeNull();
    expect(first.migrations).toEqual(['default-pipeline']);

    const metadata = await h.engine.metadata.snapshot(actor.workspaceId);
    for (const [type, fields] of Object.entries(CONTRACT)) {
      const found = metadata.find(type);
      expect(found, type).toBeDefined();
      expect(found!.source).toBe('crm');
      const names = found!.fields.map((f) => f.apiName);
      for (const f of fields) expect(names, `${type}.${f}`).toContain(f);
    }
    const crmTypes = metadata.objectTypes.filter((t) => t.source === 'crm').map((t) => t.apiName).sort();
    expect(crmTypes).toEqual(
      ['activityTarget', 'call', 'campaign', 'campaignMember', 'case', 'company', 'emailLog', 'lead', 'meeting', 'note', 'opportunity', 'person', 'pipeline', 'stagePeriod', 'task'].sort(),
    );

    // Relation shapes: the inverse sides the docs promise.
    const fieldOf = (type: string, name: string) => metadata.get(type).fields.find((f) => f.apiName === name);
    expect(fieldOf('company', 'people')?.options.kind).toBe('ONE_TO_MANY');
    expect(fieldOf('person', 'opportunities')?.options.kind).toBe('MANY_TO_MANY');
    expect(fieldOf('opportunity', 'contacts')?.options.kind).toBe('MANY_TO_MANY');
    for (const type of ['task', 'call', 'meeting', 'emailLog', 'note']) expect(fieldOf(type, 'targets')?.options.kind, type).toBe('ONE_TO_MANY');
    for (const type of ['company', 'person', 'lead', 'opportunity', 'case', 'campaign']) expect(fieldOf(type, 'activities')?.options.kind, type).toBe('ONE_TO_MANY');
    expect(fieldOf('activityTarget', 'target')?.options.targets).toEqual(['company', 'person', 'lead', 'opportunity', 'case', 'campaign']);
    expect(fieldOf('campaign', 'members')?.options.kind).toBe('ONE_TO_MANY');
    expect(fieldOf('person', 'campaignMemberships')?.options.kind).toBe('ONE_TO_MANY');
    expect(fieldOf('lead', 'campaignMemberships')?.options.kind).toBe('ONE_TO_MANY');

    const records = h.engine.plugins.recordsFor(actor);
    const pipelines = await listAll(records, 'pipeline');
    expect(pipelines.map((p) => [p.data.name, p.data.isDefault])).toEqual([['Sales', true]]);
    expect(pipelines[0]!.data.stages).toEqual(DEFAULT_STAGES);

    const again = await h.engine.plugins.install(actor, 'crm');
    expect(again).toMatchObject({ previousVersion: '0.1.0', created: [], updated: [], migrations: [] });
    expect(await listAll(records, 'pipeline')).toHaveLength(1);
  });

  it('keeps owner for the system owner: no field takes a reserved name', async () => {
    const { actor } = await h.workspace(['crm'], 'Owners');
    const metadata = await h.engine.metadata.snapshot(actor.workspaceId);
    for (const type of metadata.objectTypes) {
      for (const f of type.fields) expect(['owner', 'ownerId', 'id', 'type', 'record']).not.toContain(f.apiName);
    }
  });
});
