/**
 * The pageInfo of a forward page (first/after) read with one row more than it
 * shows: there is a next page when that row came back, and a previous one when
 * the page started after a cursor.
 */
export interface ForwardPageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** pageInfo of `edges`, a page of `size` from `fetched` rows (size + 1 asked), after `after`. */
export function forwardPageInfo(edges: ReadonlyArray<{ cursor: string }>, fetched: number, size: number, after: string | null | undefined): ForwardPageInfo {
  return {
    hasNextPage: fetched > size,
    hasPreviousPage: after != null,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges[edges.length - 1]?.cursor ?? null,
  };
}
