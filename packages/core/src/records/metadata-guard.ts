/**
 * Record writes are validated against the metadata the request was served with.
 * A metadata change committed meanwhile (a field made required, a type changed)
 * would let a now-invalid write in. So every validated write runs as one
 * statement led by this guard: it share-locks the workspace row only while the
 * metadata version is still the request's. A metadata change holds that row FOR
 * UPDATE, so a write either commits before the change starts validating the
 * stored data, or waits, re-reads the bumped version and writes nothing.
 */
import type { Actor } from '../access/actor.ts';
import type { Queryable } from '../db/sql-client.ts';
import { ConflictError } from '../errors.ts';
import type { SqlParams } from './query/params.ts';
import type { RecordScope } from './record-service.ts';

/**
 * The CTE that leads a guarded statement; select `FROM "guard"` or test GUARD_HOLDS.
 * It also names the actor for the rest of the transaction (`relata.actor`), which
 * the triggers writing the change log read (migration 20261126000000).
 */
export function metadataGuard(scope: RecordScope, params: SqlParams): string {
  return (
    `WITH "guard" AS (SELECT set_config('relata.actor', ${params.add(actorTag(scope.actor))}, true) FROM "workspace" ` +
    `WHERE "id" = ${params.add(scope.metadata.workspaceId)}::uuid ` +
    `AND "metadata_version" = ${params.add(scope.metadata.version)}::int FOR KEY SHARE) `
  );
}

/** How the change log names an actor: `member:<id>`, `apiKey:<id>` or `system:<id>`. */
export function actorTag(actor: Actor): string {
  return `${actor.kind}:${actor.id}`;
}

/** A condition true only when the guard holds. */
export const GUARD_HOLDS = 'EXISTS (SELECT 1 FROM "guard")';

/** The error of a write that lost the race with a metadata change; retrying is safe. */
export function staleMetadata(): ConflictError {
  return new ConflictError(
    "The workspace's record types changed while this write ran; nothing was written. Retry the request.",
    { reason: 'METADATA_CHANGED' },
  );
}

/** Throws staleMetadata() when the workspace's metadata moved past the request's. */
export async function assertMetadataCurrent(q: Queryable, scope: RecordScope): Promise<void> {
  const { rows } = await q.query<{ v: number }>('SELECT "metadata_version" AS "v" FROM "workspace" WHERE "id" = $1', [
    scope.metadata.workspaceId,
  ]);
  if (rows[0]?.v !== scope.metadata.version) throw staleMetadata();
}
