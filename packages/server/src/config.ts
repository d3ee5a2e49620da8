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
import { isBuiltInRole, BUILT_IN_ROLES } from '@relata/core';
import path from 'node:path';
import type { TokenBucket } from './limits/rate-limit.ts';

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

/** Which claims of a JWT carry the user id, the workspace and the roles. */
export interface JwtClaimNames {
  /** Claim of the identity provider's user id, from `RELATA_JWT_CLAIM_USER`. @default 'sub' */
  user: string;
  /** Claim of the workspace id, from `RELATA_JWT_CLAIM_WORKSPACE`. @default 'workspaceId' */
  workspace: string;
  /** Claim of the role names (an array, or one string), from `RELATA_JWT_CLAIM_ROLES`. @default 'roles' */
  roles: string;
}

/**
 * How JWTs are verified. Set `secret` (HS256), `jwksUrl` (RS256 and ES256), or
 * both: a token's `alg` picks the key, and only these three algorithms are accepted.
 */
export interface JwtConfig {
  /**
   * Shared secret of HS256 tokens, from `RELATA_JWT_SECRET`; at least 32 bytes.
   * @example 'b1f0c7...a random string of 32 characters or more'
   */
  secret?: string;
  /**
   * URL of the identity provider's JSON Web Key Set, from `RELATA_JWKS_URL`:
   * https, or http on a loopback address. Fetched on first use, cached, and
   * fetched again when a token names an unknown `kid`.
   * @example 'https://example.eu.auth0.com/.well-known/jwks.json'
   */
  jwksUrl?: string;
  /** Required `iss`, from `RELATA_JWT_ISSUER`; required with `jwksUrl`. @default unchecked */
  issuer?: string;
  /** Required `aud` (one of the token's audiences), from `RELATA_JWT_AUDIENCE`; required with `jwksUrl`. @default unchecked */
  audience?: string;
  /** Seconds of clock skew allowed on `exp` and `nbf`, from `RELATA_JWT_CLOCK_TOLERANCE`. @default 30 */
  clockToleranceSeconds: number;
  /** Which claims carry the user id, workspace and roles. */
  claims: JwtClaimNames;
  /**
   * Role of a token that names no known role, from `RELATA_JWT_DEFAULT_ROLE`
   * (`admin`, `member` or `viewer`). Unset: such a token is refused.
   * @default unset
   */
  defaultRole?: string;
  /** Minimum milliseconds between two JWKS fetches (jose's cooldownDuration). @default 30000 */
  jwksCooldownMs?: number;
  /** Milliseconds a fetched JWKS is used before it is fetched again (jose's cacheMaxAge). @default 600000 */
  jwksCacheMaxAgeMs?: number;
  /** Milliseconds a JWKS fetch may take (jose's timeoutDuration). @default 5000 */
  jwksTimeoutMs?: number;
}

/**
 * Rate limits: token buckets kept in each process's memory (see
 * limits/rate-limit.ts). Set a bucket's refill or size to 0 to turn it off.
 */
export interface RateLimitConfig {
  /**
   * Requests per API key and per member (per workspace), from
   * `RELATA_RATE_LIMIT_PER_SECOND` and `RELATA_RATE_LIMIT_BURST`; false when off.
   * @example { perSecond: 50, burst: 500 }
   * @default { perSecond: 20, burst: 200 }
   */
  perActor: TokenBucket | false;
  /**
   * 401 answers per client address, from `RELATA_AUTH_FAILURE_LIMIT_PER_SECOND`
   * and `RELATA_AUTH_FAILURE_LIMIT_BURST`; while an address's bucket is empty, all
   * its requests are refused before their credentials are checked. False when off.
   * @default { perSecond: 1, burst: 30 }
   */
  authFailures: TokenBucket | false;
  /**
   * How many reverse proxies stand in front of the server, from
   * `RELATA_TRUST_PROXY_HOPS`: the client address is then the entry of
   * `X-Forwarded-For` that many places from its end. 0 uses the TCP peer and
   * ignores the header (any client can write it).
   * @example 1
   * @default 0
   */
  trustProxyHops: number;
}

/** The persisted operations manifest and whether only its documents may run. */
export interface PersistedOperationsConfig {
  /**
   * Absolute path of a JSON object mapping ids (sha256 hashes of the documents)
   * to documents, from `RELATA_PERSISTED_OPERATIONS` resolved against the working directory.
   * @example '/srv/relata/persisted-operations.json'
   */
  file: string;
  /** Refuse every document not in the file, from `RELATA_PERSISTED_ONLY` (`true`/`false`). @default false */
  only: boolean;
}

/** What a client may send: rates, body size, introspection and persisted operations. */
export interface LimitsConfig {
  /** Rate limits per actor and per address of failed authentications. */
  rateLimits: RateLimitConfig;
  /**
   * Largest request body, in bytes, from `RELATA_MAX_BODY_BYTES` (at least 1024).
   * @default 2097152 (2 MiB: a bulk create of 1,000 records fits several times over)
   */
  maxBodyBytes: number;
  /** Answer introspection (`__schema`, `__type`), from `RELATA_INTROSPECTION` (`on`/`off`). @default true */
  introspection: boolean;
  /** Persisted operations; undefined when `RELATA_PERSISTED_OPERATIONS` is unset. @default undefined */
  persistedOperations?: PersistedOperationsConfig;
}

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
}

/** The configuration is invalid; the message says which variable and why. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The PGlite data directory used when neither DATABASE_URL nor RELATA_DATA_DIR is set. */
export const DEFAULT_DATA_DIR = '.relata/data';

/** The HTTP port used when PORT is unset. */
export const DEFAULT_PORT = 4000;

/** The interface bound when HOST is unset: loopback only, so nothing is exposed by accident. */
export const DEFAULT_HOST = '127.0.0.1';

/** The value of `name`, trimmed; empty counts as unset. */
function read(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

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

/** The claim names used when none are configured. */
export const DEFAULT_JWT_CLAIMS: JwtClaimNames = { user: 'sub', workspace: 'workspaceId', roles: 'roles' };

/** The clock skew allowed on `exp` and `nbf` when RELATA_JWT_CLOCK_TOLERANCE is unset. */
export const DEFAULT_JWT_CLOCK_TOLERANCE_SECONDS = 30;

// HS256 with a short secret can be brute-forced offline from any one token.
const MIN_JWT_SECRET_BYTES = 32;

const JWT_TUNING = [
  'RELATA_JWT_ISSUER',
  'RELATA_JWT_AUDIENCE',
  'RELATA_JWT_CLOCK_TOLERANCE',
  'RELATA_JWT_CLAIM_USER',
  'RELATA_JWT_CLAIM_WORKSPACE',
  'RELATA_JWT_CLAIM_ROLES',
  'RELATA_JWT_DEFAULT_ROLE',
];

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function parseJwt(env: NodeJS.ProcessEnv): JwtConfig | undefined {
  const secret = read(env, 'RELATA_JWT_SECRET');
  const jwksUrl = read(env, 'RELATA_JWKS_URL');
  if (secret === undefined && jwksUrl === undefined) {
    // A half-configured identity provider would otherwise fail silently, with every token refused.
    const stray = JWT_TUNING.filter((name) => read(env, name) !== undefined);
    if (stray.length > 0) {
      throw new ConfigError(`${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'} set, but JWTs are off: set RELATA_JWT_SECRET or RELATA_JWKS_URL.`);
    }
    return undefined;
  }
  if (secret !== undefined && Buffer.byteLength(secret) < MIN_JWT_SECRET_BYTES) {
    throw new ConfigError(`RELATA_JWT_SECRET must be at least ${MIN_JWT_SECRET_BYTES} bytes long (got ${Buffer.byteLength(secret)}); use a random string.`);
  }
  if (jwksUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(jwksUrl);
    } catch {
      throw new ConfigError(`RELATA_JWKS_URL is not a valid URL (got ${JSON.stringify(jwksUrl)}).`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
      throw new ConfigError(`RELATA_JWKS_URL must be an https:// URL (http:// only on a loopback address), got ${JSON.stringify(jwksUrl)}.`);
    }
  }
  const issuer = read(env, 'RELATA_JWT_ISSUER');
  const audience = read(env, 'RELATA_JWT_AUDIENCE');
  if (jwksUrl !== undefined && (issuer === undefined || audience === undefined)) {
    // An identity provider's keys sign tokens for every application it serves.
    throw new ConfigError('RELATA_JWKS_URL needs RELATA_JWT_ISSUER and RELATA_JWT_AUDIENCE: the provider signs tokens for other applications too.');
  }
  const toleranceRaw = read(env, 'RELATA_JWT_CLOCK_TOLERANCE');
  let clockToleranceSeconds = DEFAULT_JWT_CLOCK_TOLERANCE_SECONDS;
  if (toleranceRaw !== undefined) {
    clockToleranceSeconds = /^\d{1,3}$/.test(toleranceRaw) ? Number(toleranceRaw) : NaN;
    if (!(clockToleranceSeconds <= 300)) {
      throw new ConfigError(`RELATA_JWT_CLOCK_TOLERANCE must be a whole number of seconds from 0 to 300 (got ${JSON.stringify(toleranceRaw)}).`);
    }
  }
  const defaultRole = read(env, 'RELATA_JWT_DEFAULT_ROLE');
  if (defaultRole !== undefined && !isBuiltInRole(defaultRole)) {
    throw new ConfigError(`RELATA_JWT_DEFAULT_ROLE must be one of ${BUILT_IN_ROLES.join(', ')} (got ${JSON.stringify(defaultRole)}).`);
  }
  return {
    secret,
    jwksUrl,
    issuer,
    audience,
    clockToleranceSeconds,
    claims: {
      user: read(env, 'RELATA_JWT_CLAIM_USER') ?? DEFAULT_JWT_CLAIMS.user,
      workspace: read(env, 'RELATA_JWT_CLAIM_WORKSPACE') ?? DEFAULT_JWT_CLAIMS.workspace,
      roles: read(env, 'RELATA_JWT_CLAIM_ROLES') ?? DEFAULT_JWT_CLAIMS.roles,
    },
    defaultRole,
  };
}

/** Requests per API key and per member when RELATA_RATE_LIMIT_* are unset: bursts of a busy integration, a steady rate a CRM API can serve to many. */
export const DEFAULT_RATE_LIMIT: TokenBucket = { perSecond: 20, burst: 200 };

/** 401 answers per client address when RELATA_AUTH_FAILURE_LIMIT_* are unset: room for an office behind one address whose tokens expire. */
export const DEFAULT_AUTH_FAILURE_LIMIT: TokenBucket = { perSecond: 1, burst: 30 };

/** The largest request body when RELATA_MAX_BODY_BYTES is unset: 2 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;

const MAX_RATE = 1_000_000;
const MIN_BODY_BYTES = 1024;
const MAX_BODY_BYTES = 1024 * 1024 * 1024;
const MAX_PROXY_HOPS = 10;

/** A bucket from `<prefix>_PER_SECOND` and `<prefix>_BURST`; either one 0 turns it off. */
function parseBucket(env: NodeJS.ProcessEnv, prefix: string, fallback: TokenBucket): TokenBucket | false {
  const perSecondRaw = read(env, `${prefix}_PER_SECOND`);
  const burstRaw = read(env, `${prefix}_BURST`);
  const perSecond = perSecondRaw === undefined ? fallback.perSecond : /^\d{1,7}(\.\d{1,6})?$/.test(perSecondRaw) ? Number(perSecondRaw) : NaN;
  if (!(perSecond <= MAX_RATE)) {
    throw new ConfigError(`${prefix}_PER_SECOND must be a number of requests per second from 0 (no limit) to ${MAX_RATE}, like 20 or 0.5 (got ${JSON.stringify(perSecondRaw)}).`);
  }
  const burst = burstRaw === undefined ? fallback.burst : /^\d{1,7}$/.test(burstRaw) ? Number(burstRaw) : NaN;
  if (!(burst <= MAX_RATE)) {
    throw new ConfigError(`${prefix}_BURST must be a whole number of requests from 0 (no limit) to ${MAX_RATE} (got ${JSON.stringify(burstRaw)}).`);
  }
  return perSecond === 0 || burst === 0 ? false : { perSecond, burst };
}

function parseLimits(env: NodeJS.ProcessEnv, cwd: string): LimitsConfig {
  const hopsRaw = read(env, 'RELATA_TRUST_PROXY_HOPS');
  const trustProxyHops = hopsRaw === undefined ? 0 : /^\d{1,2}$/.test(hopsRaw) ? Number(hopsRaw) : NaN;
  if (!(trustProxyHops <= MAX_PROXY_HOPS)) {
    throw new ConfigError(`RELATA_TRUST_PROXY_HOPS must be the number of reverse proxies in front of Relata, from 0 to ${MAX_PROXY_HOPS} (got ${JSON.stringify(hopsRaw)}).`);
  }

  const bodyRaw = read(env, 'RELATA_MAX_BODY_BYTES');
  const maxBodyBytes = bodyRaw === undefined ? DEFAULT_MAX_BODY_BYTES : /^\d{1,10}$/.test(bodyRaw) ? Number(bodyRaw) : NaN;
  if (!(maxBodyBytes >= MIN_BODY_BYTES && maxBodyBytes <= MAX_BODY_BYTES)) {
    throw new ConfigError(`RELATA_MAX_BODY_BYTES must be a whole number of bytes from ${MIN_BODY_BYTES} to ${MAX_BODY_BYTES} (got ${JSON.stringify(bodyRaw)}).`);
  }

  const introspectionRaw = read(env, 'RELATA_INTROSPECTION')?.toLowerCase() ?? 'on';
  if (introspectionRaw !== 'on' && introspectionRaw !== 'off') {
    throw new ConfigError(`RELATA_INTROSPECTION must be on or off (got ${JSON.stringify(read(env, 'RELATA_INTROSPECTION'))}).`);
  }

  const file = read(env, 'RELATA_PERSISTED_OPERATIONS');
  const onlyRaw = read(env, 'RELATA_PERSISTED_ONLY')?.toLowerCase() ?? 'false';
  if (onlyRaw !== 'true' && onlyRaw !== 'false') {
    throw new ConfigError(`RELATA_PERSISTED_ONLY must be true or false (got ${JSON.stringify(read(env, 'RELATA_PERSISTED_ONLY'))}).`);
  }
  if (onlyRaw === 'true' && file === undefined) {
    // Refusing every operation, or silently accepting all of them, would both surprise.
    throw new ConfigError('RELATA_PERSISTED_ONLY=true needs RELATA_PERSISTED_OPERATIONS: the JSON file of the operations to allow.');
  }

  return {
    rateLimits: {
      perActor: parseBucket(env, 'RELATA_RATE_LIMIT', DEFAULT_RATE_LIMIT),
      authFailures: parseBucket(env, 'RELATA_AUTH_FAILURE_LIMIT', DEFAULT_AUTH_FAILURE_LIMIT),
      trustProxyHops,
    },
    maxBodyBytes,
    introspection: introspectionRaw === 'on',
    ...(file === undefined ? {} : { persistedOperations: { file: path.resolve(cwd, file), only: onlyRaw === 'true' } }),
  };
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
