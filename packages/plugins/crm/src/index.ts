/**
 * `@relata/plugin-crm`: the standard CRM as a plugin. The default export is the
 * plugin (list it in a server's config); the record type definitions are named
 * exports, so other plugins can type hooks on them (`hooksFor(lead, {...})`).
 * What each type and field means is in docs/crm.md.
 */
import { definePlugin } from '@relata/core/plugin';
import { graphql } from './graphql.ts';
import { activityTargetHooks, callHooks, emailLogHooks, meetingHooks, taskHooks } from './hooks/activity-hooks.ts';
import { caseHooks } from './hooks/case-hooks.ts';
import { companyHooks, leadHooks, personHooks } from './hooks/contact-hooks.ts';
import { opportunityHooks, pipelineHooks } from './hooks/pipeline-hooks.ts';
import { migrations } from './migrations.ts';
import { stagePeriodsHandler } from './stage-periods.ts';
import { company, person } from './types/accounts.ts';
import { activityTarget, call, emailLog, meeting, note, task } from './types/activities.ts';
import { stagePeriod } from './types/history.ts';
import { campaign, campaignMember } from './types/marketing.ts';
import { lead, opportunity, pipeline } from './types/sales.ts';
import { supportCase } from './types/service.ts';

export { company, person } from './types/accounts.ts';
export { ACTIVITY_TYPES, TARGET_TYPES, activityTarget, call, emailLog, meeting, note, task } from './types/activities.ts';
export { TRACKED_FIELDS, stagePeriod } from './types/history.ts';
export { campaign, campaignMember } from './types/marketing.ts';
export { lead, opportunity, pipeline, type PipelineStage } from './types/sales.ts';
/** The `case` record type (`case` is a keyword in JavaScript, hence the name). */
export { supportCase } from './types/service.ts';
export { convertLead, type ConvertLeadInput, type ConvertLeadResult } from './conversion.ts';
export { DEFAULT_STAGES } from './migrations.ts';
export * from './choices.ts';

const crm = definePlugin({
  name: 'crm',
  version: '0.1.0',
  description: 'The standard CRM: companies, people, leads and their conversion, opportunities in pipelines, activities, cases, campaigns, time in stage.',
  recordTypes: [company, person, lead, pipeline, opportunity, task, call, meeting, emailLog, note, activityTarget, supportCase, campaign, campaignMember, stagePeriod],
  hooks: {
    company: companyHooks,
    person: personHooks,
    lead: leadHooks,
    pipeline: pipelineHooks,
    opportunity: opportunityHooks,
    task: taskHooks,
    call: callHooks,
    meeting: meetingHooks,
    emailLog: emailLogHooks,
    activityTarget: activityTargetHooks,
    case: caseHooks,
  },
  handlers: { 'stage-periods': stagePeriodsHandler },
  graphql,
  migrations,
});

export default crm;
