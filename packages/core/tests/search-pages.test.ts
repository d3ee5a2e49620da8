/** Search: keyset pagination, bad input, and tenant isolation (the rest: search.test.ts). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.ts';
import type { SearchArgs } from '../src/records/search.ts';
import { openSearchWorkspaces, type SearchWorkspace } from './search-helpers.ts';

describe('search', () => {
  let engine: Engine;
  let a: SearchWorkspace;
  let b: SearchWorkspace;
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
    ({ engine, a, b } = await openSearchWorkspaces());
  });
  afterAll(() => engine.close());

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
});
