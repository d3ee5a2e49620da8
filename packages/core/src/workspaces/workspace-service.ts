/**
 * Workspaces (tenants) and the credentials that reach them. Creating a workspace
 * creates its first admin API key, returned once. Authenticating a credential
 * (an API key, or a verified token's identity) is one indexed lookup in the
 * common case that also returns the workspace's metadata version, which is all
 * a server needs to pick the right cached schema.
 */
import type { Database } from '../db/database.ts';
import { ValidationError } from '../errors.ts';
import { isUuid, newId } from '../ids.ts';
import { createApiKeyService, newApiKeyRow } from './api-key-service.ts';
import { createMemberService } from './member-service.ts';

export type { ApiKeyInput, Authenticated, CreatedApiKey } from './api-key-service.ts';
export { LAST_USED_RESOLUTION_SECONDS } from './api-key-service.ts';
export { MAX_USER_ID_LENGTH, type VerifiedIdentity } from './member-service.ts';

/** Creates the workspace service over `db`: workspaces, their API keys and their members. */
export function createWorkspaceService(db: Database) {
  return {
    /** Creates a workspace and its first admin API key (shown only here). */
    async create(input: { name: string; keyName?: string }): Promise<{ workspaceId: string; apiKey: string; apiKeyId: string }> {
      const name = typeof input.name === 'string' ? input.name.trim() : '';
      if (!name) throw new ValidationError([{ field: 'name', code: 'REQUIRED', message: 'is required' }]);
      if (name.length > 200) throw new ValidationError([{ field: 'name', code: 'TOO_LONG', message: 'must be at most 200 characters' }]);
      const workspaceId = newId();
      const { key, data } = newApiKeyRow(workspaceId, { name: input.keyName ?? 'default', role: 'admin', expiresAt: null });
      await db.prisma.$transaction([db.prisma.workspace.create({ data: { id: workspaceId, name } }), db.prisma.apiKey.create({ data })]);
      return { workspaceId, apiKey: key, apiKeyId: data.id };
    },

    /** One workspace, or null when there is none with this id. */
    async find(workspaceId: string) {
      if (!isUuid(workspaceId)) return null;
      return db.prisma.workspace.findUnique({ where: { id: workspaceId }, select: { id: true, name: true, createdAt: true } });
    },

    /** Lists workspaces (for the CLI). */
    async list() {
      return db.prisma.workspace.findMany({ orderBy: { createdAt: 'asc' }, select: { id: true, name: true, createdAt: true } });
    },

    ...createApiKeyService(db),
    ...createMemberService(db),
  };
}

/** The workspace service. */
export type WorkspaceService = ReturnType<typeof createWorkspaceService>;
