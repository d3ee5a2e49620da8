import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer } from './helpers.ts';

describe('query limits', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let ws: Awaited<ReturnType<typeof server.workspace>>;
  beforeAll(async () => {
    server = await startTestServer();
    ws = await server.workspace();
    ok(await ws.gql('mutation { createObjectType(input: { apiName: "task", pluralApiName: "tasks" }) { apiName } }'));
    ok(await ws.gql('mutation { createField(objectType: "task", input: { apiName: "title", type: TEXT }) { apiName } }'));
    ok(await ws.gql('mutation { createField(objectType: "task", input: { apiName: "parent", type: RELATION, options: { target: "task" } }) { apiName } }'));
  });
  afterAll(() => server.close());

  it('refuses a query whose aliases multiply the work past the cost limit, before running it', async () => {
    const statements: string[] = [];
    const stop = server.engine.db.observe((text) => statements.push(text));
    const aliases = Array.from({ length: 100 }, (_, i) => `a${i}: tasks(first: 200) { edges { node { id title } } }`).join(' ');
    const res = await ws.gql(`{ ${aliases} }`);
    stop();
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_REQUEST', maxCost: 50000 });
    expect(res.errors?.[0]?.message).toMatch(/too costly/);
    expect(statements.filter((s) => s.includes('"record"'))).toEqual([]);
    // Page sizes given as variables count too.
    const viaVariables = await ws.gql(`query($n: Int) { ${aliases.replaceAll('first: 200', 'first: $n')} }`, { n: 200 });
    expect(viaVariables.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    ok(await ws.gql('{ tasks(first: 200) { edges { node { id title } } } }'));
  });

  it('refuses a query deeper than 6 record levels', async () => {
    const nest = (levels: number): string => (levels === 0 ? 'id' : `id parent { ${nest(levels - 1)} }`);
    ok(await ws.gql(`{ tasks { edges { node { ${nest(5)} } } } }`));
    const res = await ws.gql(`{ tasks { edges { node { ${nest(6)} } } } }`);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_REQUEST', depth: 7, maxDepth: 6 });
  });

  it('counts a polymorphic relation (a union of record types) as a record level too', async () => {
    ok(await ws.gql('mutation { createObjectType(input: { apiName: "goal", pluralApiName: "goals" }) { apiName } }'));
    ok(await ws.gql('mutation { createField(objectType: "task", input: { apiName: "about", type: RELATION, options: { targets: ["task", "goal"], inverseApiName: "mentions" } }) { apiName } }'));
    const nest = (levels: number): string => (levels === 0 ? 'id' : `id about { ... on Task { ${nest(levels - 1)} } }`);
    ok(await ws.gql(`{ tasks { edges { node { ${nest(5)} } } } }`));
    const res = await ws.gql(`{ tasks { edges { node { ${nest(6)} } } } }`);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_REQUEST', depth: 7, maxDepth: 6 });
  });
});
