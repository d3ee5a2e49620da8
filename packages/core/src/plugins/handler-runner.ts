/**
 * Runs plugins' event handlers: in each server process (or any process with an
 * engine), woken by the change log's NOTIFY (`relata_events`) and by a timer.
 * Each round it leases the handlers that have readable events and that no other
 * process holds (handler-queue.ts), then, for each, reads its next events (record
 * events of its types and kinds, in workspaces where its plugin is installed) and
 * calls it on each, in log order, moving its position after each one.
 *
 * At least once: the position moves only once the handler resolved, or its event
 * was filed as a dead letter; a process that dies mid-handler leaves a lease that
 * another takes over when it ends, and that one runs the event again. A throw is
 * retried with exponential backoff (5 attempts over about 15 s by default) while
 * the lease is renewed; after the last attempt the event goes to the dead-letter
 * list and the handler moves on. One handler's failures hold back only itself.
 */
import { hostname } from 'node:os';
import type { Engine } from '../engine.ts';
import type { EventPosition } from '../events/event-cursor.ts';
import { newId } from '../ids.ts';
import type { WorkspaceMetadata } from '../metadata/workspace-metadata.ts';
import { resolveRetrySchedule, retryDelayMs, type RetrySchedule } from '../webhooks/retry-policy.ts';
import { EVENTS_CHANNEL } from '../webhooks/webhook-worker.ts';
import type { PluginEvent } from './define.ts';
import { comparePositions, createHandlerQueue, type HandlerClaim } from './handler-queue.ts';
import type { NamedHandler } from './plugin-host.ts';
import { callHandler, describeFailure, toPluginEvent } from './plugin-event.ts';
import { throttledLog } from '../util/throttled-log.ts';

/** The default retries of a failing handler: 5 attempts, waiting 1, 2, 4 and 8 s between them (15 s in all). */
export const DEFAULT_HANDLER_RETRY: Readonly<RetrySchedule> = Object.freeze({ maxAttempts: 5, baseDelayMs: 1000, factor: 2, maxDelayMs: 8000, jitter: 0 });

/** Options of the handler runner. The defaults are the production behaviour; tests shorten the times. */
export interface HandlerRunnerOptions {
  /** How often to look for events without a notification. @default 1000 */
  pollIntervalMs?: number;
  /** How long a lease lasts unless renewed (it is renewed every third of it while the worker runs). @default 30000 */
  leaseMs?: number;
  /** Events read at once. @default 100 */
  batchSize?: number;
  /** When a throwing handler is tried again (retry-policy.ts). @default DEFAULT_HANDLER_RETRY */
  retry?: Partial<RetrySchedule>;
  /** False: no timer and no LISTEN; work happens in `drain()` only (tests). @default true */
  auto?: boolean;
  /** Where problems are reported: database errors, events filed as dead letters. @default console.error */
  log?: (message: string, error?: unknown) => void;
  /** This worker's name in leases. @default `<hostname>:<pid>:<uuid>` */
  owner?: string;
}

/** A running handler runner. */
export interface HandlerRunner {
  /** Looks for events now. */
  wake(): void;
  /**
   * Handles every event readable when called (waiting for earlier commits to be
   * readable), retries included, for the handlers no other process holds.
   */
  drain(): Promise<void>;
  /**
   * Stops: no new events; a retry's wait is cut short (the event is run again by
   * the next worker); handlers in flight are awaited, then leases handed back.
   * After `timeoutMs`, handlers still running are abandoned as if the process had
   * died: nothing more is written, and their leases end on their own.
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

type Outcome = { dead: false; attempts: number } | { dead: true; attempts: number; error: string } | 'stopped';

/** Starts running the event handlers of `engine`'s plugins. */
export async function startHandlerRunner(engine: Engine, options: HandlerRunnerOptions = {}): Promise<HandlerRunner> {
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const leaseMs = options.leaseMs ?? 30_000;
  const batchSize = Math.max(1, options.batchSize ?? 100);
  const schedule = resolveRetrySchedule({ ...DEFAULT_HANDLER_RETRY, ...options.retry });
  const log = options.log ?? ((message: string, error?: unknown) => console.error(message, error ?? ''));
  const owner = options.owner ?? `${hostname()}:${process.pid}:${newId()}`;
  const auto = options.auto ?? true;
  const handlers = new Map<string, NamedHandler>(engine.plugins.host.handlers.map((h) => [h.key, h]));
  const keys = [...handlers.keys()];
  const queue = createHandlerQueue(engine.db);
  await queue.ensure(keys);

  let stopping = false;
  // Set when stop() gave up waiting: the handlers still running write nothing more.
  let abandoned = false;
  const halt = new AbortController();
  const active = new Map<string, Promise<void>>();
  const renewals = new Set<NodeJS.Timeout>();
  let current: Promise<boolean> | null = null;
  let again = false;
  const report = throttledLog(log);

  /** Waits `ms`; false when the runner stopped meanwhile. */
  const pause = (ms: number) =>
    new Promise<boolean>((resolve) => {
      if (halt.signal.aborted) return resolve(false);
      const onAbort = () => (clearTimeout(timer), resolve(false));
      const timer = setTimeout(() => (halt.signal.removeEventListener('abort', onAbort), resolve(true)), ms);
      halt.signal.addEventListener('abort', onAbort, { once: true });
    });

  /** Runs `handler` on `event` until it resolves, attempts run out, or the lease or the runner ends. */
  async function attempt(handler: NamedHandler, event: PluginEvent, lease: { lost: boolean }): Promise<Outcome> {
    const records = engine.plugins.recordsAs(event.workspaceId, handler.plugin);
    for (let attempt = 1; ; attempt++) {
      try {
        await callHandler(handler.definition, event, records);
        return { dead: false, attempts: attempt };
      } catch (error) {
        if (attempt >= schedule.maxAttempts) {
          log(`Plugin handler ${handler.key} failed ${attempt} times on event ${event.cursor} (workspace ${event.workspaceId}); it is in the dead-letter list`, error);
          return { dead: true, attempts: attempt, error: describeFailure(error) };
        }
        if (stopping || lease.lost || !(await pause(retryDelayMs(schedule, attempt))) || lease.lost) return 'stopped';
      }
    }
  }

  /** Handles `claim`'s events until none is readable, the lease is lost or the runner stops. */
  async function handle(claim: HandlerClaim, lease: { lost: boolean }): Promise<void> {
    const handler = handlers.get(claim.key)!;
    const filter = { plugin: handler.plugin, types: handler.definition.types, kinds: handler.definition.kinds };
    const move = async (to: EventPosition) => !abandoned && (await queue.move(claim.key, owner, to, leaseMs));
    let position = claim.position;
    let written = position;
    for (;;) {
      if (stopping || lease.lost) return;
      // Read before the events: every event before this position is final by the time they are read.
      const readable = await engine.events.start();
      const raws = await queue.read(filter, position, batchSize);
      const snapshots = new Map<string, Promise<WorkspaceMetadata>>();
      for (const raw of raws) {
        if (stopping || lease.lost) return;
        const to = { txid: raw.txid, seq: raw.seq };
        if (!snapshots.has(raw.workspace_id)) snapshots.set(raw.workspace_id, engine.metadata.snapshot(raw.workspace_id));
        const event = toPluginEvent(raw, await snapshots.get(raw.workspace_id)!);
        // A record type deleted since: no event to give.
        if (!event) {
          position = to;
          continue;
        }
        const outcome = await attempt(handler, event, lease);
        if (outcome === 'stopped' || abandoned) return;
        const moved = outcome.dead
          ? await queue.deadLetter(claim.key, owner, to, leaseMs, {
              workspaceId: event.workspaceId,
              plugin: handler.plugin,
              handler: handler.name,
              eventCursor: event.cursor,
              event: JSON.stringify(event),
              error: outcome.error,
              attempts: outcome.attempts,
            })
          : await move(to);
        if (!moved) return void (lease.lost = true);
        position = written = to;
      }
      // A short page means nothing it takes lies between it and `readable`: skip ahead.
      if (raws.length < batchSize && comparePositions(readable, position) > 0) position = readable;
      if (comparePositions(position, written) > 0) {
        if (!(await move(position))) return void (lease.lost = true);
        written = position;
      }
      if (raws.length < batchSize) return;
    }
  }

  /** Runs one claimed handler, keeping its lease renewed, and hands the lease back after. */
  async function run(claim: HandlerClaim): Promise<void> {
    const lease = { lost: false };
    const renewal = setInterval(() => {
      if (abandoned) return;
      queue
        .renew(claim.key, owner, leaseMs)
        .then((held) => void (held || (lease.lost = true)))
        .catch((error: unknown) => report(`The lease of plugin handler ${claim.key} could not be renewed`, error));
    }, Math.max(10, Math.floor(leaseMs / 3)));
    renewals.add(renewal);
    try {
      await handle(claim, lease);
    } catch (error) {
      report(`Plugin handler ${claim.key} could not read or record its events`, error);
    } finally {
      clearInterval(renewal);
      renewals.delete(renewal);
      if (!abandoned && !lease.lost) await queue.release(claim.key, owner).catch((error: unknown) => report(`Plugin handler ${claim.key}'s lease could not be handed back`, error));
    }
  }

  /** Claims the handlers with events that this worker is not running yet, and starts them. True when it claimed any. */
  async function round(): Promise<boolean> {
    if (stopping) return false;
    const claims = await queue.claim(
      keys.filter((k) => !active.has(k)),
      owner,
      leaseMs,
    );
    for (const claim of claims) {
      const task = run(claim).finally(() => {
        active.delete(claim.key);
        if (auto) wake();
      });
      active.set(claim.key, task);
    }
    return claims.length > 0;
  }

  function startRound(): Promise<boolean> {
    if (current) return current;
    current = round().finally(() => {
      current = null;
      if (again && !stopping) {
        again = false;
        wake();
      }
    });
    return current;
  }

  function wake(): void {
    if (stopping) return;
    if (current) {
      again = true;
      return;
    }
    startRound().catch((error: unknown) => report('The plugin handler runner could not claim its handlers', error));
  }

  const timer = auto && keys.length > 0 ? setInterval(wake, pollIntervalMs) : undefined;
  let unlisten: (() => Promise<void>) | undefined;
  if (auto && keys.length > 0) {
    try {
      unlisten = await engine.db.listen(EVENTS_CHANNEL, wake);
    } catch (error) {
      report(`Cannot LISTEN on ${EVENTS_CHANNEL}; plugin handlers find events by polling only`, error);
    }
    wake();
  }

  const settle = () => Promise.allSettled([current, ...active.values()]);
  return {
    wake,
    async drain() {
      await engine.events.settled();
      for (;;) {
        await settle();
        if (stopping) return;
        const claimed = await startRound();
        if (!claimed && active.size === 0) return;
      }
    },
    async stop({ timeoutMs }: { timeoutMs?: number } = {}) {
      if (stopping) return;
      stopping = true;
      if (timer) clearInterval(timer);
      await unlisten?.().catch(() => {});
      halt.abort();
      const done = settle().then(() => true);
      const finished = timeoutMs === undefined ? await done : await Promise.race([done, new Promise<false>((r) => setTimeout(() => r(false), timeoutMs))]);
      if (!finished) {
        abandoned = true;
        for (const renewal of renewals) clearInterval(renewal);
      }
    },
  };
}
