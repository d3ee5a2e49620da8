/**
 * `@relata/sdk/testing`: a real Relata server for plugin tests, in a few lines.
 *
 * ```ts
 * import { createTestServer } from '@relata/sdk/testing';
 * import invoices from '../src/index.ts';
 *
 * const server = await createTestServer({ plugins: [invoices] });
 * const { data } = await server.gql('mutation { createInvoice(input: { number: "A-1" }) { number } }');
 * await server.settle(); // the plugin's event handlers have run
 * await server.close();
 * ```
 *
 * Node only (it starts a server on a fresh database: PGlite in memory, or
 * PostgreSQL when RELATA_TEST_DATABASE_URL is set): the SDK's main entry
 * stays browser-safe and never imports this. Needs @relata/core and
 * @relata/server installed next to @relata/sdk.
 *
 * @module @relata/sdk/testing
 */
import { startEngine, startPluginWorkers, type DatabaseOptions, type Engine, type JobRun, type PluginWorkerOptions, type PluginWorkers } from '@relata/core';
import { createPostgresTestDatabaseUrl } from '@relata/core/testing';
import type { AnyPlugin, PluginRecords } from '@relata/core/plugin';
import { checkPluginConfig, createHttpServer, createWorkspace, type AuthOptions } from '@relata/server';

/** Options of createTestServer. */
export interface TestServerOptions {
  /** The plugins the server runs, in config order. */
  plugins: readonly AnyPlugin[];
  /** Install the plugins (in order) into the test workspace. @default true */
  install?: boolean;
  /**
   * Where the data lives. By default a fresh database: in memory (PGlite), or,
   * when `RELATA_TEST_DATABASE_URL` holds the admin URL of a PostgreSQL server
   * (as in Relata's own test runs), a new database created on it for this server.
   */
  database?: DatabaseOptions;
  /** The test workspace's name. @default 'Test' */
  workspaceName?: string;
  /**
   * Options of the plugin workers (event handlers and jobs). By default they run
   * only when `settle()` (handlers) or `runDueJobs()` (jobs) asks, and a failing
   * handler is retried after 10, 20, 40 and 80 ms instead of seconds.
   */
  workers?: PluginWorkerOptions;
  /**
   * Credentials the server accepts besides API keys, passed to createHttpServer:
   * `{ jwt: { secret, clockToleranceSeconds: 30, claims: { user: 'sub', workspace: 'workspaceId', roles: 'roles' } } }`
   * accepts the HS256 tokens createEmbedToken mints with that secret (docs/security.md).
   * @default API keys only
   */
  auth?: AuthOptions;
}

/** What one GraphQL request answered (the JSON body). */
export interface TestGraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: { code?: string; [key: string]: unknown } }>;
}

/** A running test server. */
export interface TestServer {
  /** The GraphQL endpoint (`http://127.0.0.1:<port>/graphql`); give it to createClient from @relata/sdk. */
  url: string;
  /** The test workspace's admin API key. */
  apiKey: string;
  workspaceId: string;
  /** The engine behind the server, on a fresh database. */
  engine: Engine;
  /** POSTs a query or mutation with the admin key; resolves with the JSON body (errors are not thrown). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<TestGraphQLResponse<T>>;
  /** Record operations as the admin key (`engine.plugins.recordsFor(admin)`): arrange data and check results without GraphQL. */
  records: PluginRecords;
  /** Waits until every committed write is in the change log and the plugins' handlers have handled it (and what they wrote, in turn). */
  settle(): Promise<void>;
  /** Runs the plugins' jobs due at `at` (default: now) that have not run yet. */
  runDueJobs(at?: Date): Promise<JobRun[]>;
  /** Stops the server and the workers, and closes the database. */
  close(): Promise<void>;
}

// Rounds of settle() before giving up: handlers that keep writing records whose events wake them again.
const MAX_SETTLE_ROUNDS = 20;

/** Starts a server on a fresh in-memory database running `plugins`, with a workspace that has them installed. */
export async function createTestServer(options: TestServerOptions): Promise<TestServer> {
  // The plugin list is checked before the database opens, as `relata start` does (a ConfigError says what is wrong).
  const setup = await checkPluginConfig({ plugins: options.plugins, installOnNewWorkspaces: options.install !== false }, 'createTestServer');
  const adminUrl = process.env.RELATA_TEST_DATABASE_URL;
  const database = options.database ?? (adminUrl ? { url: await createPostgresTestDatabaseUrl(adminUrl), poolSize: 4 } : {});
  const engine = await startEngine(database, { plugins: setup.plugins });
  let http: ReturnType<typeof createHttpServer> | undefined;
  let workers: PluginWorkers | undefined;
  const close = async () => {
    await http?.close();
    await workers?.stop();
    await engine.close();
  };
  try {
    const created = await createWorkspace(engine, setup, { name: options.workspaceName ?? 'Test' });
    if (created.failed) throw created.failed.error;
    const { actor } = await engine.workspaces.authenticate(created.apiKey);
    workers = await startPluginWorkers(engine, { auto: false, ...options.workers, retry: { baseDelayMs: 10, maxDelayMs: 80, ...options.workers?.retry } });
    http = createHttpServer({ engine, auth: options.auth });
    const { url: base } = await http.listen(0, '127.0.0.1');
    const url = `${base}/graphql`;
    const lastEvent = async () => (await engine.db.sql.query<{ last: string | null }>('SELECT max("seq")::text AS "last" FROM "record_event"')).rows[0]?.last ?? null;
    const running = workers;

    return {
      url,
      apiKey: created.apiKey,
      workspaceId: created.workspaceId,
      engine,
      async gql(query, variables) {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${created.apiKey}` },
          body: JSON.stringify({ query, variables }),
        });
        return (await res.json()) as TestGraphQLResponse<never>;
      },
      records: engine.plugins.recordsFor(actor),
      async settle() {
        for (let round = 0; round < MAX_SETTLE_ROUNDS; round++) {
          const before = await lastEvent();
          await engine.events.settled();
          await running.drain();
          if ((await lastEvent()) === before) return;
        }
        throw new Error(`settle(): the plugins' handlers still wrote records after ${MAX_SETTLE_ROUNDS} rounds (a handler probably wakes itself)`);
      },
      runDueJobs: (at) => running.runDueJobs(at),
      close,
    };
  } catch (error) {
    await close().catch(() => {});
    throw error;
  }
}
