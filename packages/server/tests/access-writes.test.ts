/**
 * Roles on every write path: create, update, delete, restore, bulk writes,
 * upserts, relation changes and owners. A write the actor may not make is
 * FORBIDDEN (naming each refused field) and changes nothing; a record they may
 * not read is NOT_FOUND to them, as if it did not exist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { code, setUpAccess, tokenFor, type AccessFixture } from './access-fixture.ts';
import { ok, type GraphQLResponse } from './helpers.ts';

const fields = (res: GraphQLResponse) => (res.errors?.[0]?.extensions?.fields as Array<{ field: string; code: string }> | undefined)?.map((f) => [f.field, f.code]);

describe('roles on writes', () => {
  let f: AccessFixture;
  const ids: Record<string, string> = {};
  const version = async (type: 'company' | 'person', id: string) =>
    ok(await f.clients.admin<Record<string, { version: number } | null>>(`{ ${type}(id: "${id}") { version } }`))[type]?.version ?? null;

  beforeAll(async () => {
    f = await setUpAccess();
    const { ann, bob } = f.clients;
    const id = async (client: typeof ann, mutation: string) => Object.values(ok(await client<Record<string, { id: string }>>(mutation)))[0]!.id;
    ids.annCo = await id(ann, 'mutation { createCompany(input: { name: "Ann Co" }) { id } }');
    ids.bobCo = await id(bob, 'mutation { createCompany(input: { name: "Bob Co" }) { id } }');
    ids.annPerson = await id(ann, `mutation { createPerson(input: { name: "Ann P", companyId: "${ids.annCo}" }) { id } }`);
    ids.bobPerson = await id(bob, `mutation { createPerson(input: { name: "Bob P", companyId: "${ids.bobCo}" }) { id } }`);
  });
  afterAll(() => f.close());

  it('creates records owned by their creator, refusing read-only fields and owners other than oneself where the role says own', async () => {
    const created = ok(await f.clients.ann<{ createPerson: { ownerId: string; owner: { userId: string } } }>('mutation { createPerson(input: { name: "Mine" }) { ownerId owner { userId } } }'));
    expect(created.createPerson).toEqual({ ownerId: f.memberId('ann'), owner: { userId: 'ann' } });

    const readOnly = await f.clients.ann('mutation { createPerson(input: { name: "Paid", salary: 100 }) { id } }');
    expect(code(readOnly)).toBe('BAD_REQUEST'); // salary is not in Ann's PersonCreateInput at all
    const forOthers = await f.clients.ann(`mutation { createPerson(input: { name: "For Bob", ownerId: "${f.memberId('bob')}" }) { id } }`);
    expect(code(forOthers)).toBe('FORBIDDEN');
    expect(fields(forOthers)).toEqual([['input.ownerId', 'FORBIDDEN']]);
    // create: ALL on companies: Ann may create one for Bob.
    const forBob = ok(await f.clients.ann<{ createCompany: { ownerId: string } }>(`mutation { createCompany(input: { name: "Gift", ownerId: "${f.memberId('bob')}" }) { ownerId } }`));
    expect(forBob.createCompany.ownerId).toBe(f.memberId('bob'));
    // An API key owns nothing: a role limited to own records cannot create any.
    expect(code(await f.clients.salesKey('mutation { createPerson(input: { name: "Keyed" }) { id } }'))).toBe('FORBIDDEN');
    const people = ok(await f.clients.admin<{ people: { edges: Array<{ node: { name: string } }> } }>('{ people { edges { node { name } } } }'));
    expect(people.people.edges.map((e) => e.node.name)).not.toEqual(expect.arrayContaining(['For Bob', 'Keyed']));
  });

  it('changes only what the role may: FORBIDDEN for a readable record it may not change, NOT_FOUND for one it cannot see', async () => {
    const before = await version('company', ids.bobCo!);
    const other = await f.clients.ann(`mutation { updateCompany(id: "${ids.bobCo}", input: { name: "Taken over" }) { id } }`);
    expect(code(other)).toBe('FORBIDDEN');
    expect(await version('company', ids.bobCo!)).toBe(before);
    ok(await f.clients.ann(`mutation { updateCompany(id: "${ids.annCo}", input: { name: "Ann Company" }) { id } }`));

    const hidden = await f.clients.ann(`mutation { updatePerson(id: "${ids.bobPerson}", input: { name: "x" }) { id } }`);
    expect(code(hidden)).toBe('NOT_FOUND');
    expect(hidden.errors?.[0]?.message).toBe(
      (await f.clients.ann('mutation { updatePerson(id: "01a20000-0000-7000-8000-000000000000", input: { name: "x" }) { id } }')).errors?.[0]?.message.replace(
        '01a20000-0000-7000-8000-000000000000',
        ids.bobPerson!,
      ),
    );
    expect(code(await f.clients.ann(`mutation { deletePerson(id: "${ids.bobPerson}") { id } }`))).toBe('NOT_FOUND');
    expect(await version('person', ids.bobPerson!)).toBe(1);
    // delete: NONE on companies: no delete or restore in Ann's schema.
    expect(code(await f.clients.ann(`mutation { deleteCompany(id: "${ids.annCo}") { id } }`))).toBe('BAD_REQUEST');
  });

  it('checks every item of a bulk write and every upsert, all or nothing', async () => {
    const bulk = await f.clients.ann(
      `mutation { updateCompanies(updates: [{ id: "${ids.annCo}", input: { name: "A1" } }, { id: "${ids.bobCo}", input: { name: "B1" } }]) { id } }`,
    );
    expect(code(bulk)).toBe('FORBIDDEN');
    expect(fields(bulk)).toEqual([['updates.1.id', 'FORBIDDEN']]);
    const names = ok(await f.clients.admin<{ a: { name: string }; b: { name: string } }>(`{ a: company(id: "${ids.annCo}") { name } b: company(id: "${ids.bobCo}") { name } }`));
    expect(names).toEqual({ a: { name: 'Ann Company' }, b: { name: 'Bob Co' } });

    const unseen = await f.clients.ann(`mutation { updatePeople(updates: [{ id: "${ids.annPerson}", input: { name: "x" } }, { id: "${ids.bobPerson}", input: { name: "y" } }]) { id } }`);
    expect(code(unseen)).toBe('NOT_FOUND');
    expect(fields(unseen)).toEqual([['updates.1.id', 'NOT_FOUND']]);
    const readOnly = await f.clients.ann(`mutation { createPeople(inputs: [{ name: "ok" }, { name: "mine", ownerId: "${f.memberId('bob')}" }]) { id } }`);
    expect(fields(readOnly)).toEqual([['inputs.1.ownerId', 'FORBIDDEN']]);

    // Upsert: Bob's company is readable but not Ann's to change; a new name creates Ann's own.
    const upsertOther = await f.clients.ann('mutation { upsertCompany(match: { name: "Bob Co" }, input: { name: "Bob Co" }) { id } }');
    expect(code(upsertOther)).toBe('FORBIDDEN');
    const upserted = ok(await f.clients.ann<{ upsertCompany: { ownerId: string } }>('mutation { upsertCompany(match: { name: "Fresh" }, input: { name: "Fresh" }) { ownerId } }'));
    expect(upserted.upsertCompany.ownerId).toBe(f.memberId('ann'));
    // Viewers have no upsert at all.
    expect(code(await f.clients.viewerKey('mutation { upsertCompany(match: { name: "Fresh" }, input: { name: "Fresh" }) { id } }'))).toBe('BAD_REQUEST');
  });

  it('links only to records the actor may read, and changes a ONE_TO_MANY only with update access to every record on its other side', async () => {
    // A scout reads only the companies they own: another's company is no target, exactly like one that does not exist.
    ok(await f.clients.admin('mutation { createRole(input: { name: "scout", rules: [{ type: "company", read: OWN, create: OWN }, { type: "person", read: ALL, create: ALL }] }) { name } }'));
    const scout = f.as(await tokenFor(f.ws.workspaceId, 'sam', ['scout']));
    const samCo = (ok(await scout<{ createCompany: { id: string } }>('mutation { createCompany(input: { name: "Sam Co" }) { id } }'))).createCompany.id;
    const invisible = await scout(`mutation { createPerson(input: { name: "Lead", companyId: "${ids.bobCo}" }) { id } }`);
    const missing = await scout('mutation { createPerson(input: { name: "Lead", companyId: "01a20000-0000-7000-8000-000000000000" }) { id } }');
    expect(fields(invisible)).toEqual([['input.companyId', 'INVALID_REFERENCE']]);
    expect(invisible.errors?.[0]?.extensions?.fields).toEqual(
      (missing.errors?.[0]?.extensions?.fields as Array<{ message: string }>).map((e) => ({ ...e, message: e.message.replace('01a20000-0000-7000-8000-000000000000', ids.bobCo!) })),
    );
    ok(await scout(`mutation { createPerson(input: { name: "Lead", companyId: "${samCo}" }) { id } }`));
    const person = await f.clients.admin(`mutation { createPerson(input: { name: "Admin's" }) { id } }`);
    const adminPerson = (ok(person) as { createPerson: { id: string } }).createPerson.id;
    // company.people rewrites person.company on the people it names: update ALL on people is needed, Ann has OWN.
    const inverse = await f.clients.ann(`mutation { updateCompany(id: "${ids.annCo}", input: { people: { connect: ["${adminPerson}"] } }) { id } }`);
    expect(code(inverse)).toBe('BAD_REQUEST'); // not in Ann's CompanyUpdateInput
    // The admin may, and a record Ann cannot read is no link target for her.
    ok(await f.clients.admin(`mutation { updateCompany(id: "${ids.annCo}", input: { people: { connect: ["${adminPerson}"] } }) { id } }`));
  });

  it('lets those allowed reassign an owner, after which the rules follow the new owner', async () => {
    const invalid = await f.clients.admin(`mutation { updateCompany(id: "${ids.annCo}", input: { ownerId: "01a20000-0000-7000-8000-000000000000" }) { id } }`);
    expect(code(invalid)).toBe('VALIDATION_FAILED');
    expect(fields(invalid)).toEqual([['input.ownerId', 'INVALID_REFERENCE']]);
    // Ann (update: OWN) may not give her record away.
    const giveAway = await f.clients.ann(`mutation { updateCompany(id: "${ids.annCo}", input: { ownerId: "${f.memberId('bob')}" }) { id } }`);
    expect(code(giveAway)).toBe('FORBIDDEN');
    ok(await f.clients.admin(`mutation { updateCompany(id: "${ids.annCo}", input: { ownerId: "${f.memberId('bob')}" }) { id } }`));
    expect(code(await f.clients.ann(`mutation { updateCompany(id: "${ids.annCo}", input: { name: "Mine again?" }) { id } }`))).toBe('FORBIDDEN');
    ok(await f.clients.bob(`mutation { updateCompany(id: "${ids.annCo}", input: { name: "Bob's now" }) { id } }`));
    // Handing a person over makes it vanish for Ann and appear for Bob.
    ok(await f.clients.admin(`mutation { updatePerson(id: "${ids.annPerson}", input: { ownerId: "${f.memberId('bob')}" }) { id } }`));
    expect(ok(await f.clients.ann(`{ person(id: "${ids.annPerson}") { id } }`))).toEqual({ person: null });
    expect(ok(await f.clients.bob(`{ person(id: "${ids.annPerson}") { name } }`))).toEqual({ person: { name: 'Ann P' } });
  });

  it('deletes and restores own records only', async () => {
    const mine = (ok(await f.clients.bob<{ createPerson: { id: string } }>('mutation { createPerson(input: { name: "Temp" }) { id } }'))).createPerson.id;
    expect(code(await f.clients.ann(`mutation { deletePerson(id: "${mine}") { id } }`))).toBe('NOT_FOUND');
    ok(await f.clients.bob(`mutation { deletePerson(id: "${mine}") { id } }`));
    expect(code(await f.clients.ann(`mutation { restorePerson(id: "${mine}") { id } }`))).toBe('NOT_FOUND');
    ok(await f.clients.bob(`mutation { restorePerson(id: "${mine}") { id } }`));
    // destroy stays with admins, whatever the role allows.
    expect(code(await f.clients.bob(`mutation { destroyPerson(id: "${mine}") }`))).toBe('FORBIDDEN');
  });
});
