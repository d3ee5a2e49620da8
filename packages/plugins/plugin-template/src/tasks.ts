/**
 * The plugin's work outside the write's transaction: a handler (after a change
 * commits), a job (on a schedule) and a data migration (on install or upgrade).
 * Each gets `records` acting as the plugin (a system actor: every record and
 * field); its writes run the record hooks of installed plugins, this one's too.
 */
import type { HandlerDefinition, JobDefinition, PluginMigration } from '@relata/core/plugin';

/**
 * A handler runs on events of the change log AFTER their transaction committed,
 * in a worker of a server process (`relata start` runs them; tests call
 * `settle()`), never inside the write: it cannot refuse or slow it down.
 *
 * - Which events: those of `types` and `kinds` (CREATED, UPDATED, DELETED,
 *   RESTORED, DESTROYED; all when omitted) in workspaces where the plugin is
 *   installed, one at a time, in log order.
 * - At least once: the handler's position moves only after it resolves. A throw
 *   is retried with backoff (5 attempts over about 15 s), then the event goes to
 *   the dead-letter list (admins: `pluginDeadLetters`, retry one) and the handler
 *   moves on. A crash mid-handler runs the event again. So make it idempotent.
 * - Receives the `event` (kind, type, recordId, actor, at, `changes` with old and
 *   new values, `record`: every field as of the event, `cursor`) and
 *   `{ workspaceId, records }`. No transaction is open: each write is its own;
 *   group several with `records.transaction(fn)`.
 * - Its own writes are events too: filter them out (by kind, by field, or by
 *   `event.actor`) so it does not feed itself.
 *
 * Here: stands in for telling another system about a new item (a chat message,
 * an email), and marks the item so it happens once even if the event comes again.
 */
export const announce: HandlerDefinition = {
  types: ['item'],
  kinds: ['CREATED'],
  async handle(event, { records }) {
    const current = await records.get('item', event.recordId);
    // Deleted since, or already announced by an earlier attempt: nothing to do.
    if (!current || current.data.announcedAt) return;
    // ...call the other system here; a throw retries this event...
    await records.update('item', current.id, { announcedAt: event.at.toISOString() });
  },
};

/**
 * A job runs on a cron schedule (five fields, UTC): once per scheduled time and
 * workspace where the plugin is installed, across every server process (one of
 * them claims the run). A time missed while every process was down is not made
 * up, except the latest, which runs at the next check. A failure is logged and
 * recorded with the run; it is not retried, the next scheduled time runs anyway.
 * Receives `{ workspaceId, records, scheduledAt }`; no transaction is open.
 * Keep each run short, or page through records.
 *
 * Here: every night at 00:00 UTC, unpins the pinned items (a pin lasts a day).
 */
export const unpinNightly: JobDefinition = {
  schedule: '0 0 * * *',
  async run({ records }) {
    const pinned = await records.list('item', { filter: { pinned: { eq: true } }, first: 100 });
    if (pinned.edges.length === 0) return;
    await records.updateMany('item', pinned.edges.map((e) => ({ id: e.node.id, input: { pinned: false } })));
  },
};

/**
 * Data migrations run once per workspace, in the order listed, when the plugin is
 * installed, and when a server with a newer version starts (for those not run
 * yet): after the plugin's types and fields exist. Each runs in its own
 * transaction together with the record of its having run; a throw rolls it back
 * and fails the install, and it is tried again at the next install or start.
 * Never rename one that has run: a new name runs again. Receives
 * `{ workspaceId, records }` (its writes run hooks, this plugin's included).
 *
 * Here: a workspace starts with one pinned item.
 */
export const migrations: PluginMigration[] = [
  {
    name: 'welcome-item',
    async up({ records }) {
      const existing = await records.list('item', { first: 1 });
      if (existing.edges.length > 0) return;
      await records.create('item', { name: 'Welcome', pinned: true });
    },
  },
];
