-- Webhooks: outside URLs that receive a workspace's record events, signed, in
-- batches of up to 100, at least once, in log order (core/src/webhooks/).
--
-- The change log is the queue: each webhook keeps the position (txid, seq) of the
-- log it has taken events up to, and a worker turns the next events after it into
-- one delivery (a batch) in the same statement that moves the position, so no
-- event is skipped. A webhook has at most one unfinished delivery at a time (the
-- partial unique index below): its next batch is made only once the previous one
-- succeeded, which keeps deliveries in log order per webhook.
CREATE TABLE "webhook" (
    "workspace_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    -- Signs every delivery (HMAC-SHA256). Stored as given: signing needs it.
    "secret" TEXT NOT NULL,
    -- Record type apiNames and event kinds; empty means every one.
    "types" TEXT[] NOT NULL DEFAULT '{}',
    "kinds" TEXT[] NOT NULL DEFAULT '{}',
    -- Set by admins: false pauses the webhook (events are kept for it).
    "active" BOOLEAN NOT NULL DEFAULT true,
    -- 'active', or 'failing' once a delivery has failed for good: nothing more is
    -- delivered until an admin replays.
    "state" TEXT NOT NULL DEFAULT 'active',
    "failing_since" TIMESTAMPTZ(3),
    -- Events up to here are in a delivery. A new webhook starts after every event
    -- readable at its creation (the log reader's start position).
    "position_txid" XID8 NOT NULL DEFAULT pg_snapshot_xmin(pg_current_snapshot()),
    "position_seq" BIGINT NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "webhook_pkey" PRIMARY KEY ("workspace_id", "id"),
    CONSTRAINT "webhook_state_check" CHECK ("state" IN ('active', 'failing')),
    CONSTRAINT "webhook_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- One batch of events for one webhook, and where its delivery stands.
CREATE TABLE "webhook_delivery" (
    "workspace_id" UUID NOT NULL,
    -- Sent as the Relata-Delivery header, the same on every attempt.
    "id" UUID NOT NULL,
    "webhook_id" UUID NOT NULL,
    -- Creation order: a webhook's deliveries are made one after the other, so this is
    -- also their log order. Pages of deliveries are read by it, newest first.
    "seq" BIGSERIAL NOT NULL,
    "first_cursor" TEXT NOT NULL,
    "last_cursor" TEXT NOT NULL,
    "event_count" INTEGER NOT NULL,
    -- The events as sent (RecordEvent JSON, in log order); `json`, not `jsonb`, so
    -- their text, key order included, is the same on every attempt.
    "events" JSON NOT NULL,
    -- pending (waiting for its next attempt), delivering (claimed by a worker until
    -- next_attempt_at, its lease), succeeded, failed (given up), cancelled (replaced
    -- by a replay).
    "status" TEXT NOT NULL DEFAULT 'pending',
    -- Attempts started so far; a worker's claim adds one.
    "attempts" INTEGER NOT NULL DEFAULT 0,
    -- When a pending delivery is due; when a delivering one's lease runs out.
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_attempt_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),
    CONSTRAINT "webhook_delivery_pkey" PRIMARY KEY ("workspace_id", "id"),
    CONSTRAINT "webhook_delivery_status_check" CHECK ("status" IN ('pending', 'delivering', 'succeeded', 'failed', 'cancelled')),
    CONSTRAINT "webhook_delivery_webhook_fkey" FOREIGN KEY ("workspace_id", "webhook_id") REFERENCES "webhook"("workspace_id", "id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- At most one unfinished delivery per webhook: batches go out one at a time, in order.
CREATE UNIQUE INDEX "webhook_delivery_unfinished_key" ON "webhook_delivery"("workspace_id", "webhook_id")
  WHERE "status" IN ('pending', 'delivering');
-- A webhook's deliveries, newest first.
CREATE INDEX "webhook_delivery_workspace_id_webhook_id_seq_idx" ON "webhook_delivery"("workspace_id", "webhook_id", "seq");
-- The one index not led by workspace_id: workers claim the due deliveries of every
-- workspace at once (FOR UPDATE SKIP LOCKED), before any workspace is known.
CREATE INDEX "webhook_delivery_due_idx" ON "webhook_delivery"("next_attempt_at")
  WHERE "status" IN ('pending', 'delivering');

-- Every attempt to deliver a batch: what the receiver answered, or why it did not.
CREATE TABLE "webhook_attempt" (
    "workspace_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "delivery_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    -- NULL when the outcome is unknown (the delivering process stopped mid-attempt).
    "duration_ms" INTEGER,
    "status_code" INTEGER,
    -- Why there was no usable answer: timeout, connection refused, ...
    "error" TEXT,
    -- The first kilobyte of the response body.
    "response_excerpt" TEXT,
    "succeeded" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "webhook_attempt_pkey" PRIMARY KEY ("workspace_id", "id"),
    CONSTRAINT "webhook_attempt_delivery_fkey" FOREIGN KEY ("workspace_id", "delivery_id") REFERENCES "webhook_delivery"("workspace_id", "id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "webhook_attempt_workspace_id_delivery_id_attempt_idx" ON "webhook_attempt"("workspace_id", "delivery_id", "attempt");
