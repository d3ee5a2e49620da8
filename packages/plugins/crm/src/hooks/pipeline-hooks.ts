/**
 * Pipelines and opportunity stages.
 *
 * A pipeline's stages are a JSON list checked and normalised by hooks (labels and
 * outcomes filled in). An opportunity goes into the default pipeline and its first
 * stage unless the write says otherwise; its stage must be one of its pipeline's;
 * its probability follows the stage unless the same write gives one; its outcome
 * (open, won, lost) always follows the stage, and when it becomes won or lost its
 * close date becomes that day unless the same write gives one.
 */
import type { HookErrors, HooksOf, InputOf, PluginRecords, RecordRow } from '@relata/core/plugin';
import { OUTCOMES } from '../choices.ts';
import type { opportunity, pipeline, PipelineStage } from '../types/sales.ts';

const STAGE_VALUE = /^[a-z][A-Za-z0-9]*$/;

/** The default pipeline (`isDefault`), else the oldest, or null when there is none. */
export async function defaultPipeline(records: PluginRecords): Promise<RecordRow | null> {
  const marked = await records.list('pipeline', { filter: { isDefault: { eq: true } }, orderBy: [{ createdAt: 'ASC' }], first: 1 });
  if (marked.edges[0]) return marked.edges[0].node;
  const oldest = await records.list('pipeline', { orderBy: [{ createdAt: 'ASC' }], first: 1 });
  return oldest.edges[0]?.node ?? null;
}

/** The stages of a pipeline record (normalised on write, so trusted here). */
export function stagesOf(row: { data: Record<string, unknown> } | null | undefined): PipelineStage[] {
  const stages = row?.data.stages;
  return Array.isArray(stages) ? (stages as PipelineStage[]) : [];
}

/** Fills in labels and outcomes; leaves anything it cannot read for `checkStages`. */
function normaliseStages(stages: unknown): unknown {
  if (!Array.isArray(stages)) return stages;
  return stages.map((s: unknown) => {
    if (!s || typeof s !== 'object' || Array.isArray(s)) return s;
    const stage = s as Partial<PipelineStage>;
    return { ...stage, label: stage.label ?? stage.value, outcome: stage.outcome ?? 'open' };
  });
}

function checkStages(stages: unknown, errors: HookErrors): void {
  if (!Array.isArray(stages) || stages.length === 0) {
    errors.add('stages', 'INVALID_FORMAT', 'must be a non-empty list of stages');
    return;
  }
  const seen = new Set<string>();
  stages.forEach((s: unknown, i) => {
    const at = `stages.${i}`;
    if (!s || typeof s !== 'object' || Array.isArray(s)) return errors.add(at, 'INVALID_FORMAT', 'must be an object { value, label, probability, outcome }');
    const { value, label, probability, outcome, ...rest } = s as Record<string, unknown>;
    if (typeof value !== 'string' || !STAGE_VALUE.test(value)) errors.add(`${at}.value`, 'INVALID_FORMAT', 'must be camelCase, such as "proposal"');
    else if (seen.has(value)) errors.add(`${at}.value`, 'DUPLICATE', `"${value}" is already a stage of this pipeline`);
    else seen.add(value);
    if (typeof label !== 'string' || label.trim() === '') errors.add(`${at}.label`, 'INVALID_FORMAT', 'must be a non-empty string');
    if (typeof probability !== 'number' || !Number.isInteger(probability) || probability < 0 || probability > 100) {
      errors.add(`${at}.probability`, 'OUT_OF_RANGE', 'must be a whole number from 0 to 100');
    }
    if (!(OUTCOMES as readonly unknown[]).includes(outcome)) errors.add(`${at}.outcome`, 'INVALID_FORMAT', `must be one of ${OUTCOMES.join(', ')}`);
    for (const key of Object.keys(rest)) errors.add(`${at}.${key}`, 'UNKNOWN_KEY', 'is not a stage property');
  });
}

export const pipelineHooks: HooksOf<typeof pipeline> = {
  beforeValidate({ data }) {
    if (data.stages === undefined || data.stages === null) return;
    return { ...data, stages: normaliseStages(data.stages) as PipelineStage[] };
  },

  async validate({ data, original, errors, records }) {
    if (data.stages === undefined) return;
    checkStages(data.stages, errors);
    if (!original || !Array.isArray(data.stages)) return;
    // A stage that opportunities are in may not disappear.
    const kept = new Set(data.stages.map((s) => s?.value));
    const removed = stagesOf(original).map((s) => s.value).filter((v) => !kept.has(v));
    if (removed.length === 0) return;
    const inUse = await records.list('opportunity', { filter: { pipelineId: { eq: original.id }, stage: { in: removed } }, first: 1 });
    const used = inUse.edges[0]?.node.data.stage;
    if (used !== undefined) errors.add('stages', 'IN_USE', `stage "${String(used)}" is removed but opportunities are in it: move them first`);
  },

  async afterChange({ record, records }) {
    if (!record.data.isDefault) return;
    // One default pipeline: the last one marked wins.
    const others = await records.list('pipeline', { filter: { isDefault: { eq: true }, id: { neq: record.id } }, first: 200 });
    if (others.edges.length > 0) await records.updateMany('pipeline', others.edges.map((e) => ({ id: e.node.id, input: { isDefault: false } })));
  },
};

type OpportunityInput = InputOf<typeof opportunity>;

/** The pipeline an opportunity write leaves it in: the input's, else the stored one's. */
async function pipelineFor(records: PluginRecords, data: OpportunityInput, original: { data: { pipeline?: string } } | null): Promise<RecordRow | null> {
  const id = data.pipeline !== undefined ? data.pipeline : original?.data.pipeline;
  return id ? records.get('pipeline', id) : null;
}

export const opportunityHooks: HooksOf<typeof opportunity> = {
  async beforeValidate({ operation, data, records }) {
    if (operation !== 'create' || data.pipeline === null) return;
    const next = { ...data };
    const chosen = data.pipeline ? await records.get('pipeline', data.pipeline) : await defaultPipeline(records);
    // An unknown pipeline id is left for the engine to report.
    if (!chosen) return;
    if (next.pipeline === undefined) next.pipeline = chosen.id;
    if (next.stage === undefined) next.stage = stagesOf(chosen).find((s) => s.outcome === 'open')?.value ?? stagesOf(chosen)[0]?.value;
    return next;
  },

  async validate({ data, original, errors, records }) {
    if (data.probability != null && (data.probability < 0 || data.probability > 100)) errors.add('probability', 'OUT_OF_RANGE', 'must be from 0 to 100');
    if (data.stage === undefined && data.pipeline === undefined) return;
    const stage = data.stage !== undefined ? data.stage : original?.data.stage;
    if (stage == null) return;
    const chosen = await pipelineFor(records, data, original);
    if (!chosen) {
      if (data.pipeline == null) errors.add('stage', 'NO_PIPELINE', 'needs a pipeline: give pipeline, or create a pipeline first');
      return;
    }
    if (!stagesOf(chosen).some((s) => s.value === stage)) {
      const at = data.stage !== undefined ? 'stage' : 'pipeline';
      errors.add(at, 'NOT_A_STAGE', `"${stage}" is not a stage of pipeline "${String(chosen.data.name)}" (${stagesOf(chosen).map((s) => s.value).join(', ')})`);
    }
  },

  async beforeChange({ operation, data, original, records }) {
    const stageChanged = data.stage !== undefined && (operation === 'create' || data.stage !== original?.data.stage);
    if (!stageChanged && data.pipeline === undefined) return;
    const stage = data.stage !== undefined ? data.stage : original?.data.stage;
    const next: OpportunityInput = { ...data };
    const info = stage == null ? undefined : stagesOf(await pipelineFor(records, data, original)).find((s) => s.value === stage);
    if (stageChanged && next.probability === undefined) next.probability = info ? info.probability : null;
    const outcome = info?.outcome ?? 'open';
    next.outcome = outcome;
    if (outcome !== 'open' && original?.data.outcome !== outcome && next.closeDate === undefined) {
      next.closeDate = new Date().toISOString().slice(0, 10);
    }
    return next;
  },
};
