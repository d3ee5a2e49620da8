/**
 * The field type contract: the same cases run over every registered module's
 * fixture (`fixtures/<type>.ts`). SQL cases run on a real database, so operator
 * SQL, sort order and index expressions are checked where they will run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { fieldTypes } from '../../src/fields/index.ts';
import { createTestDatabase } from '../../src/testing/index.ts';
import {
  compileFilter,
  FIELD_KEY,
  fixtureName,
  loadFixtures,
  makeField,
  optionsContext,
  OperandError,
  parseOperand,
  show,
  type FieldFixture,
} from './helpers.ts';

const fixtures = await loadFixtures();

// Messages complete "<field> ...": lowercase start, no final period.
const MESSAGE = /^[a-z0-9"].*[^.]$/;

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
});
afterAll(async () => {
  await db?.close();
});

describe('the field type registry', () => {
  it('has a fixture for every module, and no fixture without a module', () => {
    const names = fieldTypes.map(fixtureName);
    expect([...fixtures.keys()].sort()).toEqual([...names].sort());
    for (const module of fieldTypes) expect(fixtures.get(fixtureName(module))!.module).toBe(module);
  });
});

// A module without a fixture fails the registry test above, not the whole file.
const covered = fieldTypes.filter((module) => fixtures.has(fixtureName(module)));

describe.each(covered.map((module) => [module.type, module] as const))('%s', (_, module) => {
  const fixture: FieldFixture = fixtures.get(fixtureName(module))!;
  const field = makeField(module, fixture.options);
  const table = `contract_${fixtureName(module).replace(/-/g, '_')}`;
  const expr = module.sqlExpr(`'${FIELD_KEY}'`);

  it('declares a consistent contract', () => {
    expect(module.description).not.toBe('');
    expect(expr).toContain(`'${FIELD_KEY}'`);
    // A unique field is enforced by an index, so it must be indexable.
    if (module.uniqueable) expect(module.indexable).toBe(true);
    for (const [name, op] of Object.entries(module.operators)) {
      expect(op.description, name).not.toBe('');
    }
    expect(module.references?.(field)).toEqual(fixture.references);
    expect(fixture.order !== undefined, 'fixture has an order exactly when sortable').toBe(module.sortable);
  });

  it('has SQL cases for every operator', () => {
    const exercised = new Set(fixture.filters.map((f) => f.op));
    expect([...exercised].sort()).toEqual(Object.keys(module.operators).sort());
  });

  describe('normalizeOptions', () => {
    it.each(fixture.validOptions.map((c) => [show(c.input), c] as const))('accepts %s', (_, { input, options }) => {
      expect(module.normalizeOptions(input, optionsContext)).toEqual({ options, errors: [] });
      // Normalised options are stored and re-validated on every update: a fixed point.
      expect(module.normalizeOptions(options, optionsContext)).toEqual({ options, errors: [] });
    });

    it.each(fixture.invalidOptions.map((c) => [show(c.input), c] as const))('rejects %s', (_, { input, errors }) => {
      const result = module.normalizeOptions(input, optionsContext);
      expect(result.errors.map(({ field, code }) => ({ field, code }))).toEqual(errors);
      for (const error of result.errors) expect(error.message).toMatch(MESSAGE);
    });
  });

  describe('normalize', () => {
    const fieldFor = (c: { options?: unknown }) => ('options' in c ? makeField(module, c.options) : field);

    it.each(fixture.valid.map((c) => [show(c.input), c] as const))('accepts %s', (_, c) => {
      expect(module.normalize(c.input, fieldFor(c))).toEqual({ ok: true, value: c.stored });
    });

    it.each(fixture.invalid.map((c) => [show(c.input), c] as const))('rejects %s', (_, c) => {
      const result = module.normalize(c.input, fieldFor(c));
      expect(result).toMatchObject({ ok: false, code: c.code });
      if (!result.ok) expect(result.message).toMatch(MESSAGE);
    });

    it('accepts every stored row value unchanged (stored form is valid input)', () => {
      for (const value of Object.values(fixture.rows)) {
        if (value !== undefined) expect(module.normalize(value, field)).toEqual({ ok: true, value });
      }
    });
  });

  describe('operands', () => {
    it.each(fixture.invalidOperands.map((c) => [c.op, show(c.operand), c] as const))(
      'refuses %s %s',
      (_, __, { op, operand, code }) => {
        expect(() => parseOperand(module, field, op, operand)).toThrow(new OperandError(code));
      },
    );
  });

  describe('in SQL', () => {
    const selectIds = async (text: string, params: unknown[] = []) =>
      (await db.sql.query<{ id: number }>(text, params)).rows.map((r) => r.id);
    const insert = (into: string, id: number, data: unknown) =>
      db.sql.query(`INSERT INTO ${into} (id, data) VALUES ($1, $2::jsonb)`, [id, JSON.stringify(data)]);

    beforeAll(async () => {
      await db.sql.exec(`CREATE TABLE ${table} (id int PRIMARY KEY, data jsonb NOT NULL)`);
      for (const [id, value] of Object.entries(fixture.rows)) {
        await insert(table, Number(id), value === undefined ? {} : { [FIELD_KEY]: value });
      }
    });

    it('stores every row value and reads it back unchanged', async () => {
      const { rows } = await db.sql.query<{ id: number; value: unknown }>(
        `SELECT id, data->'${FIELD_KEY}' AS value FROM ${table} ORDER BY id`,
      );
      const expected = Object.entries(fixture.rows).map(([id, value]) => ({ id: Number(id), value: value ?? null }));
      expect(rows).toEqual(expected);
    });

    it.each(fixture.filters.map((c) => [c.op, show(c.operand), c] as const))(
      '%s %s',
      async (_, __, { op, operand, ids }) => {
        const { where, params } = compileFilter(module, field, op, operand);
        const matched = await selectIds(`SELECT id FROM ${table} WHERE ${where} ORDER BY id`, params);
        expect(matched).toEqual([...ids].sort((a, b) => a - b));
      },
    );

    // Only what the type claims is tested; a fixture's `order` must match `sortable` (see above).
    if (module.sortable) {
      it('sorts ascending, without values last', async () => {
        const sorted = await selectIds(`SELECT id FROM ${table} ORDER BY ${expr} ASC NULLS LAST, id`);
        expect(sorted).toEqual(fixture.order);
      });
    }

    if (module.indexable) {
      it('has an indexable (immutable) expression', async () => {
        await db.sql.exec(`CREATE INDEX ${table}_idx ON ${table} ((${expr}))`);
      });
    }

    if (module.uniqueable) {
      it('enforces uniqueness with a unique expression index', async () => {
        const unique = `${table}_unique`;
        const value = Object.values(fixture.rows).find((v) => v !== undefined);
        await db.sql.exec(`CREATE TABLE ${unique} (id int PRIMARY KEY, data jsonb NOT NULL)`);
        await db.sql.exec(`CREATE UNIQUE INDEX ${unique}_idx ON ${unique} ((${expr}))`);
        await insert(unique, 1, { [FIELD_KEY]: value });
        // Records without a value never collide.
        await insert(unique, 2, {});
        await insert(unique, 3, {});
        await expect(insert(unique, 4, { [FIELD_KEY]: value })).rejects.toMatchObject({ code: '23505' });
      });
    }
  });
});
