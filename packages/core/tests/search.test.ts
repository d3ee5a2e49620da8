/**
 * Search across record types: prefix matching on every word, ranking, the types
 * filter, deleted records and non-searchable fields left out, keyset pagination,
 * bad input, tenant isolation, typo tolerance with pg_trgm (and without it), and
 * user text that is tsquery syntax.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/access/actor.ts';
import type { Database } from '../src/db/database.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrator.ts';
import { createPGliteClient } from '../src/db/pglite.ts';
import { createEngine, type Engine } from '../src/engine.ts';
import { PrismaClient } from '../src/generated/prisma/client.ts';
import type { RecordScope } from '../src/records/record-service.ts';
import { compileSearchQuery, createSearchService, type SearchArgs } from '../src/records/search.ts';
import { createPostgresTestDatabaseUrl, createTestEngine, testEngine } from '../src/testing/index.ts';

/** The record types of a CRM-ish workspace, and its records by name. */
async function seed(engine: Engine, actor: Actor) {
  const { metadata, records } = engine;
  await metadata.createObjectType(actor, { apiName: 'company', pluralApiName: 'companies' });
  await metadata.createField(actor, 'company', { apiName: 'name', type: 'TEXT', searchable: true });
  await metadata.createField(actor, 'company', { apiName: 'domain', type: 'URL', searchable: true });
  await metadata.createField(actor, 'company', { apiName: 'notes', type: 'LONG_TEXT' });
  await metadata.createObjectType(actor, { apiName: 'person', pluralApiName: 'people' });
  await metadata.createField(actor, 'person', { apiName: 'name', type: 'TEXT', searchable: true });
  await metadata.createField(actor, 'person', { apiName: 'email', type: 'EMAIL', searchable: true });
  await metadata.createField(actor, 'person', { apiName: 'bio', type: 'LONG_TEXT' });
  // A type without searchable fields: never searched.
  await metadata.createObjectType(actor, { apiName: 'task', pluralApiName: 'tasks' });
  await metadata.createField(actor, 'task', { apiName: 'title', type: 'TEXT' });
  await metadata.createObjectType(actor, { apiName: 'item', pluralApiName: 'items' });
  await metadata.createField(actor, 'item', { apiName: 'label', type: 'TEXT', searchable: true });

  const scope: RecordScope = { actor, metadata: await metadata.snapshot(actor.workspaceId) };
  const create = async (type: string, input: Record<string, unknown>) => (await records.create(scope, type, input)).id;
  const ids = {
    acme: await create('company', { name: 'Acme', domain: 'https://acme.com', notes: 'zebra crossing' }),
    acmeRockets: await create('company', { name: 'Acme Rockets' }),
    acmeville: await create('company', { name: 'Acmeville' }),
    globex: await create('company', { name: 'Globex', domain: 'https://www.globex.com/about' }),
    umbrella: await create('company', { name: 'Umbrella Corporation' }),
    gone: await create('company', { name: 'Acme Gone' }),
    ann: await create('person', { name: 'Ann Lee', email: 'ann@acme.com', bio: 'zebra' }),
    annabel: await create('person', { name: 'Annabel Stone', email: 'annabel@globex.com' }),
    task: await create('task', { title: 'Call Acme' }),
  };
  await records.delete(scope, 'company', ids.gone);
  // 25 items for paging, with repeated words (higher scores) and ties.
  const items: string[] = [];
  for (let i = 0; i < 25; i++) {
    const label = i % 5 === 0 ? `Paging paging paging ${i}` : i % 3 === 0 ? `Paging paging ${i}` : `Paging ${i}`;
    items.push(await create('item', { label }));
  }
  return { scope, ids, items };
}

describe('search', () => {
  let engine: Engine;
  let a: Awaited<ReturnType<typeof seed>>;
  let b: Awaited<ReturnType<typeof seed>>;
  const search = (args: SearchArgs, scope = a.scope) => engine.search.search(scope, args);
  const ids = async (args: SearchArgs, scope = a.scope) => (await search(args, scope)).edges.map((e) => e.node.record.id);
  /** The error a search throws: its code and fields (or argument). */
  const failure = async (args: SearchArgs) => {
    try {
      await search(args);
    } catch (error) {
      const e = error as { code: string; fields?: Array<{ field: string; code: string }>; details: { argument?: string } };
      return { code: e.code, fields: e.fields?.map((f) => `${f.field}:${f.code}`), argument: e.details.argument };
    }
    throw new Error('expected the search to fail');
  };

  beforeAll(async () => {
    const t = await createTestEngine();
    engine = t.engine;
    a = await seed(engine, (await t.workspace('A')).actor);
    // Another workspace with the very same types and records.
    b = await seed(engine, (await t.workspace('B')).actor);
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

  it('pages through every hit once, in rank order, with cursors', async () => {
    const all = await search({ query: 'paging', first: 100, totalCount: true });
    expect(all.edges).toHaveLength(25);
    expect(all.totalCount).toBe(25);
    expect(all.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    const scores = all.edges.map((e) => e.node.score);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
    // Ties are broken by id.
    for (let i = 1; i < all.edges.length; i++) {
      const [prev, next] = [all.edges[i - 1]!.node, all.edges[i]!.node];
      if (prev.score === next.score) expect(prev.record.id < next.record.id).toBe(true);
    }

    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 1; ; pages++) {
      const page = await search({ query: 'paging', first: 4, after });
      seen.push(...page.edges.map((e) => e.node.record.id));
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      if (!page.pageInfo.hasNextPage) {
        expect(pages).toBe(7);
        break;
      }
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.edges.map((e) => e.node.record.id));
    expect(new Set(seen).size).toBe(25);
    expect((await search({ query: 'paging' })).edges).toHaveLength(20);
    expect((await search({ query: 'paging', first: 0 })).pageInfo.hasNextPage).toBe(true);
  });

  it('refuses bad input with the field or argument at fault', async () => {
    expect(await failure({ query: '' })).toMatchObject({ code: 'VALIDATION_FAILED', fields: ['query:REQUIRED'] });
    expect(await failure({ query: ' \t\n ' })).toMatchObject({ code: 'VALIDATION_FAILED', fields: ['query:REQUIRED'] });
    expect(await failure({ query: 'a'.repeat(201) })).toMatchObject({ code: 'VALIDATION_FAILED', fields: ['query:TOO_LONG'] });
    expect(await failure({ query: 'a b c d e f g h i j k l m n o p q' })).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: ['query:TOO_MANY_WORDS'],
    });
    // Words are counted once however often they repeat.
    expect(await ids({ query: Array(20).fill('acme').join(' '), types: ['company'] })).toHaveLength(3);
    // Every failing field at once.
    expect(await failure({ query: '', types: ['company', 'nope', 'task', 'Company'] })).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: ['query:REQUIRED', 'types.1:UNKNOWN_TYPE', 'types.3:UNKNOWN_TYPE'],
    });
    expect(await failure({ query: 'acme', first: 101 })).toMatchObject({ code: 'BAD_REQUEST', argument: 'first' });
    expect(await failure({ query: 'acme', first: -1 })).toMatchObject({ code: 'BAD_REQUEST', argument: 'first' });
    expect((await search({ query: 'acme', first: 100 })).edges.length).toBe(4);

    const cursor = (await search({ query: 'paging', first: 1 })).pageInfo.endCursor!;
    const [fingerprint, mode, score, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const after of [
      'garbage',
      '',
      encode({}),
      encode([fingerprint, mode, score]),
      encode([fingerprint, mode, 'high', id]),
      encode([fingerprint, mode, score, 'not-a-uuid']),
      encode([fingerprint, 'x', score, id]),
      encode(['other', mode, score, id]),
    ]) {
      expect(await failure({ query: 'paging', after }), after).toMatchObject({ code: 'BAD_REQUEST', argument: 'after' });
    }
    // A cursor of another search (other words or other types) is refused, not misapplied.
    expect(await failure({ query: 'pagin', after: cursor })).toMatchObject({ code: 'BAD_REQUEST', argument: 'after' });
    expect(await failure({ query: 'paging', types: ['item'], after: cursor })).toMatchObject({ code: 'BAD_REQUEST' });
    expect((await search({ query: 'paging', after: cursor })).edges).toHaveLength(20);
  });

  it("never shows another workspace's records", async () => {
    for (const query of ['acme', 'ann', 'paging', 'globex.com']) {
      const inA = await ids({ query, first: 100 });
      const inB = await ids({ query, first: 100 }, b.scope);
      expect(inA.length).toBeGreaterThan(0);
      expect(inB.length).toBe(inA.length);
      expect(inA.filter((id) => inB.includes(id))).toEqual([]);
    }
    // B's cursors do not work in A.
    const cursorOfB = (await search({ query: 'paging', first: 1 }, b.scope)).pageInfo.endCursor;
    expect(await failure({ query: 'paging', after: cursorOfB })).toMatchObject({ code: 'BAD_REQUEST' });
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

  it('costs one statement, two with the total', async () => {
    await search({ query: 'acme' });
    const statements: string[] = [];
    const stop = engine.db.observe((text) => statements.push(text));
    try {
      await search({ query: 'acme' });
      await search({ query: 'acmee' });
      expect(statements).toHaveLength(2);
      await search({ query: 'acme', totalCount: true });
      expect(statements).toHaveLength(4);
    } finally {
      stop();
    }
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
        observe: () => () => {},
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
