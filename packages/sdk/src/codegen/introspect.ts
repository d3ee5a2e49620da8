/**
 * Reads a workspace's GraphQL schema the way codegen sees it: an introspection
 * query POSTed with the token, so the schema is the one that token's role is
 * served (types and fields it may not use are not in it). Every way this can
 * fail (server unreachable, token refused, introspection off, not a GraphQL
 * endpoint) is a CodegenError that says what to do.
 */
import { buildClientSchema, getIntrospectionQuery, type GraphQLSchema, type IntrospectionQuery } from 'graphql';

/** Why codegen could not read the schema or write the file; `code` is the server's error code when it gave one. */
export class CodegenError extends Error {
  /** The HTTP status of the server's answer, when there was one. */
  readonly status: number | undefined;
  /** The server's `extensions.code` (`UNAUTHENTICATED`, `BAD_REQUEST`, ...), when it gave one. */
  readonly code: string | undefined;

  constructor(message: string, options: { status?: number; code?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CodegenError';
    this.status = options.status;
    this.code = options.code;
  }
}

/** Where the schema is read from. */
export interface FetchSchemaOptions {
  /** The GraphQL endpoint, e.g. `http://localhost:4000/graphql`. */
  url: string;
  /** An API key or token (`Authorization: Bearer <token>`); its role decides what the schema holds. */
  token: string;
  /** A fetch implementation. @default globalThis.fetch */
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

interface GraphQLErrorJson {
  message?: string;
  extensions?: { code?: string };
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const detail = cause?.code ?? cause?.message;
  const message = error instanceof Error ? error.message : String(error);
  return detail ? `${message} (${detail})` : message;
}

/** POSTs the introspection query and returns the schema's introspection result. */
export async function fetchIntrospection(options: FetchSchemaOptions): Promise<IntrospectionQuery> {
  const { url, token } = options;
  if (!url) throw new CodegenError('No GraphQL URL: pass the server\'s GraphQL endpoint, e.g. http://localhost:4000/graphql.');
  if (!token) throw new CodegenError('No token: pass an API key (or token) of the workspace to generate types for.');
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const send = () =>
    doFetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({ query: getIntrospectionQuery({ descriptions: true }) }),
      signal: options.signal,
    });
  let response: Response;
  try {
    // Introspection is a read: sent again once when the first attempt fails on the
    // way (a kept-alive connection the server closed meanwhile answers ECONNRESET).
    response = await send().catch((error: unknown) => {
      if (options.signal?.aborted) throw error;
      return send();
    });
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw new CodegenError(`Cannot reach ${url}: ${describeCause(error)}. Is the server running, and is this its GraphQL endpoint?`, { cause: error });
  }

  let body: { data?: Partial<IntrospectionQuery> | null; errors?: GraphQLErrorJson[] };
  try {
    body = (await response.json()) as typeof body;
  } catch (error) {
    throw new CodegenError(`${url} did not answer with GraphQL JSON (HTTP ${response.status}): is it the GraphQL endpoint (…/graphql)?`, { status: response.status, cause: error });
  }
  const errors = Array.isArray(body?.errors) ? body.errors : [];
  const code = errors.find((e) => e.extensions?.code)?.extensions?.code;
  const messages = errors.map((e) => e.message ?? 'unknown error').join('; ');
  const status = response.status;
  if (status === 401 || code === 'UNAUTHENTICATED') {
    throw new CodegenError(`The server at ${url} refused the token (HTTP ${status}${code ? `, ${code}` : ''}: ${messages || 'unauthenticated'}). Pass a valid API key or token of the workspace.`, { status, code: code ?? 'UNAUTHENTICATED' });
  }
  if (errors.some((e) => /introspection/i.test(e.message ?? ''))) {
    throw new CodegenError(
      `The server at ${url} does not answer introspection (${messages}). Codegen reads the workspace's schema by introspection: run it against a server with introspection on (RELATA_INTROSPECTION=on, the default).`,
      { status, code },
    );
  }
  if (errors.length > 0) {
    throw new CodegenError(`The server at ${url} refused the introspection query (HTTP ${status}${code ? `, ${code}` : ''}): ${messages}`, { status, code });
  }
  if (!response.ok || !body?.data?.__schema) {
    throw new CodegenError(`${url} did not return a schema (HTTP ${status}): is it the GraphQL endpoint (…/graphql)?`, { status });
  }
  return body.data as IntrospectionQuery;
}

/** Reads the schema the token is served, as a graphql-js schema. */
export async function fetchWorkspaceSchema(options: FetchSchemaOptions): Promise<GraphQLSchema> {
  return buildClientSchema(await fetchIntrospection(options));
}
