/**
 * Events as an actor may see them: only events of records they may read (as of
 * the event: a record they owned then), with the values of fields hidden from
 * them left out, in the API's forms (field values as the record API returns them).
 */
import { ownerOf, policyOf, visibleType, type AccessScope } from '../access/policy.ts';
import { fieldType } from '../fields/index.ts';
import type { ObjectTypeMeta } from '../metadata/workspace-metadata.ts';
import { toRecordRow, type RawRecord, type RecordRow } from '../records/record-row.ts';
import { encodeEventCursor } from './event-cursor.ts';

/** The kinds of record events. */
export const EVENT_KINDS = ['CREATED', 'UPDATED', 'DELETED', 'RESTORED', 'DESTROYED'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** A row of `record_event` as the log reads it. */
export interface RawEvent {
  seq: string;
  txid: string;
  workspace_id: string;
  subject: string;
  kind: EventKind;
  object_type_id: string | null;
  record_id: string | null;
  actor: string | null;
  changes: Record<string, StoredChange>;
  record: Record<string, unknown> | null;
  at: Date;
}

/**
 * The columns a RawEvent is read from. `seq` and `txid` come out as text (exact
 * 64-bit values): order by the table's columns (`"record_event"."seq"`), never by
 * these names, which would sort as text.
 */
export const EVENT_COLUMNS =
  '"seq"::text AS "seq", "txid"::text AS "txid", "workspace_id", "subject", "kind", "object_type_id", "record_id", "actor", "changes", "record", "at"';

/** A change as stored: a value's old and new stored forms, or the ids a to-many relation gained or lost. */
export interface StoredChange {
  old?: unknown;
  new?: unknown;
  added?: string[];
  removed?: string[];
}

/** One field's change as the API shows it. */
export interface FieldChange {
  field: string;
  old: unknown;
  new: unknown;
  added: string[] | null;
  removed: string[] | null;
}

/** Who made a change. */
export interface EventActor {
  kind: 'member' | 'apiKey' | 'system';
  id: string;
}

/** A record event as an actor may see it. */
export interface RecordEvent {
  cursor: string;
  kind: EventKind;
  /** The record type's apiName. */
  type: string;
  recordId: string;
  actor: EventActor | null;
  changes: FieldChange[];
  changedFields: string[];
  at: Date;
  /** The record as of the event (before it, for DESTROYED), without hidden fields. */
  record: RecordRow;
}

/** `member:<id>` as an actor. */
export function parseActor(tag: string | null): EventActor | null {
  const at = tag?.indexOf(':') ?? -1;
  if (!tag || at < 0) return null;
  const kind = tag.slice(0, at);
  return kind === 'member' || kind === 'apiKey' || kind === 'system' ? { kind, id: tag.slice(at + 1) } : null;
}

/** The record an event carries (as of the event), as a raw record row. */
export function eventImage(raw: RawEvent): RawRecord {
  const r = raw.record ?? {};
  const date = (v: unknown) => (v == null ? null : new Date(String(v)));
  return {
    id: String(r.id ?? raw.record_id),
    data: (r.data ?? {}) as Record<string, unknown>,
    owner_id: (r.owner_id as string | null) ?? null,
    version: Number(r.version ?? 0),
    created_at: date(r.created_at)!,
    updated_at: date(r.updated_at)!,
    deleted_at: date(r.deleted_at),
  };
}

/** A creation's changes: every value of the new record, from nothing (the log does not store them twice). */
export function creationChanges(data: Record<string, unknown>): Record<string, StoredChange> {
  return Object.fromEntries(Object.entries(data).map(([field, value]) => [field, { old: null, new: value }]));
}

/** The stored changes of `raw`: for a creation, the record's values. */
export function storedChanges(raw: RawEvent): Record<string, StoredChange> {
  return raw.kind === 'CREATED' ? creationChanges((raw.record?.data ?? {}) as Record<string, unknown>) : raw.changes;
}

/** The changes of `raw` on the fields of `type` (a visible type: hidden fields are not in it), in output form. */
export function visibleChanges(type: ObjectTypeMeta, changes: Record<string, StoredChange>, only?: ReadonlySet<string>): FieldChange[] {
  const out: FieldChange[] = [];
  const output = (field: ObjectTypeMeta['fields'][number], value: unknown) => {
    if (value === undefined || value === null) return null;
    const toOutput = fieldType(field.type).toOutput;
    return toOutput ? toOutput(value, field) : value;
  };
  for (const [name, change] of Object.entries(changes)) {
    if (only && !only.has(name)) continue;
    if (name === 'ownerId') {
      out.push({ field: name, old: change.old ?? null, new: change.new ?? null, added: null, removed: null });
      continue;
    }
    const field = type.fields.find((f) => f.apiName === name);
    if (!field) continue;
    out.push({
      field: name,
      old: output(field, change.old),
      new: output(field, change.new),
      added: change.added ?? null,
      removed: change.removed ?? null,
    });
  }
  return out.sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
}

/**
 * `raw` as the actor of `scope` may see it, or null: events of other subjects, of
 * types they may not read, of records they could not read as of the event (`own`:
 * not theirs then), and updates that changed only fields hidden from them.
 */
export function visibleEvent(scope: AccessScope, raw: RawEvent): RecordEvent | null {
  if (raw.subject !== 'record' || !raw.object_type_id || !raw.record_id) return null;
  const full = scope.metadata.findById(raw.object_type_id);
  const type = full && visibleType(scope, full);
  if (!type) return null;
  const image = eventImage(raw);
  const access = policyOf(scope).access(type.id, 'read');
  if (access === 'none' || (access === 'own' && (image.owner_id === null || image.owner_id !== ownerOf(scope.actor)))) return null;
  const changes = visibleChanges(type, storedChanges(raw));
  if (raw.kind === 'UPDATED' && changes.length === 0) return null;
  return {
    cursor: encodeEventCursor(raw),
    kind: raw.kind,
    type: type.apiName,
    recordId: raw.record_id,
    actor: parseActor(raw.actor),
    changes,
    changedFields: changes.map((c) => c.field),
    at: raw.at,
    record: toRecordRow(type, image),
  };
}
