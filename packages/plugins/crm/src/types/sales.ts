/** Leads, pipelines and opportunities. */
import { defineRecordType, field } from '@relata/core/plugin';
import { LEAD_SOURCES, LEAD_STATUSES, OUTCOMES } from '../choices.ts';

export const lead = defineRecordType({
  apiName: 'lead',
  pluralApiName: 'leads',
  label: 'Lead',
  description:
    'Someone you think you can sell to, not yet a customer. Its owner (the system ownerId / owner) is the member responsible for it. ' +
    'Converting it (convertLead) makes a person, a company and an opportunity.',
  fields: {
    firstName: field.text({ indexed: true, searchable: true }),
    lastName: field.text({ indexed: true, searchable: true }),
    email: field.email({ indexed: true, searchable: true }),
    phone: field.phone({ searchable: true }),
    jobTitle: field.text({ searchable: true }),
    companyName: field.text({ indexed: true, searchable: true, description: 'The company the lead works for, as told (a company record is made on conversion).' }),
    website: field.url(),
    industry: field.text(),
    source: field.select(LEAD_SOURCES, { indexed: true, description: 'The channel the lead came from.' }),
    status: field.select(LEAD_STATUSES, { required: true, default: 'new', indexed: true }),
    score: field.integer({ default: 0, indexed: true, description: 'How promising the lead is; written by a scoring plugin when one is installed.' }),
    description: field.longText(),
    campaign: field.relation('campaign', { inverseApiName: 'leads', description: 'The campaign that brought the lead.' }),
    convertedAt: field.datetime({ description: 'When the lead was converted.' }),
    convertedPerson: field.relation('person', { inverseApiName: 'convertedLeads', description: 'The person the lead became.' }),
    convertedCompany: field.relation('company', { inverseApiName: 'convertedLeads', description: 'The company the lead was linked to on conversion.' }),
    convertedOpportunity: field.relation('opportunity', { inverseApiName: 'convertedLeads', description: 'The opportunity made on conversion.' }),
  },
});

/** One stage of a pipeline, as `pipeline.stages` holds it. */
export interface PipelineStage {
  /** The value `opportunity.stage` holds: camelCase, unique in the pipeline. */
  value: string;
  label: string;
  /** Win probability in percent (0 to 100): an opportunity's default `probability` in this stage. */
  probability: number;
  /** `won` and `lost` stages close the opportunity. */
  outcome: (typeof OUTCOMES)[number];
}

export const pipeline = defineRecordType({
  apiName: 'pipeline',
  pluralApiName: 'pipelines',
  label: 'Pipeline',
  description: 'A sales process: the ordered stages an opportunity goes through, each with its win probability.',
  fields: {
    name: field.text({ required: true, unique: true }),
    isDefault: field.boolean({ default: false, description: 'New opportunities without a pipeline go into the default one (one pipeline at most).' }),
    stages: field.json<PipelineStage[]>({
      required: true,
      description: 'The stages in order: [{ value, label, probability (0-100), outcome (open, won or lost) }].',
    }),
    description: field.longText(),
  },
});

export const opportunity = defineRecordType({
  apiName: 'opportunity',
  pluralApiName: 'opportunities',
  label: 'Opportunity',
  description: 'A possible sale, followed stage by stage through a pipeline to won or lost.',
  fields: {
    name: field.text({ required: true, indexed: true, searchable: true }),
    amount: field.currency({ indexed: true }),
    stage: field.text({ indexed: true, description: "The value of one of its pipeline's stages; the pipeline's first stage by default." }),
    probability: field.integer({ description: 'Win probability in percent; follows the stage unless given in the same write.' }),
    outcome: field.select(OUTCOMES, { required: true, default: 'open', indexed: true, description: 'open, won or lost: derived from the stage.' }),
    closeDate: field.date({ indexed: true, description: 'Expected close date; set to the day it closes when it is won or lost without one given.' }),
    source: field.select(LEAD_SOURCES, { indexed: true }),
    nextStep: field.text(),
    description: field.longText(),
    pipeline: field.relation('pipeline', { inverseApiName: 'opportunities', onDelete: 'RESTRICT' }),
    company: field.relation('company', { inverseApiName: 'opportunities' }),
    contacts: field.relation('person', { kind: 'MANY_TO_MANY', inverseApiName: 'opportunities' }),
    campaign: field.relation('campaign', { inverseApiName: 'opportunities', description: 'The campaign the sale is attributed to.' }),
  },
});
