/**
 * What a request costs in statements: totalCount runs a count statement only
 * when selected, and a relation costs the same number of statements whatever
 * the page size (dataloader). The rest of pagination is in pagination.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer } from './helpers.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Workspace = Awaited<ReturnType<Server['workspace']>>;

const ITEMS = 60;

describe('pagination', () => {
  let server: Server;
  let ws: Workspace;

  beforeAll(async () => {
    server = await startTestServer();
    ws = await server.workspace('Statement count');
    ok(await ws.gql(`mutation { createObjectType(input: { apiName: "item", pluralApiName: "items" }) { apiName } }`));
    ok(await ws.gql(`mutation { createField(objectType: "item", input: { apiName: "n", type: INTEGER, indexed: true }) { apiName } }`));
    for (let i = 1; i <= ITEMS; i++) ok(await ws.gql(`mutation($n: Int) { createItem(input: { n: $n }) { id } }`, { n: i * 10 }));
  });
  afterAll(() => server.close());

  describe('totalCount', () => {
    function countStatements(): { stop(): number } {
      let n = 0;
      const off = server.engine.db.observe((text) => {
        if (/count\(/i.test(text)) n++;
      });
      return {
        stop() {
          off();
          return n;
        },
      };
    }

    it('runs no count statement unless selected', async () => {
      const probe = countStatements();
      ok(await ws.gql(`{ items(first: 5) { edges { cursor node { id } } pageInfo { hasNextPage } } }`));
      expect(probe.stop()).toBe(0);
    });

    it('runs one count statement when selected, directly or through fragments', async () => {
      for (const query of [
        `{ items(first: 5) { totalCount edges { cursor } } }`,
        `{ items(first: 5) { ...C } } fragment C on ItemConnection { totalCount }`,
        `{ items(first: 5) { ... on ItemConnection { totalCount } } }`,
      ]) {
        const probe = countStatements();
        const data = ok(await ws.gql<{ items: { totalCount: number } }>(query));
        expect(probe.stop(), query).toBe(1);
        expect(data.items.totalCount, query).toBe(ITEMS);
      }
    });
  });

  describe('statements per request', () => {
    const PEOPLE = 100;
    const COMPANIES = 10;

    beforeAll(async () => {
      ok(await ws.gql(`mutation { createObjectType(input: { apiName: "company", pluralApiName: "companies" }) { apiName } }`));
      ok(await ws.gql(`mutation { createField(objectType: "company", input: { apiName: "name", type: TEXT }) { apiName } }`));
      ok(await ws.gql(`mutation { createObjectType(input: { apiName: "person", pluralApiName: "people" }) { apiName } }`));
      ok(await ws.gql(`mutation { createField(objectType: "person", input: { apiName: "name", type: TEXT }) { apiName } }`));
      ok(await ws.gql(`mutation { createField(objectType: "person", input: { apiName: "company", type: RELATION, options: { target: "company" } }) { apiName } }`));
      const companies: string[] = [];
      for (let i = 0; i < COMPANIES; i++) {
        companies.push(ok(await ws.gql<{ createCompany: { id: string } }>(`mutation($name: String) { createCompany(input: { name: $name }) { id } }`, { name: `Company ${i}` })).createCompany.id);
      }
      for (let i = 0; i < PEOPLE; i++) {
        // Every tenth person has no company.
        const companyId = i % 10 === 9 ? null : companies[i % COMPANIES];
        ok(await ws.gql(`mutation($name: String, $companyId: ID) { createPerson(input: { name: $name, companyId: $companyId }) { id } }`, { name: `Person ${i}`, companyId }));
      }
    });

    /** Statements of one HTTP request after authentication (the key lookup, which may also set last_used_at, excluded). */
    async function statementsOf<T>(query: string, variables?: Record<string, unknown>): Promise<{ statements: string[]; data: T }> {
      const statements: string[] = [];
      const off = server.engine.db.observe((text) => {
        if (!/last_used_at/.test(text)) statements.push(text);
      });
      try {
        const data = ok(await ws.gql<T>(query, variables));
        return { statements, data };
      } finally {
        off();
      }
    }

    it('lists people with their company in the same number of statements at page sizes 1, 10 and 100', async () => {
      const query = `query($first: Int) { people(first: $first, orderBy: [{ name: ASC }]) { edges { node { name company { name } } } } }`;
      await statementsOf(query, { first: 1 }); // warm-up: schema and metadata caches
      const counts: number[] = [];
      for (const first of [1, 10, 100]) {
        type People = { people: { edges: Array<{ node: { name: string; company: { name: string } | null } }> } };
        const { statements, data } = await statementsOf<People>(query, { first });
        expect(data.people.edges).toHaveLength(first);
        for (const { node } of data.people.edges) {
          const i = Number(node.name.split(' ')[1]);
          expect(node.company, node.name).toEqual(i % 10 === 9 ? null : { name: `Company ${i % COMPANIES}` });
        }
        counts.push(statements.length);
      }
      expect(counts[1], `statements at 1, 10, 100: ${counts.join(', ')}`).toBe(counts[0]);
      expect(counts[2], `statements at 1, 10, 100: ${counts.join(', ')}`).toBe(counts[0]);
      // Authenticate, the page, one batch of companies.
      expect(counts[0]).toBeLessThanOrEqual(3);
    });

    it('batches the relation per request even when the same company is asked for through aliases', async () => {
      const query = `{ a: people(first: 50) { edges { node { company { name } } } } b: people(last: 50) { edges { node { company { id } } } } }`;
      await statementsOf(query);
      const { statements } = await statementsOf(query);
      // Authenticate, two pages, one batch of companies.
      expect(statements.length).toBeLessThanOrEqual(4);
    });
  });
});
