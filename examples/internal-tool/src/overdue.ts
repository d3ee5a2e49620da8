/**
 * The overdue tasks list: tasks due before today and not done, oldest first,
 * each with its due date, how many days late it is, its status and priority.
 */
import type { OverdueTask } from './crm.ts';
import { h } from './dom.ts';

const STATUS_LABELS: Record<string, string> = {
  notStarted: 'Not started',
  inProgress: 'In progress',
  waiting: 'Waiting on someone',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole local days from `dueAt`'s day to `startOfToday` (a task due yesterday is 1 day late). */
export function daysLate(dueAt: Date, startOfToday: Date): number {
  const dueDay = new Date(dueAt.getFullYear(), dueAt.getMonth(), dueAt.getDate());
  return Math.round((startOfToday.getTime() - dueDay.getTime()) / DAY_MS);
}

function item(task: OverdueTask, startOfToday: Date): HTMLElement {
  const late = daysLate(task.dueAt, startOfToday);
  const due = new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric' }).format(task.dueAt);
  return h(
    'li',
    { class: `task priority-${task.priority ?? 'normal'}`, 'data-testid': 'overdue-task', 'data-id': task.id },
    h('span', { class: 'task-title' }, task.title),
    h(
      'span',
      { class: 'task-meta' },
      h('time', { datetime: task.dueAt.toISOString() }, `Due ${due}`),
      h('span', { class: 'task-late' }, `${late} ${late === 1 ? 'day' : 'days'} late`),
      h('span', { class: 'task-status' }, STATUS_LABELS[task.status] ?? task.status),
      task.priority && task.priority !== 'normal' ? h('span', { class: 'task-priority' }, task.priority) : null,
    ),
  );
}

/** Draws the overdue tasks into `list` (a `<ul>`), or says there are none. */
export function renderOverdue(list: HTMLElement, tasks: readonly OverdueTask[], startOfToday: Date): void {
  list.replaceChildren(...(tasks.length ? tasks.map((task) => item(task, startOfToday)) : [h('li', { class: 'empty' }, 'Nothing overdue.')]));
}
