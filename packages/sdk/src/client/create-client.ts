/**
 * createClient: Relata from another app's code, in Node 20 and in browsers
 * (this module imports nothing Node-only; `@relata/sdk` resolves to
 * ../node.ts in Node, which only adds `ws` as the WebSocket).
 *
 * ```ts
 * const client = createClient({ url: 'http://localhost:4000/graphql', token, recordTypes });
 * const invoice = await client.records('invoice').create({ number: 'INV-1' });
 * for await (const event of client.records('invoice').events()) console.log(event.kind, event.recordId);
 * ```
 */
import { createSubscriber, mapSubscription, type ResumableSubscription } from '../subscriptions/index.ts';
import { discoverRecordType } from '../records/discovery.ts';
import { createRecordsApi, RECORD_EVENT_SELECTION, type EventKind, type RecordEvent, type RecordsApi } from '../records/records-api.ts';
import type { RecordTypeDescriptor, RecordTypeMap, RecordTypes, UntypedRecordTypes } from '../records/types.ts';
import { documentSource, type DocumentInput } from './documents.ts';
import { createHttpTransport, type RequestOptions, type RetryOptions } from './http.ts';
import { deferredSubscription } from './subscription-wrappers.ts';

/** Options of createClient. */
export interface ClientOptions<TMap extends RecordTypeMap = UntypedRecordTypes> {
  /** The GraphQL endpoint, e.g. `http://localhost:4000/graphql` (in a browser, `/graphql` of the page's origin works too). */
  url: string;
  /** The WebSocket endpoint for subscriptions. @default `url` with ws(s): */
  wsUrl?: string;
  /** An API key or a JWT, sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Called before each request and each WebSocket connection for a fresh token (wins over `token`). */
  getToken?: () => string | undefined | Promise<string | undefined>;
  /** What `relata codegen` wrote (or `@relata/sdk/crm`): types `records(...)` with the workspace's fields. */
  recordTypes?: RecordTypes<TMap>;
  /** How requests are retried (429 with Retry-After, 503, network errors); `false`: never. */
  retry?: RetryOptions | false;
  /** More headers for every HTTP request. */
  headers?: Record<string, string>;
  /** A fetch implementation. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** A WebSocket implementation for subscriptions (`ws` in Node). @default globalThis.WebSocket */
  webSocketImpl?: unknown;
  /** Reconnect attempts of the subscription connection in a row before giving up. @default Infinity */
  retryAttempts?: number;
}

/** What `events` subscribes to. */
export interface EventsOptions {
  /** Only these record types (apiNames). */
  types?: string[];
  kinds?: EventKind[];
  /** Resume after this cursor. */
  after?: string;
  signal?: AbortSignal;
}

/** Options of `subscribe`. */
export interface SubscriptionOptions<TData> {
  /** Start after this cursor (the document must take an `$after: String` variable). */
  after?: string;
  signal?: AbortSignal;
  /** The cursor of a delivery. @default the first root field's `cursor` */
  cursorOf?: (data: TData) => string | undefined;
}

/** A client bound to one endpoint and credential. */
export interface RelataClient<TMap extends RecordTypeMap = UntypedRecordTypes> {
  /** Runs a query or mutation and returns its data; throws a RelataApiError subclass on any error. */
  request<TData = Record<string, unknown>, TVariables = Record<string, unknown>>(
    document: DocumentInput<TData, TVariables>,
    variables?: TVariables,
    options?: RequestOptions,
  ): Promise<TData>;
  /** The records API of one record type: list, iterate, get, create, update, upsert, delete, restore, events. */
  records<K extends keyof TMap & string>(apiName: K): RecordsApi<TMap[K]>;
  /**
   * Any subscription whose root field has a `cursor` (and an `$after` variable):
   * reconnects after a dropped connection and resumes after the last delivery.
   */
  subscribe<TData = Record<string, unknown>, TVariables = Record<string, unknown>>(
    document: DocumentInput<TData, TVariables>,
    variables?: TVariables,
    options?: SubscriptionOptions<TData>,
  ): ResumableSubscription<TData>;
  /** Every change the credential may see (`recordEvents`), resuming across dropped connections. */
  events(options?: EventsOptions): ResumableSubscription<RecordEvent>;
  /** Closes the subscription connection (ends every subscription). */
  close(): Promise<void>;
}

/** The WebSocket URL for an HTTP GraphQL URL (relative URLs resolve against the page). */
function webSocketUrl(url: string): string {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  const absolute = new URL(url, base);
  absolute.protocol = absolute.protocol === 'https:' ? 'wss:' : 'ws:';
  return absolute.toString();
}

/** Creates a client; pass codegen's `recordTypes` to type `records(...)`. */
export function createClient<TMap extends RecordTypeMap = UntypedRecordTypes>(options: ClientOptions<TMap>): RelataClient<TMap> {
  const send = createHttpTransport(options);
  const getToken = async () => (options.getToken ? await options.getToken() : options.token);
  let subscriber: ReturnType<typeof createSubscriber> | undefined;
  const subscriptions = () =>
    (subscriber ??= createSubscriber({
      url: options.wsUrl ?? webSocketUrl(options.url),
      getToken,
      webSocketImpl: options.webSocketImpl,
      ...(options.retryAttempts === undefined ? {} : { retryAttempts: options.retryAttempts }),
    }));
  const generated = options.recordTypes?.descriptors as Record<string, RecordTypeDescriptor> | undefined;
  const discovered = new Map<string, Promise<RecordTypeDescriptor>>();
  const introspect = (query: string, variables: Record<string, unknown>) => send<Record<string, unknown>>(query, variables, 'query');
  const descriptorOf = (apiName: string): Promise<RecordTypeDescriptor> => {
    const known = generated?.[apiName];
    if (known) return Promise.resolve(known);
    let pending = discovered.get(apiName);
    if (!pending) {
      pending = discoverRecordType(apiName, introspect);
      // A failed discovery is not remembered: the type may exist on the next try.
      pending.catch(() => discovered.delete(apiName));
      discovered.set(apiName, pending);
    }
    return pending;
  };
  const recordsApis = new Map<string, RecordsApi<never>>();

  const client: RelataClient<TMap> = {
    async request<TData, TVariables>(document: DocumentInput<TData, TVariables>, variables?: TVariables, requestOptions?: RequestOptions) {
      const { source, kind } = documentSource(document);
      if (kind === 'subscription') throw new TypeError('client.request runs queries and mutations; use client.subscribe for a subscription.');
      return send<TData>(source, variables, kind, requestOptions);
    },
    records<K extends keyof TMap & string>(apiName: K): RecordsApi<TMap[K]> {
      let api = recordsApis.get(apiName);
      if (!api) {
        api = createRecordsApi<never>({
          descriptor: () => descriptorOf(apiName),
          query: (source, variables, kind, request) => send(source, variables, kind, request),
          subscribe: (source, variables, { after, signal }) =>
            deferredSubscription(source(), (text) => subscriptions().subscribe(text, variables, { ...(after ? { after } : {}), ...(signal ? { signal } : {}) })),
        });
        recordsApis.set(apiName, api);
      }
      return api as unknown as RecordsApi<TMap[K]>;
    },
    subscribe<TData, TVariables>(document: DocumentInput<TData, TVariables>, variables?: TVariables, subscriptionOptions: SubscriptionOptions<TData> = {}) {
      const { source } = documentSource(document);
      return subscriptions().subscribe<TData>(source, (variables ?? {}) as Record<string, unknown>, subscriptionOptions);
    },
    events({ types, kinds, after, signal } = {}) {
      const source = `subscription($types: [String!], $kinds: [EventKind!], $after: String) { event: recordEvents(types: $types, kinds: $kinds, after: $after) { ${RECORD_EVENT_SELECTION} } }`;
      const raw = subscriptions().subscribe<{ event: RecordEvent }>(source, { types, kinds }, { ...(after ? { after } : {}), ...(signal ? { signal } : {}) });
      return mapSubscription(raw, (data) => data.event);
    },
    async close() {
      await subscriber?.close();
      subscriber = undefined;
    },
  };
  return client;
}
