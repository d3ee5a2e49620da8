/**
 * `@relata/plugin-lead-scoring`: rule-based lead scoring over the CRM plugin's
 * leads and activities (install `crm` first). Rules are `scoringRule` records;
 * the CRM's `lead.score` holds the score and the `lead.scoreDetails` this plugin
 * adds explains it rule by rule. docs/lead-scoring.md has the rules and events.
 */
import { definePlugin, field } from '@relata/core/plugin';
import type { ScoreDetails } from './evaluate.ts';
import { dailyRescoreJob, rescoreHandler } from './handler.ts';
import { DEFAULT_RULES, scoringRule, scoringRuleHooks } from './rules.ts';

export { matches, scoreLead, linkedActivity, ACTIVITY_DATE_FIELDS, type LinkedActivity, type ScoreDetails, type ScoreLine } from './evaluate.ts';
export { activeRules, rescoreAll, rescoreLeads } from './rescore.ts';
export { DEFAULT_RULES, OPERATORS, scoringRule, type Operator, type ScoringRule } from './rules.ts';

const leadScoring = definePlugin({
  name: 'lead-scoring',
  version: '0.1.0',
  description: 'Rule-based lead scoring: rules are records admins edit; each lead has its score explained rule by rule.',
  recordTypes: [scoringRule],
  fields: {
    lead: {
      scoreDetails: field.json<ScoreDetails>({ description: 'Why the lead has its score: { total, rules: [{ ruleId, rule, points, matches }] }. Kept by lead scoring.' }),
    },
  },
  hooks: { scoringRule: scoringRuleHooks },
  handlers: { rescore: rescoreHandler },
  jobs: { 'daily-rescore': dailyRescoreJob },
  migrations: [
    {
      name: 'default-rules',
      async up({ records }) {
        const existing = await records.list('scoringRule', { first: 1 });
        if (existing.edges.length === 0) await records.createMany('scoringRule', DEFAULT_RULES);
      },
    },
  ],
});

export default leadScoring;
