/**
 * Relata's HTTP server: `POST /graphql` (GraphQL over HTTP, graphql-yoga),
 * GraphiQL on `GET /graphql` in development, and `GET /health` for readiness.
 * Credentials are checked before GraphQL runs: without a valid bearer token the
 * answer is HTTP 401 and nothing else. So are the request limits
 * (limits/request-limits.ts): a body over the size limit answers 413, an actor or
 * an address past its rate limit 429.
 */
import { UnauthenticatedError, type Engine } from '@relata/core';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga, type Plugin } from 'graphql-yoga';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthenticator, unauthenticatedBody, unauthenticatedHeaders, type AuthOptions } from '../auth/authenticate.ts';
import { createRequestContext } from '../context.ts';
import { createEventHub, type EventHubOptions } from '../subscriptions/event-hub.ts';
import { attachWebSocketServer } from '../subscriptions/ws-server.ts';
import type { ServerContext } from './server-context.ts';
import { toClientError, type ErrorLogger } from '../errors.ts';
import { createRequestLimits, type RateLimitOptions, type Refusal } from '../limits/request-limits.ts';
import { DOCUMENT_ID_PARAM, socketDocumentResolver, usePersistedOperations, type PersistedOperationsOptions } from '../limits/use-persisted-operations.ts';
import { useQueryLimits, type QueryLimits } from '../limits/use-query-limits.ts';
import { createSchemaCache } from '../schema/build-schema.ts';
import { useGraphqlJit, type GraphqlJitOptions } from './use-graphql-jit.ts';

/** Options of the HTTP server. */
export interface HttpServerOptions {
  engine: Engine;
  /** Which credentials are accepted besides API keys (JWTs: see docs/security.md). @default API keys only */
  auth?: AuthOptions;
  /** Serve GraphiQL on `GET /graphql`. @default NODE_ENV !== 'production' */
  graphiql?: boolean;
  /** Where internal errors are logged. @default console.error */
  logError?: ErrorLogger;
  /** Limits on the cost and depth of one operation. @default { maxCost: 50000, maxDepth: 6 } */
  queryLimits?: QueryLimits;
  /** Execute operations compiled by graphql-jit (use-graphql-jit.ts); `false` runs yoga's executor. @default {} */
  jit?: GraphqlJitOptions | false;
  /**
   * Token buckets per API key or member, and per client address for failed
   * authentications (see RateLimitConfig); each one omitted gets its default, and
   * `false` turns it off. Without this option nothing is rate limited.
   * @example { perActor: { perSecond: 20, burst: 200 } }
   * @default undefined (no rate limits; `relata start` passes the configured ones)
   */
  rateLimits?: RateLimitOptions;
  /** Largest request body, in bytes; a larger one answers 413. @default 2097152 (2 MiB) */
  maxBodyBytes?: number;
  /** Answer introspection (`__schema`, `__type`); `false` refuses it with BAD_REQUEST. @default true */
  introspection?: boolean;
  /** Operations clients may send by id, and whether only those may run. @default undefined (none) */
  persistedOperations?: PersistedOperationsOptions;
  /** How the process reads the change log for its subscriptions (subscriptions/event-hub.ts). @default {} */
  events?: EventHubOptions;
}


/** Reads the bearer token of a request. */
function bearerToken(req: http.IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}

function sendRefusal(res: http.ServerResponse, refusal: Refusal) {
  sendJson(res, refusal.status, refusal.body, refusal.headers);
}

/** Creates the server; call `listen` to start it. */
export function createHttpServer(options: HttpServerOptions) {
  const { engine } = options;
  const logError: ErrorLogger = options.logError ?? ((message, error) => console.error(message, error));
  const schemas = createSchemaCache(engine);
  const authenticate = createAuthenticator(engine, options.auth);
  const limits = createRequestLimits(options);
  const hub = createEventHub(engine, options.events);
  let ws: { close(): Promise<void> } | undefined;

  const errorCodes: Plugin = {
    onExecutionResult({ result, setResult }) {
      if (result && 'errors' in result && result.errors?.length) {
        setResult({ ...result, errors: result.errors.map((e) => toClientError(e, logError)) });
      }
    },
  };

  // Persisted operations turn ids into documents before anything else; the query
  // limits run before execution: a refused operation is neither compiled nor executed.
  const plugins = [
    ...(options.persistedOperations ? [usePersistedOperations(options.persistedOperations)] : []),
    ...(options.introspection === false ? [useDisableIntrospection()] : []),
    useQueryLimits(options.queryLimits),
    ...(options.jit === false ? [] : [useGraphqlJit(options.jit)]),
    errorCodes,
  ];
  const maskedErrors = { maskError: (error: unknown) => limits.asPayloadTooLarge(error) ?? toClientError(error, logError) };
  const yoga = createYoga<ServerContext>({
    graphqlEndpoint: '/graphql',
    schema: ({ workspaceSchema }) => workspaceSchema,
    graphiql: options.graphiql ?? process.env.NODE_ENV !== 'production',
    // The bundled GraphiQL: the default page loads its scripts from a CDN, which fails offline.
    renderGraphiQL,
    landingPage: false,
    maskedErrors,
    // Counted as the body streams in: a declared Content-Length is refused before yoga runs.
    maxRequestBodySize: limits.maxBodyBytes,
    ...(options.persistedOperations ? { extraParamNames: [DOCUMENT_ID_PARAM] } : {}),
    plugins,
    logging: false,
  });
  // Operations over WebSocket never pass yoga's request parsing, where a schema that
  // depends on the request is chosen: this instance takes it from the context.
  const schemaFromContext: Plugin<ServerContext> = {
    onEnveloped: ({ context, setSchema }) => {
      if (context?.workspaceSchema) setSchema(context.workspaceSchema);
    },
  };
  const wsYoga = createYoga<ServerContext>({
    maskedErrors,
    plugins: [schemaFromContext, ...plugins],
    logging: false,
  });

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/health') {
        await engine.db.sql.query('SELECT 1');
        return sendJson(res, 200, { status: 'ok', database: engine.db.engine });
      }
      if (url.pathname !== '/graphql') return sendJson(res, 404, { error: 'Not found. GraphQL is served at /graphql.' });
      const tooLarge = limits.refuseDeclaredBody(req);
      if (tooLarge) return sendRefusal(res, tooLarge);

      const wantsGraphiql = req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');
      const token = bearerToken(req);
      if ((wantsGraphiql && !token) || req.method === 'OPTIONS') {
        // GraphiQL's page itself needs no credentials, nor does a browser's CORS preflight
        // (yoga answers it without running anything); the requests that follow carry them.
        return yoga(req, res, {} as ServerContext);
      }
      const blocked = limits.refuseAddress(req);
      if (blocked) return sendRefusal(res, blocked);
      let context: ServerContext;
      try {
        const { actor, metadataVersion } = await authenticate(token);
        const limited = limits.refuseActor(actor, req);
        if (limited) return sendRefusal(res, limited);
        const metadata = await engine.metadata.snapshot(actor.workspaceId, metadataVersion);
        context = { ...createRequestContext(engine, actor, metadata, hub), workspaceSchema: schemas.get(metadata, actor) };
      } catch (error) {
        if (error instanceof UnauthenticatedError) {
          limits.authenticationFailed(req);
          return sendJson(res, 401, unauthenticatedBody(error), unauthenticatedHeaders(req.headers.origin));
        }
        throw error;
      }
      return yoga(req, res, context);
    } catch (error) {
      const clientError = toClientError(error, logError);
      if (!res.headersSent) sendJson(res, 500, { errors: [clientError.toJSON()] });
      else res.end();
    }
  });
  // A client that asks before sending its body (Expect: 100-continue, as curl does past
  // 1 MB) is told 413 instead of being invited to send it.
  server.on('checkContinue', (req, res) => {
    const tooLarge = limits.refuseDeclaredBody(req);
    if (tooLarge) return sendRefusal(res, tooLarge);
    res.writeContinue();
    server.emit('request', req, res);
  });

  return {
    server,
    schemas,
    /** Starts listening; resolves with the base URL. */
    /** The process's reader of the change log (subscriptions). */
    hub,
    async listen(port: number, host = '127.0.0.1'): Promise<{ url: string; port: number }> {
      await hub.start();
      ws = attachWebSocketServer({ server, engine, yoga: wsYoga, authenticate, hub, schemaFor: (metadata, actor) => schemas.get(metadata, actor), formatError: (error) => toClientError(error, logError),
        documentOf: options.persistedOperations ? socketDocumentResolver(options.persistedOperations) : undefined,
      });
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
          resolve({ url: `http://${shownHost}:${address.port}`, port: address.port });
        });
      });
    },
    /** Stops accepting requests and closes open connections. */
    async close(): Promise<void> {
      await ws?.close();
      await hub.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** The HTTP server. */
export type HttpServer = ReturnType<typeof createHttpServer>;
