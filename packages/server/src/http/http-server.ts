/**
 * Relata's HTTP server: `POST /graphql` (GraphQL over HTTP, graphql-yoga),
 * GraphiQL on `GET /graphql` in development, and `GET /health` for readiness.
 * Credentials are checked before GraphQL runs: without a valid bearer token the
 * answer is HTTP 401 and nothing else.
 */
import { UnauthenticatedError, type Engine } from '@relata/core';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga, type Plugin } from 'graphql-yoga';
import type { GraphQLSchema } from 'graphql';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthenticator, unauthenticatedBody, unauthenticatedHeaders, type AuthOptions } from '../auth/authenticate.ts';
import { createRequestContext, type RequestContext } from '../context.ts';
import { toClientError, type ErrorLogger } from '../errors.ts';
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
}

type ServerContext = RequestContext & { workspaceSchema: GraphQLSchema };

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

/** Creates the server; call `listen` to start it. */
export function createHttpServer(options: HttpServerOptions) {
  const { engine } = options;
  const logError: ErrorLogger = options.logError ?? ((message, error) => console.error(message, error));
  const schemas = createSchemaCache(engine);
  const authenticate = createAuthenticator(engine, options.auth);

  const errorCodes: Plugin = {
    onExecutionResult({ result, setResult }) {
      if (result && 'errors' in result && result.errors?.length) {
        setResult({ ...result, errors: result.errors.map((e) => toClientError(e, logError)) });
      }
    },
  };

  const yoga = createYoga<ServerContext>({
    graphqlEndpoint: '/graphql',
    schema: ({ workspaceSchema }) => workspaceSchema,
    graphiql: options.graphiql ?? process.env.NODE_ENV !== 'production',
    // The bundled GraphiQL: the default page loads its scripts from a CDN, which fails offline.
    renderGraphiQL,
    landingPage: false,
    maskedErrors: { maskError: (error) => toClientError(error, logError) },
    // The limits run first: a refused operation is neither compiled nor executed.
    plugins: [useQueryLimits(options.queryLimits), ...(options.jit === false ? [] : [useGraphqlJit(options.jit)]), errorCodes],
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

      const wantsGraphiql = req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');
      const token = bearerToken(req);
      if ((wantsGraphiql && !token) || req.method === 'OPTIONS') {
        // GraphiQL's page itself needs no credentials, nor does a browser's CORS preflight
        // (yoga answers it without running anything); the requests that follow carry them.
        return yoga(req, res, {} as ServerContext);
      }
      let context: ServerContext;
      try {
        const { actor, metadataVersion } = await authenticate(token);
        const metadata = await engine.metadata.snapshot(actor.workspaceId, metadataVersion);
        context = { ...createRequestContext(engine, actor, metadata), workspaceSchema: schemas.get(metadata, actor) };
      } catch (error) {
        if (error instanceof UnauthenticatedError) {
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

  return {
    server,
    schemas,
    /** Starts listening; resolves with the base URL. */
    listen(port: number, host = '127.0.0.1'): Promise<{ url: string; port: number }> {
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
    close(): Promise<void> {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** The HTTP server. */
export type HttpServer = ReturnType<typeof createHttpServer>;
