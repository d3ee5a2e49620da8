/**
 * Demo data for the board, written with the SDK's records API (Node): six
 * companies, opportunities across the default "Sales" pipeline (open, won, lost
 * and one deleted) and a second "Renewals" pipeline, and tasks that are overdue,
 * done, due today, due later or undated. Dates are relative to `now` and to the
 * start of today, so "overdue" means the same thing to the seed and to the page.
 *
 * `SEEDED_*` state what the page must show for this data: the end-to-end test
 * checks the board against them.
 */
import type { CrmClient } from '../crm.ts';
import type { Money } from '../money.ts';

/** A "Renewals" pipeline: the board shows one pipeline at a time. */
export const RENEWALS_STAGES = [
  { value: 'upForRenewal', label: 'Up for renewal', probability: 50, outcome: 'open' },
  { value: 'renewing', label: 'Renewing', probability: 80, outcome: 'open' },
  { value: 'renewed', label: 'Renewed', probability: 100, outcome: 'won' },
  { value: 'churned', label: 'Churned', probability: 0, outcome: 'lost' },
] as const;

const COMPANIES = [
  { name: 'Acme Corp', domain: 'acme.example', industry: 'Manufacturing' },
  { name: 'Globex', domain: 'globex.example', industry: 'Energy' },
  { name: 'Initech', domain: 'initech.example', industry: 'Software' },
  { name: 'Umbrella Health', domain: 'umbrella.example', industry: 'Healthcare' },
  { name: 'Stark Industries', domain: 'stark.example', industry: 'Defense' },
  { name: 'Wayne Enterprises', domain: 'wayne.example', industry: 'Conglomerate' },
] as const;

type CompanyName = (typeof COMPANIES)[number]['name'];

interface SeedOpportunity {
  name: string;
  company: CompanyName;
  pipeline: 'Sales' | 'Renewals';
  stage: string;
  amount?: Money;
  /** Soft-deleted after creation: the board must not show it. */
  deleted?: boolean;
}

const eur = (amount: string): Money => ({ amount, currency: 'EUR' });

const OPPORTUNITIES: readonly SeedOpportunity[] = [
  { name: 'Website relaunch', company: 'Acme Corp', pipeline: 'Sales', stage: 'prospecting', amount: eur('12000.00') },
  { name: 'Data platform', company: 'Globex', pipeline: 'Sales', stage: 'prospecting', amount: eur('48500.00') },
  { name: 'Support contract', company: 'Initech', pipeline: 'Sales', stage: 'qualification', amount: eur('7250.50') },
  { name: 'Lab automation', company: 'Umbrella Health', pipeline: 'Sales', stage: 'proposal', amount: eur('95000.00') },
  { name: 'Armor CRM rollout', company: 'Stark Industries', pipeline: 'Sales', stage: 'proposal', amount: { amount: '30000.00', currency: 'USD' } },
  { name: 'Security audit', company: 'Wayne Enterprises', pipeline: 'Sales', stage: 'negotiation', amount: eur('22000.00') },
  { name: 'Sales training', company: 'Acme Corp', pipeline: 'Sales', stage: 'negotiation' },
  { name: 'Pilot project', company: 'Globex', pipeline: 'Sales', stage: 'closedWon', amount: eur('5000.00') },
  { name: 'Printer fleet', company: 'Initech', pipeline: 'Sales', stage: 'closedLost', amount: eur('1200.00') },
  { name: 'Old intranet', company: 'Wayne Enterprises', pipeline: 'Sales', stage: 'prospecting', amount: eur('3000.00'), deleted: true },
  { name: 'Umbrella renewal 2027', company: 'Umbrella Health', pipeline: 'Renewals', stage: 'upForRenewal', amount: eur('18000.00') },
  { name: 'Acme renewal', company: 'Acme Corp', pipeline: 'Renewals', stage: 'renewing', amount: eur('9999.99') },
];

/** What the "Sales" board shows for the seed: each column's cards (by name), count and total. */
export const SEEDED_SALES_BOARD = [
  { stage: 'prospecting', cards: ['Data platform', 'Website relaunch'], count: '2 deals', total: '€60,500.00' },
  { stage: 'qualification', cards: ['Support contract'], count: '1 deal', total: '€7,250.50' },
  { stage: 'needsAnalysis', cards: [], count: '0 deals', total: '–' },
  { stage: 'proposal', cards: ['Lab automation', 'Armor CRM rollout'], count: '2 deals', total: '€95,000.00 + $30,000.00' },
  { stage: 'negotiation', cards: ['Security audit', 'Sales training'], count: '2 deals', total: '€22,000.00' },
  { stage: 'closedWon', cards: [] },
  { stage: 'closedLost', cards: [] },
] as const;

type Status = 'notStarted' | 'inProgress' | 'waiting' | 'completed' | 'cancelled';
type Priority = 'low' | 'normal' | 'high' | 'urgent';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** The tasks, with their due time from `now` and the start of today. */
function tasks(now: Date, startOfToday: Date): Array<{ title: string; dueAt: Date | null; status: Status; priority: Priority; deleted?: boolean }> {
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const fromToday = (ms: number) => new Date(startOfToday.getTime() + ms);
  return [
    // Overdue: due before today, not done.
    { title: 'Prepare the Umbrella lab demo', dueAt: ago(10 * DAY), status: 'waiting', priority: 'urgent' },
    { title: 'Send Globex the revised proposal', dueAt: ago(3 * DAY), status: 'notStarted', priority: 'high' },
    { title: 'Call Initech about the support contract', dueAt: fromToday(-60_000), status: 'inProgress', priority: 'normal' },
    // Not overdue: done, deleted, due today or later, or undated.
    { title: 'Book the Acme workshop room', dueAt: ago(2 * DAY), status: 'completed', priority: 'normal' },
    { title: "Chase Wayne's legal team", dueAt: ago(5 * DAY), status: 'cancelled', priority: 'low' },
    { title: 'Old follow-up', dueAt: ago(4 * DAY), status: 'notStarted', priority: 'normal', deleted: true },
    { title: 'Review the Stark discount', dueAt: fromToday(60_000), status: 'notStarted', priority: 'high' },
    { title: 'Renew the Umbrella contract', dueAt: new Date(now.getTime() + DAY), status: 'notStarted', priority: 'normal' },
    { title: 'Plan the Q3 campaign', dueAt: new Date(now.getTime() + 7 * DAY), status: 'inProgress', priority: 'low' },
    { title: 'Tidy up the pipeline', dueAt: null, status: 'notStarted', priority: 'low' },
  ];
}

/** The overdue list the page shows for the seed, oldest first. */
export const SEEDED_OVERDUE_TASKS = ['Prepare the Umbrella lab demo', 'Send Globex the revised proposal', 'Call Initech about the support contract'] as const;

/** What seedDemoData made. */
export interface SeededData {
  /** Pipeline ids by name. */
  pipelines: { Sales: string; Renewals: string };
  /** Opportunity ids by name. */
  opportunities: Map<string, string>;
  /** Task ids by title. */
  tasks: Map<string, string>;
}

/** Writes the demo data into the workspace `client`'s token acts in (it needs the CRM plugin installed). */
export async function seedDemoData(client: CrmClient, options: { now?: Date; startOfToday?: Date } = {}): Promise<SeededData> {
  const now = options.now ?? new Date();
  const startOfToday = options.startOfToday ?? new Date(now.getFullYear(), now.getMonth(), now.getDate());

  const pipelines = client.records('pipeline');
  const sales = (await pipelines.list({ filter: { name: { eq: 'Sales' } }, first: 1 })).records[0];
  if (!sales) throw new Error('The workspace has no "Sales" pipeline: is the CRM plugin installed?');
  // upsert: seeding a workspace again keeps one "Renewals" pipeline.
  const renewals = await pipelines.upsert({ name: 'Renewals' }, { name: 'Renewals', stages: RENEWALS_STAGES.map((s) => ({ ...s })) });
  const pipelineIds = { Sales: sales.id, Renewals: renewals.id };

  const companies = await client.records('company').createMany(COMPANIES.map((c) => ({ ...c })));
  const companyIds = new Map(companies.map((c) => [c.name, c.id]));

  const created = await client.records('opportunity').createMany(
    OPPORTUNITIES.map((o) => ({
      name: o.name,
      stage: o.stage,
      pipelineId: pipelineIds[o.pipeline],
      companyId: companyIds.get(o.company),
      ...(o.amount ? { amount: o.amount } : {}),
    })),
  );
  const opportunities = new Map(created.map((o) => [o.name, o.id]));
  for (const o of OPPORTUNITIES.filter((o) => o.deleted)) await client.records('opportunity').delete(opportunities.get(o.name) ?? '');

  const seededTasks = tasks(now, startOfToday);
  const createdTasks = await client.records('task').createMany(
    seededTasks.map((t) => ({ title: t.title, status: t.status, priority: t.priority, dueAt: t.dueAt?.toISOString() ?? null })),
  );
  const taskIds = new Map(createdTasks.map((t) => [t.title, t.id]));
  for (const t of seededTasks.filter((t) => t.deleted)) await client.records('task').delete(taskIds.get(t.title) ?? '');

  return { pipelines: pipelineIds, opportunities, tasks: taskIds };
}
