/** The CRM's data migrations: run once per workspace when it is installed. */
import type { PluginMigration } from '@relata/core/plugin';
import type { PipelineStage } from './types/sales.ts';

/** The stages of the pipeline every workspace starts with (admins edit them as records). */
export const DEFAULT_STAGES: PipelineStage[] = [
  { value: 'prospecting', label: 'Prospecting', probability: 10, outcome: 'open' },
  { value: 'qualification', label: 'Qualification', probability: 20, outcome: 'open' },
  { value: 'needsAnalysis', label: 'Needs analysis', probability: 40, outcome: 'open' },
  { value: 'proposal', label: 'Proposal', probability: 60, outcome: 'open' },
  { value: 'negotiation', label: 'Negotiation', probability: 80, outcome: 'open' },
  { value: 'closedWon', label: 'Closed won', probability: 100, outcome: 'won' },
  { value: 'closedLost', label: 'Closed lost', probability: 0, outcome: 'lost' },
];

export const migrations: PluginMigration[] = [
  {
    name: 'default-pipeline',
    async up({ records }) {
      const existing = await records.list('pipeline', { first: 1 });
      if (existing.edges.length > 0) return;
      await records.create('pipeline', { name: 'Sales', isDefault: true, stages: DEFAULT_STAGES });
    },
  },
];
