/**
 * Persisted operations: a manifest maps ids to GraphQL documents, and clients
 * send an id instead of the text, either as `extensions.persistedQuery.sha256Hash`
 * (Apollo's APQ shape) or as `documentId` (the GraphQL-over-HTTP proposal's;
 * a `sha256:` prefix is allowed). With `only`, the manifest is an allowlist: a
 * request whose document is not in it is refused with BAD_REQUEST, reason
 * PERSISTED_ONLY, whether it sent an unknown id or text of its own.
 *
 * The lookup is yoga's persisted operations plugin; this module adds the
 * manifest file, `documentId`, the allowlist and errors in the contract's shape.
 * The manifest is read once, at start: a manifest is deployed with the clients
 * that use it, so a new one means a restart.
 */
import { defaultExtractPersistedOperationId, usePersistedOperations as useYogaPersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { GraphQLError, parse } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import fs from 'node:fs';
import { ConfigError } from '../config.ts';

/** Operations clients may send by id. */
export interface PersistedOperationsOptions {
  /**
   * Documents by id: the sha256 hash (hex) of each document, as Apollo's APQ and
   * GraphQL Code Generator's persisted documents compute it.
   * @example { 'ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38': '{__typename}' }
   */
  operations: Readonly<Record<string, string>>;
  /** Refuse every document that is not in `operations`. @default false */
  only?: boolean;
}

/** The parameter of the GraphQL-over-HTTP persisted documents proposal; yoga must be told to accept it. */
export const DOCUMENT_ID_PARAM = 'documentId';

const bad = (message: string, reason?: string) =>
  new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', ...(reason ? { reason } : {}) } });

/**
 * Reads a manifest file: a JSON object of ids to documents, each of which must
 * parse. Throws ConfigError naming the file, and the id when a document is bad.
 */
export function loadPersistedOperations(file: string): Record<string, string> {
  const where = `RELATA_PERSISTED_OPERATIONS (${file})`;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${where} cannot be read: ${(error as Error).message}`);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${where} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
    throw new ConfigError(`${where} must be a JSON object mapping each operation's sha256 hash to its document.`);
  }
  const entries = Object.entries(manifest);
  if (entries.length === 0) throw new ConfigError(`${where} lists no operations.`);
  for (const [id, document] of entries) {
    if (typeof document !== 'string') throw new ConfigError(`${where}: the operation ${JSON.stringify(id)} must be a string of GraphQL.`);
    try {
      parse(document);
    } catch (error) {
      throw new ConfigError(`${where}: the operation ${JSON.stringify(id)} is not valid GraphQL: ${(error as Error).message}`);
    }
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

/** The id in a request's `documentId`, without its `sha256:` prefix; null when there is none. */
function documentId(params: GraphQLParams): string | null {
  const id: unknown = (params as GraphQLParams & { [DOCUMENT_ID_PARAM]?: unknown })[DOCUMENT_ID_PARAM];
  if (typeof id !== 'string') return null;
  return id.startsWith('sha256:') ? id.slice('sha256:'.length) : id;
}

/** Creates the plugin. */
export function usePersistedOperations(options: PersistedOperationsOptions): Plugin {
  // A Map, not the object: an id like "constructor" must find nothing.
  const byId = new Map(Object.entries(options.operations));
  const documents = new Set(byId.values());
  const only = options.only ?? false;
  const lookup = useYogaPersistedOperations({
    getPersistedOperation: (id) => byId.get(id) ?? null,
    // Text is checked against the allowlist below, so that text the manifest holds passes too.
    allowArbitraryOperations: true,
    extractPersistedOperationId: (params, request, context) => documentId(params) ?? defaultExtractPersistedOperationId(params, request, context),
    customErrors: {
      // Apollo's APQ link sends the text again on exactly this message; when only persisted operations run, it would be refused anyway.
      notFound: () =>
        only
          ? bad('Only persisted operations may run, and this id is not one of them', 'PERSISTED_ONLY')
          : bad('PersistedQueryNotFound', 'PERSISTED_QUERY_NOT_FOUND'),
      keyNotFound: () => bad(`Must provide a query, a ${DOCUMENT_ID_PARAM}, or extensions.persistedQuery.sha256Hash`),
    },
  });
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(lookup);
    },
    onParams({ params }) {
      if (only && typeof params.query === 'string' && !documents.has(params.query)) {
        throw bad(`Only persisted operations may run: send the ${DOCUMENT_ID_PARAM} or extensions.persistedQuery.sha256Hash of one`, 'PERSISTED_ONLY');
      }
    },
  };
}

/** What an operation sent over WebSocket carries (graphql-ws's subscribe payload). */
export interface SocketOperation {
  query?: unknown;
  extensions?: Record<string, unknown> | null;
}

/**
 * The document an operation sent over WebSocket runs, under the same rules as
 * HTTP: a persisted one by `extensions.persistedQuery.sha256Hash`, or its text,
 * which with `only` must be one of the manifest's. (Yoga's plugin works on HTTP
 * request parameters, which WebSocket operations never have.)
 */
export function socketDocumentResolver(options: PersistedOperationsOptions): (operation: SocketOperation) => string {
  const byId = new Map(Object.entries(options.operations));
  const documents = new Set(byId.values());
  return (operation) => {
    const persisted = operation.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined;
    if (typeof persisted?.sha256Hash === 'string') {
      const document = byId.get(persisted.sha256Hash);
      if (document === undefined) throw bad('Only persisted operations may run, and this id is not one of them', 'PERSISTED_ONLY');
      return document;
    }
    if (typeof operation.query !== 'string') throw bad(`Must provide a query or extensions.persistedQuery.sha256Hash`);
    if (options.only && !documents.has(operation.query)) {
      throw bad('Only persisted operations may run: send the extensions.persistedQuery.sha256Hash of one', 'PERSISTED_ONLY');
    }
    return operation.query;
  };
}
