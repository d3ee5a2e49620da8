/**
 * Deletes change-log events older than the retention, at start and every hour.
 * Several processes may prune at once: each deletes in small batches, and a
 * batch another process took first is simply gone.
 */
import type { Engine } from '@relata/core';

/** How often old events are pruned. */
export const PRUNE_INTERVAL_MS = 3_600_000;

/** Starts pruning `engine`'s change log to `retentionMs` (nothing when null); returns how to stop. */
export function startEventPruning(
  engine: Engine,
  retentionMs: number | null,
  options: { intervalMs?: number; onError?: (error: unknown) => void } = {},
): () => Promise<void> {
  if (retentionMs === null) return async () => {};
  const onError = options.onError ?? ((error: unknown) => console.error('[relata] pruning the change log failed', error));
  let running: Promise<unknown> = Promise.resolve();
  const prune = () => {
    running = engine.events.prune(new Date(Date.now() - retentionMs)).catch(onError);
  };
  prune();
  const timer = setInterval(prune, options.intervalMs ?? PRUNE_INTERVAL_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
