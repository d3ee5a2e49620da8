/**
 * Every field type through GraphQL, table-driven (the table is
 * field-types/cases.ts, the workspace field-types/specimens.ts): per type,
 * valid values come back normalised, and bad values are a VALIDATION_FAILED
 * naming the field (or, when GraphQL's own coercion refuses them, a
 * BAD_REQUEST) and write nothing; then writes across types: every failing field
 * at once, relation inputs and links, clearing a value. Filters are in
 * field-filters.test.ts, ordering in field-ordering.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ok } from './helpers.ts';
import { CASES, keyOf, rowKey, selection } from './field-types/cases.ts';
import { useSpecimens } from './field-types/specimens.ts';

describe('every field type over GraphQL', () => {
  const { gql, refs, rowIds, resolve, count, create, list, fieldsOf } = useSpecimens();

  it('has a table row for every field type of the schema', async () => {
    const data = ok(await gql<{ __type: { enumValues: Array<{ name: string }> } }>(`{ __type(name: "FieldType") { enumValues { name } } }`));
    expect(CASES.map((c) => c.type).sort()).toEqual(data.__type.enumValues.map((v) => v.name).sort());
  });

  describe.each(CASES)('$type', (c) => {
    it('creates with valid values and returns them normalised', async () => {
      for (const { input, output } of c.valid) {
        const created = ok(await create(c, { key: `VALID/${c.type}`, [keyOf(c)]: resolve(input) })).createSpecimen;
        expect(created[c.field], `${c.type} ${JSON.stringify(input)}`).toEqual(resolve(output));
        const read = ok(
          await gql<{ specimen: Record<string, unknown> }>(`query($id: ID!) { specimen(id: $id) { ${selection(c)} } }`, { id: created.id }),
        ).specimen;
        expect(read[c.field]).toEqual(resolve(output));
      }
    });

    // INTEGER, BOOLEAN, SELECT and MULTI_SELECT have none: GraphQL's Int, Boolean and enums refuse every bad value first (below).
    if (c.invalid.length > 0) it('answers bad values with VALIDATION_FAILED naming the field, and writes nothing', async () => {
      for (const bad of c.invalid) {
        const before = await count();
        const res =
          bad.literal !== undefined
            ? await gql(`mutation { createSpecimen(input: { key: "BAD", ${keyOf(c)}: ${bad.literal} }) { id } }`)
            : await create(c, { key: 'BAD', [keyOf(c)]: resolve(bad.input) });
        const label = `${c.type} ${bad.literal ?? JSON.stringify(bad.input)?.slice(0, 60)}`;
        expect(res.errors?.[0]?.extensions?.code, label).toBe('VALIDATION_FAILED');
        expect(res.data?.createSpecimen ?? null, label).toBeNull();
        // Soft, so that every value of the table is reported.
        expect.soft(fieldsOf(res).map(({ field, code }) => ({ field, code })), label).toEqual([{ field: `input.${keyOf(c)}`, code: bad.code }]);
        expect(await count(), label).toBe(before);
      }
    });

    // DATE, DATETIME and JSON scalars pass every value through to the engine, so they have none.
    if (c.uncoercible?.length) it('answers values of the wrong GraphQL type with BAD_REQUEST, and writes nothing', async () => {
      for (const value of c.uncoercible ?? []) {
        const before = await count();
        const res = await create(c, { key: 'BAD', [keyOf(c)]: resolve(value) });
        expect(res.errors?.[0]?.extensions?.code, `${c.type} ${JSON.stringify(value)}`).toBe('BAD_REQUEST');
        expect(res.data ?? null).toBeNull();
        expect(await count()).toBe(before);
      }
    });
  });

  it('reports every failing field of a create at once, and writes nothing', async () => {
    const before = await count();
    const res = await gql(`mutation($input: SpecimenCreateInput!) { createSpecimen(input: $input) { id } }`, {
      input: { title: 'a\nb', dueOn: '2026-02-30', email: 'bob', rating: 9, bogus: 1 },
    });
    // An unknown input key is GraphQL's to refuse.
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    const res2 = await gql(`mutation($input: SpecimenCreateInput!) { createSpecimen(input: $input) { id } }`, {
      input: { title: 'a\nb', dueOn: '2026-02-30', email: 'bob', rating: 9, price: { amount: '1.2.3' } },
    });
    expect(res2.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(res2).map((f) => f.field).sort()).toEqual(['input.dueOn', 'input.email', 'input.price', 'input.rating', 'input.title']);
    expect(await count()).toBe(before);
  });

  it('reports a dangling relation together with the other failing fields (all at once)', async () => {
    const before = await count();
    const res = await gql(`mutation($input: SpecimenCreateInput!) { createSpecimen(input: $input) { id } }`, {
      input: { title: 'a\nb', companyId: refs.get('@MISSING') },
    });
    expect(res.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(res).map(({ field, code }) => ({ field, code }))).toEqual([
      { field: 'input.title', code: 'INVALID_FORMAT' },
      { field: 'input.companyId', code: 'INVALID_REFERENCE' },
    ]);
    expect(await count()).toBe(before);
  });

  it('names a relation input by its GraphQL key on update too, and writes nothing', async () => {
    const id = rowIds.get(rowKey(CASES.find((x) => x.type === 'RELATION')!, 1))!;
    const res = await gql(
      `mutation($id: ID!, $input: SpecimenUpdateInput!) { updateSpecimen(id: $id, input: $input) { version company { id } } }`,
      { id, input: { companyId: refs.get('@MISSING') } },
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(res).map(({ field, code }) => ({ field, code }))).toEqual([{ field: 'input.companyId', code: 'INVALID_REFERENCE' }]);
    const read = ok(await gql<{ specimen: { version: number; company: { id: string } } }>(`query($id: ID!) { specimen(id: $id) { version company { id } } }`, { id }));
    expect(read.specimen).toEqual({ version: 1, company: { id: refs.get('@A') } });
  });

  it('a relation to a deleted record reads as null, refuses new links, and is cleared when the target is destroyed', async () => {
    const { createCompany } = ok(await gql<{ createCompany: { id: string } }>(`mutation { createCompany(input: { name: "D" }) { id } }`));
    const d = createCompany.id;
    const { createSpecimen } = ok(await gql<{ createSpecimen: { id: string } }>(`mutation($c: ID) { createSpecimen(input: { key: "LINK/1", companyId: $c }) { id } }`, { c: d }));
    const read = async () =>
      ok(await gql<{ specimen: { version: number; company: { name: string } | null } }>(`query($id: ID!) { specimen(id: $id) { version company { name } } }`, { id: createSpecimen.id })).specimen;
    const linked = async () => ok(await list({ key: { eq: 'LINK/1' }, companyId: { eq: d } })).specimens.totalCount;

    ok(await gql(`mutation($id: ID!) { deleteCompany(id: $id) { id } }`, { id: d }));
    expect(await read()).toEqual({ version: 1, company: null });
    expect(await linked()).toBe(1); // the stored link stays, for restore
    const refused = await gql(`mutation($c: ID) { createSpecimen(input: { key: "LINK/2", companyId: $c }) { id } }`, { c: d });
    expect(refused.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(refused).map((f) => f.code)).toEqual(['INVALID_REFERENCE']);

    ok(await gql(`mutation($id: ID!) { restoreCompany(id: $id) { id } }`, { id: d }));
    expect(await read()).toEqual({ version: 1, company: { name: 'D' } });

    expect(ok(await gql<{ destroyCompany: boolean }>(`mutation($id: ID!) { destroyCompany(id: $id) }`, { id: d })).destroyCompany).toBe(true);
    expect(await read()).toEqual({ version: 2, company: null });
    expect(await linked()).toBe(0);
  });

  it('clears a value with null on update, which then matches isNull', async () => {
    const c = CASES.find((x) => x.type === 'INTEGER')!;
    const { createSpecimen } = ok(await create(c, { key: 'CLEAR/1', quantity: 7 }));
    const updated = ok(
      await gql<{ updateSpecimen: { quantity: number | null; version: number } }>(
        `mutation($id: ID!) { updateSpecimen(id: $id, input: { quantity: null }) { quantity version } }`,
        { id: createSpecimen.id },
      ),
    ).updateSpecimen;
    expect(updated).toEqual({ quantity: null, version: 2 });
    const res = ok(await list({ key: { eq: 'CLEAR/1' }, quantity: { isNull: true } }));
    expect(res.specimens.edges.map((e) => e.node.id)).toEqual([createSpecimen.id]);
  });
});
