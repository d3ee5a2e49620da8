/**
 * A small GraphQL client for Relata: sends a document with the bearer token and
 * returns `data`, or throws a RelataApiError carrying the server's error code and
 * field errors. Works in Node 20 and browsers (it only uses `fetch`).
 */
import { RelataApiError, type ApiErrorEntry } from './errors.ts';

/** Options of createClient. */
export interface ClientOptions {
  /** The GraphQL endpoint, e.g. `http://localhost:4000/graphql`. */
  url: string;
  /** An API key or token sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Called before each request for a fresh token (wins over `token`). */
  getToken?: () => string | Promise<string>;
  /** A fetch implementation. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** Options of one request. */
export interface RequestOptions {
  signal?: AbortSignal;
}

/** Creates a client bound to one endpoint and credential. */
export function createClient(options: ClientOptions) {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  return {
    /** Runs a query or mutation and returns its data; throws RelataApiError on any error. */
    async request<TData = Record<string, unknown>, TVariables extends Record<string, unknown> = Record<string, unknown>>(
      query: string,
      variables?: TVariables,
      requestOptions: RequestOptions = {},
    ): Promise<TData> {
      const token = options.getToken ? await options.getToken() : options.token;
      const response = await doFetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
        signal: requestOptions.signal,
      });
      let body: { data?: TData | null; errors?: ApiErrorEntry[] };
      try {
        body = (await response.json()) as typeof body;
      } catch {
        throw new RelataApiError([{ message: `Unexpected response (HTTP ${response.status})` }], response.status);
      }
      if (body.errors?.length) throw new RelataApiError(body.errors, response.status);
      if (!response.ok || body.data == null) {
        throw new RelataApiError([{ message: `Request failed with HTTP ${response.status}` }], response.status);
      }
      return body.data;
    },
  };
}

/** A client made by createClient. */
export type RelataClient = ReturnType<typeof createClient>;
