/**
 * `client.records('invoice')`: everyday record work without writing GraphQL.
 * Each method sends one operation of the contract (API.md, Records) and
 * returns records as `RecordTypeShape['record']`: scalars, money, to-one `{ id }`.
 * To-many relations and history are pages of their own: query them with
 * `client.request`.
 */
import type { RequestOptions } from '../client/http.ts';
import { mapSubscription, type ResumableSubscription } from '../subscriptions/index.ts';
import type { RecordTypeDescriptor, RecordTypeShape } from './types.ts';

/** `pageInfo` of a connection. */
export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** One page of records. */
export interface Page<R> {
  records: R[];
  pageInfo: PageInfo;
  /** Only when `totalCount: true` was asked (it costs a count). */
  totalCount?: number;
}

/** What to list: API.md's list arguments. */
export interface ListOptions<S extends RecordTypeShape> {
  filter?: S['filter'];
  orderBy?: S['orderBy'] | S['orderBy'][];
  /** At most 200; 50 when neither `first` nor `last` is given. */
  first?: number;
  after?: string | null;
  last?: number;
  before?: string | null;
  includeDeleted?: boolean;
  /** Also count every match (`totalCount`). */
  totalCount?: boolean;
}

/** What `iterate` walks. */
export interface IterateOptions<S extends RecordTypeShape> {
  filter?: S['filter'];
  orderBy?: S['orderBy'] | S['orderBy'][];
  includeDeleted?: boolean;
  /** Records per request. @default 200 (the largest page) */
  pageSize?: number;
  /** Starts after this cursor. */
  after?: string | null;
}

/** The kinds of change (API.md, Events). */
export type EventKind = 'CREATED' | 'UPDATED' | 'DELETED' | 'RESTORED' | 'DESTROYED';

/** One change of the log, as subscriptions deliver it. */
export interface RecordEvent<R = { __typename?: string; id: string }> {
  /** Pass it as `after` to resume after this event. */
  cursor: string;
  kind: EventKind;
  /** The record type's apiName. */
  type: string;
  recordId: string;
  changedFields: string[];
  changes: Array<{ field: string; old: unknown; new: unknown }>;
  at: string;
  actor: { id: string; kind: string } | null;
  /** The record after the change (null once destroyed, or when it cannot be read). */
  record: R | null;
}

/** What `events` subscribes to. */
export interface RecordEventsOptions<S extends RecordTypeShape> {
  filter?: S['filter'];
  kinds?: EventKind[];
  /** Resume after this cursor (replays what the log holds after it). */
  after?: string;
  signal?: AbortSignal;
}

/** Options of `update`. */
export interface UpdateOptions extends RequestOptions {
  /** Refuse (CONFLICT) unless the record is still at this version. */
  expectedVersion?: number;
}

/** The records API of one record type. */
export interface RecordsApi<S extends RecordTypeShape> {
  /** One page. */
  list(options?: ListOptions<S>, request?: RequestOptions): Promise<Page<S['record']>>;
  /** Every matching record, a page at a time (`for await (const r of records.iterate())`). */
  iterate(options?: IterateOptions<S>, request?: RequestOptions): AsyncIterable<S['record']>;
  /** The record, or null when there is none (or the credential may not read it). */
  get(id: string, request?: RequestOptions): Promise<S['record'] | null>;
  create(input: S['create'], request?: RequestOptions): Promise<S['record']>;
  /** All or nothing: one invalid input refuses every one (errors name `inputs.<i>.<field>`). */
  createMany(inputs: S['create'][], request?: RequestOptions): Promise<S['record'][]>;
  update(id: string, input: S['update'], options?: UpdateOptions): Promise<S['record']>;
  /** Creates, or updates the record whose unique field matches (`{ number: 'INV-1' }`). */
  upsert(match: S['match'], input: S['create'], request?: RequestOptions): Promise<S['record']>;
  /** Soft delete: the record stays restorable. */
  delete(id: string, request?: RequestOptions): Promise<S['record']>;
  restore(id: string, request?: RequestOptions): Promise<S['record']>;
  /** This type's changes, resuming across dropped connections. */
  events(options?: RecordEventsOptions<S>): ResumableSubscription<RecordEvent<S['record']>>;
}

/** What the records API needs from the client. */
export interface RecordsTransport {
  descriptor(): Promise<RecordTypeDescriptor>;
  query<T>(source: string, variables: Record<string, unknown>, kind: 'query' | 'mutation', request?: RequestOptions): Promise<T>;
  subscribe<T>(source: () => Promise<string>, variables: Record<string, unknown>, options: { after?: string; signal?: AbortSignal }): ResumableSubscription<T>;
}

const PAGE_INFO = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';
const EVENT = 'cursor kind type recordId changedFields changes { field old new } at actor { id kind }';

/** The records API of the type `transport.descriptor()` describes. */
export function createRecordsApi<S extends RecordTypeShape>(transport: RecordsTransport): RecordsApi<S> {
  type R = S['record'];
  const one = async (build: (d: RecordTypeDescriptor) => string, variables: Record<string, unknown>, kind: 'query' | 'mutation', request?: RequestOptions) => {
    const d = await transport.descriptor();
    return (await transport.query<{ record: R | null }>(build(d), variables, kind, request)).record;
  };
  const byId = (verb: 'delete' | 'restore') => async (id: string, request?: RequestOptions) =>
    (await one((d) => `mutation($id: ID!) { record: ${verb}${d.typeName}(id: $id) { ${d.selection} } }`, { id }, 'mutation', request)) as R;

  const api: RecordsApi<S> = {
    async list(options = {}, request) {
      const d = await transport.descriptor();
      const { totalCount, ...args } = options;
      const source = `query($filter: ${d.typeName}Filter, $orderBy: [${d.typeName}OrderBy!], $first: Int, $after: String, $last: Int, $before: String, $includeDeleted: Boolean) {
  page: ${d.pluralApiName}(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before, includeDeleted: $includeDeleted) {
    edges { node { ${d.selection} } } ${PAGE_INFO}${totalCount ? ' totalCount' : ''}
  }
}`;
      const { page } = await transport.query<{ page: { edges: Array<{ node: R }>; pageInfo: PageInfo; totalCount?: number } }>(source, args, 'query', request);
      return { records: page.edges.map((e) => e.node), pageInfo: page.pageInfo, ...(totalCount ? { totalCount: page.totalCount } : {}) };
    },
    async *iterate(options = {}, request) {
      const { pageSize = 200, after, ...rest } = options;
      let cursor = after ?? null;
      for (;;) {
        const page = await api.list({ ...rest, first: pageSize, after: cursor }, request);
        yield* page.records;
        if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return;
        cursor = page.pageInfo.endCursor;
      }
    },
    get: (id, request) => one((d) => `query($id: ID!) { record: ${d.apiName}(id: $id) { ${d.selection} } }`, { id }, 'query', request),
    create: async (input, request) =>
      (await one((d) => `mutation($input: ${d.typeName}CreateInput!) { record: create${d.typeName}(input: $input) { ${d.selection} } }`, { input }, 'mutation', request)) as R,
    async createMany(inputs, request) {
      const d = await transport.descriptor();
      const plural = d.pluralApiName.charAt(0).toUpperCase() + d.pluralApiName.slice(1);
      const source = `mutation($inputs: [${d.typeName}CreateInput!]!) { records: create${plural}(inputs: $inputs) { ${d.selection} } }`;
      return (await transport.query<{ records: R[] }>(source, { inputs }, 'mutation', request)).records;
    },
    update: async (id, input, { expectedVersion, ...request } = {}) =>
      (await one(
        (d) => `mutation($id: ID!, $input: ${d.typeName}UpdateInput!, $expectedVersion: Int) { record: update${d.typeName}(id: $id, input: $input, expectedVersion: $expectedVersion) { ${d.selection} } }`,
        { id, input, expectedVersion },
        'mutation',
        request,
      )) as R,
    upsert: async (match, input, request) =>
      (await one(
        (d) => `mutation($match: ${d.typeName}UniqueMatch!, $input: ${d.typeName}CreateInput!) { record: upsert${d.typeName}(match: $match, input: $input) { ${d.selection} } }`,
        { match, input },
        'mutation',
        request,
      )) as R,
    delete: byId('delete'),
    restore: byId('restore'),
    events({ filter, kinds, after, signal } = {}) {
      const source = async () => {
        const d = await transport.descriptor();
        return `subscription($filter: ${d.typeName}Filter, $kinds: [EventKind!], $after: String) { event: ${d.apiName}Events(filter: $filter, kinds: $kinds, after: $after) { ${EVENT} record { ${d.selection} } } }`;
      };
      const raw = transport.subscribe<{ event: RecordEvent<R> }>(source, { filter, kinds }, { after, signal });
      return mapSubscription(raw, (data) => data.event);
    },
  };
  return api;
}

/** The selection of an event of `recordEvents` (any type: the record's common fields). */
export const RECORD_EVENT_SELECTION = `${EVENT} record { __typename id createdAt updatedAt version deletedAt }`;
