/**
 * The CRM's hooks on a real engine: case service times, pipelines and stage
 * probabilities, the checks on people, leads, meetings and activity links, and a
 * task's assignee as its owner.
 */
import type { Actor, PluginRecords } from '@relata/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crm from '../src/index.ts';
import { listAll, rejection, startHarness, type Harness } from './harness.ts';

describe('CRM hooks', () => {
  let h: Harness;
  let admin: Actor;
  let records: PluginRecords;
  beforeAll(async () => {
    h = await startHarness([crm]);
    ({ actor: admin, records } = await h.workspace(['crm']));
  });
  afterAll(async () => h?.close());

  describe('cases', () => {
    it('stamps the first response when the status first leaves new, and never again', async () => {
      const created = await records.create('case', { subject: 'Printer on fire' });
      expect(created.data).toMatchObject({ status: 'new', escalationCount: 0, supportLine: 'firstLine' });
      expect(created.data.firstResponseAt).toBeUndefined();

      const before = Date.now();
      const opened = await records.update('case', created.id, { status: 'open' });
      const first = String(opened.data.firstResponseAt);
      expect(Date.parse(first)).toBeGreaterThanOrEqual(before - 1000);
      const pending = await records.update('case', created.id, { status: 'pending' });
      expect(pending.data.firstResponseAt).toBe(first);
      // A change that is not a status change leaves the times alone.
      const renamed = await records.update('case', created.id, { subject: 'Printer still on fire' });
      expect(renamed.data.firstResponseAt).toBe(first);
    });

    it('counts a case created past new as answered at once', async () => {
      const created = await records.create('case', { subject: 'Phoned in', status: 'open', channel: 'phone' });
      expect(created.data.firstResponseAt).toEqual(expect.any(String));
      expect(created.data.resolvedAt).toBeUndefined();
    });

    it('sets resolvedAt on resolve, keeps it on close, clears it on reopen', async () => {
      const c = await records.create('case', { subject: 'Login broken', channel: 'portal' });
      const resolved = await records.update('case', c.id, { status: 'resolved' });
      const at = resolved.data.resolvedAt as string;
      expect(at).toEqual(expect.any(String));
      expect(resolved.data.firstResponseAt).toBe(at);
      const closed = await records.update('case', c.id, { status: 'closed' });
      expect(closed.data.resolvedAt).toBe(at);
      const reopened = await records.update('case', c.id, { status: 'open' });
      expect(reopened.data.resolvedAt).toBeUndefined();
      const again = await records.update('case', c.id, { status: 'closed' });
      expect(Date.parse(String(again.data.resolvedAt))).toBeGreaterThanOrEqual(Date.parse(at));
    });

    it('counts every escalation and moves the case to the second line', async () => {
      const c = await records.create('case', { subject: 'Data loss', priority: 'urgent' });
      const one = await records.update('case', c.id, { status: 'escalated' });
      expect(one.data).toMatchObject({ escalationCount: 1, supportLine: 'secondLine' });
      // Staying escalated is not another escalation.
      expect((await records.update('case', c.id, { status: 'escalated', priority: 'high' })).data.escalationCount).toBe(1);
      await records.update('case', c.id, { status: 'open', supportLine: 'firstLine' });
      const two = await records.update('case', c.id, { status: 'escalated', supportLine: 'firstLine' });
      expect(two.data).toMatchObject({ escalationCount: 2, supportLine: 'firstLine' });
    });

    it('refuses client writes of the times it keeps, all reported at once', async () => {
      const error = await rejection(records.create('case', { subject: 'x', escalationCount: 5, resolvedAt: '2026-01-01T00:00:00Z' }));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.fields?.map((f) => [f.field, f.code])).toEqual([
        ['input.resolvedAt', 'READ_ONLY'],
        ['input.escalationCount', 'READ_ONLY'],
      ]);
    });
  });

  describe('opportunities and pipelines', () => {
    it('goes into the default pipeline, first stage, with its probability', async () => {
      const [sales] = await listAll(records, 'pipeline');
      const o = await records.create('opportunity', { name: 'Acme renewal', amount: { amount: '12000.00', currency: 'EUR' } });
      expect(o.data).toMatchObject({ pipeline: sales!.id, stage: 'prospecting', probability: 10, outcome: 'open' });
    });

    it('lets the probability follow the stage unless the write gives one', async () => {
      const o = await records.create('opportunity', { name: 'Globex pilot', stage: 'proposal' });
      expect(o.data.probability).toBe(60);
      const moved = await records.update('opportunity', o.id, { stage: 'negotiation' });
      expect(moved.data.probability).toBe(80);
      const own = await records.update('opportunity', o.id, { stage: 'proposal', probability: 45 });
      expect(own.data.probability).toBe(45);
      // A change without a stage change keeps a probability set by hand.
      const other = await records.update('opportunity', o.id, { nextStep: 'Call the CFO' });
      expect(other.data.probability).toBe(45);
      const adjusted = await records.update('opportunity', o.id, { probability: 55 });
      expect(adjusted.data).toMatchObject({ stage: 'proposal', probability: 55 });
    });

    it('derives won and lost from the stage and dates the close', async () => {
      const o = await records.create('opportunity', { name: 'Initech', stage: 'negotiation', closeDate: '2030-06-30' });
      const won = await records.update('opportunity', o.id, { stage: 'closedWon' });
      expect(won.data).toMatchObject({ outcome: 'won', probability: 100, closeDate: new Date().toISOString().slice(0, 10) });
      const lost = await records.create('opportunity', { name: 'Umbrella', stage: 'closedLost', closeDate: '2026-01-15' });
      expect(lost.data).toMatchObject({ outcome: 'lost', probability: 0, closeDate: '2026-01-15' });
      const reopened = await records.update('opportunity', o.id, { stage: 'proposal' });
      expect(reopened.data).toMatchObject({ outcome: 'open', probability: 60 });
    });

    it('refuses a stage its pipeline does not have, and a pipeline of bad stages', async () => {
      const error = await rejection(records.create('opportunity', { name: 'Bad', stage: 'dreaming' }));
      expect(error.fields?.map((f) => [f.field, f.code])).toEqual([['input.stage', 'NOT_A_STAGE']]);

      const bad = await rejection(
        records.create('pipeline', { name: 'Broken', stages: [{ value: 'a', probability: 150 }, { value: 'a', probability: 10, outcome: 'maybe' }] }),
      );
      expect(bad.fields?.map((f) => [f.field, f.code])).toEqual([
        ['input.stages.0.probability', 'OUT_OF_RANGE'],
        ['input.stages.1.value', 'DUPLICATE'],
        ['input.stages.1.outcome', 'INVALID_FORMAT'],
      ]);
    });

    it('runs several pipelines, one default, and keeps stages in use', async () => {
      const renewals = await records.create('pipeline', {
        name: 'Renewals',
        stages: [{ value: 'due', probability: 50 }, { value: 'renewed', probability: 100, outcome: 'won' }, { value: 'churned', probability: 0, outcome: 'lost' }],
      });
      expect(renewals.data.stages).toEqual([
        { value: 'due', label: 'due', probability: 50, outcome: 'open' },
        { value: 'renewed', label: 'renewed', probability: 100, outcome: 'won' },
        { value: 'churned', label: 'churned', probability: 0, outcome: 'lost' },
      ]);
      const o = await records.create('opportunity', { name: 'Hooli renewal', pipeline: renewals.id });
      expect(o.data).toMatchObject({ stage: 'due', probability: 50 });
      const wrong = await rejection(records.update('opportunity', o.id, { stage: 'proposal' }));
      expect(wrong.fields?.map((f) => f.code)).toEqual(['NOT_A_STAGE']);

      const inUse = await rejection(records.update('pipeline', renewals.id, { stages: [{ value: 'renewed', probability: 100, outcome: 'won' }] }));
      expect(inUse.fields?.map((f) => [f.field, f.code])).toEqual([['input.stages', 'IN_USE']]);

      await records.update('pipeline', renewals.id, { isDefault: true });
      const defaults = await listAll(records, 'pipeline', { isDefault: { eq: true } });
      expect(defaults.map((p) => p.data.name)).toEqual(['Renewals']);
      const next = await records.create('opportunity', { name: 'Pied Piper renewal' });
      expect(next.data.pipeline).toBe(renewals.id);
      await records.update('pipeline', defaults[0]!.id, { isDefault: false });
      const [sales] = await listAll(records, 'pipeline', { name: { eq: 'Sales' } });
      await records.update('pipeline', sales!.id, { isDefault: true });
    });
  });

  describe('people, companies, leads', () => {
    it('needs a name or an email, and normalises extra addresses and the domain', async () => {
      const error = await rejection(records.create('person', { jobTitle: 'CFO' }));
      expect(error.fields?.map((f) => [f.field, f.code])).toEqual([['input.lastName', 'REQUIRED']]);
      const p = await records.create('person', {
        firstName: 'Ann',
        additionalEmails: [' Ann@Example.COM ', 'ann@example.com', 'a.n@corp.example'],
        additionalPhones: ['+1 (415) 555-0123'],
      });
      expect(p.data).toMatchObject({ additionalEmails: ['ann@example.com', 'a.n@corp.example'], additionalPhones: ['+14155550123'], doNotContact: false });
      const bad = await rejection(records.update('person', p.id, { additionalEmails: ['nope'], firstName: null }));
      expect(bad.fields?.map((f) => [f.field, f.code])).toEqual([
        ['input.lastName', 'REQUIRED'],
        ['input.additionalEmails.0', 'INVALID_FORMAT'],
      ]);

      const c = await records.create('company', { name: 'Acme', domain: 'https://www.Acme.example/about' });
      expect(c.data.domain).toBe('acme.example');
      expect((await rejection(records.create('company', { name: 'X', domain: 'not a domain' }))).fields?.[0]?.code).toBe('INVALID_FORMAT');
    });

    it('makes a lead converted only through convertLead', async () => {
      const lead = await records.create('lead', { lastName: 'Lee', companyName: 'Lee Ltd' });
      expect(lead.data).toMatchObject({ status: 'new', score: 0 });
      const error = await rejection(records.update('lead', lead.id, { status: 'converted' }));
      expect(error.fields?.map((f) => [f.field, f.code])).toEqual([['input.status', 'USE_CONVERT_LEAD']]);
    });
  });

  describe('activities', () => {
    it('links an activity to records of any type, once each', async () => {
      const company = await records.create('company', { name: 'Links Inc' });
      const lead = await records.create('lead', { email: 'x@links.example' });
      const call = await records.create('call', { subject: 'Intro call' });
      expect(call.data).toMatchObject({ status: 'completed', direction: 'outbound' });
      expect(call.data.calledAt).toEqual(expect.any(String));
      await records.create('activityTarget', { activity: call.id, target: company.id });
      await records.create('activityTarget', { activity: call.id, target: lead.id });
      const dup = await rejection(records.create('activityTarget', { activity: call.id, target: lead.id.toUpperCase() }));
      expect(dup.fields?.map((f) => [f.field, f.code])).toEqual([['input.target', 'DUPLICATE']]);

      const targets = await records.listRelated('call', 'targets', [call.id]);
      expect(targets.get(call.id)!.edges.map((e) => e.node.data.target).sort()).toEqual([company.id, lead.id].sort());
      const ofLead = await records.listRelated('lead', 'activities', [lead.id]);
      expect(ofLead.get(lead.id)!.edges.map((e) => e.node.data.activity)).toEqual([call.id]);
      // Calls linked to the lead, through the links.
      const calls = await listAll(records, 'call', { targets: { some: { targetId: { eq: lead.id } } } });
      expect(calls.map((c) => c.id)).toEqual([call.id]);

      // Deleting the call takes its links along; restoring brings them back.
      await records.delete('call', call.id);
      expect(await listAll(records, 'activityTarget', { activityId: { eq: call.id } })).toEqual([]);
      await records.restore('call', call.id);
      expect(await listAll(records, 'activityTarget', { activityId: { eq: call.id } })).toHaveLength(2);
    });

    it('checks meeting times and stamps task completion', async () => {
      const bad = await rejection(records.create('meeting', { subject: 'Demo', startAt: '2026-05-01T10:00:00Z', endAt: '2026-05-01T09:00:00Z' }));
      expect(bad.fields?.map((f) => [f.field, f.code])).toEqual([['input.endAt', 'OUT_OF_RANGE']]);
      const task = await records.create('task', { title: 'Send the proposal', dueAt: '2026-05-02T17:00:00Z', reminderAt: '2026-05-02T09:00:00Z' });
      expect(task.data).toMatchObject({ status: 'notStarted', priority: 'normal' });
      const done = await records.update('task', task.id, { status: 'completed' });
      expect(done.data.completedAt).toEqual(expect.any(String));
      const undone = await records.update('task', task.id, { status: 'inProgress' });
      expect(undone.data.completedAt).toBeUndefined();
    });

    it("makes a task's assignee its owner, and the engine checks they are a member", async () => {
      const ann = (await h.engine.workspaces.authenticateMember({ workspaceId: admin.workspaceId, userId: 'ann', roles: ['member'] })).actor;
      const bob = (await h.engine.workspaces.authenticateMember({ workspaceId: admin.workspaceId, userId: 'bob', roles: ['member'] })).actor;
      const asAnn = h.engine.plugins.recordsFor(ann);
      const own = await asAnn.create('task', { title: 'Call back Acme' });
      expect(own.data.assignee).toBe(ann.id);
      expect(own.ownerId).toBe(ann.id);

      // The admin (an API key, which owns nothing) assigns a task to Bob: Bob owns it.
      const forBob = await records.create('task', { title: 'Prepare the demo', assignee: bob.id });
      expect(forBob.ownerId).toBe(bob.id);
      const moved = await records.update('task', forBob.id, { ownerId: ann.id });
      expect(moved.data.assignee).toBe(ann.id);
      // Ann's to-do list.
      const todo = await listAll(asAnn, 'task', { assignee: { eq: ann.id }, status: { neq: 'completed' } });
      expect(todo.map((t) => t.id).sort()).toEqual([own.id, forBob.id].sort());

      const stranger = await rejection(records.create('task', { title: 'x', assignee: '01a2055d-e9c0-7180-a2fe-632de66bd739' }));
      expect(stranger.fields?.map((f) => [f.field, f.code])).toEqual([['input.ownerId', 'INVALID_REFERENCE']]);
      const notAnId = await rejection(records.create('task', { title: 'x', assignee: 'ann' }));
      expect(notAnId.fields?.map((f) => [f.field, f.code])).toEqual([['input.assignee', 'INVALID_FORMAT']]);
    });
  });
});
