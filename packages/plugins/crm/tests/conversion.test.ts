/**
 * Lead conversion through PluginRecords (the function the convertLead mutation
 * calls): by default, with an existing company and person, without an
 * opportunity, and all or nothing when something fails.
 */
import type { PluginRecords, RecordRow } from '@relata/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crm, { convertLead } from '../src/index.ts';
import { listAll, rejection, startHarness, type Harness } from './harness.ts';

describe('lead conversion', () => {
  let h: Harness;
  let records: PluginRecords;
  let ann: { id: string };
  const count = async (type: string) => (await records.list(type, { first: 0, totalCount: true })).totalCount;

  beforeAll(async () => {
    h = await startHarness([crm]);
    ({ records } = await h.workspace(['crm']));
    const { actor } = await h.engine.workspaces.authenticateMember({ workspaceId: records.actor.workspaceId, userId: 'ann', roles: ['member'] });
    ann = actor;
  });
  afterAll(async () => h?.close());

  async function newLead(extra: Record<string, unknown> = {}): Promise<RecordRow> {
    return records.create('lead', {
      firstName: 'Jane',
      lastName: 'Doe',
      email: 'jane@initech.example',
      phone: '+14155550100',
      jobTitle: 'IT Director',
      companyName: 'Initech',
      website: 'https://initech.example',
      source: 'web',
      status: 'qualified',
      ownerId: ann.id,
      ...extra,
    });
  }

  it('makes a person, a company and an opportunity from the lead, and marks it converted', async () => {
    const lead = await newLead();
    const call = await records.create('call', { subject: 'Discovery call' });
    await records.create('activityTarget', { activity: call.id, target: lead.id });

    const result = await convertLead(records, lead.id);
    const { person, company, opportunity } = result;
    expect(company!.data).toMatchObject({ name: 'Initech', website: 'https://initech.example/' });
    expect(person.data).toMatchObject({ firstName: 'Jane', lastName: 'Doe', email: 'jane@initech.example', jobTitle: 'IT Director', company: company!.id });
    expect(opportunity!.data).toMatchObject({ name: 'Initech', company: company!.id, source: 'web', stage: 'prospecting', probability: 10 });
    // The new records belong to the lead's owner.
    expect([person.ownerId, company!.ownerId, opportunity!.ownerId]).toEqual([ann.id, ann.id, ann.id]);
    const contacts = await records.listRelated('opportunity', 'contacts', [opportunity!.id]);
    expect(contacts.get(opportunity!.id)!.edges.map((e) => e.node.id)).toEqual([person.id]);

    expect(result.lead.data).toMatchObject({
      status: 'converted',
      convertedPerson: person.id,
      convertedCompany: company!.id,
      convertedOpportunity: opportunity!.id,
    });
    expect(result.lead.data.convertedAt).toEqual(expect.any(String));
    // The lead's activities follow the person.
    expect((await listAll(records, 'activityTarget', { activityId: { eq: call.id } })).map((l) => l.data.target).sort()).toEqual([lead.id, person.id].sort());

    const again = await rejection(convertLead(records, lead.id));
    expect(again).toMatchObject({ code: 'CONFLICT', details: { reason: 'ALREADY_CONVERTED', personId: person.id } });
  });

  it('links an existing company and person instead, or makes no opportunity', async () => {
    const acme = await records.create('company', { name: 'Acme' });
    const lead = await newLead({ companyName: 'Acme Corp (typed by hand)', email: 'jane@acme.example' });
    const before = await count('company');
    const { person, company, opportunity } = await convertLead(records, lead.id, { companyId: acme.id, opportunityName: 'Acme rollout' });
    expect(company!.id).toBe(acme.id);
    expect(await count('company')).toBe(before);
    expect(person.data.company).toBe(acme.id);
    expect(opportunity!.data).toMatchObject({ name: 'Acme rollout', company: acme.id });

    const existing = await records.create('person', { firstName: 'Joe', email: 'joe@acme.example' });
    const second = await newLead({ firstName: 'Joe', email: 'joe@acme.example' });
    const people = await count('person');
    const opportunities = await count('opportunity');
    const linked = await convertLead(records, second.id, { personId: existing.id, companyId: acme.id, skipOpportunity: true });
    expect(linked.person.id).toBe(existing.id);
    expect(linked.person.data.company).toBe(acme.id);
    expect(linked.opportunity).toBeNull();
    expect(linked.lead.data).toMatchObject({ status: 'converted', convertedPerson: existing.id, convertedCompany: acme.id });
    expect(linked.lead.data.convertedOpportunity).toBeUndefined();
    expect([await count('person'), await count('opportunity')]).toEqual([people, opportunities]);
  });

  it('converts a lead without a company name into a person and an opportunity named after them', async () => {
    const lead = await records.create('lead', { firstName: 'Solo', lastName: 'Trader', email: 'solo@example.com' });
    const { company, person, opportunity } = await convertLead(records, lead.id);
    expect(company).toBeNull();
    expect(person.data.company).toBeUndefined();
    expect(opportunity!.data.name).toBe('Solo Trader');
  });

  it('checks the input before writing anything', async () => {
    const lead = await newLead();
    const counts = [await count('company'), await count('person'), await count('opportunity')];
    const error = await rejection(
      convertLead(records, lead.id, { companyId: '01a2055d-e9c0-7180-a2fe-632de66bd739', personId: 'not-an-id', opportunityName: ' ' }),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.fields?.map((f) => [f.field, f.code])).toEqual([
      ['input.companyId', 'INVALID_REFERENCE'],
      ['input.personId', 'INVALID_REFERENCE'],
      ['input.opportunityName', 'REQUIRED'],
    ]);
    expect([await count('company'), await count('person'), await count('opportunity')]).toEqual(counts);
    expect((await records.get('lead', lead.id))!.data.status).toBe('qualified');
    expect((await rejection(convertLead(records, '01a2055d-e9c0-7180-a2fe-632de66bd739'))).code).toBe('NOT_FOUND');
  });

  it('writes nothing when a step fails after others were written', async () => {
    const lead = await newLead({ companyName: 'Halfway Ltd' });
    const counts = [await count('company'), await count('person'), await count('opportunity'), await count('activityTarget')];
    // The company and the person are written before the engine refuses the opportunity's name (TEXT holds 1,000 characters).
    const error = await rejection(convertLead(records, lead.id, { opportunityName: 'x'.repeat(1001) }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.fields?.map((f) => [f.field, f.code])).toEqual([['input.name', 'TOO_LONG']]);
    expect([await count('company'), await count('person'), await count('opportunity'), await count('activityTarget')]).toEqual(counts);
    expect(await listAll(records, 'company', { name: { eq: 'Halfway Ltd' } })).toEqual([]);
    const after = await records.get('lead', lead.id);
    expect(after!.data.status).toBe('qualified');
    expect(after!.version).toBe(lead.version);
  });

  it('runs as the caller: their role must allow every write', async () => {
    const viewer = (await h.engine.workspaces.authenticateMember({ workspaceId: records.actor.workspaceId, userId: 'vic', roles: ['viewer'] })).actor;
    const lead = await newLead();
    const counts = [await count('company'), await count('person')];
    const error = await rejection(convertLead(h.engine.plugins.recordsFor(viewer), lead.id));
    expect(error.code).toBe('FORBIDDEN');
    expect([await count('company'), await count('person')]).toEqual(counts);
  });
});
