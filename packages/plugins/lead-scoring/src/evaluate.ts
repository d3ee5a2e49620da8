/**
 * Scoring, as a pure function: a lead's field values and linked activities in,
 * its score and the explanation (`lead.scoreDetails`) out. No clock inside but
 * `now`, no database, so it is the same on every run and tested without one.
 */
import type { Operator, ScoringRule } from './rules.ts';

/** One rule's share of a score. */
export interface ScoreLine {
  ruleId: string;
  rule: string;
  points: number;
  /** activity rules: how many activities matched. */
  matches?: number;
}

/** `lead.scoreDetails`: the rules that gave points, in rule order; `total` is `lead.score`. */
export interface ScoreDetails {
  total: number;
  rules: ScoreLine[];
}

/** An activity linked to a lead, as scoring reads it. */
export interface LinkedActivity {
  id: string;
  type: string;
  status?: string;
  /** When it happened (or is planned): an ISO instant. */
  at: string;
}

/** The date field that says when an activity of each type happens. */
export const ACTIVITY_DATE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  call: ['calledAt'],
  meeting: ['startAt'],
  emailLog: ['sentAt'],
  task: ['completedAt', 'dueAt'],
  note: [],
};

/** An activity record as scoring reads it (its date: its type's date field, else its creation). */
export function linkedActivity(row: { id: string; type: string; createdAt: Date; data: Record<string, unknown> }): LinkedActivity {
  const dated = (ACTIVITY_DATE_FIELDS[row.type] ?? []).map((f) => row.data[f]).find((v) => typeof v === 'string') as string | undefined;
  const status = row.data.status;
  return { id: row.id, type: row.type, at: dated ?? row.createdAt.toISOString(), ...(typeof status === 'string' && { status }) };
}

function isSet(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/** A value's comparable form: money as its amount, text lower case. */
function comparable(value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value) && 'amount' in value) return Number((value as { amount: string }).amount);
  return typeof value === 'string' ? value.toLowerCase() : value;
}

function equal(a: unknown, b: unknown): boolean {
  const [x, y] = [comparable(a), comparable(b)];
  if (typeof x === 'number' && typeof y === 'string' && y.trim() !== '') return x === Number(y);
  return x === y;
}

function order(a: unknown, b: unknown): number | null {
  const [x, y] = [comparable(a), comparable(b)];
  if (typeof x === 'number') {
    const n = typeof y === 'number' ? y : Number(y);
    return Number.isNaN(n) ? null : x - n;
  }
  // Dates, times and other text compare as text (ISO forms sort in time order).
  if (typeof x === 'string' && (typeof y === 'string' || typeof y === 'number')) return x < String(y) ? -1 : x > String(y) ? 1 : 0;
  return null;
}

/** Whether `value` (a lead field's) satisfies `operator` `operand`. A missing value matches only isNotSet and notEquals/notContains. */
export function matches(value: unknown, operator: Operator, operand: unknown): boolean {
  const text = (v: unknown) => String(comparable(v));
  switch (operator) {
    case 'isSet':
      return isSet(value);
    case 'isNotSet':
      return !isSet(value);
    case 'equals':
      return Array.isArray(value) ? value.some((v) => equal(v, operand)) : isSet(value) && equal(value, operand);
    case 'notEquals':
      return !matches(value, 'equals', operand);
    case 'contains':
      if (Array.isArray(value)) return value.some((v) => equal(v, operand));
      return typeof value === 'string' && text(value).includes(text(operand));
    case 'notContains':
      return !matches(value, 'contains', operand);
    case 'startsWith':
      return typeof value === 'string' && text(value).startsWith(text(operand));
    case 'in':
      return Array.isArray(operand) && isSet(value) && operand.some((o) => (Array.isArray(value) ? value.some((v) => equal(v, o)) : equal(value, o)));
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      if (!isSet(value)) return false;
      const d = order(value, operand);
      if (d === null) return false;
      return operator === 'gt' ? d > 0 : operator === 'gte' ? d >= 0 : operator === 'lt' ? d < 0 : d <= 0;
    }
  }
}

/** How many of `activities` an activity rule counts. */
function countActivities(rule: ScoringRule, activities: readonly LinkedActivity[], now: Date): number {
  const since = rule.withinDays != null ? now.getTime() - rule.withinDays * 86_400_000 : null;
  return activities.filter(
    (a) =>
      a.type === rule.activityType &&
      (rule.activityStatus == null || (a.status ?? '').toLowerCase() === rule.activityStatus.toLowerCase()) &&
      (since === null || Date.parse(a.at) >= since),
  ).length;
}

/** Scores one lead by `rules` (active ones, in order). */
export function scoreLead(lead: Record<string, unknown>, activities: readonly LinkedActivity[], rules: readonly ScoringRule[], now: Date): ScoreDetails {
  const lines: ScoreLine[] = [];
  for (const rule of rules) {
    if (!rule.active) continue;
    if (rule.kind === 'activity') {
      const count = countActivities(rule, activities, now);
      if (count === 0) continue;
      let points = count * rule.points;
      if (rule.maxPoints != null && Math.abs(points) > rule.maxPoints) points = Math.sign(points) * rule.maxPoints;
      lines.push({ ruleId: rule.id, rule: rule.name, points, matches: count });
    } else if (rule.field && rule.operator && matches(lead[rule.field], rule.operator, rule.value)) {
      lines.push({ ruleId: rule.id, rule: rule.name, points: rule.points });
    }
  }
  return { total: lines.reduce((sum, l) => sum + l.points, 0), rules: lines };
}
