-- Plugins (core/src/plugins/): which plugins each workspace has installed, the
-- position of each event handler in the change log, handler events that failed
-- for good (the dead-letter list), and the runs of scheduled jobs.

-- A plugin installed into a workspace, at a version, with the data migrations
-- already run there. Installing and upgrading also write the plugin's record
-- types and fields (object_type.source / field_def.source name the plugin).
CREATE TABLE "plugin_installation" (
    "workspace_id" UUID NOT NULL REFERENCES "workspace" ("id") ON DELETE CASCADE,
    "plugin" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "migrations" TEXT[] NOT NULL DEFAULT '{}',
    "installed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("workspace_id", "plugin")
);

-- One row per event handler (`<plugin>/<handler>`), for every workspace: the log
-- position it has handled events up to, and the lease of the process running it
-- (so that several processes never run one handler at once).
CREATE TABLE "plugin_handler" (
    "name" TEXT NOT NULL PRIMARY KEY,
    -- A new handler starts after every event readable at its creation.
    "position_txid" XID8 NOT NULL DEFAULT pg_snapshot_xmin(pg_current_snapshot()),
    "position_seq" BIGINT NOT NULL DEFAULT 0,
    "lease_owner" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- An event a handler failed on at every attempt: kept for admins to read and retry.
CREATE TABLE "plugin_dead_letter" (
    "workspace_id" UUID NOT NULL REFERENCES "workspace" ("id") ON DELETE CASCADE,
    "id" UUID NOT NULL,
    "plugin" TEXT NOT NULL,
    "handler" TEXT NOT NULL,
    "event_cursor" TEXT NOT NULL,
    -- The event as the handler got it.
    "event" JSONB NOT NULL,
    "error" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    -- dead, or resolved once a retry succeeded.
    "status" TEXT NOT NULL DEFAULT 'dead',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),
    PRIMARY KEY ("workspace_id", "id")
);
CREATE INDEX "plugin_dead_letter_workspace_id_created_at_idx" ON "plugin_dead_letter" ("workspace_id", "created_at");

-- One row per run of a scheduled job in a workspace: the primary key makes a
-- scheduled time run once, whichever process claims it first.
CREATE TABLE "plugin_job_run" (
    "plugin" TEXT NOT NULL,
    "job" TEXT NOT NULL,
    "workspace_id" UUID NOT NULL REFERENCES "workspace" ("id") ON DELETE CASCADE,
    "scheduled_at" TIMESTAMPTZ(3) NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "error" TEXT,
    PRIMARY KEY ("plugin", "job", "workspace_id", "scheduled_at")
);
