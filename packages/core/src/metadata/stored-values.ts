/**
 * When a field's type or options change, every value already stored must still be
 * valid. Values are read in batches and normalised with the new definition; any
 * that fails refuses the change (naming how many and one example), and values
 * whose normal form differs (TEXT → EMAIL lower-cases) are rewritten in place.
 */
import type { FieldErrorCollector } from '../errors.ts';
import { fieldType } from '../fields/index.ts';
import type { FieldMeta } from '../fields/types.ts';
import type { Prisma } from '../generated/prisma/client.ts';

const BATCH = 1000;

/** Checks (and re-normalises) the stored values of `before` against `after`. */
export async function checkStoredValues(
  tx: Prisma.TransactionClient,
  workspaceId: string,
  objectTypeId: string,
  before: FieldMeta,
  after: FieldMeta,
  errors: FieldErrorCollector,
): Promise<void> {
  const module = fieldType(after.type);
  let invalid = 0;
  let example = '';
  let lastId = '00000000-0000-0000-0000-000000000000';
  const rewrites: Array<{ id: string; value: unknown }> = [];
  for (;;) {
    const rows = await tx.$queryRawUnsafe<Array<{ id: string; value: unknown }>>(
      `SELECT "id"::text AS "id", "data"->$3 AS "value" FROM "record" ` +
        `WHERE "workspace_id" = $1::uuid AND "object_type_id" = $2::uuid AND jsonb_exists("data", $3) AND "id" > $4::uuid ` +
        `ORDER BY "id" LIMIT ${BATCH}`,
      workspaceId,
      objectTypeId,
      before.apiName,
      lastId,
    );
    for (const row of rows) {
      const result = module.normalize(row.value, after);
      if (!result.ok) {
        invalid++;
        if (!example) example = `record ${row.id}: ${JSON.stringify(row.value)} ${result.message}`;
      } else if (JSON.stringify(result.value) !== JSON.stringify(row.value)) {
        rewrites.push({ id: row.id, value: result.value });
      }
    }
    if (rows.length < BATCH) break;
    lastId = rows[rows.length - 1]!.id;
  }
  // Ids that now mean "a record of the target type" must name one (TEXT → RELATION, a new target).
  const targets = module.references?.(after);
  if (targets?.length && invalid === 0) {
    const { rows } = await tx.$queryRawUnsafe<Array<{ n: number; example: string | null }>>(
      `SELECT count(*)::int AS "n", min(r."id"::text) AS "example" FROM "record" r ` +
        `WHERE r."workspace_id" = $1::uuid AND r."object_type_id" = $2::uuid AND jsonb_exists(r."data", $3) AND NOT EXISTS (` +
        `SELECT 1 FROM "record" t JOIN "object_type" o ON o."workspace_id" = t."workspace_id" AND o."id" = t."object_type_id" ` +
        `WHERE t."workspace_id" = r."workspace_id" AND t."id" = (r."data"->>$3)::uuid AND o."api_name" = ANY($4::text[]))`,
      workspaceId,
      objectTypeId,
      before.apiName,
      targets,
    ).then((rows) => ({ rows }));
    const dangling = rows[0]?.n ?? 0;
    if (dangling > 0) {
      invalid = dangling;
      example = `record ${rows[0]?.example}: no ${targets.join(' or ')} with that id`;
    }
  }
  if (invalid > 0) {
    const what = after.type !== before.type ? `type ${after.type}` : 'the new options';
    errors.add(
      after.type !== before.type ? 'input.type' : 'input.options',
      'INCOMPATIBLE_DATA',
      `${invalid} stored values are not valid for ${what} (e.g. ${example})`,
    );
    return;
  }
  for (let i = 0; i < rewrites.length; i += BATCH) {
    const batch = rewrites.slice(i, i + BATCH);
    await tx.$executeRawUnsafe(
      `UPDATE "record" AS r SET "data" = jsonb_set(r."data", ARRAY[$3], v."value") ` +
        `FROM jsonb_to_recordset($4::jsonb) AS v("id" uuid, "value" jsonb) ` +
        `WHERE r."workspace_id" = $1::uuid AND r."object_type_id" = $2::uuid AND r."id" = v."id"`,
      workspaceId,
      objectTypeId,
      after.apiName,
      JSON.stringify(batch),
    );
  }
}
