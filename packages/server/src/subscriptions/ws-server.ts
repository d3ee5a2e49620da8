/**
 * GraphQL over WebSocket (`graphql-transport-ws`, graphql-ws) on `/graphql`, with
 * the same authentication as HTTP: the credential comes in `connectionParams`
 * (`{ authorization: "Bearer <token>" }`), or in the upgrade request's
 * Authorization header. A connection without valid credentials is closed with
 * 4401 and the reason, like HTTP's 401. Every operation runs through the same
 * yoga pipeline (limits, error codes) as HTTP, with the actor's own schema; the
 * credential is checked again for each operation and every minute while the
 * connection lives, so a revoked key or an expired token stops receiving events.
 */
import { UnauthenticatedError, type Actor, type Engine } from '@relata/core';
import { createSourceEventStream, execute, type ExecutionArgs, type GraphQLError } from 'graphql';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import type http from 'node:http';
import { WebSocketServer } from 'ws';
import type { YogaServerInstance } from 'graphql-yoga';
import type { Authenticated } from '@relata/core';
import { createRequestContext } from '../context.ts';
import type { ServerContext } from '../http/server-context.ts';
import type { SocketOperation } from '../limits/use-persisted-operations.ts';
import type { EventHub } from './event-hub.ts';

/** How often a live connection's credential is checked again. */
export const REAUTHENTICATE_MS = 60_000;

/** What the WebSocket server needs from the HTTP server. */
export interface WebSocketOptions {
  server: http.Server;
  engine: Engine;
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  yoga: YogaServerInstance<ServerContext, {}>;
  authenticate(token: string | undefined): Promise<Authenticated>;
  schemaFor(metadata: ServerContext['metadata'], actor: Actor): ServerContext['workspaceSchema'];
  hub: EventHub;
  /** Milliseconds between credential checks of a live connection. @default 60000 */
  reauthenticateMs?: number;
  /** Turns an error of a subscription's start (a bad cursor) into what the client sees. */
  formatError(error: unknown): GraphQLError;
  /** The document an operation runs (persisted operations: limits/use-persisted-operations.ts). @default its query text */
  documentOf?: (operation: SocketOperation) => string;
}

type ConnectionState = { token?: string; actor?: Actor; timer?: NodeJS.Timeout };

function tokenOf(params: Record<string, unknown> | undefined, request: http.IncomingMessage): string | undefined {
  const header = typeof params?.authorization === 'string' ? params.authorization : request.headers.authorization;
  return header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
}

/** Closes `socket` as an HTTP 401 would answer. */
function refuse(extra: Extra, error: UnauthenticatedError): false {
  extra.socket.close(4401, `UNAUTHENTICATED: ${error.reason}`);
  return false;
}

/** What onSubscribe hands the execution: yoga's enveloped functions, and what makes two operations the same. */
interface Enveloped {
  execute(args: ExecutionArgs): unknown;
  subscribe(args: ExecutionArgs): unknown;
  /** Operation name, document and variables. */
  key: string;
}

/**
 * GraphQL results per event, shared by the subscriptions that would compute the
 * same one: the same event object (subscribers with the same view of it: see
 * event-stream.ts), schema (the same roles) and operation. A thousand
 * subscribers of one query cost one execution per event, not a thousand.
 */
const resultsOf = new WeakMap<object, WeakMap<object, Map<string, Promise<unknown>>>>();

function sharedResult(event: object, schema: object, key: string, execute: () => unknown): Promise<unknown> {
  let bySchema = resultsOf.get(event);
  if (!bySchema) resultsOf.set(event, (bySchema = new WeakMap()));
  let byKey = bySchema.get(schema);
  if (!byKey) bySchema.set(schema, (byKey = new Map()));
  let result = byKey.get(key);
  if (!result) byKey.set(key, (result = Promise.resolve(execute())));
  return result;
}

/**
 * A subscription: its events from the root field's `subscribe` (graphql-js's
 * createSourceEventStream), each then executed by graphql-js against the event
 * (yoga's execute would subscribe again: the operation is a subscription), its
 * errors formatted as every other answer's, shared per event (sharedResult).
 */
async function sharedSubscribe(args: ExecutionArgs, formatError: (error: unknown) => GraphQLError) {
  const { key } = args.rootValue as Enveloped;
  const source = await createSourceEventStream({ ...args, rootValue: undefined });
  if (!(Symbol.asyncIterator in source)) return { errors: (source.errors ?? []).map(formatError) };
  const events = source as AsyncIterableIterator<object>;
  const iterator: AsyncIterableIterator<unknown> = {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      let next: IteratorResult<object>;
      try {
        next = await events.next();
      } catch (error) {
        // A stream's error (a bad cursor) in the contract's form: graphql-ws keeps a thrown GraphQLError's extensions.
        throw formatError(error);
      }
      if (next.done) return next;
      const value = await sharedResult(next.value, args.schema, key, async () => {
        const result = await execute({ ...args, rootValue: next.value });
        return result.errors ? { ...result, errors: result.errors.map(formatError) } : result;
      });
      return { done: false, value };
    },
    async return() {
      await events.return?.();
      return { done: true, value: undefined };
    },
    async throw(error: unknown) {
      await events.return?.();
      throw error;
    },
  };
  return iterator;
}

/** Serves subscriptions (and queries and mutations) over WebSocket on `server`'s `/graphql`; returns how to stop. */
export function attachWebSocketServer(options: WebSocketOptions): { close(): Promise<void> } {
  const { engine, yoga, authenticate, hub } = options;
  const wss = new WebSocketServer({ server: options.server, path: '/graphql' });
  const states = new WeakMap<object, ConnectionState>();

  const disposable = useServer<Record<string, unknown> | undefined, { relata: ConnectionState }>(
    {
      execute: (args) => (args.rootValue as Enveloped).execute(args) as never,
      subscribe: (args) => sharedSubscribe(args, options.formatError) as never,
      onConnect: async (ctx) => {
        const state: ConnectionState = { token: tokenOf(ctx.connectionParams, ctx.extra.request) };
        states.set(ctx.extra, state);
        try {
          state.actor = (await authenticate(state.token)).actor;
        } catch (error) {
          if (error instanceof UnauthenticatedError) return refuse(ctx.extra, error);
          throw error;
        }
        state.timer = setInterval(() => {
          authenticate(state.token).catch((error: unknown) => {
            if (error instanceof UnauthenticatedError) refuse(ctx.extra, error);
          });
        }, options.reauthenticateMs ?? REAUTHENTICATE_MS);
        state.timer.unref();
        return true;
      },
      onDisconnect: (ctx) => {
        const state = states.get(ctx.extra);
        if (state?.timer) clearInterval(state.timer);
      },
      onClose: (ctx) => {
        const state = states.get(ctx.extra);
        if (state?.timer) clearInterval(state.timer);
      },
      onSubscribe: async (ctx, _id, payload) => {
        const state = states.get(ctx.extra)!;
        let authenticated: Authenticated;
        try {
          authenticated = await authenticate(state.token);
        } catch (error) {
          if (error instanceof UnauthenticatedError) {
            refuse(ctx.extra, error);
            return [];
          }
          throw error;
        }
        const { actor, metadataVersion } = authenticated;
        const metadata = await engine.metadata.snapshot(actor.workspaceId, metadataVersion);
        const context: ServerContext = { ...createRequestContext(engine, actor, metadata, hub), workspaceSchema: options.schemaFor(metadata, actor) };
        // Yoga's plugins read the request: the upgrade request, as a Fetch Request.
        const upgrade = ctx.extra.request;
        const headers = Object.entries(upgrade.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : v] as [string, string]]));
        const request = new Request(new URL(upgrade.url ?? '/graphql', 'http://localhost'), { headers });
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({ ...context, request, params: payload });
        let query: string;
        try {
          query = options.documentOf ? options.documentOf(payload) : payload.query;
        } catch (error) {
          return [options.formatError(error)];
        }
        const document = parse(query);
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe, key: `${payload.operationName ?? ''}|${payload.query}|${JSON.stringify(payload.variables ?? {})}` } satisfies Enveloped,
        };
      },
    },
    wss,
  );

  return {
    async close() {
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
