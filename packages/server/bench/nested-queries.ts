/**
 * The nested scenario's query, the same tree as GraphQL asks for it and as the two
 * hand-written SQL baselines the goal is measured against.
 */
import { NESTED } from './nested-seed.ts';

export const GQL_NESTED = `{ companies(first: ${NESTED.page}, orderBy: [{ name: ASC }]) { edges { node { id name people(first: ${NESTED.page}) { edges { node { id firstName lastName notes(first: ${NESTED.page}) { edges { node { id body } } } } } } } } } }`;

/** Baseline 1: one statement per level; the children of all parents of a level in one LATERAL statement. */
export const RAW_NESTED_LEVELS_SQL = [
  `SELECT id, data->>'name' AS name
FROM record
WHERE workspace_id = $1 AND object_type_id = $2 AND deleted_at IS NULL
ORDER BY data->>'name', id
LIMIT ${NESTED.page}`,
  `SELECT c.id AS parent, p.id, p.first_name, p.last_name
FROM unnest($3::text[]) AS c(id)
CROSS JOIN LATERAL (
  SELECT id, data->>'firstName' AS first_name, data->>'lastName' AS last_name
  FROM record
  WHERE workspace_id = $1 AND object_type_id = $2 AND deleted_at IS NULL AND data->>'company' = c.id
  ORDER BY id
  LIMIT ${NESTED.page}
) p`,
  `SELECT pe.id AS parent, n.id, n.body
FROM unnest($3::text[]) AS pe(id)
CROSS JOIN LATERAL (
  SELECT id, data->>'body' AS body
  FROM record
  WHERE workspace_id = $1 AND object_type_id = $2 AND deleted_at IS NULL AND data->>'person' = pe.id
  ORDER BY id
  LIMIT ${NESTED.page}
) n`,
] as const;

/** Baseline 2: the whole tree as JSON in one statement (LATERAL joins and json_agg). */
export const RAW_NESTED_JSON_SQL = `SELECT coalesce(json_agg(json_build_object('id', c.id, 'name', c.name, 'people', p.people) ORDER BY c.name, c.id), '[]') AS tree
FROM (
  SELECT id, data->>'name' AS name
  FROM record
  WHERE workspace_id = $1 AND object_type_id = $2 AND deleted_at IS NULL
  ORDER BY data->>'name', id
  LIMIT ${NESTED.page}
) c
CROSS JOIN LATERAL (
  SELECT coalesce(json_agg(json_build_object('id', p.id, 'firstName', p.first_name, 'lastName', p.last_name, 'notes', n.notes) ORDER BY p.id), '[]') AS people
  FROM (
    SELECT id, data->>'firstName' AS first_name, data->>'lastName' AS last_name
    FROM record
    WHERE workspace_id = $1 AND object_type_id = $3 AND deleted_at IS NULL AND data->>'company' = c.id::text
    ORDER BY id
    LIMIT ${NESTED.page}
  ) p
  CROSS JOIN LATERAL (
    SELECT coalesce(json_agg(json_build_object('id', n.id, 'body', n.body) ORDER BY n.id), '[]') AS notes
    FROM (
      SELECT id, data->>'body' AS body
      FROM record
      WHERE workspace_id = $1 AND object_type_id = $4 AND deleted_at IS NULL AND data->>'person' = p.id::text
      ORDER BY id
      LIMIT ${NESTED.page}
    ) n
  ) n
) p`;
