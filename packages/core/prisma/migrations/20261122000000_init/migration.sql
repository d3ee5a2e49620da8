-- Relata's first schema: tenants, credentials, metadata and the single record table.
-- Every key and index leads with workspace_id (so tenants stay apart and the
-- tables can be distributed by tenant), except api_key's key_hash: a request is
-- authenticated before its workspace is known.

CREATE TABLE "workspace" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "metadata_version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "workspace_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "member" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "user_id" TEXT NOT NULL,
    "name" TEXT,
    "email" TEXT,
    "role" TEXT NOT NULL DEFAULT 'admin',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "member_pkey" PRIMARY KEY ("workspace_id", "id"),
    CONSTRAINT "member_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "member_workspace_id_user_id_key" ON "member"("workspace_id", "user_id");

CREATE TABLE "api_key" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'admin',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    CONSTRAINT "api_key_pkey" PRIMARY KEY ("workspace_id", "id"),
    CONSTRAINT "api_key_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "api_key_key_hash_key" ON "api_key"("key_hash");

CREATE TABLE "object_type" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "api_name" TEXT NOT NULL,
    "plural_api_name" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "description" TEXT,
    "source" TEXT NOT NULL DEFAULT 'custom',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "object_type_pkey" PRIMARY KEY ("workspace_id", "id"),
    CONSTRAINT "object_type_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "object_type_workspace_id_api_name_key" ON "object_type"("workspace_id", "api_name");
CREATE UNIQUE INDEX "object_type_workspace_id_plural_api_name_key" ON "object_type"("workspace_id", "plural_api_name");

CREATE TABLE "field_def" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "object_type_id" UUID NOT NULL,
    "api_name" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "description" TEXT,
    "type" TEXT NOT NULL,
    "required" BOOLEAN NOT NULL DEFAULT false,
    "unique" BOOLEAN NOT NULL DEFAULT false,
    "indexed" BOOLEAN NOT NULL DEFAULT false,
    "searchable" BOOLEAN NOT NULL DEFAULT false,
    "default_value" JSONB,
    "options" JSONB NOT NULL DEFAULT '{}',
    "source" TEXT NOT NULL DEFAULT 'custom',
    "position" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "field_def_pkey" PRIMARY KEY ("workspace_id", "id"),
    CONSTRAINT "field_def_workspace_id_object_type_id_fkey" FOREIGN KEY ("workspace_id", "object_type_id") REFERENCES "object_type"("workspace_id", "id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "field_def_workspace_id_object_type_id_api_name_key" ON "field_def"("workspace_id", "object_type_id", "api_name");

-- Every record of every type. Adding a type or a field never changes this table;
-- a field marked indexed or unique gets a partial expression index of its own.
CREATE TABLE "record" (
    "workspace_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "object_type_id" UUID NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "owner_id" UUID,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    "search" tsvector,
    CONSTRAINT "record_pkey" PRIMARY KEY ("workspace_id", "id")
);
CREATE INDEX "record_workspace_id_object_type_id_id_idx" ON "record"("workspace_id", "object_type_id", "id");
