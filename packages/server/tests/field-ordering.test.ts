/**
 * Ordering through GraphQL (the table is field-types/cases.ts, the workspace
 * field-types/specimens.ts): sortable fields order as expected in every
 * direction, records without a value where the direction says; the order input
 * offers exactly the sortable fields; id, createdAt and updatedAt order too.
 */
import { describe, expect, it } from 'vitest';
import { ok } from './helpers.ts';
import { CASES, groupFilter, rowKey } from './field-types/cases.ts';
import { useSpecimens } from './field-types/specimens.ts';

const DIRECTIONS = ['ASC', 'DESC', 'ASC_NULLS_FIRST', 'ASC_NULLS_LAST', 'DESC_NULLS_FIRST', 'DESC_NULLS_LAST'] as const;

describe('every field type over GraphQL', () => {
  const { gql, rowIds, list, inputFields } = useSpecimens();

  // The sortable types: those with an order in the table.
  describe.each(CASES.filter((c) => c.order))('$type', (c) => {
    it('orders by the field in every direction, records without a value as the direction says', async () => {
      const nullRows = Object.entries(c.rows).filter(([, v]) => v === undefined).map(([n]) => Number(n));
      // Ties follow the record id, ascending, whatever the direction.
      const group = (rows: number[]) => rows.map((n) => rowKey(c, n)).sort((a, b) => (rowIds.get(a)! < rowIds.get(b)! ? -1 : 1));
      const asc = c.order!.map(group);
      const desc = [...asc].reverse();
      const nulls = group(nullRows);
      const expected: Record<(typeof DIRECTIONS)[number], string[][]> = {
        ASC: [...asc, nulls],
        ASC_NULLS_LAST: [...asc, nulls],
        ASC_NULLS_FIRST: [nulls, ...asc],
        DESC: [nulls, ...desc],
        DESC_NULLS_FIRST: [nulls, ...desc],
        DESC_NULLS_LAST: [...desc, nulls],
      };
      for (const direction of DIRECTIONS) {
        const res = ok(await list(groupFilter(c), [{ [c.field]: direction }]));
        expect(
          res.specimens.edges.map((e) => e.node.key),
          `${c.field}: ${direction}`,
        ).toEqual(expected[direction].flat());
      }
    });
  });

  it('offers ordering by exactly the sortable fields (and id, createdAt, updatedAt, key)', async () => {
    const names = (await inputFields('SpecimenOrderBy')).map((f) => f.name).sort();
    expect(names).toEqual(['createdAt', 'id', 'key', 'updatedAt', ...CASES.filter((c) => c.order).map((c) => c.field)].sort());
    const res = await list(undefined, [{ notes: 'ASC' }]);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('orders by id, createdAt and updatedAt', async () => {
    const c = CASES.find((x) => x.type === 'TEXT')!;
    const keys = Object.keys(c.rows).map((n) => rowKey(c, n));
    const byId = [...keys].sort((a, b) => (rowIds.get(a)! < rowIds.get(b)! ? -1 : 1));
    expect(ok(await list(groupFilter(c), [{ id: 'ASC' }])).specimens.edges.map((e) => e.node.key)).toEqual(byId);
    expect(ok(await list(groupFilter(c), [{ id: 'DESC' }])).specimens.edges.map((e) => e.node.key)).toEqual([...byId].reverse());
    for (const column of ['createdAt', 'updatedAt']) {
      const nodes = ok(
        await gql<{ specimens: { edges: Array<{ node: { id: string; key: string; at: string } }> } }>(
          `query($filter: SpecimenFilter, $orderBy: [SpecimenOrderBy!]) {
            specimens(filter: $filter, orderBy: $orderBy, first: 200) { edges { node { id key at: ${column} } } } }`,
          { filter: groupFilter(c), orderBy: [{ [column]: 'DESC' }] },
        ),
      ).specimens.edges.map((e) => e.node);
      const expected = [...nodes].sort((a, b) => (a.at !== b.at ? (a.at > b.at ? -1 : 1) : a.id < b.id ? -1 : 1));
      expect(nodes.map((n) => n.key), column).toEqual(expected.map((n) => n.key));
    }
  });
});
