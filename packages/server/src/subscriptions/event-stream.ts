/**
 * The events of one subscription, as an async iterator: with `after`, first the
 * events after that cursor read from the log, then the live ones from the
 * process's hub, with no gap and no duplicate at the seam; each one the actor may
 * see (event-view.ts), of the asked types and kinds, and matching the filter.
 *
 * The seam: the subscription registers with the hub first (buffering what the
 * hub delivers), at the hub's position H. The log is then read from the cursor up
 * to H; every event after H comes from the hub, in order. Events are compared by
 * position, so one the client has already seen is never sent again.
 */
import {
  eventImage,
  policyOf,
  visibleEvent,
  type Engine,
  type EventKind,
  type EventPosition,
  type RawEvent,
  type RecordEvent,
  type RecordFilter,
  type RecordScope,
} from '@relata/core';
import { comparePositions, type EventHub } from './event-hub.ts';

/** Events read from the log per statement while replaying. */
const REPLAY_BATCH = 500;
/** Events waiting for a slow consumer before its subscription is ended (it resumes from its last cursor). */
export const MAX_PENDING_EVENTS = 10_000;

/** What a subscription asks for. */
export interface StreamRequest {
  engine: Engine;
  hub: EventHub;
  scope: RecordScope;
  /** Record type ids; every type the actor may read when null. */
  typeIds: readonly string[] | null;
  kinds: readonly EventKind[] | null;
  /** Only records of this type matching this filter (as of each event). */
  filter?: { typeName: string; filter: RecordFilter } | null;
  /** A cursor of an event the client has seen: replay everything after it. */
  after?: string | null;
}

const positionOf = (raw: RawEvent): EventPosition => ({ txid: raw.txid, seq: raw.seq });

/**
 * Events as each audience sees them, computed once per event and audience: the
 * hub hands every subscription of a workspace the same event objects, and
 * subscribers with the same roles (and, for `own` rules, the same member) see the
 * same thing. Sharing the objects also lets their GraphQL results be shared
 * (ws-server.ts).
 */
const seenBy = new WeakMap<RawEvent, Map<string, RecordEvent | null>>();

function sharedVisibleEvent(scope: RecordScope, raw: RawEvent): RecordEvent | null {
  // Who sees an event the same way: the same roles, and for records readable only when
  // owned, the same member.
  const policy = policyOf(scope);
  const own = raw.object_type_id !== null && policy.access(raw.object_type_id, 'read') === 'own';
  const audience = own ? `${policy.schemaKey}|${scope.actor.kind}:${scope.actor.id}` : policy.schemaKey;
  let byAudience = seenBy.get(raw);
  if (!byAudience) seenBy.set(raw, (byAudience = new Map()));
  if (!byAudience.has(audience)) byAudience.set(audience, visibleEvent(scope, raw));
  return byAudience.get(audience)!;
}

/** Filter matches per delivered batch (the hub's array) and filter, shared by the subscriptions asking the same. */
const matchesOf = new WeakMap<readonly RawEvent[], Map<string, Promise<Set<string>>>>();

/** The subscription's events; `return()` ends it. Errors (a bad cursor) surface from the first `next()`. */
export function eventStream(request: StreamRequest): AsyncIterableIterator<RecordEvent> {
  const { engine, hub, scope, typeIds, kinds, filter } = request;
  const workspaceId = scope.metadata.workspaceId;
  const types = typeIds ? new Set(typeIds) : null;
  const kindSet = kinds ? new Set(kinds) : null;

  const queue: RecordEvent[] = [];
  let wakeConsumer: (() => void) | undefined;
  let failure: unknown;
  let ended = false;
  let last: EventPosition | undefined;
  let replaying = true;
  const buffered: RawEvent[][] = [];
  let processing: Promise<void> = Promise.resolve();

  /** Turns raw events into the subscriber's, in order; `last` passes every one, shown or not. */
  async function process(events: readonly RawEvent[]): Promise<void> {
    const batch = events;
    const fresh = events.filter((e) => !last || comparePositions(positionOf(e), last) > 0);
    if (fresh.length === 0) return;
    last = positionOf(fresh[fresh.length - 1]!);
    const wanted = fresh.filter((e) => (!types || (e.object_type_id !== null && types.has(e.object_type_id))) && (!kindSet || kindSet.has(e.kind)));
    const visible = wanted.flatMap((raw) => {
      const event = sharedVisibleEvent(scope, raw);
      return event ? [{ raw, event }] : [];
    });
    let shown = visible;
    if (filter && visible.length > 0) {
      // Subscriptions with the same filter and audience share one statement per batch.
      const key = `${filter.typeName}|${JSON.stringify(filter.filter)}|${kinds?.join(",") ?? ""}|${policyOf(scope).schemaKey}|${scope.actor.id}|${fresh.length}`;
      let byFilter = matchesOf.get(batch);
      if (!byFilter) matchesOf.set(batch, (byFilter = new Map()));
      let matching = byFilter.get(key);
      if (!matching) {
        matching = engine.records.matchFilter(scope, filter.typeName, filter.filter, visible.map((v) => eventImage(v.raw)));
        byFilter.set(key, matching);
      }
      const matched = await matching;
      shown = visible.filter((v) => matched.has(v.event.recordId));
    }
    for (const { event } of shown) queue.push(event);
    if (queue.length > MAX_PENDING_EVENTS) fail(new Error(`More than ${MAX_PENDING_EVENTS} events wait for this subscriber: resubscribe with after set to the last cursor received`));
    wakeConsumer?.();
  }

  function fail(error: unknown) {
    failure ??= error;
    wakeConsumer?.();
  }

  const registration = hub.register({
    workspaceId,
    deliver(events) {
      if (ended) return;
      if (replaying) buffered.push([...events]);
      else processing = processing.then(() => process(events)).catch(fail);
    },
  });

  // Replay up to the hub's position, then hand over to the hub.
  processing = (async () => {
    const seam = registration.position;
    if (request.after != null) {
      last = await engine.events.checkCursor(workspaceId, request.after);
      for (;;) {
        const rows = await engine.events.replay(workspaceId, last, { typeIds: typeIds ?? undefined, kinds: kinds ?? undefined }, REPLAY_BATCH);
        const upToSeam = rows.filter((e) => comparePositions(positionOf(e), seam) <= 0);
        await process(upToSeam);
        if (upToSeam.length > 0) last = positionOf(upToSeam[upToSeam.length - 1]!);
        if (upToSeam.length < rows.length || rows.length < REPLAY_BATCH) break;
      }
      if (comparePositions(last, seam) < 0) last = seam;
    } else {
      last = seam;
    }
    replaying = false;
    for (const events of buffered.splice(0)) await process(events);
  })().catch(fail);

  const finish = () => {
    ended = true;
    registration.unregister();
    wakeConsumer?.();
  };

  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<RecordEvent>> {
      for (;;) {
        if (failure) {
          finish();
          throw failure;
        }
        if (queue.length > 0) return { value: queue.shift()!, done: false };
        if (ended) return { value: undefined, done: true };
        await new Promise<void>((resolve) => {
          wakeConsumer = resolve;
        });
        wakeConsumer = undefined;
      }
    },
    async return(): Promise<IteratorResult<RecordEvent>> {
      finish();
      return { value: undefined, done: true };
    },
    async throw(error: unknown): Promise<IteratorResult<RecordEvent>> {
      finish();
      throw error;
    },
  };
}
