-- The change log: one row per change of a record (and of metadata), appended by
-- triggers in the statement that makes the change, so no change can commit
-- without its event and no event exists for a change that rolled back, whichever
-- path wrote (the engine, a cascade, a migration, a hand-written statement).
--
-- Order: `seq` is taken when the event is written, which is not commit order
-- across transactions. Readers therefore order by (txid, seq) and read only
-- events of transactions older than every transaction still running
-- (`txid < pg_snapshot_xmin(pg_current_snapshot())`): such events are final, and
-- no event can appear later before them. That (txid, seq) is the subscription
-- cursor (records/events/event-cursor.ts).
--
-- No foreign keys: the log outlives what it describes (a destroyed record's
-- events stay), and is append-only and hot.
CREATE TABLE "record_event" (
    "seq" BIGSERIAL NOT NULL,
    "txid" XID8 NOT NULL DEFAULT pg_current_xact_id(),
    "workspace_id" UUID NOT NULL,
    -- What changed: a record, or the metadata (objectType, field, role).
    "subject" TEXT NOT NULL DEFAULT 'record',
    -- CREATED, UPDATED, DELETED, RESTORED, DESTROYED.
    "kind" TEXT NOT NULL,
    "object_type_id" UUID,
    "record_id" UUID,
    -- Who: 'member:<id>', 'apiKey:<id>' or 'system:<what>', from the transaction's
    -- relata.actor setting (set by the write's metadata guard); NULL when unset.
    "actor" TEXT,
    -- Field apiName -> { "old": ..., "new": ... } in stored form; to-many relations
    -- -> { "added": [ids], "removed": [ids] }; the owner as "ownerId". Empty for
    -- CREATED: the new values are the record's.
    "changes" JSONB NOT NULL DEFAULT '{}',
    -- The record as of the event (after it; before it for DESTROYED): id, data,
    -- owner_id, version, created_at, updated_at, deleted_at.
    "record" JSONB,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "record_event_pkey" PRIMARY KEY ("seq")
);
-- Tailing the whole log (each server process), replaying one workspace, and the
-- history of one record.
CREATE INDEX "record_event_txid_seq_idx" ON "record_event"("txid", "seq");
CREATE INDEX "record_event_workspace_id_txid_seq_idx" ON "record_event"("workspace_id", "txid", "seq");
CREATE INDEX "record_event_workspace_id_record_id_seq_idx" ON "record_event"("workspace_id", "record_id", "seq");
-- No index on "at": pruning walks the oldest events in seq order (the primary key),
-- which follows time closely enough, and every index costs each write.

-- The fields whose stored value differs between two versions of `data`, with the
-- owner when it changed.
CREATE FUNCTION "relata_changes"("o" JSONB, "n" JSONB, "oo" UUID, "no" UUID) RETURNS JSONB
LANGUAGE sql IMMUTABLE AS $$
  SELECT COALESCE(
    (SELECT jsonb_object_agg("k", jsonb_build_object('old', "o" -> "k", 'new', "n" -> "k"))
       FROM (SELECT jsonb_object_keys("o") UNION SELECT jsonb_object_keys("n")) AS "keys"("k")
      WHERE ("o" -> "k") IS DISTINCT FROM ("n" -> "k")),
    '{}'::jsonb)
  || CASE WHEN "oo" IS DISTINCT FROM "no"
       THEN jsonb_build_object('ownerId', jsonb_build_object('old', to_jsonb("oo"), 'new', to_jsonb("no")))
       ELSE '{}'::jsonb END
$$;

CREATE FUNCTION "relata_record_events"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
DECLARE
  "who" TEXT := NULLIF(current_setting('relata.actor', true), '');
  "written" BIGINT;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "record_event" ("workspace_id", "kind", "object_type_id", "record_id", "actor", "changes", "record")
    -- A creation's changes are the record's values: readers take them from "record"
    -- rather than storing them twice.
    SELECT n."workspace_id", 'CREATED', n."object_type_id", n."id", "who", '{}'::jsonb,
           jsonb_build_object('id', n."id", 'data', n."data", 'owner_id', n."owner_id", 'version', n."version",
                              'created_at', n."created_at", 'updated_at', n."updated_at", 'deleted_at', n."deleted_at")
      FROM "new_rows" n ORDER BY n."id";
  ELSIF TG_OP = 'UPDATE' THEN
    -- A change of data or owner that counts as one (the version moved), a delete
    -- or a restore. Rewrites that keep the version (search vectors, values
    -- re-normalised by a field type change) are not changes of the record.
    INSERT INTO "record_event" ("workspace_id", "kind", "object_type_id", "record_id", "actor", "changes", "record")
    SELECT n."workspace_id",
           CASE WHEN o."deleted_at" IS NULL AND n."deleted_at" IS NOT NULL THEN 'DELETED'
                WHEN o."deleted_at" IS NOT NULL AND n."deleted_at" IS NULL THEN 'RESTORED'
                ELSE 'UPDATED' END,
           n."object_type_id", n."id", "who",
           relata_changes(o."data", n."data", o."owner_id", n."owner_id"),
           jsonb_build_object('id', n."id", 'data', n."data", 'owner_id', n."owner_id", 'version', n."version",
                              'created_at', n."created_at", 'updated_at', n."updated_at", 'deleted_at', n."deleted_at")
      FROM "new_rows" n JOIN "old_rows" o ON o."workspace_id" = n."workspace_id" AND o."id" = n."id"
     WHERE (o."deleted_at" IS NULL) <> (n."deleted_at" IS NULL)
        OR (n."version" <> o."version" AND (o."data" IS DISTINCT FROM n."data" OR o."owner_id" IS DISTINCT FROM n."owner_id"))
     ORDER BY n."id";
  ELSE
    INSERT INTO "record_event" ("workspace_id", "kind", "object_type_id", "record_id", "actor", "changes", "record")
    SELECT o."workspace_id", 'DESTROYED', o."object_type_id", o."id", "who", '{}'::jsonb,
           jsonb_build_object('id', o."id", 'data', o."data", 'owner_id', o."owner_id", 'version', o."version",
                              'created_at', o."created_at", 'updated_at', o."updated_at", 'deleted_at', o."deleted_at")
      FROM "old_rows" o ORDER BY o."id";
  END IF;
  GET DIAGNOSTICS "written" = ROW_COUNT;
  -- Wakes the tailing server processes at commit (one notification per transaction).
  IF "written" > 0 THEN PERFORM pg_notify('relata_events', ''); END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "record_events_insert" AFTER INSERT ON "record"
  REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "relata_record_events"();
CREATE TRIGGER "record_events_update" AFTER UPDATE ON "record"
  REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "relata_record_events"();
CREATE TRIGGER "record_events_delete" AFTER DELETE ON "record"
  REFERENCING OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "relata_record_events"();

-- Many-to-many links: one UPDATED event per record on either end whose links
-- changed, naming the field on its side and the ids added or removed. Links
-- removed with a destroyed record give events to the records left on the other end.
CREATE FUNCTION "relata_link_events"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
DECLARE
  "who" TEXT := NULLIF(current_setting('relata.actor', true), '');
  "what" TEXT := CASE WHEN TG_OP = 'INSERT' THEN 'added' ELSE 'removed' END;
  "written" BIGINT;
BEGIN
  INSERT INTO "record_event" ("workspace_id", "kind", "object_type_id", "record_id", "actor", "changes", "record")
  SELECT r."workspace_id", 'UPDATED', r."object_type_id", r."id", "who",
         jsonb_build_object(s."field", jsonb_build_object("what", s."ids")),
         jsonb_build_object('id', r."id", 'data', r."data", 'owner_id', r."owner_id", 'version', r."version",
                              'created_at', r."created_at", 'updated_at', r."updated_at", 'deleted_at', r."deleted_at")
    FROM (
      SELECT l."workspace_id", l."from_id" AS "id", f."api_name" AS "field", jsonb_agg(l."to_id" ORDER BY l."to_id") AS "ids"
        FROM "changed_links" l JOIN "field_def" f ON f."workspace_id" = l."workspace_id" AND f."id" = l."field_id"
       GROUP BY l."workspace_id", l."from_id", f."api_name"
      UNION ALL
      SELECT l."workspace_id", l."to_id", f."options" ->> 'inverseApiName', jsonb_agg(l."from_id" ORDER BY l."from_id")
        FROM "changed_links" l JOIN "field_def" f ON f."workspace_id" = l."workspace_id" AND f."id" = l."field_id"
       WHERE f."options" ->> 'inverseApiName' IS NOT NULL
       GROUP BY l."workspace_id", l."to_id", f."options" ->> 'inverseApiName'
    ) AS s
    JOIN "record" r ON r."workspace_id" = s."workspace_id" AND r."id" = s."id"
   ORDER BY r."id", s."field";
  GET DIAGNOSTICS "written" = ROW_COUNT;
  IF "written" > 0 THEN PERFORM pg_notify('relata_events', ''); END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "record_link_events_insert" AFTER INSERT ON "record_link"
  REFERENCING NEW TABLE AS "changed_links" FOR EACH STATEMENT EXECUTE FUNCTION "relata_link_events"();
CREATE TRIGGER "record_link_events_delete" AFTER DELETE ON "record_link"
  REFERENCING OLD TABLE AS "changed_links" FOR EACH STATEMENT EXECUTE FUNCTION "relata_link_events"();

-- Metadata changes are events too: a record type, a field or a role created,
-- changed or deleted (subject objectType, field or role; record_id is its id),
-- with the changed columns. Rare, so one row trigger each.
CREATE FUNCTION "relata_metadata_events"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
DECLARE
  "before" JSONB := CASE WHEN TG_OP = 'INSERT' THEN '{}'::jsonb ELSE to_jsonb(OLD) - 'updated_at' END;
  "after" JSONB := CASE WHEN TG_OP = 'DELETE' THEN '{}'::jsonb ELSE to_jsonb(NEW) - 'updated_at' END;
  "row" JSONB := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;
  "changed" JSONB := relata_changes("before", "after", NULL, NULL);
BEGIN
  IF TG_OP = 'UPDATE' AND "changed" = '{}'::jsonb THEN RETURN NULL; END IF;
  INSERT INTO "record_event" ("workspace_id", "subject", "kind", "object_type_id", "record_id", "actor", "changes", "record")
  VALUES (("row" ->> 'workspace_id')::uuid, TG_ARGV[0],
          CASE TG_OP WHEN 'INSERT' THEN 'CREATED' WHEN 'UPDATE' THEN 'UPDATED' ELSE 'DELETED' END,
          CASE TG_ARGV[0] WHEN 'objectType' THEN ("row" ->> 'id')::uuid WHEN 'field' THEN ("row" ->> 'object_type_id')::uuid END,
          ("row" ->> 'id')::uuid, NULLIF(current_setting('relata.actor', true), ''), "changed", "row");
  PERFORM pg_notify('relata_events', '');
  RETURN NULL;
END $$;

CREATE TRIGGER "object_type_events" AFTER INSERT OR UPDATE OR DELETE ON "object_type"
  FOR EACH ROW EXECUTE FUNCTION "relata_metadata_events"('objectType');
CREATE TRIGGER "field_def_events" AFTER INSERT OR UPDATE OR DELETE ON "field_def"
  FOR EACH ROW EXECUTE FUNCTION "relata_metadata_events"('field');
CREATE TRIGGER "role_events" AFTER INSERT OR UPDATE OR DELETE ON "role"
  FOR EACH ROW EXECUTE FUNCTION "relata_metadata_events"('role');
