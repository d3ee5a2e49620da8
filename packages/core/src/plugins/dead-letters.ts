/**
 * The dead-letter list, for a workspace's admins: the events a plugin handler
 * failed on at every attempt (filed by handler-runner.ts), newest first, and
 * retrying one: the handler runs on the event as it got it, now, in the calling
 * process; success resolves the dead letter, a failure records its error.
 */
import { requireAdmin, type Actor } from '../access/actor.ts';
import type { Database } from '../db/database.ts';
import { BadRequestError, NotFoundError } from '../errors.ts';
import { isUuid } from '../ids.ts';
import type { MetadataService } from '../metadata/metadata-service.ts';
import type { PluginDeadLetter as PluginDeadLetterRow } from '../generated/prisma/client.ts';
import { callHandler, describeFailure, pluginEventFromJson } from './plugin-event.ts';
import type { PluginHost } from './plugin-host.ts';
import type { PluginRecords } from './plugin-records.ts';
import { forwardPageInfo } from '../util/forward-page.ts';

/** `dead`, or `resolved` once a retry succeeded. */
export type PluginDeadLetterStatus = 'dead' | 'resolved';

/** An event a handler failed on at every attempt. */
export interface PluginDeadLetter {
  id: string;
  plugin: string;
  /** The handler's name within its plugin. */
  handler: string;
  /** The event's cursor in the change log. */
  eventCursor: string;
  /** The event as the handler got it (PluginEvent, as JSON). */
  event: unknown;
  /** The latest attempt's error. */
  error: string;
  /** Attempts so far, retries from the list included. */
  attempts: number;
  status: PluginDeadLetterStatus;
  createdAt: Date;
  resolvedAt: Date | null;
}

/** A page of dead letters, newest first. */
export interface PluginDeadLetterPage {
  edges: Array<{ cursor: string; node: PluginDeadLetter }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** Most dead letters one page may hold. */
export const MAX_DEAD_LETTER_PAGE = 100;

const letterCursor = (row: { createdAt: Date; id: string }) => Buffer.from(`l${row.createdAt.getTime()}.${row.id}`).toString('base64url');

function decodeLetterCursor(cursor: string): { createdAt: Date; id: string } {
  const match = /^l(\d{1,15})\.([0-9a-f-]{36})$/.exec(Buffer.from(String(cursor), 'base64url').toString('utf8'));
  if (!match || !isUuid(match[2])) throw new BadRequestError('after is not a dead-letter cursor', { argument: 'after' });
  return { createdAt: new Date(Number(match[1])), id: match[2] };
}

function toDeadLetter(row: PluginDeadLetterRow): PluginDeadLetter {
  return {
    id: row.id,
    plugin: row.plugin,
    handler: row.handler,
    eventCursor: row.eventCursor,
    event: row.event,
    error: row.error,
    attempts: row.attempts,
    status: row.status as PluginDeadLetterStatus,
    createdAt: row.createdAt,
    resolvedAt: row.resolvedAt,
  };
}

/** Creates the dead-letter operations; `recordsAs` gives a plugin's record access in a workspace. */
export function createDeadLetters(
  db: Database,
  deps: { host: PluginHost; metadata: MetadataService; recordsAs(workspaceId: string, plugin: string): PluginRecords },
) {
  const notFound = (actor: Actor, id: string) => new NotFoundError(`No dead letter ${id} in workspace ${actor.workspaceId}`, { id });

  return {
    /** A page of the workspace's dead letters (of `plugin`, when given), newest first, resolved ones included (admins only). */
    async deadLetters(actor: Actor, args: { first?: number | null; after?: string | null; plugin?: string | null } = {}): Promise<PluginDeadLetterPage> {
      requireAdmin(actor, 'read dead letters');
      const size = args.first ?? 20;
      if (!Number.isInteger(size) || size < 0 || size > MAX_DEAD_LETTER_PAGE) {
        throw new BadRequestError(`first must be an integer from 0 to ${MAX_DEAD_LETTER_PAGE}`, { argument: 'first' });
      }
      const after = args.after == null ? null : decodeLetterCursor(args.after);
      const rows = await db.prisma.pluginDeadLetter.findMany({
        where: {
          workspaceId: actor.workspaceId,
          ...(args.plugin != null ? { plugin: args.plugin } : {}),
          ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: size + 1,
      });
      const edges = rows.slice(0, size).map((row) => ({ cursor: letterCursor(row), node: toDeadLetter(row) }));
      return {
        edges,
        pageInfo: forwardPageInfo(edges, rows.length, size, args.after),
      };
    },

    /**
     * Runs the dead letter's handler on its event again, now (admins only): on
     * success it is resolved; on failure its error and attempts are updated and it
     * stays dead. A resolved one is returned as it is, without running again.
     */
    async retryDeadLetter(actor: Actor, id: string): Promise<PluginDeadLetter> {
      requireAdmin(actor, 'retry dead letters');
      if (!isUuid(id)) throw notFound(actor, id);
      const where = { workspaceId_id: { workspaceId: actor.workspaceId, id } };
      const row = await db.prisma.pluginDeadLetter.findUnique({ where });
      if (!row) throw notFound(actor, id);
      if (row.status === 'resolved') return toDeadLetter(row);
      const handler = deps.host.handlers.find((h) => h.plugin === row.plugin && h.name === row.handler);
      if (!handler) {
        throw new BadRequestError(`This server runs no handler "${row.handler}" of plugin "${row.plugin}"`, { id, reason: 'HANDLER_NOT_CONFIGURED' });
      }
      const metadata = await deps.metadata.snapshot(actor.workspaceId);
      if (!metadata.plugins.has(row.plugin)) {
        throw new BadRequestError(`Plugin "${row.plugin}" is not installed in this workspace`, { id, reason: 'PLUGIN_NOT_INSTALLED' });
      }
      let error: string | null = null;
      try {
        await callHandler(handler.definition, pluginEventFromJson(row.event), deps.recordsAs(actor.workspaceId, row.plugin));
      } catch (failure) {
        error = describeFailure(failure);
      }
      // Counted in SQL: two retries at once each count their attempt.
      await db.sql.query(
        `UPDATE "plugin_dead_letter" SET "attempts" = "attempts" + 1,
                "status" = CASE WHEN $3::text IS NULL THEN 'resolved' ELSE "status" END,
                "resolved_at" = CASE WHEN $3::text IS NULL AND "resolved_at" IS NULL THEN clock_timestamp() ELSE "resolved_at" END,
                "error" = COALESCE($3::text, "error")
          WHERE "workspace_id" = $1 AND "id" = $2`,
        [actor.workspaceId, id, error],
      );
      const updated = await db.prisma.pluginDeadLetter.findUnique({ where });
      if (!updated) throw notFound(actor, id);
      return toDeadLetter(updated);
    },
  };
}

/** The dead-letter operations. */
export type DeadLetters = ReturnType<typeof createDeadLetters>;
