-- Many-to-many relations: one row per link, stored once under the field that owns
-- the relation (`opportunity.contacts`); its inverse (`person.opportunities`) reads
-- the same rows from the other end. Both directions are indexed. Links go with
-- their records and with their field (destroying either removes the link).
CREATE TABLE "record_link" (
    "workspace_id" UUID NOT NULL,
    "field_id" UUID NOT NULL,
    "from_id" UUID NOT NULL,
    "to_id" UUID NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "record_link_pkey" PRIMARY KEY ("workspace_id", "field_id", "from_id", "to_id"),
    CONSTRAINT "record_link_field_fkey" FOREIGN KEY ("workspace_id", "field_id") REFERENCES "field_def"("workspace_id", "id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "record_link_from_fkey" FOREIGN KEY ("workspace_id", "from_id") REFERENCES "record"("workspace_id", "id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "record_link_to_fkey" FOREIGN KEY ("workspace_id", "to_id") REFERENCES "record"("workspace_id", "id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "record_link_workspace_id_field_id_to_id_from_id_idx" ON "record_link"("workspace_id", "field_id", "to_id", "from_id");
-- The from side's foreign key is served by the primary key only with field_id; destroying a record looks up by id alone.
CREATE INDEX "record_link_workspace_id_from_id_idx" ON "record_link"("workspace_id", "from_id");
CREATE INDEX "record_link_workspace_id_to_id_idx" ON "record_link"("workspace_id", "to_id");

-- onDelete CASCADE: the record whose delete soft-deleted this one (itself for a
-- direct delete), so restoring that record brings back exactly what it took along.
ALTER TABLE "record" ADD COLUMN "deleted_root" UUID;
CREATE INDEX "record_workspace_id_deleted_root_idx" ON "record"("workspace_id", "deleted_root") WHERE "deleted_root" IS NOT NULL;
