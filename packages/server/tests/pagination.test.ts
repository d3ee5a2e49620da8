/**
 * Pagination over GraphQL: first/after and last/before walk the whole ordered
 * list, cursors survive inserts and deletes around them, bad page arguments and
 * cursors are a BAD_REQUEST with a clear message, totalCount counts every match
 * on every page, and includeDeleted shows soft-deleted records. What a request
 * costs in statements (totalCount, relations) is in statement-count.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type GraphQLResponse } from './helpers.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Workspace = Awaited<ReturnType<Server['workspace']>>;

interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}
interface Node {
  id: string;
  n: number;
}
interface Page {
  edges: Array<{ cursor: string; node: Node }>;
  pageInfo: PageInfo;
}

const ITEMS = 60;

/** Decodes a cursor the way the server encodes it (base64url JSON), to tamper with it. */
function decode(cursor: string): unknown[] {
  return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
}
function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('pagination', () => {
  let server: Server;
  let ws: Workspace;

  const PAGE = `edges { cursor node { id n } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;

  function items(args: Record<string, unknown>, type: 'items' | 'entries' = 'items') {
    const Type = type === 'items' ? 'Item' : 'Entry';
    return ws.gql<Record<string, Page>>(
      `query($orderBy: [${Type}OrderBy!], $first: Int, $after: String, $last: Int, $before: String, $filter: ${Type}Filter) {
        list: ${type}(orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before, filter: $filter) { ${PAGE} } }`,
      args,
    );
  }
  async function page(args: Record<string, unknown>, type: 'items' | 'entries' = 'items'): Promise<Page> {
    return ok(await items(args, type)).list!;
  }
  async function all(orderBy: unknown, type: 'items' | 'entries' = 'items'): Promise<Node[]> {
    const p = await page({ orderBy, first: 200 }, type);
    expect(p.pageInfo.hasNextPage).toBe(false);
    return p.edges.map((e) => e.node);
  }

  /** Walks forward with first/after; checks pageInfo on the way. */
  async function walkForward(orderBy: unknown, size: number, type: 'items' | 'entries' = 'items', after?: string): Promise<Node[]> {
    const seen: Node[] = [];
    let cursor = after;
    for (let i = 0; i < 100; i++) {
      const p = await page({ orderBy, first: size, after: cursor }, type);
      seen.push(...p.edges.map((e) => e.node));
      expect(p.pageInfo.startCursor).toBe(p.edges[0]?.cursor ?? null);
      expect(p.pageInfo.endCursor).toBe(p.edges.at(-1)?.cursor ?? null);
      expect(p.pageInfo.hasPreviousPage).toBe(cursor !== undefined);
      if (!p.pageInfo.hasNextPage) return seen;
      expect(p.edges).toHaveLength(size);
      cursor = p.pageInfo.endCursor!;
    }
    throw new Error('did not reach the end');
  }

  /** Walks backward with last/before; returns the nodes in list order. */
  async function walkBackward(orderBy: unknown, size: number, type: 'items' | 'entries' = 'items', before?: string): Promise<Node[]> {
    let seen: Node[] = [];
    let cursor = before;
    for (let i = 0; i < 100; i++) {
      const p = await page({ orderBy, last: size, before: cursor }, type);
      seen = [...p.edges.map((e) => e.node), ...seen];
      expect(p.pageInfo.startCursor).toBe(p.edges[0]?.cursor ?? null);
      expect(p.pageInfo.endCursor).toBe(p.edges.at(-1)?.cursor ?? null);
      expect(p.pageInfo.hasNextPage).toBe(cursor !== undefined);
      if (!p.pageInfo.hasPreviousPage) return seen;
      expect(p.edges).toHaveLength(size);
      cursor = p.pageInfo.startCursor!;
    }
    throw new Error('did not reach the start');
  }

  function badRequest(res: GraphQLResponse, message: RegExp) {
    expect(res.errors?.[0]?.extensions?.code, JSON.stringify(res.errors)).toBe('BAD_REQUEST');
    expect(res.errors?.[0]?.message).toMatch(message);
    expect(res.data?.list ?? null).toBeNull();
  }

  beforeAll(async () => {
    server = await startTestServer();
    ws = await server.workspace('Pagination');
    for (const [type, plural] of [['item', 'items'], ['entry', 'entries']]) {
      ok(await ws.gql(`mutation { createObjectType(input: { apiName: "${type}", pluralApiName: "${plural}" }) { apiName } }`));
      ok(await ws.gql(`mutation { createField(objectType: "${type}", input: { apiName: "n", type: INTEGER, indexed: true }) { apiName } }`));
      ok(await ws.gql(`mutation { createField(objectType: "${type}", input: { apiName: "score", type: NUMBER }) { apiName } }`));
    }
    // Scores with ties and gaps, so orderings need the id tie-breaker and null placement.
    for (let i = 1; i <= ITEMS; i++) {
      const score = i % 7 === 0 ? null : i % 5;
      ok(await ws.gql(`mutation($n: Int, $score: Float) { createItem(input: { n: $n, score: $score }) { id } }`, { n: i * 10, score }));
    }
  });
  afterAll(() => server.close());

  describe('walking the list', () => {
    const ORDERINGS: Array<{ name: string; orderBy: unknown }> = [
      { name: 'default (id)', orderBy: undefined },
      { name: 'n DESC', orderBy: [{ n: 'DESC' }] },
      { name: 'score ASC (ties, nulls last)', orderBy: [{ score: 'ASC' }] },
      { name: 'score DESC_NULLS_LAST, n DESC', orderBy: [{ score: 'DESC_NULLS_LAST' }, { n: 'DESC' }] },
      { name: 'score ASC_NULLS_FIRST, id DESC', orderBy: [{ score: 'ASC_NULLS_FIRST' }, { id: 'DESC' }] },
      { name: 'createdAt DESC', orderBy: [{ createdAt: 'DESC' }] },
    ];

    it.each(ORDERINGS)('forward with first/after equals the full list: $name', async ({ orderBy }) => {
      const full = await all(orderBy);
      expect(full).toHaveLength(ITEMS);
      expect(await walkForward(orderBy, 7)).toEqual(full);
    });

    it.each(ORDERINGS)('backward with last/before equals the full list: $name', async ({ orderBy }) => {
      const full = await all(orderBy);
      expect(await walkBackward(orderBy, 7)).toEqual(full);
    });

    it('the first backward page is the end of the list', async () => {
      const full = await all([{ n: 'ASC' }]);
      const p = await page({ orderBy: [{ n: 'ASC' }], last: 3 });
      expect(p.edges.map((e) => e.node)).toEqual(full.slice(-3));
      expect(p.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    });

    it('before a cursor from a forward page gives the records before it, and after it the records after it', async () => {
      const full = await all([{ score: 'DESC' }]);
      const forward = await page({ orderBy: [{ score: 'DESC' }], first: 20 });
      const middle = forward.edges[12]!.cursor;
      const back = await page({ orderBy: [{ score: 'DESC' }], last: 5, before: middle });
      expect(back.edges.map((e) => e.node)).toEqual(full.slice(7, 12));
      const on = await page({ orderBy: [{ score: 'DESC' }], first: 5, after: middle });
      expect(on.edges.map((e) => e.node)).toEqual(full.slice(13, 18));
    });

    it('ordering by the fields only, a cursor names an exact position (id breaks ties)', async () => {
      // score has 4 distinct values over 60 rows: without the id in the cursor, pages would overlap or skip.
      const full = await all([{ score: 'ASC' }]);
      expect(await walkForward([{ score: 'ASC' }], 4)).toEqual(full);
    });

    it('first: 0 returns no edges and says there are more', async () => {
      const res = ok(
        await ws.gql<{ items: Page & { totalCount: number } }>(`{ items(first: 0) { totalCount ${PAGE} } }`),
      ).items;
      expect(res.edges).toEqual([]);
      expect(res.totalCount).toBe(ITEMS);
      // Relay: hasNextPage is true when more edges than `first` exist.
      expect(res.pageInfo.hasNextPage).toBe(true);
    });
  });

  describe('default and largest page size', () => {
    it('is 50 when neither first nor last is given', async () => {
      const p = await page({});
      expect(p.edges).toHaveLength(50);
      expect(p.pageInfo.hasNextPage).toBe(true);
      const full = await all(undefined);
      expect(p.edges.map((e) => e.node)).toEqual(full.slice(0, 50));
    });

    it('is 50 backward too (before without last)', async () => {
      const full = await all(undefined);
      const end = await page({ first: 200 });
      const p = await page({ before: end.pageInfo.endCursor });
      expect(p.edges.map((e) => e.node)).toEqual(full.slice(ITEMS - 1 - 50, ITEMS - 1));
      expect(p.pageInfo.hasPreviousPage).toBe(true);
    });

    it('accepts 200', async () => {
      expect((await page({ first: 200 })).edges).toHaveLength(ITEMS);
      expect((await page({ last: 200 })).edges).toHaveLength(ITEMS);
    });
  });

  describe('bad page arguments and cursors → BAD_REQUEST with a clear message', () => {
    it('first: 201 and last: 201', async () => {
      badRequest(await items({ first: 201 }), /first.*200/);
      badRequest(await items({ last: 201 }), /last.*200/);
    });

    it('first: -1 and last: -1', async () => {
      badRequest(await items({ first: -1 }), /first.*non-negative/);
      badRequest(await items({ last: -1 }), /last.*non-negative/);
    });

    it('first and last together', async () => {
      badRequest(await items({ first: 5, last: 5 }), /first or last/);
    });

    it('a garbage cursor', async () => {
      for (const cursor of ['garbage!!', 'not a cursor', '', encode({}), encode('x'), encode([])]) {
        badRequest(await items({ first: 5, after: cursor }), /after .*cursor/);
      }
      badRequest(await items({ last: 5, before: 'garbage!!' }), /before .*cursor/);
    });

    it('a cursor from another ordering', async () => {
      const byN = (await page({ orderBy: [{ n: 'ASC' }], first: 3 })).pageInfo.endCursor;
      badRequest(await items({ first: 3, after: byN }), /cursor of this list and ordering/);
      badRequest(await items({ orderBy: [{ n: 'DESC' }], first: 3, after: byN }), /cursor of this list and ordering/);
      badRequest(await items({ orderBy: [{ score: 'ASC' }], first: 3, after: byN }), /cursor of this list and ordering/);
      badRequest(await items({ orderBy: [{ n: 'ASC_NULLS_FIRST' }], first: 3, after: byN }), /cursor of this list and ordering/);
    });

    it('a cursor with tampered values', async () => {
      const cursor = (await page({ orderBy: [{ n: 'ASC' }], first: 3 })).pageInfo.endCursor!;
      const [fingerprint, n, id] = decode(cursor);
      // INTEGER keys travel as strings (bigint sort expression).
      expect(String(n)).toBe('30');
      const tampered = [
        [fingerprint, 'abc', id], // not a number for an INTEGER key
        [fingerprint, '1e400', id],
        [fingerprint, 1e30, id], // beyond bigint
        [fingerprint, { n: 1 }, id],
        [fingerprint, [1], id],
        [fingerprint, n, 'not-an-id'],
        [fingerprint, n, 42],
        [fingerprint, n],
        [fingerprint, n, id, 'extra'],
        ['AAAAAAAA', n, id],
      ];
      for (const value of tampered) {
        badRequest(await items({ orderBy: [{ n: 'ASC' }], first: 3, after: encode(value) }), /after is not a (valid cursor|cursor of this list)/);
      }
      const byCreated = (await page({ orderBy: [{ createdAt: 'ASC' }], first: 3 })).pageInfo.endCursor!;
      const [fp2, , id2] = decode(byCreated);
      badRequest(await items({ orderBy: [{ createdAt: 'ASC' }], first: 3, after: encode([fp2, 'not a date', id2]) }), /after is not a valid cursor/);
      // A value of the right type is just another position: (n 100, the id of n 30), before n 100's own newer id.
      const moved = await page({ orderBy: [{ n: 'ASC' }], first: 3, after: encode([fingerprint, 100, id]) });
      expect(moved.edges.map((e) => e.node.n)).toEqual([100, 110, 120]);
    });

    it('never silently ignores a cursor (first with before, last with after)', async () => {
      const full = await all(undefined);
      const third = (await page({ first: 3 })).pageInfo.endCursor!;
      const thirdLast = (await page({ last: 3 })).pageInfo.startCursor!;
      const cases = [
        { args: { first: 5, before: third }, allowed: full.slice(0, 2) },
        { args: { last: 5, after: thirdLast }, allowed: full.slice(ITEMS - 2) },
      ];
      for (const { args, allowed } of cases) {
        const res = await items(args);
        if (res.errors) {
          expect.soft(res.errors[0]?.extensions?.code, JSON.stringify(args)).toBe('BAD_REQUEST');
        } else {
          // Honoured: only records on the right side of the cursor.
          const ns = res.data!.list!.edges.map((e) => e.node.n);
          expect.soft(ns, JSON.stringify(args)).toEqual(allowed.map((x) => x.n));
        }
      }
    });
  });

  describe('cursors stay valid while records come and go', () => {
    beforeAll(async () => {
      for (let i = 1; i <= 30; i++) ok(await ws.gql(`mutation($n: Int) { createEntry(input: { n: $n }) { id } }`, { n: i * 10 }));
    });

    async function insert(...ns: number[]) {
      const ids: string[] = [];
      for (const n of ns) ids.push(ok(await ws.gql<{ createEntry: { id: string } }>(`mutation($n: Int) { createEntry(input: { n: $n }) { id } }`, { n })).createEntry.id);
      return ids;
    }

    it('forward: records inserted before and after the cursor; no pre-existing record is duplicated or skipped', async () => {
      const before = await all([{ n: 'ASC' }], 'entries');
      const first = await page({ orderBy: [{ n: 'ASC' }], first: 10 }, 'entries');
      expect(first.edges.map((e) => e.node.n)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
      const cursor = first.pageInfo.endCursor!;
      // Before the cursor (5, 55), at its very value (100: a tie, placed by id), and after it (105, 1000).
      const [early, mid, tie, late, last] = await insert(5, 55, 100, 105, 1000);
      const rest = await walkForward([{ n: 'ASC' }], 6, 'entries', cursor);
      const restIds = rest.map((x) => x.id);
      expect(new Set(restIds).size).toBe(restIds.length);
      const expectedOld = before.filter((x) => x.n > 100).map((x) => x.id);
      expect(restIds.filter((id) => expectedOld.includes(id))).toEqual(expectedOld);
      expect(restIds).not.toContain(early);
      expect(restIds).not.toContain(mid);
      expect(restIds).toContain(late);
      expect(restIds).toContain(last);
      // The tie sorts after the cursor's record, since its id is newer.
      expect(restIds[0]).toBe(tie);
      expect(rest.map((x) => x.n)).toEqual([...rest.map((x) => x.n)].sort((a, b) => a - b));
    });

    it('backward: records inserted before and after the cursor; no pre-existing record is duplicated or skipped', async () => {
      const before = await all([{ n: 'DESC' }], 'entries');
      const first = await page({ orderBy: [{ n: 'DESC' }], last: 8 }, 'entries');
      const cursor = first.pageInfo.startCursor!;
      const at = first.edges[0]!.node.n;
      const [lower, higher] = await insert(at - 1, at + 1);
      const rest = await walkBackward([{ n: 'DESC' }], 5, 'entries', cursor);
      const restIds = rest.map((x) => x.id);
      expect(new Set(restIds).size).toBe(restIds.length);
      const index = before.findIndex((x) => x.id === first.edges[0]!.node.id);
      expect(restIds.filter((id) => before.some((x) => x.id === id))).toEqual(before.slice(0, index).map((x) => x.id));
      expect(restIds).toContain(higher);
      expect(restIds).not.toContain(lower);
    });

    it('a cursor stays valid after its own record is deleted', async () => {
      const full = await all([{ n: 'ASC' }], 'entries');
      const p = await page({ orderBy: [{ n: 'ASC' }], first: 4 }, 'entries');
      ok(await ws.gql(`mutation($id: ID!) { deleteEntry(id: $id) { id } }`, { id: p.edges[3]!.node.id }));
      const next = await page({ orderBy: [{ n: 'ASC' }], first: 4, after: p.pageInfo.endCursor }, 'entries');
      expect(next.edges.map((e) => e.node)).toEqual(full.slice(4, 8));
    });
  });

  describe('totalCount', () => {
    it('counts every match of the filter, on all pages, whatever the cursor', async () => {
      const filter = { n: { gt: 200 } };
      const first = ok(await ws.gql<{ items: { totalCount: number; pageInfo: PageInfo } }>(
        `query($filter: ItemFilter) { items(filter: $filter, first: 3) { totalCount pageInfo { endCursor } } }`,
        { filter },
      )).items;
      expect(first.totalCount).toBe(ITEMS - 20);
      const second = ok(await ws.gql<{ items: { totalCount: number } }>(
        `query($filter: ItemFilter, $after: String) { items(filter: $filter, first: 3, after: $after) { totalCount } }`,
        { filter, after: first.pageInfo.endCursor },
      )).items;
      expect(second.totalCount).toBe(ITEMS - 20);
    });
  });

  describe('includeDeleted', () => {
    it('shows soft-deleted records only when asked, with deletedAt', async () => {
      ok(await ws.gql(`mutation { createObjectType(input: { apiName: "memo", pluralApiName: "memos" }) { apiName } }`));
      ok(await ws.gql(`mutation { createField(objectType: "memo", input: { apiName: "text", type: TEXT }) { apiName } }`));
      const ids: string[] = [];
      for (const text of ['keep', 'drop', 'also']) {
        ids.push(ok(await ws.gql<{ createMemo: { id: string } }>(`mutation($t: String) { createMemo(input: { text: $t }) { id } }`, { t: text })).createMemo.id);
      }
      const deleted = ok(await ws.gql<{ deleteMemo: { deletedAt: string | null } }>(`mutation($id: ID!) { deleteMemo(id: $id) { deletedAt } }`, { id: ids[1] }));
      expect(deleted.deleteMemo.deletedAt).not.toBeNull();

      type Memos = { memos: { totalCount: number; edges: Array<{ node: { id: string; text: string; deletedAt: string | null } }> } };
      const q = `query($inc: Boolean, $filter: MemoFilter) { memos(includeDeleted: $inc, filter: $filter) { totalCount edges { node { id text deletedAt } } } }`;
      const live = ok(await ws.gql<Memos>(q, {})).memos;
      expect(live.totalCount).toBe(2);
      expect(live.edges.map((e) => e.node.text)).toEqual(['keep', 'also']);
      expect(ok(await ws.gql<Memos>(q, { inc: false })).memos.totalCount).toBe(2);

      const every = ok(await ws.gql<Memos>(q, { inc: true })).memos;
      expect(every.totalCount).toBe(3);
      expect(every.edges.map((e) => e.node.text)).toEqual(['keep', 'drop', 'also']);
      expect(every.edges[1]!.node.deletedAt).toBe(deleted.deleteMemo.deletedAt);
      expect(every.edges.filter((e) => e.node.deletedAt === null)).toHaveLength(2);

      const filtered = ok(await ws.gql<Memos>(q, { inc: true, filter: { text: { eq: 'drop' } } })).memos;
      expect(filtered.edges.map((e) => e.node.id)).toEqual([ids[1]]);
      // Reading one by id never shows a deleted record.
      expect(ok(await ws.gql<{ memo: unknown }>(`query($id: ID!) { memo(id: $id) { id } }`, { id: ids[1] })).memo).toBeNull();

      ok(await ws.gql(`mutation($id: ID!) { restoreMemo(id: $id) { id } }`, { id: ids[1] }));
      expect(ok(await ws.gql<Memos>(q, {})).memos.totalCount).toBe(3);
    });
  });
});
