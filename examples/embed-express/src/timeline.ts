/**
 * A customer's CRM timeline, read from Relata as the signed-in user: the notes,
 * calls, meetings, logged emails and tasks linked to the account's company
 * (through `activityTarget`, see docs/crm.md), newest first. Uses the records API
 * typed by the pre-generated CRM types, so every field below is checked.
 */
import { createClient } from '@relata/sdk';
import { recordTypes, type CallRecord, type CompanyRecord, type EmailLogRecord, type MeetingRecord, type NoteRecord, type TaskRecord } from '@relata/sdk/crm';

/** A client for the standard CRM, acting with `token`. */
export function createCrmClient(url: string, token: string) {
  return createClient({ url, token, recordTypes });
}

/** A client made by createCrmClient. */
export type CrmClient = ReturnType<typeof createCrmClient>;

/** The activity types on a timeline. */
export type ActivityKind = 'note' | 'call' | 'meeting' | 'emailLog' | 'task';

/** One entry of the timeline, ready to show. */
export interface TimelineItem {
  kind: ActivityKind;
  id: string;
  /** When it happened (ISO-8601): a call's calledAt, a meeting's startAt, an email's sentAt, a note's or task's createdAt. */
  at: string;
  title: string;
  /** Short facts: direction, status, duration, due date... */
  facts: string[];
  /** Free text: the note's body, the call's notes... */
  text: string | null;
}

/** A company and its newest activities. */
export interface Timeline {
  company: Pick<CompanyRecord, 'id' | 'name' | 'domain'>;
  items: TimelineItem[];
  /** Older activities exist than the ones in `items`. */
  more: boolean;
}

/** How many items a timeline shows. */
export const TIMELINE_LENGTH = 50;

const LABELS: Record<string, string> = {
  inbound: 'Inbound',
  outbound: 'Outbound',
  planned: 'Planned',
  completed: 'Completed',
  noAnswer: 'No answer',
  cancelled: 'Cancelled',
  notStarted: 'Not started',
  inProgress: 'In progress',
  waiting: 'Waiting',
  low: 'Low priority',
  normal: 'Normal priority',
  high: 'High priority',
  urgent: 'Urgent',
};

function label(value: string | null | undefined): string[] {
  return value ? [LABELS[value] ?? value] : [];
}

function note(r: NoteRecord): TimelineItem {
  return { kind: 'note', id: r.id, at: r.createdAt, title: r.title ?? 'Note', facts: [], text: r.body };
}

function call(r: CallRecord): TimelineItem {
  const facts = [...label(r.direction), ...label(r.status), ...(r.durationMinutes != null ? [`${r.durationMinutes} min`] : [])];
  return { kind: 'call', id: r.id, at: r.calledAt ?? r.createdAt, title: r.subject, facts, text: r.notes ?? null };
}

function meeting(r: MeetingRecord): TimelineItem {
  // A held meeting's status value is `completed` (label "Held").
  const status = r.status === 'completed' ? ['Held'] : label(r.status);
  return { kind: 'meeting', id: r.id, at: r.startAt, title: r.subject, facts: [...status, ...(r.location ? [r.location] : [])], text: r.notes ?? null };
}

function emailLog(r: EmailLogRecord): TimelineItem {
  const route = r.fromAddress || r.toAddresses ? [`${r.fromAddress ?? '?'} → ${r.toAddresses ?? '?'}`] : [];
  return { kind: 'emailLog', id: r.id, at: r.sentAt ?? r.createdAt, title: r.subject, facts: [...label(r.direction), ...route], text: r.body ?? null };
}

function task(r: TaskRecord): TimelineItem {
  const due = r.dueAt ? [`due ${r.dueAt.slice(0, 10)}`] : [];
  return { kind: 'task', id: r.id, at: r.createdAt, title: r.title, facts: [...label(r.status), ...label(r.priority), ...due], text: r.description ?? null };
}

/**
 * The timeline of `companyId`, or null when the company does not exist for the
 * client's credential. Five list requests run side by side, each asking for the
 * newest TIMELINE_LENGTH activities of its type linked to the company; the
 * merged list keeps the newest TIMELINE_LENGTH.
 */
export async function loadTimeline(client: CrmClient, companyId: string, signal?: AbortSignal): Promise<Timeline | null> {
  const request = signal ? { signal } : {};
  const linked = { targets: { some: { targetId: { eq: companyId } } } };
  const first = TIMELINE_LENGTH;
  const [company, notes, calls, meetings, emails, tasks] = await Promise.all([
    client.records('company').get(companyId, request),
    client.records('note').list({ filter: linked, orderBy: [{ createdAt: 'DESC' }], first }, request),
    client.records('call').list({ filter: linked, orderBy: [{ calledAt: 'DESC' }, { createdAt: 'DESC' }], first }, request),
    client.records('meeting').list({ filter: linked, orderBy: [{ startAt: 'DESC' }], first }, request),
    client.records('emailLog').list({ filter: linked, orderBy: [{ sentAt: 'DESC' }, { createdAt: 'DESC' }], first }, request),
    client.records('task').list({ filter: linked, orderBy: [{ createdAt: 'DESC' }], first }, request),
  ]);
  if (!company) return null;
  const items = [...notes.records.map(note), ...calls.records.map(call), ...meetings.records.map(meeting), ...emails.records.map(emailLog), ...tasks.records.map(task)];
  // ISO-8601 in UTC (how Relata returns datetimes) sorts as text; ties by id keep the order stable.
  items.sort((a, b) => (a.at === b.at ? b.id.localeCompare(a.id) : b.at.localeCompare(a.at)));
  const more = items.length > first || [notes, calls, meetings, emails, tasks].some((page) => page.pageInfo.hasNextPage);
  return { company: { id: company.id, name: company.name, domain: company.domain }, items: items.slice(0, first), more };
}
