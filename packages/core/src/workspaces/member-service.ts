/**
 * Members: the people of a workspace, as the identity provider knows them. A
 * member row is created by the first request of a user id in a workspace; the
 * roles of every request come from its token.
 */
import { requireAdmin } from '../access/actor.ts';
import type { Actor } from '../access/actor.ts';
import { isBuiltInRole, roleNameError } from '../access/roles.ts';
import type { Database } from '../db/database.ts';
import { UnauthenticatedError } from '../errors.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { isUuid, newId } from '../ids.ts';
import type { Authenticated } from './api-key-service.ts';

/** Who a verified token says the caller is. */
export interface VerifiedIdentity {
  /** The workspace the token is for. */
  workspaceId: string;
  /** The identity provider's user id (at most 255 characters). */
  userId: string;
  /** The role names the token carries, in its order; those the workspace does not know are ignored. */
  roles: readonly string[];
  /** The role of a token naming no role the workspace knows; without it, such a token is refused. */
  defaultRole?: string;
}

/** The longest user id accepted. */
export const MAX_USER_ID_LENGTH = 255;
/** Most role names of one token that are looked at. */
export const MAX_TOKEN_ROLES = 20;

/** Creates the member operations over `db`. */
export function createMemberService(db: Database) {
  return {
    /**
     * Resolves a verified identity to a member actor. The common case is one
     * statement (the workspace's metadata version, the member row, and which of
     * the token's role names are custom roles of the workspace); the first
     * request of a user id adds one INSERT ... ON CONFLICT, so racing first
     * requests make one member, and roles different from the stored ones add one
     * UPDATE, so the `members` list shows the roles last used. The actor acts
     * with every role of the token the workspace knows (built-in or custom), else
     * with the default role; a token with neither, or for an unknown workspace,
     * is `INVALID`, like any other credential that leads nowhere.
     */
    async authenticateMember(identity: VerifiedIdentity): Promise<Authenticated> {
      const { workspaceId, userId } = identity;
      const named = [...new Set(identity.roles)].filter((r) => !roleNameError(r)).slice(0, MAX_TOKEN_ROLES);
      if (!isUuid(workspaceId) || !userId || userId.length > MAX_USER_ID_LENGTH) throw new UnauthenticatedError('INVALID');
      const { rows } = await db.sql.query<{ metadata_version: number; member_id: string | null; member_role: string | null; custom: string[] }>(
        'SELECT w."metadata_version", m."id" AS member_id, m."role" AS member_role, ' +
          'ARRAY(SELECT r."name" FROM "role" r WHERE r."workspace_id" = w."id" AND r."name" = ANY($3::text[])) AS "custom" ' +
          'FROM "workspace" w LEFT JOIN "member" m ON m."workspace_id" = w."id" AND m."user_id" = $2 WHERE w."id" = $1',
        [workspaceId, userId, named.filter((r) => !isBuiltInRole(r))],
      );
      const row = rows[0];
      if (!row) throw new UnauthenticatedError('INVALID');
      let roles = named.filter((r) => isBuiltInRole(r) || row.custom.includes(r));
      if (roles.length === 0 && identity.defaultRole !== undefined) roles = [identity.defaultRole];
      if (roles.length === 0) throw new UnauthenticatedError('INVALID', 'The token names no role this workspace knows');
      const role = roles.join(',');
      let memberId = row.member_id;
      if (memberId === null) {
        // DO UPDATE (to the same value) rather than DO NOTHING: it returns the id of the row a
        // concurrent first request inserted, which this statement's snapshot could not see.
        const inserted = await db.sql.query<{ id: string }>(
          'INSERT INTO "member" ("id", "workspace_id", "user_id", "role") VALUES ($1, $2, $3, $4) ' +
            'ON CONFLICT ("workspace_id", "user_id") DO UPDATE SET "user_id" = EXCLUDED."user_id" RETURNING "id"',
          [newId(), workspaceId, userId, role],
        );
        memberId = inserted.rows[0]!.id;
      } else if (row.member_role !== role) {
        await db.sql.query('UPDATE "member" SET "role" = $3 WHERE "workspace_id" = $1 AND "id" = $2', [workspaceId, memberId, role]);
      }
      return {
        actor: { workspaceId, kind: 'member', id: memberId, roles },
        metadataVersion: row.metadata_version,
      };
    },

    /**
     * Members of the actor's workspace by id, in one query (for dataloaders of
     * record owners): anyone who may read a record may see who owns it.
     */
    async membersByIds(actor: Actor, ids: readonly string[]) {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return db.prisma.member.findMany({ where: { workspaceId: actor.workspaceId, id: { in: valid } } });
    },

    /** The workspace's members, oldest first (admins only). */
    async findMembers(actor: Actor, query: { select?: Prisma.MemberSelect; include?: Prisma.MemberInclude } = {}) {
      requireAdmin(actor, 'list members');
      return db.prisma.member.findMany({ ...query, where: { workspaceId: actor.workspaceId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } as Prisma.MemberFindManyArgs);
    },
  };
}
