/**
 * Lead scoring on a real engine with the CRM: install, default rules, scores
 * recomputed from the change log by the engine's plugin workers (on lead changes,
 * on activities linked to leads, on rule changes, for every lead in pages), the
 * explanation, and no loop from the handler's own writes.
 */
import type { PluginRecords, RecordRow } from '@relata/core';
import crm from '@relata/plugin-crm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAll, rejection, startHarness, type Harness } from '../../crm/tests/harness.ts';
import leadScoring, { DEFAULT_RULES, rescoreAll, type ScoreDetails } from '../src/index.ts';

describe('lead scoring', () => {
  let h: Harness;
  let records: PluginRecords;
  const ruleId = async (name: string) => (await listAll(records, 'scoringRule', { name: { eq: name } }))[0]!.id;
  const lead = async (id: string) => (await records.get('lead', id))!;
  const explained = (row: RecordRow) => (row.data.scoreDetails as ScoreDetails).rules.map((r) => [r.rule, r.points]);

  beforeAll(async () => {
    h = await startHarness([crm, leadScoring]);
    ({ records } = await h.workspace(['crm', 'lead-scoring']));
    await h.settle();
  });
  afterAll(async () => h?.close());

  it('installs after the CRM: the rule type, lead.scoreDetails and the default rules', async () => {
    const metadata = await records.metadata();
    expect(metadata.get('lead').fields.find((f) => f.apiName === 'scoreDetails')).toMatchObject({ type: 'JSON', source: 'lead-scoring' });
    expect(metadata.get('scoringRule').source).toBe('lead-scoring');
    const rules = await listAll(records, 'scoringRule');
    expect(rules.map((r) => r.data.name)).toEqual(DEFAULT_RULES.map((r) => r.name));

    // Without the CRM there is no lead to add a field to: the install fails and changes nothing.
    const alone = await h.engine.workspaces.create({ name: 'No CRM' });
    const { actor } = await h.engine.workspaces.authenticate(alone.apiKey);
    const error = await rejection(h.engine.plugins.install(actor, 'lead-scoring'));
    expect(error.fields?.map((f) => [f.field, f.code])).toEqual([['fields.lead', 'UNKNOWN_TYPE']]);
    expect((await h.engine.metadata.snapshot(actor.workspaceId)).find('scoringRule')).toBeUndefined();
  });

  it('scores a new lead by its fields and explains the score', async () => {
    const created = await records.create('lead', { firstName: 'Dana', email: 'dana@example.com', source: 'web', jobTitle: 'Sales Director' });
    await h.settle();
    const scored = await lead(created.id);
    expect(scored.data.score).toBe(45);
    expect(explained(scored)).toEqual([
      ['Has an email address', 10],
      ['Came through the web', 15],
      ['Director in the job title', 20],
    ]);
    expect((scored.data.scoreDetails as ScoreDetails).total).toBe(45);

    await records.update('lead', created.id, { jobTitle: 'Intern', phone: '+14155550199' });
    await h.settle();
    const changed = await lead(created.id);
    expect(changed.data.score).toBe(30);
    expect(explained(changed)).toEqual([
      ['Has an email address', 10],
      ['Has a phone number', 5],
      ['Came through the web', 15],
    ]);
    expect(h.problems).toEqual([]);
  });

  it('rescores when activities are linked, changed and removed, capped per rule', async () => {
    const l = await records.create('lead', { lastName: 'Calls', source: 'coldCall' });
    await h.settle();
    expect((await lead(l.id)).data.score).toBe(0);

    const calls: RecordRow[] = [];
    for (let i = 0; i < 6; i++) calls.push(await records.create('call', { subject: `Call ${i}` }));
    await records.createMany('activityTarget', calls.map((c) => ({ activity: c.id, target: l.id })));
    await h.settle();
    expect(explained(await lead(l.id))).toEqual([['Completed calls', 25]]);
    expect((await lead(l.id)).data.scoreDetails).toMatchObject({ rules: [{ matches: 6 }] });

    // A planned call does not count; changing a call's status rescores.
    await records.update('call', calls[0]!.id, { status: 'planned' });
    await records.update('call', calls[1]!.id, { status: 'noAnswer' });
    await records.delete('call', calls[2]!.id);
    await h.settle();
    expect((await lead(l.id)).data.scoreDetails).toMatchObject({ total: 15, rules: [{ rule: 'Completed calls', points: 15, matches: 3 }] });

    const meeting = await records.create('meeting', { subject: 'Demo', startAt: new Date(Date.now() - 5 * 86_400_000).toISOString() });
    const link = await records.create('activityTarget', { activity: meeting.id, target: l.id });
    await h.settle();
    expect((await lead(l.id)).data.score).toBe(40);
    await records.delete('activityTarget', link.id);
    await h.settle();
    expect((await lead(l.id)).data.score).toBe(15);
    // An old meeting is outside the 30 days.
    const old = await records.create('meeting', { subject: 'Long ago', startAt: '2020-01-01T10:00:00Z', status: 'completed' });
    await records.create('activityTarget', { activity: old.id, target: l.id });
    await h.settle();
    expect((await lead(l.id)).data.score).toBe(15);
    expect(h.problems).toEqual([]);
  });

  it('rescores every lead when a rule is made, changed or switched off', async () => {
    const leads = await records.createMany('lead', [
      { lastName: 'Rule A', email: 'a@rules.example', source: 'event' },
      { lastName: 'Rule B', source: 'partner' },
      { lastName: 'Rule C', email: 'c@rules.example', source: 'web' },
    ]);
    await h.settle();
    const scores = async () => {
      const byId = new Map((await records.getMany('lead', leads.map((l) => l.id))).map((r) => [r.id, r.data.score]));
      return leads.map((l) => byId.get(l.id));
    };
    expect(await scores()).toEqual([10, 0, 25]);

    const rule = await records.create('scoringRule', { name: 'Event people', field: 'source', operator: 'in', value: ['event', 'partner'], points: 7 });
    await h.settle();
    expect(await scores()).toEqual([17, 7, 25]);
    expect(explained(await lead(leads[0]!.id))).toEqual([
      ['Has an email address', 10],
      ['Event people', 7],
    ]);
    // Three quick edits of one rule: the leads end with the last.
    const email = await ruleId('Has an email address');
    await records.update('scoringRule', email, { points: 11 });
    await records.update('scoringRule', email, { points: 12 });
    await records.update('scoringRule', rule.id, { points: 8 });
    await h.settle();
    expect(await scores()).toEqual([20, 8, 27]);
    await records.update('scoringRule', rule.id, { active: false });
    await records.update('scoringRule', email, { points: 10 });
    await h.settle();
    expect(await scores()).toEqual([10, 0, 25]);
    expect(h.problems).toEqual([]);
  });

  it('rescores every lead page by page, and the handler then finds nothing left to do', async () => {
    await records.createMany('lead', Array.from({ length: 12 }, (_, i) => ({ lastName: `Paged ${i}`, email: `paged${i}@example.com` })));
    await h.settle();
    const withEmail = (await records.list('lead', { filter: { email: { isNull: false } }, first: 0, totalCount: true })).totalCount!;
    const email = await ruleId('Has an email address');
    // The rule changes; before its handler runs, rescore by hand in pages of 5.
    await records.update('scoringRule', email, { points: 13 });
    const asPlugin = h.engine.plugins.recordsAs(records.actor.workspaceId, 'lead-scoring');
    expect(await rescoreAll(asPlugin, { pageSize: 5 })).toBe(withEmail);
    const stale = await records.list('lead', { filter: { email: { isNull: false }, scoreDetails: { contains: { rules: [{ rule: 'Has an email address', points: 13 }] } } }, first: 0, totalCount: true });
    expect(stale.totalCount).toBe(withEmail);
    const versions = async () => (await listAll(records, 'lead', { lastName: { startsWith: 'Paged' } })).map((l) => l.version);
    const before = await versions();
    await h.settle();
    expect(await versions()).toEqual(before);
    await records.update('scoringRule', email, { points: 10 });
    await h.settle();
    expect((await listAll(records, 'lead', { lastName: { startsWith: 'Paged' } })).map((l) => l.data.score)).toEqual(Array(12).fill(10));
    expect(h.problems).toEqual([]);
  });

  it("does not loop: the handler's own writes rescore nothing, and a settled workspace stays put", async () => {
    const l = await records.create('lead', { email: 'loop@example.com', source: 'web' });
    await h.settle();
    const first = await lead(l.id);
    expect(first.data.score).toBe(25);
    expect(first.version).toBe(2);
    // Handling everything again finds nothing to do.
    await h.settle();
    await h.workers.drain();
    expect((await lead(l.id)).version).toBe(2);
    // A change no rule reads is not even rescored; one that changes nothing in the score writes nothing.
    await records.update('lead', l.id, { description: 'Met at the booth' });
    await records.update('lead', l.id, { firstName: 'Lou' });
    await h.settle();
    expect((await lead(l.id)).version).toBe(4);
    const history = await h.engine.events.history({ actor: records.actor, metadata: await records.metadata() }, 'lead', [l.id]);
    const kinds = history.get(l.id)!.edges.map((e) => [e.node.kind, e.node.actor?.id ?? null, e.node.changes.map((c) => c.field).join(',')]);
    expect(kinds.filter(([, actor]) => actor === 'lead-scoring')).toEqual([['UPDATED', 'lead-scoring', 'score,scoreDetails']]);
    expect(h.problems).toEqual([]);
  });

  it('checks rules as they are written', async () => {
    const error = await rejection(records.create('scoringRule', { name: 'Bad', field: 'nope', operator: 'in', value: 'web', points: 1 }));
    expect(error.fields?.map((f) => [f.field, f.code])).toEqual([
      ['input.field', 'UNKNOWN_FIELD'],
      ['input.value', 'INVALID_TYPE'],
    ]);
    const self = await rejection(records.create('scoringRule', { name: 'Self', field: 'score', operator: 'gt', value: 10, points: 1 }));
    expect(self.fields?.map((f) => [f.field, f.code])).toEqual([['input.field', 'NOT_ALLOWED']]);
    const activity = await rejection(records.create('scoringRule', { name: 'Act', kind: 'activity', withinDays: 0, points: 1, maxPoints: -1 }));
    expect(activity.fields?.map((f) => [f.field, f.code])).toEqual([
      ['input.activityType', 'REQUIRED'],
      ['input.withinDays', 'OUT_OF_RANGE'],
      ['input.maxPoints', 'OUT_OF_RANGE'],
    ]);
  });
});
