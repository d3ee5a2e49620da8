/**
 * LISTEN for PostgreSQL notifications (`pg_notify` / `NOTIFY`), on either engine:
 * PostgreSQL over a connection of its own (a pooled one cannot stay listening),
 * reconnected after a failure; PGlite through its own listener. Notifications
 * only wake readers up: what changed is read from tables, so a notification lost
 * while reconnecting costs latency (the readers' polling catches up), never data.
 */
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** Stops listening. */
export type Unlisten = () => Promise<void>;

/** Calls `onNotify` for each notification on `channel` over a dedicated PostgreSQL connection. */
export function listenPostgres(connectionString: string, channel: string, onNotify: () => void): Promise<Unlisten> {
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString });
    next.on('notification', (message) => {
      if (message.channel === channel) onNotify();
    });
    next.on('error', () => reconnect(next));
    next.on('end', () => reconnect(next));
    await next.connect();
    await next.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
    client = next;
    // Anything may have happened while no connection listened.
    onNotify();
  };
  const reconnect = (failed: pg.Client) => {
    if (stopped || client !== failed || retry) return;
    client = undefined;
    failed.end().catch(() => {});
    retry = setTimeout(() => {
      retry = undefined;
      connect().catch(() => reconnect(failed));
    }, 1000);
    retry.unref();
  };
  return connect().then(() => async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    await client?.end().catch(() => {});
  });
}

/** Calls `onNotify` for each notification on `channel` raised in this PGlite instance. */
export async function listenPGlite(db: PGlite, channel: string, onNotify: () => void): Promise<Unlisten> {
  const unlisten = await db.listen(channel, () => onNotify());
  return async () => {
    await unlisten();
  };
}
