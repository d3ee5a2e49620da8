-- Search over records: a GIN index on the search vector, and, where the pg_trgm
-- extension can be had, a trigram index for typo-tolerant matching (docs/search.md).

-- The search indexes are the only indexes on "record" not led by workspace_id: a
-- GIN index cannot lead with a uuid column without the btree_gin extension. Every
-- search still filters on workspace_id first, and the planner combines the GIN
-- index with the ("workspace_id", "object_type_id", "id") btree (a BitmapAnd).
CREATE INDEX "record_search_idx" ON "record" USING GIN ("search");

-- pg_trgm is optional. PGlite ships it and Debian's PostgreSQL has it in the main
-- package, but a managed or minimal server may not offer it, or the migrating role
-- may not be allowed to create it. A failure here must not fail the migration: it
-- is swallowed (in a subtransaction, so nothing of it remains) and search works
-- without typo tolerance. The search service looks in pg_extension at its first
-- search, so installing pg_trgm later turns typo tolerance on after a restart
-- (create the trigram index below by hand then: docs/search.md).
DO $$
DECLARE
    trgm_schema text;
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'pg_trgm is not available (%): search works without typo tolerance', SQLERRM;
    END;
    SELECT n.nspname INTO trgm_schema
        FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_trgm';
    IF trgm_schema IS NOT NULL THEN
        -- Trigrams of the record's searchable words: the lexemes of its search vector
        -- as text (strip drops positions), which keeps typo tolerance to exactly the
        -- searchable fields. Like the GIN index above, not led by workspace_id.
        EXECUTE format(
            'CREATE INDEX "record_search_trgm_idx" ON "record" USING GIN ((strip("search")::text) %I.gin_trgm_ops)',
            trgm_schema);
    END IF;
END
$$;
