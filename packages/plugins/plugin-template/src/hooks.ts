/**
 * Every record hook, on the plugin's own type. What holds for all of them:
 *
 * - They run for writes from every path (GraphQL, bulk writes, upserts, the CLI,
 *   other plugins' code), only in workspaces where this plugin is installed, and
 *   after the hooks of plugins listed before this one in relata.config.ts.
 * - They run inside the write's transaction, which is open from the first hook to
 *   the last: throwing from any of them rolls back the write, whatever other hooks
 *   wrote, and the change-log events (no subscriber, webhook or handler sees it).
 *   Throw the errors of `@relata/core/plugin` to give the caller a code; any other
 *   error reaches them as INTERNAL_SERVER_ERROR, its message only in the log.
 * - Each gets `type` (the apiName), `workspaceId`, `actor` (who made the write:
 *   an API key, a member, or a plugin acting through `records`) and `records`:
 *   reads and writes as this plugin (a system actor that sees every record and
 *   field), in the same transaction. Writes made with it run their own hooks,
 *   up to eight levels deep, and are logged as `system:<plugin name>`.
 * - Values are in their stored forms: money `{ amount: "12.50", currency: "EUR" }`,
 *   dates `"2026-12-01"`, a to-one relation the related record's id.
 *
 * Order (hook-runner.ts): create and update run beforeValidate → validate →
 * beforeChange → the write → afterChange; delete and destroy run beforeDelete →
 * the write → afterDelete; restore runs the write → afterChange ('restore'). A bulk
 * write runs beforeValidate and validate for every item, then beforeChange for every
 * item, then one write, then afterChange for every record.
 */
import { ConflictError, type Actor, type HooksOf } from '@relata/core/plugin';
import { READ_ONLY_FIELDS, type item } from './item.ts';

/** The plugin's name: also the id of the actor its own writes are made by. */
export const PLUGIN_NAME = 'template';

/** True when the write is made by this plugin's code (hooks, handlers, jobs, migrations). */
export function isThisPlugin(actor: Actor): boolean {
  return actor.kind === 'system' && actor.id === PLUGIN_NAME;
}

/** `"  Hello,   World! "` → `"hello-world"`; empty when the name has no letter or digit. */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export const itemHooks: HooksOf<typeof item> = {
  /**
   * Runs first on create and update, before anything is checked (so `data` may
   * hold values of the wrong type: the engine reports those in the next step).
   * Receives `operation`, `data` (the caller's input; on an update only the
   * fields they sent, `null` for a cleared one) and `original` (on an update the
   * whole record as it was, locked FOR UPDATE until the transaction ends; null
   * on create). May read records. Return a new input to replace `data`
   * (normalise, fill defaults) or nothing to keep it; the next plugin's hook, and
   * the engine, see what you return.
   *
   * Here: trims the name and collapses its inner spaces. A name of spaces
   * becomes "", which the engine refuses as REQUIRED.
   */
  beforeValidate({ data }) {
    if (typeof data.name !== 'string') return;
    return { ...data, name: data.name.trim().replace(/\s+/g, ' ') };
  },

  /**
   * Runs on create and update after beforeValidate, together with the engine's
   * own checks (types, required fields, choices, references, permissions).
   * Receives what beforeValidate gets, plus `errors`. Add field errors with
   * `errors.add(field, code, message)`: `field` is the input's field apiName (or a
   * path inside it). They reach the caller with the engine's, all at once, as one
   * VALIDATION_FAILED whose `fields` name `input.<field>` (`inputs.3.<field>` in
   * a bulk write; a relation under its GraphQL key, `input.invoiceId`). Any error
   * refuses the write and nothing is written. Read what a rule needs;
   * write other records in afterChange, once the write is certain.
   *
   * Here: a name must give a slug, and callers may not set the plugin's fields.
   */
  validate({ data, actor, errors }) {
    if (typeof data.name === 'string' && data.name !== '' && slugify(data.name) === '') {
      errors.add('name', 'INVALID_NAME', 'must contain a letter or a digit');
    }
    if (isThisPlugin(actor)) return;
    for (const name of READ_ONLY_FIELDS) {
      if (data[name] !== undefined) errors.add(name, 'READ_ONLY', 'is set by the plugin');
    }
  },

  /**
   * Runs on create and update once every item of the write is valid, just before
   * the write. Receives `operation`, `data` (as validated) and `original`. Return
   * a new input to derive or stamp fields; the engine checks the returned input
   * again as it writes (a value of the wrong type still fails, VALIDATION_FAILED),
   * but your validate hook does not run again.
   *
   * Here: stamps the slug whenever the name is written.
   */
  beforeChange({ data }) {
    if (typeof data.name !== 'string') return;
    return { ...data, slug: slugify(data.name) };
  },

  /**
   * Runs after the record is written (create, update, and restore: operation
   * 'restore'), in the same transaction, before the caller is answered.
   * Receives `operation`, `record` (the record as written: every field and the
   * system columns) and `previous` (the record before an update; null on create
   * and restore). Write other records with `records`: they commit with this
   * write or not at all, and run their own hooks. The caller gets the record as
   * it is after every afterChange, so a hook may even update `record` again
   * (mind that this runs these hooks again). To keep a value derived from other
   * records exact under concurrent writes, `records.lock(type, id)` what you
   * write before reading what you derive it from (see examples/plugin-invoices).
   *
   * Here: at most one item is pinned. Pinning one unpins the others.
   */
  async afterChange({ record, records }) {
    if (!record.data.pinned) return;
    const others = await records.list('item', { filter: { pinned: { eq: true }, id: { neq: record.id } }, first: 100 });
    if (others.edges.length === 0) return;
    await records.updateMany('item', others.edges.map((e) => ({ id: e.node.id, input: { pinned: false } })));
  },

  /**
   * Runs before a soft delete (operation 'delete') or a destroy ('destroy'), in the
   * delete's transaction, with `record` (every field) locked FOR UPDATE. Throw to
   * refuse: nothing is deleted. It does not run for records a CASCADE relation
   * takes along with the one deleted (their events are in the change log).
   *
   * Here: a locked item cannot be deleted.
   */
  beforeDelete({ record }) {
    if (record.data.locked) throw new ConflictError(`Item "${record.data.name}" is locked: unlock it before deleting it`, { reason: 'LOCKED' });
  },

  /**
   * Runs after a soft delete or a destroy, in the same transaction. Receives
   * `operation` and `record`: after a soft delete the record as deleted
   * (`deletedAt` set), after a destroy the record as it was. Records a CASCADE
   * relation deleted are already gone. Write other records with `records`;
   * throwing rolls the delete back. A restore later runs afterChange ('restore').
   *
   * Here: deleting the pinned item pins the newest remaining one.
   */
  async afterDelete({ record, records }) {
    if (!record.data.pinned) return;
    const newest = await records.list('item', { orderBy: [{ createdAt: 'DESC' }], first: 1 });
    const next = newest.edges[0]?.node;
    if (next) await records.update('item', next.id, { pinned: true });
  },
};
