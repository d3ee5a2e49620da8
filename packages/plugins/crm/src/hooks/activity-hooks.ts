/**
 * Activity hooks: a task's assignee is its owner, completion times, logged times
 * default to now, meetings end after they start, and an activity is linked to a
 * record once.
 */
import type { HooksOf, InputOf } from '@relata/core/plugin';
import type { activityTarget, call, emailLog, meeting, task } from '../types/activities.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const taskHooks: HooksOf<typeof task> = {
  validate({ data, errors }) {
    if (typeof data.assignee === 'string' && !UUID.test(data.assignee)) errors.add('assignee', 'INVALID_FORMAT', 'must be the id of a workspace member');
  },

  /**
   * The assignee and the owner are one person: setting either sets the other (the
   * engine then checks the owner is a member of the workspace, and that the
   * actor's role may give the task to them). A new task without either is the
   * acting member's.
   */
  beforeChange({ operation, data, original, actor }) {
    const next: InputOf<typeof task> = { ...data };
    if (data.assignee !== undefined && data.ownerId === undefined) next.ownerId = data.assignee;
    else if (data.ownerId !== undefined && data.assignee === undefined) next.assignee = data.ownerId;
    else if (operation === 'create' && data.assignee === undefined && actor.kind === 'member') next.assignee = actor.id;
    if (next.assignee != null) next.assignee = next.assignee.toLowerCase();
    if (data.status !== undefined && data.status !== original?.data.status && data.completedAt === undefined) {
      if (data.status === 'completed') next.completedAt = new Date().toISOString();
      else if (original?.data.status === 'completed') next.completedAt = null;
    }
    return next;
  },
};

export const callHooks: HooksOf<typeof call> = {
  beforeValidate({ operation, data }) {
    if (operation === 'create' && data.calledAt === undefined) return { ...data, calledAt: new Date().toISOString() };
  },
};

export const emailLogHooks: HooksOf<typeof emailLog> = {
  beforeValidate({ operation, data }) {
    if (operation === 'create' && data.sentAt === undefined) return { ...data, sentAt: new Date().toISOString() };
  },
};

export const meetingHooks: HooksOf<typeof meeting> = {
  validate({ data, original, errors }) {
    const start = data.startAt !== undefined ? data.startAt : original?.data.startAt;
    const end = data.endAt !== undefined ? data.endAt : original?.data.endAt;
    if (typeof start === 'string' && typeof end === 'string' && Date.parse(end) < Date.parse(start)) {
      errors.add(data.endAt !== undefined ? 'endAt' : 'startAt', 'OUT_OF_RANGE', 'a meeting must end after it starts');
    }
  },
};

export const activityTargetHooks: HooksOf<typeof activityTarget> = {
  async validate({ data, original, errors, records }) {
    const activity = data.activity !== undefined ? data.activity : original?.data.activity;
    const target = data.target !== undefined ? data.target : original?.data.target;
    if (!activity || !target || !UUID.test(activity) || !UUID.test(target)) return;
    if (activity === original?.data.activity && target === original?.data.target) return;
    const same = await records.list('activityTarget', {
      filter: { activityId: { eq: activity.toLowerCase() }, targetId: { eq: target.toLowerCase() } },
      first: 1,
    });
    if (same.edges.length > 0) errors.add('target', 'DUPLICATE', 'this activity is already linked to this record');
  },
};
