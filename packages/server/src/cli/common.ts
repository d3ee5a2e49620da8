/**
 * What every `relata` command shares: the configuration, an engine that is always
 * closed, and one way to report failures (a message on stderr and exit code 1,
 * never a stack trace unless RELATA_DEBUG is set).
 */
import { RelataError, startEngine, ValidationError, type Engine } from '@relata/core';
import { ConfigError, resolveConfig, type RelataConfig } from '../config.ts';

/** Help text listing the environment variables every command reads. */
export const ENVIRONMENT_HELP = `
Environment:
  DATABASE_URL      PostgreSQL URL (postgres://...); when unset, the embedded database is used
  RELATA_DATA_DIR   embedded (PGlite) data directory (default: .relata/data, relative to the
                    working directory); one process at a time: stop the server first
  RELATA_DEBUG      set to 1 to print stack traces of unexpected errors`;

/** The configuration of this process (throws ConfigError on invalid variables). */
export function loadConfig(): RelataConfig {
  return resolveConfig(process.env);
}

/**
 * Opens the configured database, applies pending migrations, runs `fn` with the
 * engine and closes the engine afterwards, whether `fn` succeeds or not. An
 * embedded data directory held by another process (a running server) fails here
 * with DataDirLockedError.
 */
export async function withEngine<T>(fn: (engine: Engine, config: RelataConfig) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const engine = await startEngine(config.database);
  try {
    return await fn(engine, config);
  } finally {
    await engine.close();
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks that each value is a UUID (ids in Relata are), naming the bad ones. */
export function requireUuids(values: Record<string, string>): void {
  const fields = Object.entries(values)
    .filter(([, value]) => !UUID.test(value))
    .map(([field]) => ({ field, code: 'INVALID_ID', message: 'must be an id (a UUID)' }));
  if (fields.length > 0) throw new ValidationError(fields);
}

/** Writes one JSON document to stdout (the only thing a --json command prints there). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints `error` to stderr the way the CLI reports failures. */
export function reportError(error: unknown): void {
  if (error instanceof ValidationError) {
    // The default message repeats the field errors; print them once, one per line.
    const headline = error.message.startsWith('Validation failed:') ? 'Validation failed' : error.message;
    console.error(`error: ${headline}`);
    for (const field of error.fields) console.error(`  ${field.field}: ${field.message}`);
    return;
  }
  if (error instanceof RelataError || error instanceof ConfigError) {
    console.error(`error: ${error.message}`);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  console.error(`error: ${message}`);
  if (process.env.RELATA_DEBUG && error instanceof Error && error.stack) {
    console.error(error.stack);
  } else {
    console.error('(set RELATA_DEBUG=1 to see the stack trace)');
  }
}
