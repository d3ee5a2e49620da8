/**
 * Rescoring leads through PluginRecords: read the active rules, the leads, the
 * activities linked to them (the CRM's `activityTarget` links), score, and write
 * `score` and `scoreDetails` only where they changed, so a rescore that changes
 * nothing writes nothing (and so makes no event). Work goes by pages of leads: a
 * few statements per page, whatever the number of rules.
 */
import type { PluginRecords, RecordRow } from '@relata/core/plugin';
import { linkedActivity, scoreLead, type LinkedActivity, type ScoreDetails } from './evaluate.ts';
import type { ScoringRule } from './rules.ts';

const PAGE = 200;


/** The active rules, in the order they were made. */
export async function activeRules(records: PluginRecords): Promise<ScoringRule[]> {
  const rows = await records.listAll('scoringRule', { filter: { active: { eq: true } }, orderBy: [{ createdAt: 'ASC' }] });
  return rows.map((r) => ({ ...(r.data as Omit<ScoringRule, 'id'>), id: r.id }));
}

/** The activities linked to each of `leadIds`, of the types `rules` count. */
async function activitiesOf(records: PluginRecords, leadIds: readonly string[], rules: readonly ScoringRule[]): Promise<Map<string, LinkedActivity[]>> {
  const byLead = new Map<string, LinkedActivity[]>(leadIds.map((id) => [id, []]));
  const types = [...new Set(rules.filter((r) => r.kind === 'activity' && r.activityType).map((r) => r.activityType!))];
  if (types.length === 0 || leadIds.length === 0) return byLead;
  const links = await records.listAll('activityTarget', { filter: { targetId: { in: [...leadIds] } } });
  const ids = [...new Set(links.map((l) => String(l.data.activity)))];
  const activities = new Map<string, LinkedActivity>();
  for (let i = 0; i < ids.length; i += PAGE) {
    for (const row of await records.getMany(types, ids.slice(i, i + PAGE))) activities.set(row.id, linkedActivity(row));
  }
  for (const link of links) {
    const activity = activities.get(String(link.data.activity));
    const list = byLead.get(String(link.data.target));
    // A record linked twice counts once.
    if (activity && list && !list.some((a) => a.id === activity.id)) list.push(activity);
  }
  return byLead;
}

/** JSON with object keys sorted: jsonb does not keep key order, so stored and computed details differ in it. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function sameDetails(stored: unknown, computed: ScoreDetails): boolean {
  return canonical(stored) === canonical(computed);
}

/** Scores `leads` and writes the changed ones; returns how many changed. */
async function scorePage(records: PluginRecords, leads: readonly RecordRow[], rules: readonly ScoringRule[], now: Date): Promise<number> {
  const activities = await activitiesOf(records, leads.map((l) => l.id), rules);
  const updates = [];
  for (const lead of leads) {
    const details = scoreLead(lead.data, activities.get(lead.id) ?? [], rules, now);
    if (lead.data.score === details.total && sameDetails(lead.data.scoreDetails, details)) continue;
    updates.push({ id: lead.id, input: { score: details.total, scoreDetails: details } });
  }
  if (updates.length > 0) await records.updateMany('lead', updates);
  return updates.length;
}

/** Rescores the leads `leadIds` (missing and deleted ones are skipped). */
export async function rescoreLeads(records: PluginRecords, leadIds: readonly string[], now = new Date()): Promise<number> {
  const ids = [...new Set(leadIds)];
  if (ids.length === 0) return 0;
  const rules = await activeRules(records);
  let changed = 0;
  for (let i = 0; i < ids.length; i += PAGE) {
    const leads = await records.getMany('lead', ids.slice(i, i + PAGE));
    changed += await scorePage(records, leads, rules, now);
  }
  return changed;
}

/** Rescores every lead of the workspace, `pageSize` at a time (at most 200); returns how many changed. */
export async function rescoreAll(records: PluginRecords, options: { now?: Date; pageSize?: number } = {}): Promise<number> {
  const now = options.now ?? new Date();
  const first = Math.min(PAGE, Math.max(1, options.pageSize ?? PAGE));
  const rules = await activeRules(records);
  let changed = 0;
  let after: string | null = null;
  for (;;) {
    const page = await records.list('lead', { first, after });
    changed += await scorePage(records, page.edges.map((e) => e.node), rules, now);
    if (!page.pageInfo.hasNextPage) return changed;
    after = page.pageInfo.endCursor;
  }
}
