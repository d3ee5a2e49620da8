/**
 * What makes leads be rescored, from the change log (the `rescore` handler):
 * - a lead created or restored, or updated on a field an active rule reads (its
 *   own score and scoreDetails are fields no rule may read, so the handler's own
 *   write never comes back to it: no loop);
 * - a link between an activity and a lead made, changed, removed or restored
 *   (deleting an activity deletes its links, so that is covered too);
 * - an activity changed (its status or date) that is linked to leads, when a rule
 *   counts its type;
 * - any change of a scoring rule: every lead of the workspace, page by page (once
 *   for several quick edits of one rule: only its latest change's event does it).
 * The `daily-rescore` job rescores every lead once a day when a rule counts only
 * recent activities (their points expire without any event).
 */
import type { HandlerDefinition, JobDefinition, PluginEvent, PluginRecords } from '@relata/core/plugin';
import { activeRules, rescoreAll, rescoreLeads } from './rescore.ts';
import { ACTIVITY_TYPES, OWN_FIELDS } from './rules.ts';

const ids = (values: unknown[]) => values.filter((v): v is string => typeof v === 'string');

/** The leads among `recordIds` (ids of any type). */
async function leadsAmong(records: PluginRecords, recordIds: string[]): Promise<string[]> {
  if (recordIds.length === 0) return [];
  return (await records.getMany('lead', recordIds)).map((l) => l.id);
}

async function onLead(event: PluginEvent, records: PluginRecords): Promise<void> {
  if (event.kind === 'DELETED' || event.kind === 'DESTROYED') return;
  if (event.kind === 'UPDATED') {
    const changed = event.changes.map((c) => c.field).filter((f) => !OWN_FIELDS.includes(f));
    if (changed.length === 0) return;
    const read = new Set((await activeRules(records)).filter((r) => r.kind === 'leadField').map((r) => r.field));
    if (!changed.some((f) => read.has(f))) return;
  }
  await rescoreLeads(records, [event.recordId]);
}

async function onLink(event: PluginEvent, records: PluginRecords): Promise<void> {
  const change = event.changes.find((c) => c.field === 'target');
  const targets = ids([event.record.data.target, change?.old, change?.new]);
  await rescoreLeads(records, await leadsAmong(records, [...new Set(targets)]));
}

async function onActivity(event: PluginEvent, records: PluginRecords): Promise<void> {
  if (event.kind !== 'UPDATED' && event.kind !== 'RESTORED') return;
  const counted = (await activeRules(records)).some((r) => r.kind === 'activity' && r.activityType === event.type);
  if (!counted) return;
  const links = await records.list('activityTarget', { filter: { activityId: { eq: event.recordId } }, first: 200 });
  const targets = ids(links.edges.map((e) => e.node.data.target));
  await rescoreLeads(records, await leadsAmong(records, targets));
}

/** Every lead, unless a later change of the same rule is still to come (its own event rescores then). */
async function onRule(event: PluginEvent, records: PluginRecords): Promise<void> {
  if (event.kind !== 'DESTROYED') {
    const now = await records.list('scoringRule', { filter: { id: { eq: event.recordId } }, includeDeleted: true, first: 1 });
    const current = now.edges[0]?.node;
    if (current && current.version > event.record.version) return;
  }
  await rescoreAll(records);
}

export const rescoreHandler: HandlerDefinition = {
  types: ['lead', 'activityTarget', 'scoringRule', ...ACTIVITY_TYPES],
  async handle(event, { records }) {
    if (event.type === 'scoringRule') await onRule(event, records);
    else if (event.type === 'lead') await onLead(event, records);
    else if (event.type === 'activityTarget') await onLink(event, records);
    else await onActivity(event, records);
  },
};

export const dailyRescoreJob: JobDefinition = {
  schedule: '17 3 * * *',
  async run({ records }) {
    if ((await activeRules(records)).some((r) => r.kind === 'activity' && r.withinDays != null)) await rescoreAll(records);
  },
};
