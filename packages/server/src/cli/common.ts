/**
 * What every `relata` command shares: the configuration, an engine that is always
 * closed, and one way to report failures (a message on stderr and exit code 1,
 * never a stack trace unless RELATA_DEBUG is set).
 *
 * @relata/core is imported when a command runs, not when the program loads: it
 * takes most of a second, which `relata --help` should not pay.
 */
import { isUuid } from '@relata/core';
import type { Engine } from '@relata/core';
import { ConfigError, describeDatabase, resolveConfig, type DatabaseConfig, type RelataConfig } from '../config.ts';
import { loadPluginSetup, type PluginSetup } from '../plugins/load-config.ts';

/** Loads @relata/core (once; later calls get the same module). */
export const loadCore = () => import('@relata/core');

/** Help text listing the environment variables every command reads. */
export const ENVIRONMENT_HELP = `
Environment:
  DATABASE_URL      PostgreSQL URL (postgres://...); when unset, the embedded database is used
  RELATA_DATA_DIR   embedded (PGlite) data directory (default: .relata/data, relative to the
                    working directory); one process at a time: stop the server first
  RELATA_CONFIG     the plugin config file (default: relata.config.ts in the working directory;
                    without one, the standard CRM and lead-scoring plugins)
  RELATA_DEBUG      set to 1 to print stack traces of unexpected errors`;

/** The configuration of this process (throws ConfigError on invalid variables). */
export function loadConfig(): RelataConfig {
  return resolveConfig(process.env);
}

/** The plugins of this process, from relata.config.ts or the default list (throws ConfigError; see plugins/load-config.ts). */
export function loadPlugins(): Promise<PluginSetup> {
  return loadPluginSetup(process.env, process.cwd());
}

/**
 * Opens the configured database, applies pending migrations, runs `fn` with the
 * engine (running the configured plugins) and closes the engine afterwards,
 * whether `fn` succeeds or not. The config and the plugin list are checked before
 * the database opens. An embedded data directory held by another process (a
 * running server) fails here with DataDirLockedError.
 */
export async function withEngine<T>(fn: (engine: Engine, config: RelataConfig, plugins: PluginSetup) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const plugins = await loadPlugins();
  const { startEngine } = await loadCore();
  let engine: Engine;
  try {
    engine = await startEngine(config.database, { webhooks: config.webhooks, plugins: plugins.plugins });
  } catch (error) {
    throw await openFailure(error, config.database);
  }
  try {
    return await fn(engine, config, plugins);
  } finally {
    await engine.close();
  }
}

/**
 * Says which database could not be opened (PostgreSQL unreachable, wrong password,
 * missing database...). RelataErrors, such as DataDirLockedError, already say it.
 */
export async function openFailure(error: unknown, database: DatabaseConfig, verb = 'open'): Promise<unknown> {
  const { RelataError } = await loadCore();
  if (error instanceof RelataError || !(error instanceof Error)) return error;
  return new Error(`Cannot ${verb} the database (${describeDatabase(database)}): ${error.message}`, { cause: error });
}


/** Checks that each value is a UUID (ids in Relata are), naming the bad ones. */
export async function requireUuids(values: Record<string, string>): Promise<void> {
  const fields = Object.entries(values)
    .filter(([, value]) => !isUuid(value))
    .map(([field]) => ({ field, code: 'INVALID_ID', message: 'must be an id (a UUID)' }));
  if (fields.length === 0) return;
  const { ValidationError } = await loadCore();
  throw new ValidationError(fields);
}

/** Writes one JSON document to stdout (the only thing a --json command prints there). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints `error` to stderr the way the CLI reports failures. */
export async function reportError(error: unknown): Promise<void> {
  // Whatever failed most likely loaded core already; if core itself fails to load, report that.
  const { RelataError, ValidationError } = await loadCore().catch(() => ({ RelataError: null, ValidationError: null }));
  if (ValidationError && error instanceof ValidationError) {
    // The default message repeats the field errors; print them once, one per line.
    const headline = error.message.startsWith('Validation failed:') ? 'Validation failed' : error.message;
    console.error(`error: ${headline}`);
    for (const field of error.fields) console.error(`  ${field.field}: ${field.message}`);
    return;
  }
  if ((RelataError && error instanceof RelataError) || error instanceof ConfigError) {
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
