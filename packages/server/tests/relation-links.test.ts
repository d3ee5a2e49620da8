/**
 * To-many relations over GraphQL: MANY_TO_MANY links both ways, `connect`,
 * `disconnect` and `set` on both kinds of to-many (MANY_TO_MANY and the inverse
 * ONE_TO_MANY), polymorphic to-one targets as a union, and bad targets refused
 * with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer } from './helpers.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Ws = Awaited<ReturnType<Server['workspace']>>;
type Ids = Array<{ id: string }>;

/** company, person (company: to-one), opportunity (contacts: MANY_TO_MANY to person), note (parent: company or person). */
async function defineCrm(ws: Ws) {
  for (const q of [
    'mutation { createObjectType(input: { apiName: "company", pluralApiName: "companies" }) { apiName } }',
    'mutation { createField(objectType: "company", input: { apiName: "name", type: TEXT }) { apiName } }',
    'mutation { createObjectType(input: { apiName: "person", pluralApiName: "people" }) { apiName } }',
    'mutation { createField(objectType: "person", input: { apiName: "name", type: TEXT }) { apiName } }',
    'mutation { createField(objectType: "person", input: { apiName: "company", type: RELATION, options: { target: "company" } }) { apiName } }',
    'mutation { createObjectType(input: { apiName: "opportunity", pluralApiName: "opportunities" }) { apiName } }',
    'mutation { createField(objectType: "opportunity", input: { apiName: "title", type: TEXT }) { apiName } }',
    `mutation { createField(objectType: "opportunity", input: { apiName: "contacts", type: RELATION,
       options: { target: "person", kind: "MANY_TO_MANY", inverseApiName: "opportunities" } }) { apiName } }`,
    'mutation { createObjectType(input: { apiName: "note", pluralApiName: "notes" }) { apiName } }',
    'mutation { createField(objectType: "note", input: { apiName: "body", type: TEXT }) { apiName } }',
    'mutation { createField(objectType: "note", input: { apiName: "parent", type: RELATION, options: { targets: ["company", "person"], inverseApiName: "notes" } }) { apiName } }',
  ]) {
    ok(await ws.gql(q));
  }
  const companies = ok(await ws.gql<{ createCompanies: Ids }>('mutation { createCompanies(inputs: [{ name: "Acme" }, { name: "Globex" }]) { id } }')).createCompanies;
  const people = ok(
    await ws.gql<{ createPeople: Ids }>('mutation { createPeople(inputs: [{ name: "Ann" }, { name: "Bob" }, { name: "Cy" }, { name: "Di" }]) { id } }'),
  ).createPeople;
  return { companies: companies.map((c) => c.id), people: people.map((p) => p.id) };
}

const CONTACTS = 'contacts(orderBy: [{ name: ASC }]) { totalCount edges { node { name } } }';
const namesOf = (c: { edges: Array<{ node: { name: string } }> }) => c.edges.map((e) => e.node.name);

describe('to-many relations and polymorphic targets', () => {
  let server: Server;
  let ws: Ws;
  let companies: string[];
  let people: string[];
  let ann: string, bob: string, cy: string, di: string;

  beforeAll(async () => {
    server = await startTestServer();
    ws = await server.workspace();
    ({ companies, people } = await defineCrm(ws));
    [ann, bob, cy, di] = people as [string, string, string, string];
  });
  afterAll(() => server.close());

  it('creates the MANY_TO_MANY inverse on the target, marked as the inverse side', async () => {
    const { objectType } = ok(
      await ws.gql<{ objectType: { fields: Array<{ apiName: string; options: Record<string, unknown> }> } }>(
        '{ objectType(apiName: "person") { fields { apiName options } } }',
      ),
    );
    expect(objectType.fields.find((f) => f.apiName === 'opportunities')?.options).toEqual({
      target: 'opportunity',
      kind: 'MANY_TO_MANY',
      inverseApiName: 'contacts',
      onDelete: 'SET_NULL',
      inverse: true,
    });
    const required = await ws.gql(
      'mutation { createField(objectType: "opportunity", input: { apiName: "owners", type: RELATION, required: true, options: { target: "person", kind: "MANY_TO_MANY" } }) { apiName } }',
    );
    expect(required.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'input.required', code: 'UNSUPPORTED' }] });
    const cascade = await ws.gql(
      'mutation { createField(objectType: "opportunity", input: { apiName: "owners", type: RELATION, options: { target: "person", kind: "MANY_TO_MANY", onDelete: "CASCADE" } }) { apiName } }',
    );
    expect(cascade.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'input.options.onDelete', code: 'UNSUPPORTED' }] });
  });

  it('connects on create, reads the links from both sides, and disconnects, sets and reconnects on update', async () => {
    type Opp = { id: string; version: number; contacts: { totalCount: number; edges: Array<{ node: { name: string } }> } };
    const { createOpportunity: deal } = ok(
      await ws.gql<{ createOpportunity: Opp }>(
        `mutation($c: [ID!]) { createOpportunity(input: { title: "Big deal", contacts: { connect: $c } }) { id version ${CONTACTS} } }`,
        { c: [bob, ann, ann.toUpperCase()] },
      ),
    );
    expect(namesOf(deal.contacts)).toEqual(['Ann', 'Bob']);
    expect(deal.contacts.totalCount).toBe(2);

    const { person } = ok(
      await ws.gql<{ person: { opportunities: { edges: Array<{ node: { title: string } }> } } }>(
        'query($id: ID!) { person(id: $id) { opportunities { edges { node { title } } } } }',
        { id: ann },
      ),
    );
    expect(person.opportunities.edges.map((e) => e.node.title)).toEqual(['Big deal']);

    const update = (input: string, variables: Record<string, unknown>) =>
      ws.gql<{ updateOpportunity: Opp }>(
        `mutation($id: ID!, $ids: [ID!]) { updateOpportunity(id: $id, input: ${input}) { id version ${CONTACTS} } }`,
        { id: deal.id, ...variables },
      );
    const disconnected = ok(await update('{ contacts: { disconnect: $ids } }', { ids: [bob, di] })).updateOpportunity;
    expect(namesOf(disconnected.contacts)).toEqual(['Ann']);
    // A change of links is a change of the record: its version moves.
    expect(disconnected.version).toBe(deal.version + 1);
    const replaced = ok(await update('{ contacts: { set: $ids } }', { ids: [cy, di] })).updateOpportunity;
    expect(namesOf(replaced.contacts)).toEqual(['Cy', 'Di']);
    const again = ok(await update('{ contacts: { connect: $ids } }', { ids: [cy, ann] })).updateOpportunity;
    expect(namesOf(again.contacts)).toEqual(['Ann', 'Cy', 'Di']);
    const cleared = ok(await update('{ contacts: { set: $ids } }', { ids: [] })).updateOpportunity;
    expect(cleared.contacts.totalCount).toBe(0);
  });

  it('changes a ONE_TO_MANY from the parent side: connect moves children here, set and disconnect clear the others', async () => {
    const [acme, globex] = companies as [string, string];
    type Company = { people: { edges: Array<{ node: { name: string } }> } };
    const peopleOf = async (id: string) =>
      namesOf(ok(await ws.gql<{ company: Company }>('query($id: ID!) { company(id: $id) { people(orderBy: [{ name: ASC }]) { edges { node { name } } } } }', { id })).company.people);

    const created = ok(
      await ws.gql<{ createCompany: { id: string } & Company }>(
        'mutation($ids: [ID!]) { createCompany(input: { name: "Initech", people: { connect: $ids } }) { id people { edges { node { name } } } } }',
        { ids: [ann, bob] },
      ),
    ).createCompany;
    expect(namesOf(created.people)).toEqual(['Ann', 'Bob']);

    ok(await ws.gql('mutation($id: ID!, $ids: [ID!]) { updateCompany(id: $id, input: { people: { connect: $ids } }) { id } }', { id: acme, ids: [ann, cy] }));
    // Ann moved from Initech to Acme: a person has one company.
    expect(await peopleOf(acme)).toEqual(['Ann', 'Cy']);
    expect(await peopleOf(created.id)).toEqual(['Bob']);

    ok(await ws.gql('mutation($id: ID!, $ids: [ID!]) { updateCompany(id: $id, input: { people: { set: $ids } }) { id } }', { id: acme, ids: [di] }));
    expect(await peopleOf(acme)).toEqual(['Di']);
    const { person } = ok(await ws.gql<{ person: { company: null | { name: string } } }>('query($id: ID!) { person(id: $id) { company { name } } }', { id: ann }));
    expect(person.company).toBeNull();

    ok(await ws.gql('mutation($id: ID!, $ids: [ID!]) { updateCompany(id: $id, input: { people: { disconnect: $ids } }) { id } }', { id: acme, ids: [di, bob] }));
    expect(await peopleOf(acme)).toEqual([]);
    // Disconnecting a record linked elsewhere leaves it there.
    expect(await peopleOf(created.id)).toEqual(['Bob']);
    expect(await peopleOf(globex)).toEqual([]);
  });

  it('refuses targets that do not exist, are deleted, have the wrong type or are in another workspace; nothing is written', async () => {
    const other = await server.workspace('Other');
    const theirs = await defineCrm(other);
    const deleted = ok(await ws.gql<{ createPerson: { id: string } }>('mutation { createPerson(input: { name: "Gone" }) { id } }')).createPerson.id;
    ok(await ws.gql('mutation($id: ID!) { deletePerson(id: $id) { id } }', { id: deleted }));
    const count = async () => ok(await ws.gql<{ opportunities: { totalCount: number } }>('{ opportunities { totalCount } }')).opportunities.totalCount;
    const before = await count();

    const missing = '01900000-0000-7000-8000-00000000abcd';
    const refused = await ws.gql(
      'mutation($ids: [ID!]) { createOpportunity(input: { title: "x", contacts: { connect: $ids } }) { id } }',
      { ids: [ann, missing, deleted, companies[0], theirs.people[0]] },
    );
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [
        { field: 'input.contacts.connect.1', code: 'INVALID_REFERENCE' },
        { field: 'input.contacts.connect.2', code: 'INVALID_REFERENCE' },
        { field: 'input.contacts.connect.3', code: 'INVALID_REFERENCE' },
        { field: 'input.contacts.connect.4', code: 'INVALID_REFERENCE' },
      ],
    });
    expect(await count()).toBe(before);

    const shapes = await ws.gql(
      'mutation($a: [ID!], $b: [ID!]) { createOpportunity(input: { title: "x", contacts: { connect: $a, set: $b } }) { id } }',
      { a: [ann], b: ['not-an-id'] },
    );
    expect(shapes.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [
        { field: 'input.contacts.set.0', code: 'INVALID_FORMAT' },
        { field: 'input.contacts.set', code: 'INVALID_VALUE' },
      ],
    });
    expect(await count()).toBe(before);

    // In a bulk create, the failing item is named by its index, and no item is written.
    const bulk = await ws.gql(
      'mutation($ok: [ID!], $bad: [ID!]) { createOpportunities(inputs: [{ title: "a", contacts: { connect: $ok } }, { title: "b", contacts: { connect: $bad } }]) { id } }',
      { ok: [ann], bad: [theirs.people[1]] },
    );
    expect(bulk.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'inputs.1.contacts.connect.0', code: 'INVALID_REFERENCE' }] });
    expect(await count()).toBe(before);
    const { person } = ok(await ws.gql<{ person: { opportunities: { totalCount: number } } }>('query($id: ID!) { person(id: $id) { opportunities { totalCount } } }', { id: ann }));
    expect(person.opportunities.totalCount).toBe(0);
  });

  it('refuses to leave a required to-one empty, and to connect two records through a unique one', async () => {
    for (const q of [
      'mutation { createObjectType(input: { apiName: "team", pluralApiName: "teams" }) { apiName } }',
      'mutation { createField(objectType: "team", input: { apiName: "name", type: TEXT }) { apiName } }',
      'mutation { createObjectType(input: { apiName: "player", pluralApiName: "players" }) { apiName } }',
      'mutation { createField(objectType: "player", input: { apiName: "name", type: TEXT }) { apiName } }',
      'mutation { createField(objectType: "player", input: { apiName: "team", type: RELATION, required: true, options: { target: "team" } }) { apiName } }',
      'mutation { createField(objectType: "player", input: { apiName: "captainOf", type: RELATION, unique: true, options: { target: "team", inverseApiName: "captain" } }) { apiName } }',
    ]) {
      ok(await ws.gql(q));
    }
    const teams = ok(await ws.gql<{ createTeams: Ids }>('mutation { createTeams(inputs: [{ name: "Red" }, { name: "Blue" }]) { id } }')).createTeams.map((t) => t.id);
    const [red, blue] = teams as [string, string];
    const players = ok(
      await ws.gql<{ createPlayers: Ids }>('mutation($t: ID) { createPlayers(inputs: [{ name: "P1", teamId: $t }, { name: "P2", teamId: $t }]) { id } }', { t: red }),
    ).createPlayers.map((p) => p.id);
    const teamOf = async (id: string) => ok(await ws.gql<{ player: { team: { name: string } } }>('query($id: ID!) { player(id: $id) { team { name } } }', { id })).player.team.name;

    const disconnect = await ws.gql('mutation($id: ID!, $p: [ID!]) { updateTeam(id: $id, input: { players: { disconnect: $p } }) { id } }', { id: red, p: [players[0]] });
    expect(disconnect.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'input.players.disconnect', code: 'REQUIRED' }] });
    const set = await ws.gql('mutation($id: ID!, $p: [ID!]) { updateTeam(id: $id, input: { name: "Renamed", players: { set: $p } }) { id } }', { id: red, p: [players[0]] });
    expect(set.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'input.players.set', code: 'REQUIRED' }] });
    // Nothing was written: not the name, not the links.
    const { team } = ok(await ws.gql<{ team: { name: string; players: { totalCount: number } } }>('query($id: ID!) { team(id: $id) { name players { totalCount } } }', { id: red }));
    expect(team).toEqual({ name: 'Red', players: { totalCount: 2 } });
    // Moving players to another team is allowed: they keep a team.
    ok(await ws.gql('mutation($id: ID!, $p: [ID!]) { updateTeam(id: $id, input: { players: { connect: $p } }) { id } }', { id: blue, p: [players[1]] }));
    expect(await teamOf(players[1]!)).toBe('Blue');

    const captains = await ws.gql('mutation($id: ID!, $p: [ID!]) { updateTeam(id: $id, input: { captain: { connect: $p } }) { id } }', { id: red, p: players });
    expect(captains.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', fields: [{ field: 'input.captain.connect', code: 'UNIQUE' }] });
    const twice = await ws.gql(
      'mutation($a: ID!, $b: ID!, $p: [ID!]) { updateTeams(updates: [{ id: $a, input: { players: { connect: $p } } }, { id: $b, input: { players: { connect: $p } } }]) { id } }',
      { a: red, b: blue, p: [players[0]] },
    );
    expect(twice.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'updates.1.input.players.connect', code: 'DUPLICATE' }] });
    expect(await teamOf(players[0]!)).toBe('Red');
  });

  it('links a polymorphic to-one to records of any of its types, read as a union, with an inverse on each type', async () => {
    const [acme] = companies as [string];
    const { createNotes } = ok(
      await ws.gql<{ createNotes: Array<{ body: string; parent: { __typename: string; name: string } }> }>(
        `mutation($c: ID, $p: ID) { createNotes(inputs: [{ body: "on a company", parentId: $c }, { body: "on a person", parentId: $p }]) {
           body parent { __typename ... on Company { name } ... on Person { name } } } }`,
        { c: acme, p: bob },
      ),
    );
    expect(createNotes.map((n) => [n.body, n.parent.__typename, n.parent.name])).toEqual([
      ['on a company', 'Company', 'Acme'],
      ['on a person', 'Person', 'Bob'],
    ]);
    const { company, person } = ok(
      await ws.gql<{ company: { notes: { edges: Array<{ node: { body: string } }> } }; person: { notes: { totalCount: number } } }>(
        'query($c: ID!, $p: ID!) { company(id: $c) { notes { edges { node { body } } } } person(id: $p) { notes { totalCount } } }',
        { c: acme, p: bob },
      ),
    );
    expect(company.notes.edges.map((e) => e.node.body)).toEqual(['on a company']);
    expect(person.notes.totalCount).toBe(1);
    const byParent = ok(await ws.gql<{ notes: { totalCount: number } }>('query($p: ID) { notes(filter: { parentId: { eq: $p } }) { totalCount } }', { p: bob }));
    expect(byParent.notes.totalCount).toBe(1);

    const opportunity = ok(await ws.gql<{ createOpportunity: { id: string } }>('mutation { createOpportunity(input: { title: "t" }) { id } }')).createOpportunity.id;
    const wrong = await ws.gql('mutation($o: ID) { createNote(input: { body: "x", parentId: $o }) { id } }', { o: opportunity });
    expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'input.parentId', code: 'INVALID_REFERENCE' }] });
  });

  it('reads MANY_TO_MANY lists of any page size in the same number of statements', async () => {
    const titles = Array.from({ length: 12 }, (_, i) => ({ title: `Deal ${i}`, contacts: { connect: [ann, bob, cy] } }));
    ok(await ws.gql('mutation($inputs: [OpportunityCreateInput!]!) { createOpportunities(inputs: $inputs) { id } }', { inputs: titles }));
    const counts: number[] = [];
    for (const n of [1, 10]) {
      const statements: string[] = [];
      const stop = server.engine.db.observe((text) => statements.push(text));
      const data = ok(
        await ws.gql<{ opportunities: { edges: Array<{ node: { contacts: { edges: unknown[] } } }> } }>(
          'query($n: Int) { opportunities(first: $n, filter: { title: { startsWith: "Deal" } }) { edges { node { title contacts(first: $n) { totalCount edges { node { name opportunities(first: $n) { edges { node { title } } } } } } } } } }',
          { n },
        ),
      );
      stop();
      expect(data.opportunities.edges).toHaveLength(n);
      expect(data.opportunities.edges[0]?.node.contacts.edges).toHaveLength(Math.min(n, 3));
      counts.push(statements.filter((s) => s.includes('"record"')).length);
    }
    // The root list, the contacts of every deal and their count, the deals of every contact.
    expect(counts).toEqual([4, 4]);
  });

  it('deletes a MANY_TO_MANY with its links only when forced, both sides together', async () => {
    const refused = await ws.gql('mutation { deleteField(objectType: "person", apiName: "opportunities") }');
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'force', code: 'HOLDS_DATA' }] });
    ok(await ws.gql('mutation { deleteField(objectType: "person", apiName: "opportunities", force: true) }'));
    const { rows } = await server.engine.db.sql.query<{ n: number }>('SELECT count(*)::int AS "n" FROM "record_link" WHERE "workspace_id" = $1', [ws.workspaceId]);
    expect(rows[0]?.n).toBe(0);
    const { objectType } = ok(await ws.gql<{ objectType: { fields: Array<{ apiName: string }> } }>('{ objectType(apiName: "opportunity") { fields { apiName } } }'));
    expect(objectType.fields.map((f) => f.apiName)).toEqual(['title']);
  });
});
