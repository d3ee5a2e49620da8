/**
 * Webhooks of a workspace, for its admins: creating, listing, changing and
 * deleting them, replaying (after a failure, or from a cursor), and reading every
 * delivery and attempt. Delivering is the worker's (webhook-worker.ts).
 */
import { deleteInBatches } from '../db/batched-delete.ts';
import { requireAdmin, type Actor } from '../access/actor.ts';
import type { Database } from '../db/database.ts';
import { BadRequestError, NotFoundError } from '../errors.ts';
import type { EventLog } from '../events/event-log.ts';
import { isUuid, newId } from '../ids.ts';
import type { MetadataService } from '../metadata/metadata-service.ts';
import { validateWebhookInput, type WebhookInput, type WebhookUpdate } from './webhook-input.ts';
import { toWebhook, toWebhookDelivery, type Webhook, type WebhookDeliveryPage } from './webhook-model.ts';
import { generateWebhookSecret } from './webhook-signature.ts';
import { forwardPageInfo } from '../util/forward-page.ts';

/** Options of the webhook service. */
export interface WebhookOptions {
  /**
   * Allow URLs (and DNS names) that lead to private, loopback or link-local
   * addresses. Off in production: a webhook must not reach the server's own network.
   * @default process.env.NODE_ENV !== 'production'
   */
  allowPrivateAddresses?: boolean;
}

/** Most deliveries one page may hold. */
export const MAX_DELIVERY_PAGE = 100;

const deliveryCursor = (seq: bigint) => Buffer.from(`d${seq}`).toString('base64url');

function decodeDeliveryCursor(cursor: string): bigint {
  const text = Buffer.from(String(cursor), 'base64url').toString('utf8');
  if (!/^d\d{1,19}$/.test(text)) throw new BadRequestError('after is not a delivery cursor', { argument: 'after' });
  return BigInt(text.slice(1));
}

/** Creates the webhook operations over `db`. */
export function createWebhookService(db: Database, deps: { events: EventLog; metadata: MetadataService }, options: WebhookOptions = {}) {
  const allowPrivateAddresses = options.allowPrivateAddresses ?? process.env.NODE_ENV !== 'production';

  const notFound = (actor: Actor, id: string) =>
    new NotFoundError(`No webhook ${id} in workspace ${actor.workspaceId}`, { id });

  async function find(actor: Actor, id: string): Promise<Webhook | null> {
    if (!isUuid(id)) return null;
    const row = await db.prisma.webhook.findUnique({ where: { workspaceId_id: { workspaceId: actor.workspaceId, id } } });
    return row && toWebhook(row);
  }

  async function get(actor: Actor, id: string): Promise<Webhook> {
    const webhook = await find(actor, id);
    if (!webhook) throw notFound(actor, id);
    return webhook;
  }

  return {
    /** Whether webhook URLs may lead to private addresses (see WebhookOptions). */
    allowPrivateAddresses,

    /** Creates a webhook (admins only). It receives the events committed after its creation. */
    async createWebhook(actor: Actor, input: WebhookInput): Promise<Webhook> {
      requireAdmin(actor, 'manage webhooks');
      const metadata = await deps.metadata.snapshot(actor.workspaceId);
      const settings = validateWebhookInput(input, true, { metadata, allowPrivateAddresses });
      const row = await db.prisma.webhook.create({
        data: {
          workspaceId: actor.workspaceId,
          id: newId(),
          url: settings.url!,
          secret: settings.secret ?? generateWebhookSecret(),
          types: settings.types ?? [],
          kinds: settings.kinds ?? [],
          active: settings.active ?? true,
        },
      });
      return toWebhook(row);
    },

    /** The workspace's webhooks, oldest first (admins only). */
    async findWebhooks(actor: Actor): Promise<Webhook[]> {
      requireAdmin(actor, 'manage webhooks');
      const rows = await db.prisma.webhook.findMany({ where: { workspaceId: actor.workspaceId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
      return rows.map(toWebhook);
    },

    /** One webhook of the workspace, or null (admins only). */
    async findWebhook(actor: Actor, id: string): Promise<Webhook | null> {
      requireAdmin(actor, 'manage webhooks');
      return find(actor, id);
    },

    /**
     * Changes a webhook (admins only): the URL, filters and secret apply from the
     * next delivery attempt; `active: false` pauses it (its events are kept and
     * delivered once it is active again). A failing webhook stays failing: replay it.
     */
    async updateWebhook(actor: Actor, id: string, input: WebhookUpdate): Promise<Webhook> {
      requireAdmin(actor, 'manage webhooks');
      const metadata = await deps.metadata.snapshot(actor.workspaceId);
      const settings = validateWebhookInput(input, false, { metadata, allowPrivateAddresses });
      if (!isUuid(id)) throw notFound(actor, id);
      if (Object.keys(settings).length > 0) {
        const { count } = await db.prisma.webhook.updateMany({ where: { workspaceId: actor.workspaceId, id }, data: settings });
        if (count === 0) throw notFound(actor, id);
      }
      return get(actor, id);
    },

    /** Deletes a webhook with its deliveries and their attempts (admins only). */
    async deleteWebhook(actor: Actor, id: string): Promise<boolean> {
      requireAdmin(actor, 'manage webhooks');
      const { count } = isUuid(id) ? await db.prisma.webhook.deleteMany({ where: { workspaceId: actor.workspaceId, id } }) : { count: 0 };
      if (count === 0) throw notFound(actor, id);
      return true;
    },

    /**
     * Delivers again and reactivates (admins only). With `after` (an event cursor of
     * this workspace, within the log's replay window), every event after it that the
     * webhook's filters take, whatever was delivered already: the unfinished
     * delivery, if any, is cancelled. Without it, a failing webhook resumes with the
     * batch that failed, as a new delivery, then goes on from where it stopped.
     * Either way the webhook is active again, and unpaused.
     */
    async replayWebhook(actor: Actor, id: string, after?: string | null): Promise<Webhook> {
      requireAdmin(actor, 'manage webhooks');
      await get(actor, id);
      const position = after == null ? null : await deps.events.checkCursor(actor.workspaceId, after, 'after');
      await db.sql.transaction(async (tx) => {
        const { rows } = await tx.query<{ state: string }>(
          'SELECT "state" FROM "webhook" WHERE "workspace_id" = $1 AND "id" = $2 FOR UPDATE',
          [actor.workspaceId, id],
        );
        if (!rows[0]) throw notFound(actor, id);
        if (position) {
          await tx.query(
            `UPDATE "webhook_delivery" SET "status" = 'cancelled', "completed_at" = clock_timestamp()
              WHERE "workspace_id" = $1 AND "webhook_id" = $2 AND "status" IN ('pending', 'delivering')`,
            [actor.workspaceId, id],
          );
          await tx.query(
            'UPDATE "webhook" SET "position_txid" = $3::xid8, "position_seq" = $4::bigint WHERE "workspace_id" = $1 AND "id" = $2',
            [actor.workspaceId, id, position.txid, position.seq],
          );
        } else if (rows[0].state === 'failing') {
          // The batch that failed, again, under a new delivery id (its attempts stay on record).
          await tx.query(
            `INSERT INTO "webhook_delivery" ("workspace_id", "id", "webhook_id", "first_cursor", "last_cursor", "event_count", "events")
             SELECT "workspace_id", $3, "webhook_id", "first_cursor", "last_cursor", "event_count", "events" FROM "webhook_delivery"
              WHERE "workspace_id" = $1 AND "webhook_id" = $2 AND "status" = 'failed'
                AND NOT EXISTS (SELECT 1 FROM "webhook_delivery" WHERE "workspace_id" = $1 AND "webhook_id" = $2 AND "status" IN ('pending', 'delivering'))
              ORDER BY "seq" DESC LIMIT 1`,
            [actor.workspaceId, id, newId()],
          );
        }
        await tx.query(
          `UPDATE "webhook" SET "state" = 'active', "failing_since" = NULL, "active" = true, "updated_at" = clock_timestamp()
            WHERE "workspace_id" = $1 AND "id" = $2`,
          [actor.workspaceId, id],
        );
      });
      return get(actor, id);
    },

    /**
     * Deletes deliveries that succeeded or were replaced by a replay before
     * `before`, with their attempts, in batches; returns how many. Failed ones stay:
     * a failing webhook's replay sends its failed batch again.
     */
    async pruneDeliveries(before: Date, batch = 1000): Promise<number> {
      return deleteInBatches(
        db.background,
        'DELETE FROM "webhook_delivery" WHERE ("workspace_id", "id") IN (SELECT "workspace_id", "id" FROM "webhook_delivery" ' +
          `WHERE "status" IN ('succeeded', 'cancelled') AND "completed_at" < $1 LIMIT $2) RETURNING 1`,
        [before, batch],
        batch,
      );
    },

    /** A page of a webhook's deliveries, newest first, each with every attempt (admins only). */
    async findDeliveries(actor: Actor, webhookId: string, args: { first?: number | null; after?: string | null } = {}): Promise<WebhookDeliveryPage> {
      requireAdmin(actor, 'manage webhooks');
      const size = args.first ?? 20;
      if (!Number.isInteger(size) || size < 0 || size > MAX_DELIVERY_PAGE) {
        throw new BadRequestError(`first must be an integer from 0 to ${MAX_DELIVERY_PAGE}`, { argument: 'first' });
      }
      const before = args.after == null ? null : decodeDeliveryCursor(args.after);
      await get(actor, webhookId);
      const rows = await db.prisma.webhookDelivery.findMany({
        where: { workspaceId: actor.workspaceId, webhookId, ...(before !== null ? { seq: { lt: before } } : {}) },
        orderBy: { seq: 'desc' },
        take: size + 1,
        omit: { events: true },
        include: { attemptLog: { orderBy: [{ attempt: 'asc' }, { startedAt: 'asc' }] } },
      });
      const edges = rows.slice(0, size).map((row) => ({ cursor: deliveryCursor(row.seq), node: toWebhookDelivery(row) }));
      return {
        edges,
        pageInfo: forwardPageInfo(edges, rows.length, size, args.after),
      };
    },
  };
}

/** The webhook service. */
export type WebhookService = ReturnType<typeof createWebhookService>;
