/**
 * How errors reach clients. A RelataError becomes a GraphQL error with the
 * contract's `extensions.code` (and `fields` for validation failures); GraphQL's
 * own request errors get BAD_REQUEST; anything else is internal: logged with an
 * id, shown only as "Unexpected error" with that id. No SQL, no stack.
 */
import { RelataError, ValidationError } from '@relata/core';
import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';

// Codes already decided (by an earlier pass, or by the contract) are kept.
const CLIENT_CODES = new Set<unknown>([
  'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'VALIDATION_FAILED', 'CONFLICT', 'BAD_REQUEST', 'RATE_LIMITED', 'INTERNAL_SERVER_ERROR',
]);

/** Logs internal errors; replaceable in tests. */
export type ErrorLogger = (message: string, error: unknown) => void;

/**
 * GraphQL errors are recognised by shape: graphql ships both an ESM and a CJS
 * build, and libraries may load the other one, so `instanceof` can miss.
 */
function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError || (error instanceof Error && error.name === 'GraphQLError' && 'extensions' in error);
}

/** Turns any error raised while answering a request into what the client sees. */
export function toClientError(error: unknown, log: ErrorLogger): GraphQLError {
  const graphqlError = isGraphQLError(error) ? error : undefined;
  let original: unknown = graphqlError ? graphqlError.originalError : error;
  // Resolver errors may arrive wrapped more than once (yoga, then Pothos).
  while (isGraphQLError(original) && original.originalError) original = original.originalError;
  const base = { nodes: graphqlError?.nodes, source: graphqlError?.source, positions: graphqlError?.positions, path: graphqlError?.path };

  if (original instanceof RelataError) {
    const extensions: Record<string, unknown> = { code: original.code };
    if (original instanceof ValidationError) extensions.fields = original.fields;
    for (const [key, value] of Object.entries(original.details)) if (!(key in extensions)) extensions[key] = value;
    return new GraphQLError(original.message, { ...base, extensions });
  }
  if (graphqlError && (!original || isGraphQLError(original))) {
    // A malformed query, an unknown field, a variable of the wrong type.
    // An error already in the contract's form keeps its extensions; any other gets only
    // BAD_REQUEST: yoga's own extensions (its originalError, for one) are not the contract.
    const code = graphqlError.extensions.code;
    const extensions = CLIENT_CODES.has(code) ? { ...graphqlError.extensions } : { code: 'BAD_REQUEST' };
    return new GraphQLError(graphqlError.message, { ...base, extensions });
  }
  const errorId = randomUUID();
  log(`internal error ${errorId}`, original);
  return new GraphQLError(`Unexpected error (id ${errorId})`, { ...base, extensions: { code: 'INTERNAL_SERVER_ERROR', errorId } });
}
