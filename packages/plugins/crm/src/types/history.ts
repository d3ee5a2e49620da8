/**
 * Time in stage: one `stagePeriod` per stretch of time a record spent in one value
 * of a tracked field (opportunity.stage, lead.status, case.status), written from the
 * change log by the `stage-periods` handler. The record is named by type and id
 * (text), not by a relation: a period outlives its record and never blocks a write.
 */
import { defineRecordType, field } from '@relata/core/plugin';

/** The fields whose values are timed, by record type. */
export const TRACKED_FIELDS: Readonly<Record<string, string>> = { opportunity: 'stage', lead: 'status', case: 'status' };

export const stagePeriod = defineRecordType({
  apiName: 'stagePeriod',
  pluralApiName: 'stagePeriods',
  label: 'Time in stage',
  description: 'A stretch of time a record spent in one stage or status. Written by the CRM from the change log.',
  fields: {
    recordType: field.text({ required: true, indexed: true, description: 'opportunity, lead or case.' }),
    recordId: field.text({ required: true, indexed: true }),
    field: field.text({ required: true, indexed: true, description: 'stage or status.' }),
    value: field.text({ indexed: true, description: 'The stage or status; empty while the field had no value.' }),
    enteredAt: field.datetime({ required: true, indexed: true }),
    leftAt: field.datetime({ indexed: true, description: 'Empty while the record is still in it.' }),
    durationSeconds: field.integer({ description: 'leftAt - enteredAt, in whole seconds, once left.' }),
    openedBy: field.text({ unique: true, description: 'The change event that opened the period (makes the handler idempotent).' }),
  },
});
