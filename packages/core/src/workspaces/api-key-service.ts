/**
 * API keys of a workspace: created with a name, a role and an optional expiry
 * (the key is returned once, only its hash is stored), listed, revoked, and
 * resolved to an actor on every request.
 */
import { LRUCache } from 'lru-cache';
import { requireAdmin, type Actor } from '../access/actor.ts';
import { isBuiltInRole, roleNameError } from '../access/roles.ts';
import type { Database } from '../db/database.ts';
import { FieldErrorCollector, NotFoundError, UnauthenticatedError, ValidationError } from '../errors.ts';
import { parseDateTime } from '../fields/datetime.ts';
import type { ApiKey, Prisma } from '../generated/prisma/client.ts';
import { isUuid, newId } from '../ids.ts';
import { API_KEY_PATTERN, apiKeyPrefix, generateApiKey, hashApiKey } from './api-keys.ts';

/** What authenticating a credential yields. */
export interface Authenticated {
  actor: Actor;
  /** The workspace's metadata version: servers pick their cached schema by it. */
  metadataVersion: number;
}

/** Input of createApiKey. */
export interface ApiKeyInput {
  /** Shown in lists, to tell keys apart; 1 to 200 characters. */
  name: string;
  /** `admin`, `member`, `viewer`, or a custom role's name. */
  role: string;
  /** When the key stops working (ISO-8601 with an offset, or a Date); never when null or absent. Must be in the future. */
  expiresAt?: string | Date | null;
}

/** A new key: `key` is the secret, returned only here. */
export interface CreatedApiKey {
  key: string;
  apiKey: ApiKey;
}

/**
 * `last_used_at` is written at most once per this interval per key, by the
 * authenticating statement itself (see authenticate).
 */
export const LAST_USED_RESOLUTION_SECONDS = 60;

// Keys whose last use this process has recorded lately (by key hash); bounded, and an
// evicted key only costs one more recording statement.
const LAST_USED_CACHE_SIZE = 10_000;

const KEY_COLUMNS = `k."id", k."workspace_id", k."role", k."last_used_at", w."metadata_version",
    k."revoked_at" IS NOT NULL AS revoked,
    COALESCE(k."expires_at" <= CURRENT_TIMESTAMP, FALSE) AS expired
  FROM "api_key" k JOIN "workspace" w ON w."id" = k."workspace_id"
  WHERE k."key_hash" = $1`;

// The lookup of nearly every request: one indexed SELECT.
const AUTHENTICATE_SQL = `SELECT ${KEY_COLUMNS}`;

// The lookup once a minute per key and process: the same read, and the last use set
// when the stored one is older than the resolution (a data-modifying CTE runs whether
// or not the SELECT reads it), still one statement. It costs about 0.15 ms more to plan
// than the plain SELECT, hence not on every request. The condition on k filters before
// the join, so a fresh key costs no extra index probe; the one on a is re-checked on the
// row's latest version when two requests race, so the second one skips the write, and
// processes sharing a database write once a minute between them.
const AUTHENTICATE_AND_RECORD_USE_SQL = `WITH k AS (
  SELECT ${KEY_COLUMNS}
), touched AS (
  UPDATE "api_key" a SET "last_used_at" = CURRENT_TIMESTAMP
  FROM k
  WHERE a."workspace_id" = k."workspace_id" AND a."id" = k."id" AND NOT k.revoked AND NOT k.expired
    AND (k."last_used_at" IS NULL OR k."last_used_at" < CURRENT_TIMESTAMP - make_interval(secs => ${LAST_USED_RESOLUTION_SECONDS}))
    AND (a."last_used_at" IS NULL OR a."last_used_at" < CURRENT_TIMESTAMP - make_interval(secs => ${LAST_USED_RESOLUTION_SECONDS}))
  RETURNING a."id"
)
SELECT "id", "workspace_id", "role", "metadata_version", revoked, expired FROM k`;

function validateInput(input: ApiKeyInput): { name: string; role: string; expiresAt: Date | null } {
  const errors = new FieldErrorCollector();
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (!name) errors.add('name', 'REQUIRED', 'is required');
  else if (name.length > 200) errors.add('name', 'TOO_LONG', 'must be at most 200 characters');
  const roleError = roleNameError(input.role);
  if (roleError) errors.errors.push(roleError);
  let expiresAt: Date | null = null;
  if (input.expiresAt !== undefined && input.expiresAt !== null) {
    const parsed = parseDateTime(input.expiresAt);
    if (!parsed.ok) errors.add('expiresAt', parsed.code, parsed.message);
    else if (new Date(parsed.value as string).getTime() <= Date.now()) errors.add('expiresAt', 'NOT_IN_FUTURE', 'must be in the future');
    else expiresAt = new Date(parsed.value as string);
  }
  errors.throwIfAny();
  return { name, role: input.role, expiresAt };
}

/** The row of a new key of `workspaceId`, and the key itself. */
export function newApiKeyRow(workspaceId: string, input: { name: string; role: string; expiresAt: Date | null }) {
  const key = generateApiKey();
  const data = {
    id: newId(),
    workspaceId,
    name: input.name,
    keyHash: hashApiKey(key),
    prefix: apiKeyPrefix(key),
    role: input.role,
    expiresAt: input.expiresAt,
  } satisfies Prisma.ApiKeyUncheckedCreateInput;
  return { key, data };
}

/** Creates the API key operations over `db`. */
export function createApiKeyService(db: Database) {
  const useRecordedAt = new LRUCache<string, number>({ max: LAST_USED_CACHE_SIZE });

  return {
    /** Creates a key of the actor's workspace (admins only); the key is in the result and nowhere else. */
    async createApiKey(actor: Actor, input: ApiKeyInput): Promise<CreatedApiKey> {
      requireAdmin(actor, 'create API keys');
      const valid = validateInput(input);
      if (!isBuiltInRole(valid.role) && !(await db.prisma.role.findUnique({ where: { workspaceId_name: { workspaceId: actor.workspaceId, name: valid.role } } }))) {
        throw new ValidationError([{ field: 'role', code: 'UNKNOWN_ROLE', message: `"${valid.role}" is neither a built-in role nor a role of this workspace` }]);
      }
      const { key, data } = newApiKeyRow(actor.workspaceId, valid);
      const apiKey = await db.prisma.apiKey.create({ data });
      return { key, apiKey };
    },

    /**
     * Resolves an API key to an actor, in one statement, which once a minute per
     * key also records the key's last use. Unknown and revoked keys fail alike
     * (`INVALID`), so a caller learns nothing about which keys exist; an expired
     * key fails with `EXPIRED`, which only its holder can see.
     */
    async authenticate(token: string | null | undefined): Promise<Authenticated> {
      if (!token) throw new UnauthenticatedError('MISSING');
      if (!API_KEY_PATTERN.test(token)) throw new UnauthenticatedError('INVALID');
      const hash = hashApiKey(token);
      const now = Date.now();
      const recordUse = (useRecordedAt.get(hash) ?? 0) <= now - LAST_USED_RESOLUTION_SECONDS * 1000;
      const { rows } = await db.sql.query<{
        id: string;
        workspace_id: string;
        role: string;
        metadata_version: number;
        revoked: boolean;
        expired: boolean;
      }>(recordUse ? AUTHENTICATE_AND_RECORD_USE_SQL : AUTHENTICATE_SQL, [hash]);
      const row = rows[0];
      if (!row || row.revoked) throw new UnauthenticatedError('INVALID');
      if (row.expired) throw new UnauthenticatedError('EXPIRED');
      // Only valid keys enter the cache: made-up keys cannot evict real ones.
      if (recordUse) useRecordedAt.set(hash, now);
      return {
        actor: { workspaceId: row.workspace_id, kind: 'apiKey', id: row.id, roles: [row.role] },
        metadataVersion: row.metadata_version,
      };
    },

    /** The workspace's API keys, oldest first (admins only), never their secrets; `query` is a Prisma select/include. */
    async findApiKeys(actor: Actor, query: { select?: Prisma.ApiKeySelect; include?: Prisma.ApiKeyInclude } = {}) {
      requireAdmin(actor, 'list API keys');
      return db.prisma.apiKey.findMany({ ...query, where: { workspaceId: actor.workspaceId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } as Prisma.ApiKeyFindManyArgs);
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
