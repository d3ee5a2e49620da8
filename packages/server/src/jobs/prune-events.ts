/**
 * Deletes change-log events older than their retention, and webhook deliveries
 * that completed longer ago than theirs, at start and every hour.
 * Several processes may prune at once: each deletes in small batches, and a
 * batch another process took first is simply gone.
 */
import type { Engine } from '@relata/core';

/** How often old events are pruned. */
export const PRUNE_INTERVAL_MS = 3_600_000;

/** Starts pruning `engine`'s change log to `retentionMs` and webhook deliveries to `deliveryRetentionMs` (null: keep); returns how to stop. */
export function startEventPruning(
  engine: Engine,
  retentionMs: number | null,
  options: { deliveryRetentionMs?: number | null; intervalMs?: number; onError?: (error: unknown) => void } = {},
): () => Promise<void> {
  const deliveryRetentionMs = options.deliveryRetentionMs ?? null;
  if (retentionMs === null && deliveryRetentionMs === null) return async () => {};
  const onError = options.onError ?? ((error: unknown) => console.error('[relata] pruning the change log failed', error));
  let running: Promise<unknown> = Promise.resolve();
  const prune = () => {
    running = Promise.all([
      retentionMs === null ? 0 : engine.events.prune(new Date(Date.now() - retentionMs)),
      deliveryRetentionMs === null ? 0 : engine.webhooks.pruneDeliveries(new Date(Date.now() - deliveryRetentionMs)),
    ]).catch(onError);
  };
  prune();
  const timer = setInterval(prune, options.intervalMs ?? PRUNE_INTERVAL_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
