/**
 * Filters through relations, compiled and run against real records: a to-one's
 * related record (`{ company: {..} }`), and some / every / none over an inverse
 * list (`company.people`) and over many-to-many links (`opportunity.contacts`,
 * `person.opportunities`). Deleted related records never count; bad input names
 * the client's path; polymorphic relations and long chains are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/access/actor.ts';
import type { Engine } from '../src/engine.ts';
import type { RecordFilter } from '../src/records/query/filter.ts';
import { MAX_RELATION_FILTERS } from '../src/records/query/filter.ts';
import { createTestEngine } from '../src/testing/index.ts';

describe('filters through relations', () => {
  let engine: Engine;
  let actor: Actor;
  const scope = async () => ({ actor, metadata: await engine.metadata.snapshot(actor.workspaceId) });
  const ids: Record<string, string> = {};

  /** Names (or ids, for records without a name) of the live records of `type` matching `filter`, sorted. */
  async function names(type: string, filter: RecordFilter): Promise<string[]> {
    const page = await engine.records.list(await scope(), type, { filter, first: 200 });
    return page.edges.map((e) => String(e.node.data.name ?? e.node.data.firstName ?? e.node.id)).sort();
  }
  async function failure(type: string, filter: unknown) {
    return engine.records.list(await scope(), type, { filter: filter as RecordFilter }).then(
      () => null,
      (error: unknown) => error as { code: string; message: string; fields?: Array<{ field: string; code: string; message: string }> },
    );
  }

  beforeAll(async () => {
    const t = await createTestEngine();
    engine = t.engine;
    actor = (await t.workspace()).actor;
    const m = engine.metadata;
    await m.createObjectType(actor, { apiName: 'company', pluralApiName: 'companies' });
    await m.createField(actor, 'company', { apiName: 'name', type: 'TEXT' });
    await m.createField(actor, 'company', { apiName: 'employees', type: 'INTEGER' });
    await m.createObjectType(actor, { apiName: 'person', pluralApiName: 'people' });
    await m.createField(actor, 'person', { apiName: 'firstName', type: 'TEXT' });
    await m.createField(actor, 'person', { apiName: 'company', type: 'RELATION', options: { target: 'company', inverseApiName: 'people' } });
    await m.createObjectType(actor, { apiName: 'opportunity', pluralApiName: 'opportunities' });
    await m.createField(actor, 'opportunity', { apiName: 'name', type: 'TEXT' });
    await m.createField(actor, 'opportunity', {
      apiName: 'contacts', type: 'RELATION', options: { target: 'person', kind: 'MANY_TO_MANY', inverseApiName: 'opportunities' },
    });
    await m.createObjectType(actor, { apiName: 'note', pluralApiName: 'notes' });
    await m.createField(actor, 'note', { apiName: 'name', type: 'TEXT' });
    await m.createField(actor, 'note', { apiName: 'parent', type: 'RELATION', options: { targets: ['company', 'person'] } });

    const s = await scope();
    const create = async (type: string, key: string, data: Record<string, unknown>) => {
      ids[key] = (await engine.records.create(s, type, data)).id;
    };
    await create('company', 'Acme', { name: 'Acme', employees: 500 });
    await create('company', 'Globex', { name: 'Globex', employees: 50 });
    await create('company', 'Initech', { name: 'Initech' });
    await create('company', 'Empty', { name: 'Empty', employees: 10 });
    await create('company', 'Gone', { name: 'Gone', employees: 1000 });
    await create('person', 'Ann', { firstName: 'Ann', company: ids.Acme });
    await create('person', 'Bob', { firstName: 'Bob', company: ids.Acme });
    await create('person', 'Cy', { firstName: 'Cy', company: ids.Globex });
    await create('person', 'Zed', { firstName: 'Zed', company: ids.Globex });
    await create('person', 'Dee', { firstName: 'Dee', company: ids.Initech });
    await create('person', 'Nameless', { company: ids.Initech });
    await create('person', 'Dora', { firstName: 'Dora', company: ids.Gone });
    await create('person', 'Eve', { firstName: 'Eve' });
    await create('opportunity', 'Big', { name: 'Big' });
    await create('opportunity', 'Small', { name: 'Small' });
    await create('opportunity', 'Lonely', { name: 'Lonely' });
    await create('opportunity', 'Dropped', { name: 'Dropped' });
    await create('note', 'CompanyNote', { name: 'CompanyNote', parent: ids.Acme });
    await create('note', 'PersonNote', { name: 'PersonNote', parent: ids.Ann });

    // The links of opportunity.contacts (the owning side), written as the connect input will.
    const contacts = s.metadata.get('opportunity').fields.find((f) => f.apiName === 'contacts')!;
    for (const [opportunity, person] of [['Big', 'Ann'], ['Big', 'Cy'], ['Small', 'Bob'], ['Small', 'Zed'], ['Dropped', 'Eve']] as const) {
      await engine.db.sql.query('INSERT INTO "record_link" ("workspace_id","field_id","from_id","to_id") VALUES ($1,$2,$3,$4)', [
        actor.workspaceId, contacts.id, ids[opportunity], ids[person],
      ]);
    }
    // Deleted records, still named by their relations and links.
    await engine.records.delete(s, 'company', ids.Gone!);
    await engine.records.delete(s, 'person', ids.Zed!);
    await engine.records.delete(s, 'opportunity', ids.Dropped!);
  });
  afterAll(() => engine.close());

  describe('to-one', () => {
    it('keeps the records whose related record matches the inner filter', async () => {
      expect(await names('person', { company: { employees: { gt: 100 } } })).toEqual(['Ann', 'Bob']);
      expect(await names('person', { company: { name: { eq: 'Globex' } }, firstName: { neq: 'Zed' } })).toEqual(['Cy']);
    });

    it('takes and, or and not inside, and not around it', async () => {
      expect(await names('person', { company: { or: [{ employees: { gt: 100 } }, { name: { eq: 'Initech' } }] } })).toEqual(
        ['Ann', 'Bob', 'Dee', ids.Nameless!].sort(),
      );
      // Initech has no employee count: not: { gt } holds for it, as for any missing value.
      expect(await names('person', { company: { not: { employees: { gt: 100 } } } })).toEqual(['Cy', 'Dee', ids.Nameless!].sort());
      // Outside: people without a (live) company match too.
      expect(await names('person', { not: { company: { employees: { gt: 100 } } } })).toEqual(
        ['Cy', 'Dee', 'Dora', 'Eve', ids.Nameless!].sort(),
      );
      expect(await names('person', { and: [{ company: { name: { startsWith: 'A' } } }, { firstName: { eq: 'Bob' } }] })).toEqual(['Bob']);
    });

    it('never matches through a deleted related record, which the id filter still names', async () => {
      expect(await names('person', { companyId: { eq: ids.Gone } })).toEqual(['Dora']);
      expect(await names('person', { company: { employees: { gte: 1000 } } })).toEqual([]);
      // An empty inner filter: the people with a live company.
      expect(await names('person', { company: {} })).toEqual(['Ann', 'Bob', 'Cy', 'Dee', ids.Nameless!].sort());
    });

    it('goes through several relations in a row', async () => {
      // Opportunities with a contact at a company of more than 100 employees.
      expect(await names('opportunity', { contacts: { some: { company: { employees: { gt: 100 } } } } })).toEqual(['Big', 'Small']);
      // Three hops: people whose company has someone in the Big opportunity.
      expect(await names('person', { company: { people: { some: { opportunities: { some: { name: { eq: 'Big' } } } } } } })).toEqual(
        ['Ann', 'Bob', 'Cy'],
      );
    });
  });

  describe('to-many through an inverse (company.people)', () => {
    it('some: at least one live related record matches', async () => {
      expect(await names('company', { people: { some: { firstName: { eq: 'Ann' } } } })).toEqual(['Acme']);
      expect(await names('company', { people: { some: {} } })).toEqual(['Acme', 'Globex', 'Initech']);
      // Zed, Globex's other person, is deleted.
      expect(await names('company', { people: { some: { firstName: { eq: 'Zed' } } } })).toEqual([]);
    });

    it('every: no live related record fails; true without related records; a missing value fails', async () => {
      expect(await names('company', { people: { every: { firstName: { in: ['Ann', 'Bob'] } } } })).toEqual(['Acme', 'Empty']);
      expect(await names('company', { people: { every: { firstName: { eq: 'Cy' } } } })).toEqual(['Empty', 'Globex']);
      // Initech's Dee starts with D, but its other person has no first name.
      expect(await names('company', { people: { every: { firstName: { startsWith: 'D' } } } })).toEqual(['Empty']);
      expect(await names('company', { people: { every: {} } })).toEqual(['Acme', 'Empty', 'Globex', 'Initech']);
    });

    it('none: no live related record matches', async () => {
      expect(await names('company', { people: { none: { firstName: { eq: 'Ann' } } } })).toEqual(['Empty', 'Globex', 'Initech']);
      expect(await names('company', { people: { none: { firstName: { eq: 'Zed' } } } })).toEqual(['Acme', 'Empty', 'Globex', 'Initech']);
      expect(await names('company', { people: { none: {} } })).toEqual(['Empty']);
    });

    it('combines operators (ANDed) and with the type\'s own fields', async () => {
      expect(
        await names('company', { people: { some: { firstName: { eq: 'Ann' } }, none: { firstName: { eq: 'Cy' } } }, employees: { gt: 1 } }),
      ).toEqual(['Acme']);
      expect(await names('company', { or: [{ people: { some: { firstName: { eq: 'Cy' } } } }, { employees: { lt: 20 } }] })).toEqual([
        'Empty',
        'Globex',
      ]);
    });
  });

  describe('to-many through links (opportunity.contacts and person.opportunities)', () => {
    it('some, every and none from the owning side', async () => {
      expect(await names('opportunity', { contacts: { some: { firstName: { eq: 'Ann' } } } })).toEqual(['Big']);
      // Small's other contact, Zed, is deleted: it neither fails every nor matches none.
      expect(await names('opportunity', { contacts: { every: { company: { employees: { gt: 100 } } } } })).toEqual(['Lonely', 'Small']);
      expect(await names('opportunity', { contacts: { none: { firstName: { eq: 'Zed' } } } })).toEqual(['Big', 'Lonely', 'Small']);
      expect(await names('opportunity', { contacts: { none: {} } })).toEqual(['Lonely']);
    });

    it('some, every and none from the inverse side; deleted opportunities never count', async () => {
      expect(await names('person', { opportunities: { some: { name: { eq: 'Big' } } } })).toEqual(['Ann', 'Cy']);
      // Eve's one opportunity is deleted.
      expect(await names('person', { opportunities: { some: {} } })).toEqual(['Ann', 'Bob', 'Cy']);
      expect(await names('person', { opportunities: { every: { name: { eq: 'Small' } } }, company: {} })).toEqual(
        ['Bob', 'Dee', ids.Nameless!].sort(),
      );
      expect(await names('person', { opportunities: { none: { name: { in: ['Big', 'Small'] } } } })).toEqual(
        ['Dee', 'Dora', 'Eve', ids.Nameless!].sort(),
      );
    });
  });

  it('applies to nested lists and to totalCount', async () => {
    const s = await scope();
    const filter = { opportunities: { some: {} } };
    const pages = await engine.records.listRelated(s, 'company', 'people', [ids.Acme!, ids.Globex!, ids.Initech!], { filter, totalCount: true });
    expect([...pages].map(([id, page]) => [id, page.totalCount, page.edges.map((e) => e.node.data.firstName)])).toEqual([
      [ids.Acme, 2, ['Ann', 'Bob']],
      [ids.Globex, 1, ['Cy']],
      [ids.Initech, 0, []],
    ]);
    const root = await engine.records.list(s, 'person', { filter, first: 1, totalCount: true });
    expect(root.totalCount).toBe(3);
    expect(root.edges).toHaveLength(1);
  });

  it('is one statement, with every operand bound, and walks links from the filtered record', async () => {
    const s = await scope();
    const statements: string[] = [];
    const stop = engine.db.observe((text) => statements.push(text));
    const page = await engine.records.list(s, 'company', {
      filter: { people: { some: { firstName: { eq: 'Ann' } }, every: { company: { employees: { lt: 31337 } } } } },
    });
    stop();
    expect(page.edges.map((e) => e.node.data.name)).toEqual(['Acme']);
    expect(statements).toHaveLength(1);
    const text = statements[0]!;
    expect(text).toMatch(/EXISTS \(SELECT 1 FROM "record" AS "r1" WHERE "workspace_id" = "record"\."workspace_id"/);
    expect(text).toMatch(/FROM "record" AS "r2" WHERE "workspace_id" = "r1"\."workspace_id"/);
    expect(text).not.toMatch(/Ann|31337/);
    // The root list still leads with its scope, which its index serves.
    expect(text).toMatch(/WHERE "workspace_id" = \$1 AND "object_type_id" = \$2 AND "deleted_at" IS NULL AND /);

    // Links are walked from the filtered record's link rows (an `"id" IN (links of the
    // outer row)` under EXISTS is evaluated per pair of records: minutes on 30,000 × 5,000).
    statements.length = 0;
    const off = engine.db.observe((t) => statements.push(t));
    await engine.records.list(s, 'person', { filter: { opportunities: { none: {} } }, totalCount: true });
    off();
    expect(statements).toHaveLength(2);
    for (const t of statements) {
      expect(t).toMatch(/NOT EXISTS \(SELECT 1 FROM "record_link" AS "l1" WHERE "l1"\."workspace_id" = "record"\."workspace_id" AND "l1"\."field_id" = \$\d+ AND "l1"\."to_id" = "record"\."id" AND EXISTS \(SELECT 1 FROM "record" AS "r1" WHERE "workspace_id" = "l1"\."workspace_id" AND "id" = "l1"\."from_id"/);
    }
  });

  describe('refuses', () => {
    it('unknown fields and operators inside, naming the nested path', async () => {
      expect(await failure('person', { company: { nope: { eq: 'x' } } })).toMatchObject({
        code: 'VALIDATION_FAILED',
        fields: [{ field: 'filter.company.nope', code: 'UNKNOWN_FIELD' }],
      });
      const error = await failure('company', {
        people: { some: { firstName: { like: 'A' } }, every: { company: { employees: { gt: 'many' } } }, any: {} },
      });
      expect(error?.code).toBe('VALIDATION_FAILED');
      expect(error?.fields?.map((f) => [f.field, f.code])).toEqual([
        ['filter.people.some.firstName.like', 'UNKNOWN_OPERATOR'],
        ['filter.people.every.company.employees.gt', 'INVALID_TYPE'],
        ['filter.people.any', 'UNKNOWN_OPERATOR'],
      ]);
    });

    it('a relation filter that is not an object', async () => {
      expect((await failure('person', { company: null }))?.fields).toMatchObject([{ field: 'filter.company', code: 'INVALID_TYPE' }]);
      expect((await failure('company', { people: [] }))?.fields).toMatchObject([{ field: 'filter.people', code: 'INVALID_TYPE' }]);
      expect((await failure('company', { people: { some: 'Ann' } }))?.fields).toMatchObject([{ field: 'filter.people.some', code: 'INVALID_TYPE' }]);
    });

    it('a filter through a polymorphic relation, which its id still filters', async () => {
      const error = await failure('note', { parent: { name: { eq: 'Acme' } } });
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'filter.parent', code: 'NOT_FILTERABLE' }] });
      expect(error?.fields?.[0]?.message).toBe('links several record types (company, person); filter it by parentId');
      expect(await names('note', { parentId: { eq: ids.Ann } })).toEqual(['PersonNote']);
      // The inverse of a polymorphic relation is a plain list of one type.
      expect(await names('company', { notes: { some: {} } })).toEqual(['Acme']);
    });

    it('more than 3 relations in a row, and too many relation filters', async () => {
      const four = { company: { people: { some: { company: { people: { some: { firstName: { eq: 'Ann' } } } } } } } };
      expect(await failure('person', four)).toMatchObject({
        code: 'BAD_REQUEST',
        message: 'Filter goes through too many relations in a row (at most 3)',
      });
      const many = { or: Array.from({ length: MAX_RELATION_FILTERS + 1 }, () => ({ company: {} })) };
      expect(await failure('person', many)).toMatchObject({ code: 'BAD_REQUEST' });
      expect(await names('person', { or: many.or.slice(1) })).toEqual(['Ann', 'Bob', 'Cy', 'Dee', ids.Nameless!].sort());
    });
  });
});
