/**
 * The fixture shape of the field type contract suite, and the small pieces of
 * the engine it imitates: building a field, parsing operands, compiling a filter.
 */
import { readdirSync } from 'node:fs';
import type { FieldMeta, FieldTypeModule, OptionsContext } from '../../src/fields/index.ts';

/** Record types that exist in the fixtures' workspace (RELATION targets). */
export const KNOWN_OBJECT_TYPES = ['company', 'person'];

/** The options context the fixtures run with. */
export const optionsContext: OptionsContext = { hasObjectType: (name) => KNOWN_OBJECT_TYPES.includes(name) };

/** The apiName of the field in every scratch table. */
export const FIELD_KEY = 'f';

/** One value case; `options` overrides the fixture's field options for this case only. */
interface ValueCase {
  input: unknown;
  options?: unknown;
}

/** What one field type must do, as data. The contract suite runs every fixture the same way. */
export interface FieldFixture {
  module: FieldTypeModule;
  /** Options (input form) of the field the value, SQL and order cases run against. */
  options?: unknown;
  validOptions: { input: unknown; options: Record<string, unknown> }[];
  invalidOptions: { input: unknown; errors: { field: string; code: string }[] }[];
  valid: (ValueCase & { stored: unknown })[];
  invalid: (ValueCase & { code: string })[];
  /** Scratch table rows by id, as stored values; `undefined` leaves the key out of `data`. */
  rows: Record<number, unknown>;
  /** Filter cases: the ids each operator must match. Together they must cover every operator. */
  filters: { op: string; operand: unknown; ids: number[] }[];
  /** Operands the engine must refuse before any SQL runs. */
  invalidOperands: { op: string; operand: unknown; code: string }[];
  /** For sortable types: every row id in `ORDER BY expr ASC NULLS LAST, id` order. */
  order?: number[];
  /** For types that reference records: what `references(field)` returns. */
  references?: string[];
}

/** Declares a fixture (typed, nothing more). */
export function defineFieldFixture(fixture: FieldFixture): FieldFixture {
  return fixture;
}

/** Fixtures of `tests/fields/fixtures/`, by file name (`long-text` for LONG_TEXT). */
export async function loadFixtures(): Promise<Map<string, FieldFixture>> {
  const dir = new URL('./fixtures/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  const entries = await Promise.all(
    files.map(async (file) => {
      const loaded = (await import(new URL(file, dir).href)) as { default: FieldFixture };
      return [file.slice(0, -'.ts'.length), loaded.default] as const;
    }),
  );
  return new Map(entries);
}

/** The fixture file name of a field type: `LONG_TEXT` → `long-text`. */
export function fixtureName(module: FieldTypeModule): string {
  return module.type.toLowerCase().replace(/_/g, '-');
}

/** A field of the module's type with the given options (normalised; they must be valid). */
export function makeField(module: FieldTypeModule, options: unknown): FieldMeta {
  const normalized = module.normalizeOptions(options, optionsContext);
  if (normalized.errors.length > 0) {
    throw new Error(`Fixture options of ${module.type} are invalid: ${JSON.stringify(normalized.errors)}`);
  }
  return {
    id: '00000000-0000-7000-8000-000000000001',
    apiName: FIELD_KEY,
    label: 'F',
    description: null,
    type: module.type,
    required: false,
    unique: false,
    indexed: false,
    searchable: false,
    defaultValue: null,
    options: normalized.options,
    source: 'custom',
    position: 0,
  };
}

/** An operand parsed as the engine parses it; throws with the error code when it is refused. */
export function parseOperand(module: FieldTypeModule, field: FieldMeta, op: string, operand: unknown): unknown {
  const def = module.operators[op];
  if (!def) throw new Error(`${module.type} has no operator ${op}`);
  const parse = (value: unknown) => {
    const result = (module.parseOperand ?? module.normalize).call(module, value, field);
    if (!result.ok) throw new OperandError(result.code);
    return result.value;
  };
  if (def.operand === 'value') return parse(operand);
  if (def.operand === 'values') return (operand as unknown[]).map(parse);
  return operand;
}

/** A refused operand, with the module's error code. */
export class OperandError extends Error {
  constructor(readonly code: string) {
    super(`operand refused: ${code}`);
  }
}

/** The WHERE clause and parameters of one filter, as the query compiler builds them. */
export function compileFilter(
  module: FieldTypeModule,
  field: FieldMeta,
  op: string,
  operand: unknown,
): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const where = module.operators[op]!.sql(
    {
      expr: module.sqlExpr(`'${FIELD_KEY}'`),
      json: `(data->'${FIELD_KEY}')`,
      param: (value) => `$${params.push(value)}`,
      field,
    },
    parseOperand(module, field, op, operand),
  );
  return { where, params };
}

/** A readable test name for a value. */
export function show(value: unknown): string {
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'Invalid' : value.toISOString()})`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(typeof value);
  } catch {
    text = 'a cyclic object';
  }
  return text.length > 60 ? `${text.slice(0, 57)}... (${text.length} chars)` : text;
}
