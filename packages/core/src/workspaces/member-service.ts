/**
 * Members: the people of a workspace, as the identity provider knows them. A
 * member row is created by the first request of a user id in a workspace; the
 * role of every request comes from its token.
 */
import { requireAdmin } from '../access/actor.ts';
import type { Actor } from '../access/actor.ts';
import { roleNameError } from '../access/roles.ts';
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
  /** The role to act with, chosen from the token by the transport. */
  role: string;
}

/** The longest user id accepted. */
export const MAX_USER_ID_LENGTH = 255;

/** Creates the member operations over `db`. */
export function createMemberService(db: Database) {
  return {
    /**
     * Resolves a verified identity to a member actor. The common case is one
     * statement (the workspace's metadata version joined with the member row);
     * the first request of a user id adds one INSERT ... ON CONFLICT, so racing
     * first requests make one member, and a role different from the stored one
     * adds one UPDATE, so the `members` list shows the role last used. An
     * unknown workspace is `INVALID`, like any other credential that leads nowhere.
     */
    async authenticateMember(identity: VerifiedIdentity): Promise<Authenticated> {
      const { workspaceId, userId, role } = identity;
      if (!isUuid(workspaceId) || !userId || userId.length > MAX_USER_ID_LENGTH || roleNameError(role)) {
        throw new UnauthenticatedError('INVALID');
      }
      const { rows } = await db.sql.query<{ metadata_version: number; member_id: string | null; member_role: string | null }>(
        'SELECT w."metadata_version", m."id" AS member_id, m."role" AS member_role FROM "workspace" w ' +
          'LEFT JOIN "member" m ON m."workspace_id" = w."id" AND m."user_id" = $2 WHERE w."id" = $1',
        [workspaceId, userId],
      );
      const row = rows[0];
      if (!row) throw new UnauthenticatedError('INVALID');
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
        actor: { workspaceId, kind: 'member', id: memberId, role },
        metadataVersion: row.metadata_version,
      };
    },

    /** The workspace's members, oldest first (admins only). */
    async findMembers(actor: Actor, query: { select?: Prisma.MemberSelect; include?: Prisma.MemberInclude } = {}) {
      requireAdmin(actor, 'list members');
      return db.prisma.member.findMany({ ...query, where: { workspaceId: actor.workspaceId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } as Prisma.MemberFindManyArgs);
    },
  };
}
