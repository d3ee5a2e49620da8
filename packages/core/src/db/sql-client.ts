/**
 * The one interface records code uses to talk to the database, whichever engine
 * is behind it. Queries are parameterised SQL; results come back as plain rows.
 * Both engines share one connection pool (or one PGlite instance) with Prisma.
 */

/** Rows and count of one statement. */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** Something that runs one parameterised statement: the pool, or an open transaction. */
export interface Queryable {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

/** A Queryable that can also open a transaction. */
export interface SqlClient extends Queryable {
  /** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}

/** Called with every statement's text before it runs; tests count statements with it. */
export type QueryObserver = (text: string) => void;

/** Wraps a client so that `observer` sees every statement, inside transactions too. */
export function observeQueries(client: SqlClient, observers: Set<QueryObserver>): SqlClient {
  const notify = (text: string) => {
    for (const observe of observers) observe(text);
  };
  const wrap = (q: Queryable): Queryable => ({
    query: (text, params) => {
      notify(text);
      return q.query(text, params);
    },
    exec: (script) => {
      notify(script);
      return q.exec(script);
    },
  });
  return {
    query: (text, params) => {
      notify(text);
      return client.query(text, params);
    },
    exec: (script) => {
      notify(script);
      return client.exec(script);
    },
    transaction: (fn) => client.transaction((tx) => fn(wrap(tx))),
  };
}
