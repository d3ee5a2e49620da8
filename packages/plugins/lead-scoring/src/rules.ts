/**
 * Scoring rules are records of the `scoringRule` type, so admins list and edit them
 * through the API like any record. Two kinds:
 * - `leadField`: `points` when the lead's `field` satisfies `operator` `value`
 *   (has an email; source equals web; jobTitle contains "director");
 * - `activity`: `points` for each activity of `activityType` linked to the lead
 *   (optionally only those whose status is `activityStatus`, only those of the last
 *   `withinDays` days), up to `maxPoints` (completed calls +5 each up to 25; a
 *   meeting in the last 30 days +25).
 * A hook checks each rule as it is written, so a stored rule always evaluates.
 */
import { defineRecordType, field, type HookErrors, type HooksOf, type InputOf, type RecordOf } from '@relata/core/plugin';

export const OPERATORS = ['isSet', 'isNotSet', 'equals', 'notEquals', 'contains', 'notContains', 'startsWith', 'in', 'gt', 'gte', 'lt', 'lte'] as const;
export type Operator = (typeof OPERATORS)[number];
/** Operators that take no value. */
const UNARY: readonly Operator[] = ['isSet', 'isNotSet'];
const NUMERIC: readonly Operator[] = ['gt', 'gte', 'lt', 'lte'];

/** The activity types of the CRM plugin a rule may count. */
export const ACTIVITY_TYPES = ['task', 'call', 'meeting', 'emailLog', 'note'] as const;
/** Lead fields a rule may not read: the score's own (a rule on them would feed on itself). */
export const OWN_FIELDS: readonly string[] = ['score', 'scoreDetails'];

export const scoringRule = defineRecordType({
  apiName: 'scoringRule',
  pluralApiName: 'scoringRules',
  label: 'Scoring rule',
  description: 'One rule of lead scoring: points for a lead field condition, or per linked activity. Every lead is rescored when a rule changes.',
  fields: {
    name: field.text({ required: true }),
    description: field.longText(),
    active: field.boolean({ required: true, default: true }),
    kind: field.select(
      [
        { value: 'leadField', label: 'Lead field' },
        { value: 'activity', label: 'Linked activities' },
      ],
      { required: true, default: 'leadField' },
    ),
    field: field.text({ description: 'leadField rules: the lead field apiName (email, source, jobTitle...).' }),
    operator: field.select(OPERATORS, { description: 'leadField rules: how the field is compared with value. Text compares ignore case.' }),
    value: field.json<unknown>({ description: 'leadField rules: the operand ("web", 1000, ["web", "event"] for in); none for isSet and isNotSet.' }),
    activityType: field.select(ACTIVITY_TYPES, { description: 'activity rules: which activities count.' }),
    activityStatus: field.text({ description: 'activity rules: only activities with this status (completed...).' }),
    withinDays: field.integer({ description: 'activity rules: only activities of the last N days (by their date; future ones count).' }),
    points: field.integer({ required: true, description: 'Points when a leadField rule matches, or per matching activity. May be negative.' }),
    maxPoints: field.integer({ description: 'activity rules: the most points the rule gives one lead.' }),
  },
});

export type ScoringRule = RecordOf<typeof scoringRule> & { id: string };

/** The rules every workspace starts with (a migration creates them; admins change them as records). */
export const DEFAULT_RULES: Array<InputOf<typeof scoringRule>> = [
  { name: 'Has an email address', kind: 'leadField', field: 'email', operator: 'isSet', points: 10 },
  { name: 'Has a phone number', kind: 'leadField', field: 'phone', operator: 'isSet', points: 5 },
  { name: 'Came through the web', kind: 'leadField', field: 'source', operator: 'equals', value: 'web', points: 15 },
  { name: 'Referred', kind: 'leadField', field: 'source', operator: 'equals', value: 'referral', points: 20 },
  { name: 'Director in the job title', kind: 'leadField', field: 'jobTitle', operator: 'contains', value: 'director', points: 20 },
  { name: 'Completed calls', kind: 'activity', activityType: 'call', activityStatus: 'completed', points: 5, maxPoints: 25 },
  { name: 'Meeting in the last 30 days', kind: 'activity', activityType: 'meeting', withinDays: 30, points: 25, maxPoints: 25 },
  { name: 'Emails exchanged', kind: 'activity', activityType: 'emailLog', points: 2, maxPoints: 10 },
];

/** The value a write leaves in `name`. */
function after<T>(data: Record<string, unknown>, original: { data: Record<string, unknown> } | null, name: string): T | null | undefined {
  return (data[name] !== undefined ? data[name] : original?.data[name]) as T | null | undefined;
}

function checkOperand(operator: Operator, value: unknown, errors: HookErrors): void {
  if (UNARY.includes(operator)) {
    if (value != null) errors.add('value', 'NOT_ALLOWED', `${operator} takes no value`);
    return;
  }
  if (value == null) return errors.add('value', 'REQUIRED', `${operator} needs a value`);
  if (operator === 'in') {
    if (!Array.isArray(value) || value.length === 0) errors.add('value', 'INVALID_TYPE', 'in needs a non-empty list');
    return;
  }
  if (NUMERIC.includes(operator) && typeof value !== 'number' && !(typeof value === 'string' && value.trim() !== '')) {
    errors.add('value', 'INVALID_TYPE', `${operator} needs a number (or a date or time as a string)`);
    return;
  }
  if (typeof value === 'object') errors.add('value', 'INVALID_TYPE', `${operator} needs a string, number or boolean`);
}

export const scoringRuleHooks: HooksOf<typeof scoringRule> = {
  async validate({ data, original, errors, records }) {
    const kind = after<string>(data, original, 'kind') ?? 'leadField';
    if (kind === 'leadField') {
      const name = after<string>(data, original, 'field');
      const operator = after<Operator>(data, original, 'operator');
      if (!name) errors.add('field', 'REQUIRED', 'a leadField rule names the lead field it reads');
      else if (OWN_FIELDS.includes(name)) errors.add('field', 'NOT_ALLOWED', `a rule cannot read the score itself (${name})`);
      else if (!(await records.metadata()).find('lead')?.fields.some((f) => f.apiName === name)) {
        errors.add('field', 'UNKNOWN_FIELD', `the lead type has no field "${name}"`);
      }
      if (!operator) errors.add('operator', 'REQUIRED', 'a leadField rule needs an operator');
      else checkOperand(operator, after(data, original, 'value'), errors);
    } else {
      if (!after(data, original, 'activityType')) errors.add('activityType', 'REQUIRED', 'an activity rule names the activity type it counts');
      const days = after<number>(data, original, 'withinDays');
      if (days != null && days < 1) errors.add('withinDays', 'OUT_OF_RANGE', 'must be at least 1');
    }
    const cap = after<number>(data, original, 'maxPoints');
    if (cap != null && cap < 0) errors.add('maxPoints', 'OUT_OF_RANGE', 'must not be negative');
  },
};
