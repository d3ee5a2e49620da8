/**
 * Filtering every field type through GraphQL (the table is
 * field-types/cases.ts, the workspace field-types/specimens.ts): every operator
 * of each type's filter input (read from the schema, so a new operator cannot
 * go untested) finds the expected rows; id, createdAt and updatedAt filter with
 * every operator of theirs; and, or and not combine; bad operands are a
 * VALIDATION_FAILED naming filter.<field>.<op>.
 */
import { describe, expect, it } from 'vitest';
import { ok } from './helpers.ts';
import { CASES, groupFilter, keyOf, rowKey } from './field-types/cases.ts';
import { namedType, useSpecimens, type ListResult } from './field-types/specimens.ts';

describe('every field type over GraphQL', () => {
  const { gql, rowIds, resolve, list, inputFields, fieldsOf } = useSpecimens();

  describe.each(CASES)('$type', (c) => {
    it('covers every operator of its filter input, and each finds the expected records', async () => {
      const filterField = (await inputFields('SpecimenFilter')).find((f) => f.name === keyOf(c));
      expect(filterField, `SpecimenFilter.${keyOf(c)}`).toBeDefined();
      const ops = (await inputFields(namedType(filterField!)!)).map((f) => f.name).sort();
      expect([...new Set(c.filters.map((f) => f.op))].sort(), `operators of ${namedType(filterField!)}`).toEqual(ops);

      for (const { op, operand, ids } of c.filters) {
        const res = await list({ ...groupFilter(c), [keyOf(c)]: { [op]: resolve(operand) } });
        const label = `${keyOf(c)}: { ${op}: ${JSON.stringify(operand)} }`;
        expect(res.errors, label).toBeUndefined();
        const found = res.data!.specimens.edges.map((e) => e.node.key).sort();
        expect(found, label).toEqual(ids.map((n) => rowKey(c, n)).sort());
        expect(res.data!.specimens.totalCount, label).toBe(ids.length);
      }
    });
  });

  it('has a filter key for every field, and nothing else besides the system fields and combinators', async () => {
    const names = (await inputFields('SpecimenFilter')).map((f) => f.name).sort();
    // A to-one relation is filtered by id (`companyId`) and through it (`company`).
    const throughRelations = CASES.filter((c) => c.type === 'RELATION').map((c) => c.field);
    expect(names).toEqual(['and', 'createdAt', 'id', 'key', 'not', 'or', 'ownerId', 'updatedAt', ...CASES.map(keyOf), ...throughRelations].sort());
  });

  it('filters by id with every operator of IDFilter', async () => {
    const c = CASES.find((x) => x.type === 'NUMBER')!;
    const keys = Object.keys(c.rows).map((n) => rowKey(c, n));
    const id = (k: string) => rowIds.get(k)!;
    const [first, second, ...rest] = keys;
    const cases: Array<{ op: string; operand: unknown; expected: string[] }> = [
      { op: 'eq', operand: id(first!).toUpperCase(), expected: [first!] },
      { op: 'neq', operand: id(first!), expected: [second!, ...rest] },
      { op: 'in', operand: [id(first!), id(second!)], expected: [first!, second!] },
      { op: 'notIn', operand: [id(first!)], expected: [second!, ...rest] },
      { op: 'isNull', operand: false, expected: keys },
      { op: 'isNull', operand: true, expected: [] },
    ];
    const filterField = (await inputFields('SpecimenFilter')).find((f) => f.name === 'id')!;
    const ops = (await inputFields(namedType(filterField)!)).map((f) => f.name).sort();
    expect([...new Set(cases.map((x) => x.op))].sort()).toEqual(ops);
    for (const { op, operand, expected } of cases) {
      const res = await list({ ...groupFilter(c), id: { [op]: operand } });
      expect(res.errors, `id: { ${op} }`).toBeUndefined();
      expect(res.data!.specimens.edges.map((e) => e.node.key).sort(), `id: { ${op} }`).toEqual([...expected].sort());
    }
  });

  it('filters by createdAt and updatedAt with every operator of their filter input', async () => {
    const c = CASES.find((x) => x.type === 'DATE')!;
    type Node = { key: string; createdAt: string; updatedAt: string };
    const all = ok(
      await gql<{ specimens: { edges: Array<{ node: Node }> } }>(
        `query($filter: SpecimenFilter) { specimens(filter: $filter, first: 200) { edges { node { key createdAt updatedAt } } } }`,
        { filter: groupFilter(c) },
      ),
    ).specimens.edges.map((e) => e.node);
    for (const column of ['createdAt', 'updatedAt'] as const) {
      const filterField = (await inputFields('SpecimenFilter')).find((f) => f.name === column)!;
      const ops = (await inputFields(namedType(filterField)!)).map((f) => f.name).sort();
      const pivot = all[Math.floor(all.length / 2)]![column];
      // A pivot with an offset: the filter compares instants, whatever the zone it was written in.
      const shifted = new Date(pivot).toISOString().replace('Z', '+00:00');
      const keysWhere = (test: (v: string) => boolean) => all.filter((n) => test(n[column])).map((n) => n.key).sort();
      const cases: Record<string, { operand: unknown; expected: string[] }> = {
        eq: { operand: shifted, expected: keysWhere((v) => v === pivot) },
        neq: { operand: pivot, expected: keysWhere((v) => v !== pivot) },
        in: { operand: [pivot], expected: keysWhere((v) => v === pivot) },
        notIn: { operand: [pivot], expected: keysWhere((v) => v !== pivot) },
        gt: { operand: pivot, expected: keysWhere((v) => v > pivot) },
        gte: { operand: pivot, expected: keysWhere((v) => v >= pivot) },
        lt: { operand: pivot, expected: keysWhere((v) => v < pivot) },
        lte: { operand: pivot, expected: keysWhere((v) => v <= pivot) },
        isNull: { operand: false, expected: keysWhere(() => true) },
      };
      expect(Object.keys(cases).sort()).toEqual(ops);
      for (const [op, { operand, expected }] of Object.entries(cases)) {
        const res = await list({ ...groupFilter(c), [column]: { [op]: operand } });
        expect(res.errors, `${column}: { ${op} }`).toBeUndefined();
        expect(res.data!.specimens.edges.map((e) => e.node.key).sort(), `${column}: { ${op} }`).toEqual(expected);
      }
    }
  });

  it('combines filters with and, or and not', async () => {
    const rating = CASES.find((x) => x.type === 'RATING')!;
    const keys = (res: ListResult) => res.specimens.edges.map((e) => e.node.key).sort();
    const rows = (...ns: number[]) => ns.map((n) => rowKey(rating, n)).sort();
    expect(keys(ok(await list({ ...groupFilter(rating), or: [{ rating: { eq: 1 } }, { rating: { eq: 5 } }] })))).toEqual(rows(1, 3));
    expect(keys(ok(await list({ ...groupFilter(rating), and: [{ rating: { gte: 3 } }, { rating: { lt: 5 } }] })))).toEqual(rows(2, 5));
    // not treats a missing value as "does not match", so row 4 (no rating) is in.
    expect(keys(ok(await list({ ...groupFilter(rating), not: { rating: { gte: 3 } } })))).toEqual(rows(3, 4));
  });

  describe('bad filter operands', () => {
    const BAD: Array<{ name: string; filter: Record<string, unknown>; fields: Array<{ field: string; code: string }> }> = [
      { name: 'a DATE that does not exist', filter: { dueOn: { gt: '2026-13-01' } }, fields: [{ field: 'filter.dueOn.gt', code: 'INVALID_FORMAT' }] },
      { name: 'a DATETIME without offset', filter: { startsAt: { lte: '2026-01-01' } }, fields: [{ field: 'filter.startsAt.lte', code: 'INVALID_FORMAT' }] },
      { name: 'a CURRENCY amount that is not a decimal', filter: { price: { gt: 'abc' } }, fields: [{ field: 'filter.price.gt', code: 'INVALID_FORMAT' }] },
      { name: 'one bad value of a list', filter: { price: { in: ['1', '1e3'] } }, fields: [{ field: 'filter.price.in.1', code: 'INVALID_FORMAT' }] },
      { name: 'a NUL in a substring', filter: { title: { contains: 'a\u0000b' } }, fields: [{ field: 'filter.title.contains', code: 'INVALID_FORMAT' }] },
      { name: 'a null operand', filter: { rating: { eq: null } }, fields: [{ field: 'filter.rating.eq', code: 'INVALID_VALUE' }] },
      {
        name: 'inside and / not, every one at once',
        filter: { and: [{ dueOn: { gt: '2026-02-30' } }], not: { startsAt: { eq: 'soon' } } },
        fields: [
          { field: 'filter.and.0.dueOn.gt', code: 'INVALID_FORMAT' },
          { field: 'filter.not.startsAt.eq', code: 'INVALID_FORMAT' },
        ],
      },
      { name: 'a relation id that is not a UUID', filter: { companyId: { eq: 'company-1' } }, fields: [{ field: 'filter.companyId.eq', code: 'INVALID_FORMAT' }] },
      {
        name: 'a relation id inside or',
        filter: { or: [{ companyId: { in: ['nope'] } }] },
        fields: [{ field: 'filter.or.0.companyId.in.0', code: 'INVALID_FORMAT' }],
      },
    ];
    it.each(BAD)('$name → VALIDATION_FAILED naming filter.<field>.<op>', async ({ filter, fields }) => {
      const res = await list(filter);
      expect(res.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
      expect(res.data?.specimens ?? null).toBeNull();
      expect(fieldsOf(res).map(({ field, code }) => ({ field, code }))).toEqual(fields);
    });

    it('an operand of the wrong GraphQL type → BAD_REQUEST', async () => {
      const res = await list({ rating: { eq: 'three' } });
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    });
  });
});
