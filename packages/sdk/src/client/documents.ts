/**
 * What `client.request` accepts as a document: a string, a `TypedDocumentNode`
 * (graphql-codegen's client preset, graphql-tag), or a `TypedDocumentString`
 * (the preset's `documentMode: 'string'`). Typed documents carry their result
 * and variables types, so `request` returns the right type with no annotation.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';

/** A TypedDocumentString: a String carrying its result and variables types (`__apiType`, type only, as graphql-codegen's client preset declares it). */
export type TypedDocumentString<TResult, TVariables> = String & { __apiType?: (variables: TVariables) => TResult };

/** A GraphQL document `request` can send. */
export type DocumentInput<TResult = Record<string, unknown>, TVariables = Record<string, unknown>> =
  | string
  | TypedDocumentNode<TResult, TVariables>
  | TypedDocumentString<TResult, TVariables>;

/** The operation a document runs: the retry policy differs for mutations. */
export type OperationKind = 'query' | 'mutation' | 'subscription';

// The first keyword of the document, after comments and white space.
const FIRST_KEYWORD = /^(?:\s|,|#[^\n]*(?:\n|$))*(query|mutation|subscription)\b/;

/** The document as GraphQL source text, and the kind of its (first) operation. */
export function documentSource<TResult, TVariables>(document: DocumentInput<TResult, TVariables>): { source: string; kind: OperationKind } {
  if (typeof document === 'string' || document instanceof String) {
    const source = String(document);
    return { source, kind: (FIRST_KEYWORD.exec(source)?.[1] as OperationKind | undefined) ?? 'query' };
  }
  const node = document as DocumentNode;
  const operation = node.definitions.find((d) => d.kind === 'OperationDefinition');
  return { source: print(node), kind: operation && 'operation' in operation ? (operation.operation as OperationKind) : 'query' };
}
