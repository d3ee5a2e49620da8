/** Service cases (tickets). */
import { defineRecordType, field } from '@relata/core/plugin';
import { CASE_CHANNELS, CASE_STATUSES, PRIORITIES } from '../choices.ts';

export const supportCase = defineRecordType({
  apiName: 'case',
  pluralApiName: 'cases',
  label: 'Case',
  description:
    'A service request (ticket). Its owner (the system ownerId / owner) is the member working on it. ' +
    'firstResponseAt, resolvedAt and escalationCount are kept by the CRM from status changes.',
  fields: {
    subject: field.text({ required: true, searchable: true }),
    description: field.longText({ searchable: true }),
    status: field.select(CASE_STATUSES, { required: true, default: 'new', indexed: true }),
    priority: field.select(PRIORITIES, { required: true, default: 'normal', indexed: true }),
    channel: field.select(CASE_CHANNELS, { indexed: true, description: 'How the case came in; portal: the self-service portal.' }),
    supportLine: field.select(
      [
        { value: 'firstLine', label: 'First line' },
        { value: 'secondLine', label: 'Second line' },
      ],
      { required: true, default: 'firstLine', indexed: true, description: 'Moves to secondLine when the case is escalated, unless given.' },
    ),
    company: field.relation('company', { inverseApiName: 'cases' }),
    person: field.relation('person', { inverseApiName: 'cases' }),
    escalationCount: field.integer({ default: 0, description: 'How many times the status became escalated. Kept by the CRM.' }),
    firstResponseAt: field.datetime({ indexed: true, description: 'When the status first left new. Kept by the CRM.' }),
    resolvedAt: field.datetime({ indexed: true, description: 'When the status became resolved or closed; cleared when reopened. Kept by the CRM.' }),
    closedByCustomer: field.boolean({ default: false, description: 'The customer closed it (self-service).' }),
    resolution: field.longText(),
  },
});
