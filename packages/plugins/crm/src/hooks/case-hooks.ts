/**
 * Case service times, kept in the same transaction as the status change that
 * causes them (beforeChange hooks), so they are exact and never lag the log:
 * - firstResponseAt: the first time the status leaves `new` (at creation, when a
 *   case is created in another status);
 * - resolvedAt: when the status becomes resolved or closed (a resolved case that is
 *   then closed keeps its time); cleared when it is reopened;
 * - escalationCount: +1 each time the status becomes escalated;
 * - supportLine: moves to secondLine on escalation unless the write gives one.
 * Clients may not write the three kept fields (READ_ONLY); the system actor may
 * (imports, migrations).
 */
import type { HooksOf, InputOf } from '@relata/core/plugin';
import { RESOLVED_CASE_STATUSES } from '../choices.ts';
import type { supportCase } from '../types/service.ts';

const KEPT = ['firstResponseAt', 'resolvedAt', 'escalationCount'] as const;

export const caseHooks: HooksOf<typeof supportCase> = {
  validate({ data, actor, errors }) {
    if (actor.kind === 'system') return;
    for (const name of KEPT) {
      if (data[name] !== undefined) errors.add(name, 'READ_ONLY', 'is kept by the CRM from status changes');
    }
  },

  beforeChange({ operation, data, original }) {
    const before = original?.data.status;
    // On create the default (new) may not be filled in yet.
    const after = data.status ?? before ?? 'new';
    if (operation === 'update' && (data.status === undefined || data.status === before)) return;
    const now = new Date().toISOString();
    const next: InputOf<typeof supportCase> = { ...data };
    if (after !== 'new' && !original?.data.firstResponseAt && next.firstResponseAt === undefined) next.firstResponseAt = now;
    const wasResolved = before !== undefined && RESOLVED_CASE_STATUSES.includes(before);
    const isResolved = after !== undefined && RESOLVED_CASE_STATUSES.includes(after);
    if (isResolved && !wasResolved && next.resolvedAt === undefined) next.resolvedAt = now;
    if (!isResolved && wasResolved && next.resolvedAt === undefined) next.resolvedAt = null;
    if (after === 'escalated' && before !== 'escalated') {
      if (next.escalationCount === undefined) next.escalationCount = (original?.data.escalationCount ?? 0) + 1;
      if (next.supportLine === undefined) next.supportLine = 'secondLine';
    }
    return next;
  },
};
