/**
 * A list compiled to SQL once, for the top-level list and for nested lists of
 * many parents alike: page size, ordering, filter, keyset condition, and how the
 * fetched rows become a Relay page.
 */
import { accessCondition, policyOf, visibleType } from '../access/policy.ts';
import { BadRequestError, NotFoundError } from '../errors.ts';
import type { ObjectTypeMeta } from '../metadata/workspace-metadata.ts';
import { compileFilter } from './query/filter.ts';
import { filterables } from './query/filterable.ts';
import { cursorEncoder, decodeCursor, keysetCondition, orderByClause, resolveOrder, reverseKeys } from './query/order.ts';
import { SqlParams } from './query/params.ts';
import { RECORD_COLUMNS, toRecordRow, type RawRecord } from './record-row.ts';
import type { RecordFilter } from './query/filter.ts';
import type { OrderByItem } from './query/order.ts';
import type { RecordRow } from './record-row.ts';
import type { RecordScope } from './record-service.ts';

/** Default page size of a list. */
export const DEFAULT_PAGE_SIZE = 50;
/** Largest page size a list accepts. */
export const MAX_PAGE_SIZE = 200;

/** Arguments of a list. */
export interface ListArgs {
  filter?: RecordFilter | null;
  orderBy?: OrderByItem[] | null;
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  includeDeleted?: boolean | null;
  /** Also count every matching record (one more statement). */
  totalCount?: boolean;
}

/** One page of a list, as a Relay connection needs it. */
export interface RecordPage {
  edges: Array<{ cursor: string; node: RecordRow }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number | null;
}

/** A fetched row: the record's columns and its sort values `__k0`, `__k1`, ... (the id key reads `id`). */
export type ListRow = RawRecord & Record<string, unknown>;

/**
 * An edge whose cursor is encoded only when read: most nested lists never select
 * it. A class rather than an object literal with a getter, which V8 builds on a
 * slow path (about 0.6 µs an edge, a millisecond for a nested page of 2,000).
 * It keeps the sort values, not the fetched row (whose columns and parsed `data`
 * need not live as long as the page). `cursor` is a getter of the prototype, so
 * JSON.stringify goes through toJSON.
 */
class LazyEdge {
  readonly node: RecordRow;
  /** The sort values other than the id's (`undefined` at the id's position), or null when the id is the only key. */
  readonly #values: unknown[] | null;
  readonly #encode: (node: RecordRow, values: unknown[] | null) => string;
  constructor(node: RecordRow, values: unknown[] | null, encode: (node: RecordRow, values: unknown[] | null) => string) {
    this.node = node;
    this.#values = values;
    this.#encode = encode;
  }
  get cursor(): string {
    return this.#encode(this.node, this.#values);
  }
  toJSON() {
    return { cursor: this.cursor, node: this.node };
  }
}

/** A page's PageInfo, whose start and end cursors are encoded only when read. */
class LazyPageInfo {
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
  readonly #edges: ReadonlyArray<{ cursor: string }>;
  constructor(edges: ReadonlyArray<{ cursor: string }>, hasNextPage: boolean, hasPreviousPage: boolean) {
    this.hasNextPage = hasNextPage;
    this.hasPreviousPage = hasPreviousPage;
    this.#edges = edges;
  }
  get startCursor(): string | null {
    return this.#edges[0]?.cursor ?? null;
  }
  get endCursor(): string | null {
    return this.#edges[this.#edges.length - 1]?.cursor ?? null;
  }
  toJSON() {
    return { hasNextPage: this.hasNextPage, hasPreviousPage: this.hasPreviousPage, startCursor: this.startCursor, endCursor: this.endCursor };
  }
}

function pageSize(args: ListArgs): { size: number; backward: boolean } {
  if (args.first != null && args.last != null) throw new BadRequestError('Pass first or last, not both');
  // A cursor in the other direction would be silently ignored: refuse it instead.
  if (args.first != null && args.before != null) throw new BadRequestError('before goes with last, not first', { argument: 'before' });
  if (args.last != null && args.after != null) throw new BadRequestError('after goes with first, not last', { argument: 'after' });
  if (args.after != null && args.before != null) throw new BadRequestError('Pass after or before, not both');
  const backward = args.last != null || (args.before != null && args.first == null);
  const size = (backward ? args.last : args.first) ?? DEFAULT_PAGE_SIZE;
  const arg = backward ? 'last' : 'first';
  if (!Number.isInteger(size) || size < 0) throw new BadRequestError(`${arg} must be a non-negative integer`, { argument: arg });
  if (size > MAX_PAGE_SIZE) {
    throw new BadRequestError(`${arg} must be at most ${MAX_PAGE_SIZE} (asked for ${size}); page through with after`, { argument: arg });
  }
  return { size, backward };
}

/**
 * Compiles a list of `of`'s records for `args`, as the actor sees them: only the
 * records they may read (not counted otherwise), and only the fields they may see
 * (in rows, filters and orderings). NOT_FOUND when they may not read the type.
 */
export function compileList(scope: RecordScope, of: ObjectTypeMeta, args: ListArgs) {
  const type = visibleType(scope, of);
  if (!type) throw new NotFoundError(`No record type "${of.apiName}"`, { type: of.apiName });
  const names = filterables(type);
  const { size, backward } = pageSize(args);
  const forwardKeys = resolveOrder(args.orderBy, names);
  const keys = backward ? reverseKeys(forwardKeys) : forwardKeys;

  const params = new SqlParams();
  const base = [`"workspace_id" = ${params.add(scope.metadata.workspaceId)} AND "object_type_id" = ${params.add(type.id)}`];
  if (!args.includeDeleted) base.push('"deleted_at" IS NULL');
  const readable = accessCondition(scope, type, 'read', params);
  if (readable) base.push(readable);
  const filterSql = compileFilter(args.filter, names, params, {
    metadata: policyOf(scope).view,
    type,
    readCondition: (related, p) => accessCondition(scope, related, 'read', p),
  });
  if (filterSql !== 'TRUE') base.push(filterSql);
  const baseParams = params.values.length;

  const cursorArg = backward ? 'before' : 'after';
  const cursor = backward ? args.before : args.after;
  const where = [...base];
  if (cursor != null) where.push(keysetCondition(keys, decodeCursor(forwardKeys, cursor, cursorArg), params));
  const encodeCursor = cursorEncoder(forwardKeys);
  // A sort key's value is in column `__k<i>`, but the id's needs no column of its own: the row has it.
  const isId = forwardKeys.map((k) => k.expr === '"id"');
  const onlyId = isId.length === 1 && isId[0]!;
  const sortValues = (raw: ListRow) => (onlyId ? null : isId.map((id, i) => (id ? undefined : raw[`__k${i}`])));
  const edgeCursor = (node: RecordRow, values: unknown[] | null) =>
    encodeCursor(values === null ? [node.id] : values.map((v, i) => (isId[i] ? node.id : v)));

  return {
    params,
    /** Conditions without the cursor (for counts), and how many parameters they use. */
    base: base.join(' AND '),
    baseParams,
    where: where.join(' AND '),
    columns: [RECORD_COLUMNS, ...keys.flatMap((k, i) => (k.expr === '"id"' ? [] : [`${k.expr} AS "__k${i}"`]))].join(', '),
    orderBy: orderByClause(keys),
    /** One row more than the page, to know whether there is a next one. */
    limit: size + 1,
    get text() {
      return `SELECT ${this.columns} FROM "record" WHERE ${this.where} ORDER BY ${this.orderBy} LIMIT ${this.limit}`;
    },
    /** Turns a tampered cursor value that does not cast to its key's type into BAD_REQUEST. */
    explainError(error: unknown): never {
      if ((error as { code?: string })?.code?.startsWith('22') && cursor != null) {
        throw new BadRequestError(`${cursorArg} is not a valid cursor`, { argument: cursorArg });
      }
      throw error;
    },
    /** The page of the fetched rows (at most `limit` of them). */
    toPage(fetched: ListRow[], totalCount: number | null): RecordPage {
      const more = fetched.length > size;
      const count = more ? size : fetched.length;
      // Cursors are encoded only when read: most nested lists never select them.
      const edges: RecordPage['edges'] = new Array(count);
      for (let i = 0; i < count; i++) {
        const raw = fetched[backward ? count - 1 - i : i]!;
        edges[i] = new LazyEdge(toRecordRow(type, raw), sortValues(raw), edgeCursor);
      }
      return {
        edges,
        pageInfo: new LazyPageInfo(edges, backward ? args.before != null : more, backward ? more : args.after != null),
        totalCount,
      };
    },
  };
}
