/**
 * Activities (tasks, calls, meetings, logged emails, notes) and what links them to
 * records. The engine's polymorphic relations are to-one only, so "an activity
 * linked to any number of records of any type" is a link record, `activityTarget`:
 * its `activity` names the task, call, meeting, email or note, its `target` the
 * company, person, lead, opportunity, case or campaign. `task.targets` (and the
 * other activities' `targets`) lists an activity's links; `company.activities`
 * (and every target type's `activities`) lists a record's. See docs/crm.md.
 */
import { defineRecordType, field } from '@relata/core/plugin';
import { DIRECTIONS, PRIORITIES } from '../choices.ts';

/** The activity types. */
export const ACTIVITY_TYPES = ['task', 'call', 'meeting', 'emailLog', 'note'] as const;
/** The record types an activity can be linked to. */
export const TARGET_TYPES = ['company', 'person', 'lead', 'opportunity', 'case', 'campaign'] as const;

export const task = defineRecordType({
  apiName: 'task',
  pluralApiName: 'tasks',
  label: 'Task',
  description: 'A to-do with a due date and a reminder, assigned to a member (who also owns it).',
  fields: {
    title: field.text({ required: true, searchable: true }),
    description: field.longText({ searchable: true }),
    dueAt: field.datetime({ indexed: true }),
    reminderAt: field.datetime({ indexed: true, description: 'When to remind the assignee.' }),
    status: field.select(
      [
        { value: 'notStarted', label: 'Not started' },
        { value: 'inProgress', label: 'In progress' },
        { value: 'waiting', label: 'Waiting on someone' },
        { value: 'completed', label: 'Completed' },
        { value: 'cancelled', label: 'Cancelled' },
      ],
      { required: true, default: 'notStarted', indexed: true },
    ),
    priority: field.select(PRIORITIES, { default: 'normal' }),
    assignee: field.text({
      indexed: true,
      description: 'The workspace member (their member id) who does the task. Kept equal to the task\'s ownerId: the assignee owns the task.',
    }),
    completedAt: field.datetime({ description: 'Set when the status becomes completed, cleared when it leaves it.' }),
  },
});

export const call = defineRecordType({
  apiName: 'call',
  pluralApiName: 'calls',
  label: 'Call',
  description: 'A phone call, made or planned.',
  fields: {
    subject: field.text({ required: true, searchable: true }),
    direction: field.select(DIRECTIONS, { default: 'outbound' }),
    status: field.select(
      [
        { value: 'planned', label: 'Planned' },
        { value: 'completed', label: 'Completed' },
        { value: 'noAnswer', label: 'No answer' },
        { value: 'cancelled', label: 'Cancelled' },
      ],
      { required: true, default: 'completed', indexed: true },
    ),
    calledAt: field.datetime({ indexed: true, description: 'When the call took place (or is planned); the time it was logged by default.' }),
    durationMinutes: field.integer(),
    phone: field.phone(),
    notes: field.longText({ searchable: true }),
  },
});

export const meeting = defineRecordType({
  apiName: 'meeting',
  pluralApiName: 'meetings',
  label: 'Meeting',
  description: 'A meeting, in person or online.',
  fields: {
    subject: field.text({ required: true, searchable: true }),
    startAt: field.datetime({ required: true, indexed: true }),
    endAt: field.datetime(),
    location: field.text(),
    status: field.select(
      [
        { value: 'planned', label: 'Planned' },
        { value: 'completed', label: 'Held' },
        { value: 'cancelled', label: 'Cancelled' },
      ],
      { required: true, default: 'planned', indexed: true },
    ),
    notes: field.longText({ searchable: true }),
  },
});

export const emailLog = defineRecordType({
  apiName: 'emailLog',
  pluralApiName: 'emailLogs',
  label: 'Email',
  description: 'An email sent or received, logged on the records it concerns.',
  fields: {
    subject: field.text({ required: true, searchable: true }),
    direction: field.select(DIRECTIONS, { default: 'outbound' }),
    fromAddress: field.email(),
    toAddresses: field.text({ description: 'Recipients, comma separated.' }),
    sentAt: field.datetime({ indexed: true, description: 'When it was sent; the time it was logged by default.' }),
    body: field.longText({ searchable: true }),
  },
});

export const note = defineRecordType({
  apiName: 'note',
  pluralApiName: 'notes',
  label: 'Note',
  description: 'A free-text note.',
  fields: {
    title: field.text({ searchable: true }),
    body: field.longText({ required: true, searchable: true }),
  },
});

export const activityTarget = defineRecordType({
  apiName: 'activityTarget',
  pluralApiName: 'activityTargets',
  label: 'Activity link',
  description: 'Links one activity to one record; deleting either deletes the link.',
  fields: {
    activity: field.relation(ACTIVITY_TYPES, { required: true, inverseApiName: 'targets', onDelete: 'CASCADE' }),
    target: field.relation(TARGET_TYPES, { required: true, inverseApiName: 'activities', onDelete: 'CASCADE' }),
  },
});
