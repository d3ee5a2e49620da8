/**
 * Events as handlers get them (`PluginEvent`): made from a row of the change log
 * with the workspace's metadata, every field included (a plugin acts as a system
 * actor), values in their stored forms; written to the dead-letter list as JSON
 * and read back from it for a retry.
 */
import { encodeEventCursor } from '../events/event-cursor.ts';
import { eventImage, parseActor, storedChanges, visibleChanges, type RawEvent } from '../events/event-view.ts';
import type { WorkspaceMetadata } from '../metadata/workspace-metadata.ts';
import { toRecordRow } from '../records/record-row.ts';
import type { HandlerDefinition, PluginEvent } from './define.ts';
import type { PluginRecords } from './plugin-records.ts';

/** The event `raw` as a handler gets it; null when its record type no longer exists. */
export function toPluginEvent(raw: RawEvent, metadata: WorkspaceMetadata): PluginEvent | null {
  const type = raw.object_type_id ? metadata.findById(raw.object_type_id) : undefined;
  if (!type || !raw.record_id) return null;
  return {
    cursor: encodeEventCursor(raw),
    kind: raw.kind,
    type: type.apiName,
    recordId: raw.record_id,
    workspaceId: raw.workspace_id,
    actor: parseActor(raw.actor),
    at: raw.at,
    changes: visibleChanges(type, storedChanges(raw)),
    record: toRecordRow(type, eventImage(raw)),
  };
}

/** A PluginEvent read back from its JSON (dead letters): its times as Dates again. */
export function pluginEventFromJson(json: unknown): PluginEvent {
  const event = json as PluginEvent & { at: string; record: PluginEvent['record'] & { createdAt: string; updatedAt: string; deletedAt: string | null } };
  const date = (value: string | Date | null) => (value == null ? null : new Date(value));
  return {
    ...event,
    at: date(event.at)!,
    record: { ...event.record, createdAt: date(event.record.createdAt)!, updatedAt: date(event.record.updatedAt)!, deletedAt: date(event.record.deletedAt) },
  };
}

/** Calls `handler` on `event`, acting through `records` (the plugin's, in the event's workspace). */
export async function callHandler(handler: HandlerDefinition, event: PluginEvent, records: PluginRecords): Promise<void> {
  await handler.handle(event, { workspaceId: event.workspaceId, records });
}

/** What is kept of a handler's or job's failure: its message, at most 4,000 characters. */
export function describeFailure(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.length > 4000 ? `${text.slice(0, 3999)}…` : text;
}
