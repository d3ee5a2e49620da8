/**
 * Workspaces (tenants) and the credentials that reach them. Creating a workspace
 * creates its first admin API key, returned once. Authenticating a key is one
 * indexed lookup that also returns the workspace's metadata version, which is
 * all a server needs to pick the right cached schema.
 */
import { requireAdmin, type Actor } from '../access/actor.ts';
import type { Database } from '../db/database.ts';
import { isUuid, newId } from '../ids.ts';
import { NotFoundError, UnauthenticatedError, ValidationError } from '../errors.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { API_KEY_PATTERN, apiKeyPrefix, generateApiKey, hashApiKey } from './api-keys.ts';

/** What authenticating a credential yields. */
export interface Authenticated {
  actor: Actor;
  metadataVersion: number;
}

// Writing last_used_at on every request would make every read a write; once a minute is enough.
const LAST_USED_RESOLUTION_MS = 60_000;

/** Creates the workspace service over `db`. */
export function createWorkspaceService(db: Database) {
  const lastUsedWritten = new Map<string, number>();

  return {
    /** Creates a workspace and its first admin API key (shown only here). */
    async create(input: { name: string; keyName?: string }): Promise<{ workspaceId: string; apiKey: string; apiKeyId: string }> {
      const name = typeof input.name === 'string' ? input.name.trim() : '';
      if (!name) throw new ValidationError([{ field: 'name', code: 'REQUIRED', message: 'is required' }]);
      if (name.length > 200) throw new ValidationError([{ field: 'name', code: 'TOO_LONG', message: 'must be at most 200 characters' }]);
      const workspaceId = newId();
      const apiKey = generateApiKey();
      const apiKeyId = newId();
      await db.prisma.$transaction([
        db.prisma.workspace.create({ data: { id: workspaceId, name } }),
        db.prisma.apiKey.create({
          data: {
            id: apiKeyId,
            workspaceId,
            name: input.keyName ?? 'default',
            keyHash: hashApiKey(apiKey),
            prefix: apiKeyPrefix(apiKey),
            role: 'admin',
          },
        }),
      ]);
      return { workspaceId, apiKey, apiKeyId };
    },

    /** Lists workspaces (for the CLI). */
    async list() {
      return db.prisma.workspace.findMany({ orderBy: { createdAt: 'asc' }, select: { id: true, name: true, createdAt: true } });
    },

    /**
     * Resolves a bearer token to an actor. Unknown, revoked and expired keys all
     * fail the same way, so a caller learns nothing about which keys exist.
     */
    async authenticate(token: string | null | undefined): Promise<Authenticated> {
      if (!token || !API_KEY_PATTERN.test(token)) throw new UnauthenticatedError();
      const { rows } = await db.sql.query<{
        id: string;
        workspace_id: string;
        role: string;
        metadata_version: number;
      }>(
        'SELECT k."id", k."workspace_id", k."role", w."metadata_version" FROM "api_key" k ' +
          'JOIN "workspace" w ON w."id" = k."workspace_id" ' +
          'WHERE k."key_hash" = $1 AND k."revoked_at" IS NULL AND (k."expires_at" IS NULL OR k."expires_at" > CURRENT_TIMESTAMP)',
        [hashApiKey(token)],
      );
      const row = rows[0];
      if (!row) throw new UnauthenticatedError();
      const now = Date.now();
      if ((lastUsedWritten.get(row.id) ?? 0) < now - LAST_USED_RESOLUTION_MS) {
        lastUsedWritten.set(row.id, now);
        // Best effort, off the request path.
        db.sql
          .query('UPDATE "api_key" SET "last_used_at" = CURRENT_TIMESTAMP WHERE "workspace_id" = $1 AND "id" = $2', [row.workspace_id, row.id])
          .catch(() => {});
      }
      return {
        actor: { workspaceId: row.workspace_id, kind: 'apiKey', id: row.id, role: row.role },
        metadataVersion: row.metadata_version,
      };
    },

    /** The workspace's API keys (admins only), never their secrets; `query` is a Prisma select/include. */
    async findApiKeys(actor: Actor, query: { select?: Prisma.ApiKeySelect; include?: Prisma.ApiKeyInclude } = {}) {
      requireAdmin(actor, 'list API keys');
      return db.prisma.apiKey.findMany({ ...query, where: { workspaceId: actor.workspaceId }, orderBy: { createdAt: 'asc' } } as Prisma.ApiKeyFindManyArgs);
    },

    /** The workspace's members (admins only). */
    async findMembers(actor: Actor, query: { select?: Prisma.MemberSelect; include?: Prisma.MemberInclude } = {}) {
      requireAdmin(actor, 'list members');
      return db.prisma.member.findMany({ ...query, where: { workspaceId: actor.workspaceId }, orderBy: { createdAt: 'asc' } } as Prisma.MemberFindManyArgs);
    },

    /**
     * Revokes one of the actor's workspace's keys (admins only): it stops working on
     * the next request. NOT_FOUND for any other id, or a key already revoked.
     */
    async revokeApiKey(actor: Actor, apiKeyId: string): Promise<boolean> {
      requireAdmin(actor, 'revoke API keys');
      const { count } = isUuid(apiKeyId)
        ? await db.prisma.apiKey.updateMany({
            where: { id: apiKeyId, workspaceId: actor.workspaceId, revokedAt: null },
            data: { revokedAt: new Date() },
          })
        : { count: 0 };
      if (count === 0) {
        throw new NotFoundError(
          `No active API key ${apiKeyId} in workspace ${actor.workspaceId}: ` +
            'it does not exist, belongs to another workspace, or is already revoked.',
          { id: apiKeyId },
        );
      }
      return true;
    },
  };
}

/** The workspace service. */
export type WorkspaceService = ReturnType<typeof createWorkspaceService>;
