/**
 * One reader of the change log per server process, fanning events out to the
 * process's subscriptions. It reads every workspace's events after its position
 * (one statement per wake-up, whatever the number of subscribers), woken by the
 * triggers' NOTIFY at commit and by a timer, in case a notification is lost (a
 * dropped LISTEN connection) or comes from a database that does not send them.
 *
 * Several processes on one database each run a hub: an event committed through
 * one process reaches the subscribers of every other.
 */
import type { Engine, EventPosition, RawEvent } from '@relata/core';

/** Receives the events of one workspace, in log order. */
export interface HubListener {
  workspaceId: string;
  deliver(events: readonly RawEvent[]): void;
}

/** Options of the hub. */
export interface EventHubOptions {
  /** Milliseconds between reads when no notification comes. @default 1000 */
  pollMs?: number;
  /** Events read per statement. @default 500 */
  batch?: number;
  /** Where read errors go. @default console.error */
  onError?: (error: unknown) => void;
}

/** Compares two log positions: negative, zero or positive. */
export function comparePositions(a: EventPosition, b: EventPosition): number {
  const tx = BigInt(a.txid) - BigInt(b.txid);
  if (tx !== 0n) return tx < 0n ? -1 : 1;
  const seq = BigInt(a.seq) - BigInt(b.seq);
  return seq === 0n ? 0 : seq < 0n ? -1 : 1;
}

/** Creates a hub over `engine`; `start` it before registering listeners. */
export function createEventHub(engine: Engine, options: EventHubOptions = {}) {
  const batch = options.batch ?? 500;
  const onError = options.onError ?? ((error: unknown) => console.error('[relata] reading the change log failed', error));
  const listeners = new Map<string, Set<HubListener>>();
  let position: EventPosition | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let unlisten: (() => Promise<void>) | undefined;

  /** Reads and delivers until the log has nothing more. */
  async function pump(): Promise<void> {
    for (;;) {
      const events = await engine.events.tail(position!, batch);
      if (events.length === 0) return;
      const last = events[events.length - 1]!;
      // The position moves before anyone is told, so a listener registering now starts after these.
      position = { txid: last.txid, seq: last.seq };
      const byWorkspace = new Map<string, RawEvent[]>();
      for (const event of events) {
        if (!listeners.has(event.workspace_id)) continue;
        const list = byWorkspace.get(event.workspace_id) ?? [];
        list.push(event);
        byWorkspace.set(event.workspace_id, list);
      }
      for (const [workspaceId, list] of byWorkspace) {
        for (const listener of listeners.get(workspaceId) ?? []) listener.deliver(list);
      }
      if (events.length < batch) return;
    }
  }

  /** Reads now, or once more after the read under way. */
  function wake(): void {
    if (!position) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await pump().catch(onError);
      } while (again);
    })().finally(() => {
      running = undefined;
    });
  }

  return {
    /** Starts reading from the log's current end. */
    async start(): Promise<void> {
      position = await engine.events.start();
      unlisten = await engine.db.listen('relata_events', wake);
      timer = setInterval(wake, options.pollMs ?? 1000);
      timer.unref();
    },

    /**
     * Registers `listener`; it gets every event of its workspace after the
     * returned position (the hub's, at registration), until `unregister`.
     */
    register(listener: HubListener): { position: EventPosition; unregister(): void } {
      if (!position) throw new Error('The event hub is not started');
      let set = listeners.get(listener.workspaceId);
      if (!set) listeners.set(listener.workspaceId, (set = new Set()));
      set.add(listener);
      return {
        position,
        unregister() {
          set!.delete(listener);
          if (set!.size === 0 && listeners.get(listener.workspaceId) === set) listeners.delete(listener.workspaceId);
        },
      };
    },

    /** Reads the log now (tests, and writers that want their subscribers told at once). */
    wake,

    /** How many listeners are registered. */
    get size(): number {
      let n = 0;
      for (const set of listeners.values()) n += set.size;
      return n;
    },

    /** Stops reading; waits for a read under way. */
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      await unlisten?.();
      position = undefined;
      await running;
    },
  };
}

/** A process's event hub. */
export type EventHub = ReturnType<typeof createEventHub>;
