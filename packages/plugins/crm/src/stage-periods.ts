/**
 * The `stage-periods` handler: turns changes of opportunity.stage, lead.status and
 * case.status in the change log into `stagePeriod` records, so reports can read
 * the time spent in each value (time in status new, resolution time, days in
 * negotiation) without replaying the log.
 *
 * Each change closes the record's open period for the field (leftAt, duration) and
 * opens one for the new value, at the event's time (the transaction's), in one
 * transaction. Handlers run at least once: the period an event opens carries its
 * cursor (`openedBy`, unique), so an event handled before is recognised and a
 * repeat writes nothing.
 */
import type { HandlerDefinition, PluginEvent, PluginRecords } from '@relata/core/plugin';
import { TRACKED_FIELDS } from './types/history.ts';

const PAGE = 200;

/** The change of the tracked field in `event`, or null. */
export function trackedChange(event: PluginEvent): { field: string; value: unknown } | null {
  const field = TRACKED_FIELDS[event.type];
  if (!field) return null;
  const change = event.changes.find((c) => c.field === field);
  if (!change || (event.kind === 'UPDATED' && change.old === change.new)) return null;
  if (event.kind === 'CREATED' && (change.new === null || change.new === undefined)) return null;
  return { field, value: change.new };
}

/** Closes the periods of `recordId`'s `field` still open that began before `at`. */
async function closeOpen(records: PluginRecords, event: PluginEvent, field: string, at: Date): Promise<void> {
  const filter = {
    recordId: { eq: event.recordId },
    field: { eq: field },
    leftAt: { isNull: true },
    enteredAt: { lte: at.toISOString() },
  };
  for (;;) {
    const open = await records.list('stagePeriod', { filter, first: PAGE });
    if (open.edges.length === 0) return;
    await records.updateMany(
      'stagePeriod',
      open.edges.map(({ node }) => {
        const entered = Date.parse(String(node.data.enteredAt));
        return { id: node.id, input: { leftAt: at.toISOString(), durationSeconds: Math.max(0, Math.round((at.getTime() - entered) / 1000)) } };
      }),
    );
    if (!open.pageInfo.hasNextPage) return;
  }
}

export async function recordStagePeriod(event: PluginEvent, records: PluginRecords): Promise<void> {
  const change = trackedChange(event);
  if (!change) return;
  const at = event.at;
  const value = change.value === null || change.value === undefined ? null : String(change.value);
  await records.transaction(async (tx) => {
    // Handled before (the period it opens exists): a repeat changes nothing.
    const done = await tx.list('stagePeriod', { filter: { openedBy: { eq: event.cursor } }, first: 1 });
    if (done.edges.length > 0) return;
    await closeOpen(tx, event, change.field, at);
    await tx.create('stagePeriod', {
      recordType: event.type,
      recordId: event.recordId,
      field: change.field,
      value,
      enteredAt: at.toISOString(),
      openedBy: event.cursor,
    });
  });
}

export const stagePeriodsHandler: HandlerDefinition = {
  types: Object.keys(TRACKED_FIELDS),
  kinds: ['CREATED', 'UPDATED'],
  handle: (event, ctx) => recordStagePeriod(event, ctx.records),
};
