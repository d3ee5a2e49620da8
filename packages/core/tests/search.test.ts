/**
 * Search across record types: prefix matching on every word, ranking, the types
 * filter, deleted records and non-searchable fields left out, typo tolerance with
 * pg_trgm (and without it), and user text that is tsquery syntax. Paging, bad input
 * and tenant isolation: search-pages.test.ts.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrator.ts';
import { listenPGlite } from '../src/db/notifications.ts';
import { createPGliteClient } from '../src/db/pglite.ts';
import { createEngine, type Engine } from '../src/engine.ts';
import { PrismaClient } from '../src/generated/prisma/client.ts';
import { compileSearchQuery, createSearchService, type SearchArgs } from '../src/records/search.ts';
import { createPostgresTestDatabaseUrl, testEngine } from '../src/testing/index.ts';
import { openSearchWorkspaces, type SearchWorkspace } from './search-helpers.ts';

describe('search', () => {
  let engine: Engine;
  let a: SearchWorkspace;
  let b: SearchWorkspace;
  const search = (args: SearchArgs, scope = a.scope) => engine.search.search(scope, args);
  const ids = async (args: SearchArgs, scope = a.scope) => (await search(args, scope)).edges.map((e) => e.node.record.id);

  beforeAll(async () => {
    ({ engine, a, b } = await openSearchWorkspaces());
  });
  afterAll(() => engine.close());

  it('matches every word as a prefix, case-insensitively, across types', async () => {
    const page = await search({ query: 'ACM' });
    const hits = page.edges.map((e) => [e.node.type, e.node.record.id]);
    expect(hits).toEqual(
      expect.arrayContaining([
        ['company', a.ids.acme],
        ['company', a.ids.acmeRockets],
        ['company', a.ids.acmeville],
        ['person', a.ids.ann],
      ]),
    );
    expect(hits).toHaveLength(4);
    expect(page.edges[0]!.node.record.data).toMatchObject({ name: 'Acme', domain: 'https://acme.com/' });
    // Every word must match (AND), each as a prefix.
    expect(await ids({ query: 'acm rock' })).toEqual([a.ids.acmeRockets]);
    expect(await ids({ query: 'ann acm' })).toEqual([a.ids.ann]);
    expect(await ids({ query: 'acme globex' })).toEqual([]);
  });

  it('finds emails and URLs by their parts and whole', async () => {
    expect(await ids({ query: 'ann@acme.com' })).toEqual([a.ids.ann]);
    expect((await ids({ query: 'acme.com' })).sort()).toEqual([a.ids.acme, a.ids.ann].sort());
    expect(await ids({ query: 'globex.com/about' })).toEqual([a.ids.globex]);
    expect((await ids({ query: 'globex' })).sort()).toEqual([a.ids.globex, a.ids.annabel].sort());
  });

  it('ranks more matching fields and whole words higher', async () => {
    // Acme has the word in its name and its domain; Acme Rockets in its name;
    // Acmeville only starts with it.
    const order = await ids({ query: 'acme', types: ['company'] });
    expect(order).toEqual([a.ids.acme, a.ids.acmeRockets, a.ids.acmeville]);
    // Ann Lee has "ann" in her name and her email; Annabel only starts with it.
    expect(await ids({ query: 'ann' })).toEqual([a.ids.ann, a.ids.annabel]);
    const scores = (await search({ query: 'acme', types: ['company'] })).edges.map((e) => e.node.score);
    expect(scores[0]).toBeGreaterThan(scores[1]!);
    expect(scores[1]).toBeGreaterThan(scores[2]!);
  });

  it('searches only the given types', async () => {
    expect(await ids({ query: 'acme', types: ['person'] })).toEqual([a.ids.ann]);
    expect((await ids({ query: 'acme', types: ['person', 'company', 'person'] })).length).toBe(4);
    // A type without searchable fields is accepted and finds nothing; so does no type.
    expect(await ids({ query: 'acme', types: ['task'] })).toEqual([]);
    expect(await ids({ query: 'acme', types: [] })).toEqual([]);
  });

  it('leaves out deleted records until they are restored', async () => {
    expect(await ids({ query: 'gone' })).toEqual([]);
    await engine.records.restore(a.scope, 'company', a.ids.gone);
    expect(await ids({ query: 'gone' })).toEqual([a.ids.gone]);
    await engine.records.delete(a.scope, 'company', a.ids.gone);
    expect(await ids({ query: 'gone' })).toEqual([]);
  });

  it('searches only searchable fields', async () => {
    // "zebra" is in notes and bio, neither searchable; "call" in a task title.
    expect(await ids({ query: 'zebra' })).toEqual([]);
    expect(await ids({ query: 'call' })).toEqual([]);
  });

  it('takes any text: tsquery syntax in the query is only words or nothing', async () => {
    const queries = [
      '&', '|', '!', ':', "'", '(', ')', '\\', '<->', ':*', '!!', '&&&', "''", '"', '*',
      'acme & globex', 'acme | globex', '!acme', 'acme:*', "'acme'", '(acme', 'acme)', 'acme:', "acme'", 'a:b',
      "ann's", 'acme\\', 'acme\u0000', '\u0000', 'acme <-> rockets', 'acme:A', 'ac&me', '😀 acme', 'Ünïcödé', '%_',
    ];
    for (const query of queries) await expect(search({ query }), query).resolves.toBeDefined();
    for (const query of ['acme!', '(acme)', "'acme'", '"acme"', 'acme,', '&acme', 'acme:*', '!acme']) {
      expect(await ids({ query, types: ['company'] }), query).toContain(a.ids.acme);
    }
    expect(await ids({ query: '& | !' })).toEqual([]);
  });

  it('costs one statement, two with the total, and one more for near spellings', async () => {
    await search({ query: 'acme' });
    const statements: string[] = [];
    const stop = engine.db.observe((text) => statements.push(text));
    const onRecords = () => statements.filter((s) => s.includes('"record"'));
    try {
      await search({ query: 'acme' });
      expect(onRecords()).toHaveLength(1);
      await search({ query: 'acme', totalCount: true });
      expect(onRecords()).toHaveLength(3);
      // Words first; the trigram statement only because they found nothing.
      statements.length = 0;
      await search({ query: 'acmee' });
      expect(onRecords()).toHaveLength(2);
      expect(onRecords()[1]).toContain('<%');
      await search({ query: 'acmee', totalCount: true });
      expect(onRecords()).toHaveLength(5);
    } finally {
      stop();
    }
    // The trigram statement's planner settings end with its transaction.
    const { rows } = await engine.db.sql.query<{ v: string }>(`SELECT current_setting('enable_seqscan') AS "v"`);
    expect(rows[0]!.v).toBe('on');
  });

  describe('typo tolerance', () => {
    it('is available on the test engines (pg_trgm is installed)', async () => {
      // PGlite loads pg_trgm; Debian's PostgreSQL ships it. Without it, see below.
      expect(await engine.search.typoTolerant()).toBe(true);
    });

    it('finds near spellings when nothing matches exactly, best first', async () => {
      const typo = await search({ query: 'acmee', types: ['company'] });
      expect(typo.edges.map((e) => e.node.record.id)).toEqual([a.ids.acme, a.ids.acmeRockets, a.ids.acmeville]);
      expect(await ids({ query: 'umbrela' })).toEqual([a.ids.umbrella]);
      expect(await ids({ query: 'globx', types: ['company'] })).toEqual([a.ids.globex]);
      // Every word must match, exactly or nearly.
      expect(await ids({ query: 'ann acmee' })).toEqual([a.ids.ann]);
      expect(await ids({ query: 'umbrela zzzz' })).toEqual([]);
      // Trigram similarity of short words is coarse: one letter of four changed
      // shares 2 of 5 trigrams (0.4), below pg_trgm's word similarity threshold (0.6).
      expect(await ids({ query: 'acne' })).toEqual([]);
    });

    it('only when the exact match finds nothing', async () => {
      // "acme" matches exactly: no near spellings are added.
      expect(await ids({ query: 'acme', types: ['company'] })).toEqual([a.ids.acme, a.ids.acmeRockets, a.ids.acmeville]);
    });

    it('keeps workspaces, types, deleted records and searchable fields apart', async () => {
      const inA = await ids({ query: 'acmee', first: 100 });
      const inB = await ids({ query: 'acmee', first: 100 }, b.scope);
      expect(inA.length).toBe(4);
      expect(inA.filter((id) => inB.includes(id))).toEqual([]);
      expect(inA).not.toContain(a.ids.gone);
      expect(inA).not.toContain(a.ids.task);
      expect(await ids({ query: 'acmee', types: ['person'] })).toEqual([a.ids.ann]);
      expect(await ids({ query: 'zebbra' })).toEqual([]);
    });

    it('pages with cursors that stay near spellings', async () => {
      const all = await ids({ query: 'pagging', first: 100 });
      expect(all).toHaveLength(25);
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const page = await search({ query: 'pagging', first: 7, after });
        seen.push(...page.edges.map((e) => e.node.record.id));
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      expect(seen).toEqual(all);
      expect((await search({ query: 'pagging', first: 1, totalCount: true })).totalCount).toBe(25);
    });

    it('ranks at most typoCandidates near spellings, ordered as the full ranking orders them', async () => {
      // 25 items match "pagging", with different scores (repeated words) and ties.
      const all = await search({ query: 'pagging', first: 100 });
      expect(all.edges).toHaveLength(25);
      const allIds = all.edges.map((e) => e.node.record.id);

      const capped = createSearchService(engine.db, { typoCandidates: 10 });
      const page = await capped.search(a.scope, { query: 'pagging', first: 100, totalCount: true });
      const pageIds = page.edges.map((e) => e.node.record.id);
      expect(pageIds).toHaveLength(10);
      expect(page.totalCount).toBe(10);
      expect(page.pageInfo.hasNextPage).toBe(false);
      // Real matches, each with the score and the place it has in the full ranking.
      expect(pageIds).toEqual(allIds.filter((id) => pageIds.includes(id)));
      const score = new Map(all.edges.map((e) => [e.node.record.id, e.node.score]));
      for (const e of page.edges) expect(e.node.score).toBe(score.get(e.node.record.id));

      // Pages go through the same candidates, without repeating or skipping one.
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const next = await capped.search(a.scope, { query: 'pagging', first: 3, after });
        seen.push(...next.edges.map((e) => e.node.record.id));
        after = next.pageInfo.hasNextPage ? next.pageInfo.endCursor : null;
      } while (after);
      expect(seen).toEqual(pageIds);

      // With room for every match, the ranking is the full one; a narrower query
      // (fewer matches than the cap) is not affected at all.
      const roomy = createSearchService(engine.db, { typoCandidates: 25 });
      expect((await roomy.search(a.scope, { query: 'pagging', first: 100 })).edges.map((e) => e.node.record.id)).toEqual(allIds);
      const acmee = await capped.search(a.scope, { query: 'acmee', types: ['company'] });
      expect(acmee.edges.map((e) => e.node.record.id)).toEqual([a.ids.acme, a.ids.acmeRockets, a.ids.acmeville]);
    });

    it('is off without pg_trgm: exact and prefix matching still work', async () => {
      const plain = createSearchService(engine.db, { trigram: false });
      expect(await plain.typoTolerant()).toBe(false);
      expect((await plain.search(a.scope, { query: 'acmee' })).edges).toEqual([]);
      expect((await plain.search(a.scope, { query: 'acm', types: ['company'] })).edges).toHaveLength(3);
      // A cursor of a near-spelling page cannot be continued there.
      const cursor = (await search({ query: 'pagging', first: 1 })).pageInfo.endCursor!;
      await expect(plain.search(a.scope, { query: 'pagging', after: cursor })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    });
  });
});

describe('compileSearchQuery', () => {
  it('quotes every word and makes it a prefix', () => {
    expect(compileSearchQuery('Acme  rockets acme')).toEqual({
      prefix: "'Acme':* & 'rockets':* & 'acme':*",
      exact: "'Acme' & 'rockets' & 'acme'",
      words: ['acme', 'rockets'],
      terms: 3,
    });
    // Repeated pieces count once.
    expect(compileSearchQuery('a a a a a a a a a a a a a a a a a a a a')).toMatchObject({ prefix: "'a':*", terms: 1 });
    expect(compileSearchQuery("o'brien acme.com")?.prefix).toBe("('o''brien':* | ('o':* & 'brien':*)) & ('acme.com':* | ('acme':* & 'com':*))");
    expect(compileSearchQuery('(acme)! +14155')?.prefix).toBe("'acme':* & ('+14155':* | '14155':*)");
    expect(compileSearchQuery('a\\b')?.prefix).toBe("('a\\\\b':* | ('a':* & 'b':*))");
    expect(compileSearchQuery('& | ! ( ) :')).toBeNull();
  });
});

/**
 * Where pg_trgm cannot be created (not installed, or the role may not), the
 * migration still applies, without the trigram index, and search works without
 * typo tolerance. PGlite: opened without the extension. PostgreSQL: migrated by a
 * role that may create tables but not extensions.
 */
describe('search without pg_trgm', () => {
  let db: Database;
  let cleanup: () => Promise<void> = async () => {};

  beforeAll(async () => {
    if (testEngine() === 'pglite') {
      const pglite = await PGlite.create('memory://');
      const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
      db = {
        engine: 'pglite',
        prisma,
        sql: createPGliteClient(pglite),
        background: createPGliteClient(pglite),
        observe: () => () => {},
        listen: (channel, onNotify) => listenPGlite(pglite, channel, onNotify),
        close: async () => {
          await prisma.$disconnect();
          await pglite.close();
        },
      };
    } else {
      const adminUrl = process.env.RELATA_TEST_DATABASE_URL!;
      const url = new URL(await createPostgresTestDatabaseUrl(adminUrl));
      const database = url.pathname.slice(1);
      const role = `${database}_noext`;
      const run = async (target: string, statements: string[]) => {
        const client = new pg.Client(target);
        await client.connect();
        try {
          for (const s of statements) await client.query(s);
        } finally {
          await client.end();
        }
      };
      await run(url.toString(), [
        `CREATE ROLE ${role} LOGIN PASSWORD 'noext'`,
        `REVOKE CREATE ON DATABASE ${database} FROM PUBLIC`,
        `GRANT USAGE, CREATE ON SCHEMA public TO ${role}`,
      ]);
      url.username = role;
      url.password = 'noext';
      db = await openDatabase({ url: url.toString(), poolSize: 2 });
      cleanup = () => run(adminUrl, [`DROP DATABASE IF EXISTS ${database}`, `DROP ROLE IF EXISTS ${role}`]);
    }
  });
  afterAll(async () => {
    await db?.close();
    await cleanup();
  });

  it('migrates, and searches without typo tolerance', async () => {
    await migrate(db.sql);
    const { rows: extensions } = await db.sql.query(`SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'`);
    expect(extensions).toEqual([]);
    const { rows: indexes } = await db.sql.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE tablename = 'record' AND indexname LIKE 'record_search%' ORDER BY 1`,
    );
    expect(indexes.map((r) => r.indexname)).toEqual(['record_search_idx']);

    const engine = createEngine(db);
    const { workspaceId, apiKey } = await engine.workspaces.create({ name: 'No trigrams' });
    const { actor } = await engine.workspaces.authenticate(apiKey);
    expect(actor.workspaceId).toBe(workspaceId);
    await engine.metadata.createObjectType(actor, { apiName: 'company', pluralApiName: 'companies' });
    await engine.metadata.createField(actor, 'company', { apiName: 'name', type: 'TEXT', searchable: true });
    const scope = { actor, metadata: await engine.metadata.snapshot(workspaceId) };
    const acme = await engine.records.create(scope, 'company', { name: 'Acme' });

    expect(await engine.search.typoTolerant()).toBe(false);
    expect((await engine.search.search(scope, { query: 'acm' })).edges.map((e) => e.node.record.id)).toEqual([acme.id]);
    expect((await engine.search.search(scope, { query: 'acmee' })).edges).toEqual([]);
  });
});
