/**
 * Relata's runtime configuration, read from the environment in one place. The
 * server and every `relata` command call `resolveConfig()`, so they all agree on
 * which database they use.
 *
 * | Variable          | Meaning                                               | Default        |
 * | ----------------- | ----------------------------------------------------- | -------------- |
 * | `PORT`            | HTTP port (0 picks a free one)                        | `4000`         |
 * | `HOST`            | Interface the HTTP server binds                       | `127.0.0.1`    |
 * | `DATABASE_URL`    | PostgreSQL URL (`postgres://` or `postgresql://`)     | unset          |
 * | `RELATA_DATA_DIR` | Embedded (PGlite) data directory, when no DATABASE_URL | `.relata/data` |
 * | `NODE_ENV`        | Environment name                                      | `development`  |
 *
 * Limits (see LimitsConfig and docs/security.md#limits):
 *
 * | Variable                               | Meaning                                                     | Default   |
 * | -------------------------------------- | ----------------------------------------------------------- | --------- |
 * | `RELATA_RATE_LIMIT_PER_SECOND`         | Requests per second per API key or member (refill; 0: off)  | `20`      |
 * | `RELATA_RATE_LIMIT_BURST`              | Requests at once per API key or member (bucket; 0: off)     | `200`     |
 * | `RELATA_AUTH_FAILURE_LIMIT_PER_SECOND` | 401 answers per second per client address (refill; 0: off)  | `1`       |
 * | `RELATA_AUTH_FAILURE_LIMIT_BURST`      | 401 answers at once per client address (bucket; 0: off)     | `30`      |
 * | `RELATA_TRUST_PROXY_HOPS`              | Reverse proxies whose X-Forwarded-For names the client      | `0`       |
 * | `RELATA_MAX_BODY_BYTES`                | Largest request body, in bytes                              | `2097152` |
 * | `RELATA_INTROSPECTION`                 | `on` or `off`: answer `__schema` and `__type`               | `on`      |
 * | `RELATA_PERSISTED_OPERATIONS`          | JSON file of persisted operations (id -> document)          | unset     |
 * | `RELATA_PERSISTED_ONLY`                | `true`: refuse documents not in that file                   | `false`   |
 *
 * The change log (see EventsConfig and docs/events.md):
 *
 * | Variable                 | Meaning                                                   | Default   |
 * | ------------------------ | --------------------------------------------------------- | --------- |
 * | `RELATA_EVENT_RETENTION` | Delete events older than this (`90d`, `12h`...), or never | `forever` |
 * | `RELATA_REPLAY_WINDOW`   | How old a subscriber's resume cursor may be               | `72h`     |
 *
 * Webhooks (see WebhooksConfig and docs/webhooks.md): `RELATA_WEBHOOK_DELIVERY_RETENTION`
 * says how long completed deliveries are kept (default `30d`), and
 * `RELATA_WEBHOOK_ALLOW_PRIVATE` (`true`/`false`; default: true unless NODE_ENV is
 * production) lets webhook URLs lead to private and loopback addresses.
 *
 * JWTs (see JwtConfig and docs/security.md) are accepted when `RELATA_JWT_SECRET`
 * (HS256) or `RELATA_JWKS_URL` (RS256/ES256) is set; `RELATA_JWT_ISSUER`,
 * `RELATA_JWT_AUDIENCE`, `RELATA_JWT_CLOCK_TOLERANCE`, `RELATA_JWT_CLAIM_USER`,
 * `RELATA_JWT_CLAIM_WORKSPACE`, `RELATA_JWT_CLAIM_ROLES` and
 * `RELATA_JWT_DEFAULT_ROLE` tune how they are checked and read.
 *
 * HOST defaults to the loopback interface so that a fresh install is not reachable
 * from other machines; set `HOST=0.0.0.0` to listen on every interface (in a
 * container, for example).
 */
import path from 'node:path';
import { ConfigError, read } from './config/env.ts';
import { parseJwt, type JwtConfig } from './config/jwt-config.ts';
import { parseLimits, type LimitsConfig } from './config/limits-config.ts';
import { parseEvents, type EventsConfig } from './config/events-config.ts';
import { parseWebhooks, type WebhooksConfig } from './config/webhooks-config.ts';

export { ConfigError } from './config/env.ts';
export * from './config/jwt-config.ts';
export * from './config/limits-config.ts';
export * from './config/events-config.ts';
export * from './config/webhooks-config.ts';

/** Where the data lives: a PostgreSQL server, or an embedded PGlite data directory. */
export type DatabaseConfig =
  | {
      /** PostgreSQL connection string (`postgres://` or `postgresql://`), from `DATABASE_URL`. */
      url: string;
    }
  | {
      /**
       * Absolute path of the embedded PGlite data directory, from `RELATA_DATA_DIR`
       * resolved against the working directory. Used when `DATABASE_URL` is unset.
       * @default `<cwd>/.relata/data`
       */
      dataDir: string;
    };

/** The complete configuration of a Relata process. */
export interface RelataConfig {
  /**
   * TCP port of the HTTP server, from `PORT`; an integer from 0 to 65535, where 0
   * lets the operating system pick a free port.
   * @default 4000
   */
  port: number;
  /**
   * Interface the HTTP server binds, from `HOST`. The default accepts local
   * connections only; use `0.0.0.0` (or `::`) to accept connections from anywhere.
   * @default '127.0.0.1'
   */
  host: string;
  /**
   * The database: `{ url }` when `DATABASE_URL` is set, `{ dataDir }` otherwise.
   * @default { dataDir: `<cwd>/.relata/data` }
   */
  database: DatabaseConfig;
  /**
   * Environment name, from `NODE_ENV`.
   * @default 'development'
   */
  env: string;
  /**
   * How JWTs are verified; undefined when neither `RELATA_JWT_SECRET` nor
   * `RELATA_JWKS_URL` is set, and then only API keys are accepted.
   * @default undefined
   */
  jwt?: JwtConfig;
  /** Rate limits, body size, introspection and persisted operations (see LimitsConfig). */
  limits: LimitsConfig;
  /** How long the change log is kept, and how far back subscribers may resume (see EventsConfig). */
  events: EventsConfig;
  /** Where webhooks may send (see WebhooksConfig). */
  webhooks: WebhooksConfig;
}

/** The PGlite data directory used when neither DATABASE_URL nor RELATA_DATA_DIR is set. */
export const DEFAULT_DATA_DIR = '.relata/data';

/** The HTTP port used when PORT is unset. */
export const DEFAULT_PORT = 4000;

/** The interface bound when HOST is unset: loopback only, so nothing is exposed by accident. */
export const DEFAULT_HOST = '127.0.0.1';

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_PORT;
  const port = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(port) || port > 65535) {
    throw new ConfigError(`PORT must be an integer from 0 to 65535 (got ${JSON.stringify(raw)}).`);
  }
  return port;
}

function parseDatabase(env: NodeJS.ProcessEnv, cwd: string): DatabaseConfig {
  const url = read(env, 'DATABASE_URL');
  if (url !== undefined) {
    // A URL for another database is a mistake, not a request for the embedded one:
    // falling back silently would write the data somewhere the user does not expect.
    if (!/^postgres(ql)?:\/\//i.test(url)) {
      throw new ConfigError(
        `DATABASE_URL must be a PostgreSQL URL starting with postgres:// or postgresql:// (got ${redactDatabaseUrl(url)}). ` +
          'Unset it to use the embedded database in RELATA_DATA_DIR.',
      );
    }
    try {
      new URL(url);
    } catch {
      throw new ConfigError(`DATABASE_URL is not a valid URL (got ${redactDatabaseUrl(url)}).`);
    }
    return { url };
  }
  return { dataDir: path.resolve(cwd, read(env, 'RELATA_DATA_DIR') ?? DEFAULT_DATA_DIR) };
}

/**
 * Reads the configuration from `env`, applies the defaults and validates it.
 * Throws ConfigError, naming the variable, when a value is invalid.
 */
export function resolveConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): RelataConfig {
  const config: RelataConfig = {
    port: parsePort(read(env, 'PORT')),
    host: read(env, 'HOST') ?? DEFAULT_HOST,
    database: parseDatabase(env, cwd),
    env: read(env, 'NODE_ENV') ?? 'development',
    jwt: parseJwt(env),
    limits: parseLimits(env, cwd),
    events: parseEvents(env),
    webhooks: parseWebhooks(env),
  };
  return config;
}

/** A database URL with its password hidden, safe to print or log. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '****';
    return parsed.toString();
  } catch {
    // Not parseable: hide anything that looks like credentials.
    return url.replace(/\/\/[^@/]*@/, '//****@');
  }
}

/** One line saying where the data lives, without secrets. */
export function describeDatabase(database: DatabaseConfig): string {
  return 'url' in database
    ? `PostgreSQL at ${redactDatabaseUrl(database.url)}`
    : `embedded database in ${database.dataDir}`;
}
