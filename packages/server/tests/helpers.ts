/** A real server on a loopback port over a fresh test database, and a GraphQL client for it. */
import { createEngine, type Engine } from '@relata/core';
import { createTestDatabase } from '@relata/core/testing';
import { createHttpServer, type HttpServer, type HttpServerOptions } from '../src/index.ts';

/** The parsed answer of one GraphQL request. */
export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> & { code?: string } }>;
}

/**
 * Starts a server (accepting JWTs when `auth.jwt` is given); `close()` stops it and closes the database.
 * Given an `engine`, it serves that one instead of a fresh database's, and leaves closing it to the caller.
 */
export async function startTestServer(
  options: Pick<HttpServerOptions, 'queryLimits' | 'auth' | 'rateLimits' | 'maxBodyBytes' | 'introspection' | 'persistedOperations' | 'events'> & { engine?: Engine } = {},
) {
  const engine: Engine = options.engine ?? createEngine(await createTestDatabase());
  const loggedErrors: unknown[] = [];
  const http: HttpServer = createHttpServer({ ...options, engine, logError: (_message, error) => loggedErrors.push(error) });
  const { url } = await http.listen(0, '127.0.0.1');

  async function request<T = Record<string, unknown>>(
    token: string | undefined,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>> {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as GraphQLResponse<T>;
    return { ...body, status: res.status };
  }

  return {
    engine,
    /** The HTTP server itself: its schema cache is `http.schemas`. */
    http,
    url,
    loggedErrors,
    request,
    /** A new workspace and a client bound to its admin key. */
    async workspace(name = 'Test') {
      const created = await engine.workspaces.create({ name });
      return {
        ...created,
        gql: <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) =>
          request<T>(created.apiKey, query, variables),
      };
    },
    async close() {
      await http.close();
      if (!options.engine) await engine.close();
    },
  };
}

/** Asserts success and returns data. */
export function ok<T>(response: GraphQLResponse<T>): T {
  if (response.errors?.length || !response.data) {
    throw new Error(`GraphQL errors: ${JSON.stringify(response.errors ?? response)}`);
  }
  return response.data;
}
