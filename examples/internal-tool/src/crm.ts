/**
 * What the page reads and writes, through the browser SDK's records API typed
 * with the standard CRM's pre-generated types (`@relata/sdk/crm`): pipelines
 * and their stages, a pipeline's open opportunities with their companies, the
 * overdue tasks, and moving an opportunity to another stage.
 */
import { createClient } from '@relata/sdk';
import { recordTypes, type OpportunityFilter, type OpportunityRecord, type TaskFilter } from '@relata/sdk/crm';
import type { Money } from './money.ts';

/** A client for the page: the records API typed with the CRM's record types. */
export function createCrmClient(options: { url: string; token: string }) {
  return createClient({ url: options.url, token: options.token, recordTypes });
}

/** What createCrmClient returns. */
export type CrmClient = ReturnType<typeof createCrmClient>;

/** One stage of a pipeline (`pipeline.stages`, see docs/crm.md). */
export interface Stage {
  value: string;
  label: string;
  probability: number;
  outcome: 'open' | 'won' | 'lost';
}

/** A pipeline with its stages in order. */
export interface Pipeline {
  id: string;
  name: string;
  isDefault: boolean;
  stages: Stage[];
}

/** An open opportunity as a card shows it. */
export interface Deal {
  id: string;
  /** The version read: moving the card sends it as `expectedVersion`. */
  version: number;
  name: string;
  stage: string;
  amount: Money | null;
  companyName: string | null;
}

/** A task that is late. */
export interface OverdueTask {
  id: string;
  title: string;
  dueAt: Date;
  status: string;
  priority: string | null;
}

// The records API's largest page: one request per 200 records.
const PAGE_SIZE = 200;

const OUTCOMES = new Set(['open', 'won', 'lost']);

/** Reads `pipeline.stages` (JSON) into stages, skipping any entry that is not one. */
export function parseStages(value: unknown): Stage[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown): Stage[] => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { value: stage, label, probability, outcome } = entry as Record<string, unknown>;
    if (typeof stage !== 'string') return [];
    return [
      {
        value: stage,
        label: typeof label === 'string' && label ? label : stage,
        probability: typeof probability === 'number' ? probability : 0,
        outcome: typeof outcome === 'string' && OUTCOMES.has(outcome) ? (outcome as Stage['outcome']) : 'open',
      },
    ];
  });
}

/** Every pipeline, by name. */
export async function loadPipelines(client: CrmClient): Promise<Pipeline[]> {
  const pipelines: Pipeline[] = [];
  for await (const pipeline of client.records('pipeline').iterate({ orderBy: [{ name: 'ASC' }], pageSize: PAGE_SIZE })) {
    pipelines.push({ id: pipeline.id, name: pipeline.name, isDefault: pipeline.isDefault === true, stages: parseStages(pipeline.stages) });
  }
  return pipelines;
}

/** The names of the companies with these ids (one request per 200). */
async function loadCompanyNames(client: CrmClient, ids: readonly string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (let start = 0; start < ids.length; start += PAGE_SIZE) {
    const chunk = ids.slice(start, start + PAGE_SIZE);
    const page = await client.records('company').list({ filter: { id: { in: chunk } }, first: PAGE_SIZE });
    for (const company of page.records) names.set(company.id, company.name);
  }
  return names;
}

/** The pipeline's open opportunities, largest amount first, with their companies' names. */
export async function loadOpenDeals(client: CrmClient, pipelineId: string): Promise<Deal[]> {
  const opportunities: OpportunityRecord[] = [];
  const filter: OpportunityFilter = { pipelineId: { eq: pipelineId }, outcome: { eq: 'open' } };
  for await (const opportunity of client.records('opportunity').iterate({ filter, orderBy: [{ amount: 'DESC_NULLS_LAST' }, { name: 'ASC' }], pageSize: PAGE_SIZE })) {
    opportunities.push(opportunity);
  }
  const companyIds = [...new Set(opportunities.flatMap((o) => (o.company ? [o.company.id] : [])))];
  const companies = await loadCompanyNames(client, companyIds);
  return opportunities.map((o) => ({
    id: o.id,
    version: o.version,
    name: o.name,
    stage: o.stage ?? '',
    amount: o.amount,
    companyName: o.company ? (companies.get(o.company.id) ?? null) : null,
  }));
}

/** Midnight at the start of `now`'s day, in the browser's time zone: a task due before it is overdue. */
export function startOfLocalDay(now: Date): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate());
}

/** Tasks due before `startOfToday` and not done (neither completed nor cancelled), oldest first. */
export async function loadOverdueTasks(client: CrmClient, startOfToday: Date): Promise<OverdueTask[]> {
  const tasks: OverdueTask[] = [];
  const filter: TaskFilter = { dueAt: { lt: startOfToday.toISOString() }, status: { notIn: ['completed', 'cancelled'] } };
  for await (const task of client.records('task').iterate({ filter, orderBy: [{ dueAt: 'ASC' }, { title: 'ASC' }], pageSize: PAGE_SIZE })) {
    if (!task.dueAt) continue;
    tasks.push({ id: task.id, title: task.title, dueAt: new Date(task.dueAt), status: task.status, priority: task.priority ?? null });
  }
  return tasks;
}

/**
 * Moves an opportunity to `stage`, only if nobody changed it since the page read
 * it (`expectedVersion`; otherwise a ConflictError). Returns the opportunity as
 * saved: the CRM's hooks set its probability and outcome from the stage.
 */
export async function moveDeal(client: CrmClient, deal: Deal, stage: string): Promise<{ version: number; stage: string; outcome: string }> {
  const saved = await client.records('opportunity').update(deal.id, { stage }, { expectedVersion: deal.version });
  return { version: saved.version, stage: saved.stage ?? stage, outcome: saved.outcome };
}
