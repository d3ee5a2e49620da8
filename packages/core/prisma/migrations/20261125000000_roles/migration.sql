-- Custom roles: what a role may do with each record type and field, as JSON rules
-- (access/permissions.ts). The built-in roles admin, member and viewer are defined
-- in code and never stored. A role change is a metadata change: it bumps the
-- workspace's metadata_version in the same transaction, so every server process
-- applies it on its very next request.
CREATE TABLE "role" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "rules" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "role_pkey" PRIMARY KEY ("workspace_id", "id"),
    CONSTRAINT "role_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "role_workspace_id_name_key" ON "role"("workspace_id", "name");

-- Records by owner: the condition of every read and write a role limits to `own`
-- records, and of lists filtered by ownerId.
CREATE INDEX "record_workspace_id_object_type_id_owner_id_idx" ON "record"("workspace_id", "object_type_id", "owner_id") WHERE "deleted_at" IS NULL;
