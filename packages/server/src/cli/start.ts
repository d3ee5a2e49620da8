/**
 * `relata start`: applies pending migrations, makes sure there is a workspace to
 * try things with, and serves GraphQL over HTTP until SIGINT/SIGTERM, when it
 * closes the server and the engine (releasing the embedded database) and exits 0.
 */
import type { Engine } from '@relata/core';
import { Command } from 'commander';
import { ConfigError, describeDatabase, type RelataConfig } from '../config.ts';
import { ENVIRONMENT_HELP, loadConfig, loadCore, loadPlugins, openFailure, reportError } from './common.ts';
import type { PluginSetup } from '../plugins/load-config.ts';

/** What `createHttpServer` returns (see ../http/http-server.ts). */
interface HttpServer {
  listen(port: number, host: string): Promise<{ url: string }>;
  close(): Promise<void>;
}

/** Name of the workspace created on the first start of an empty database. */
export const DEMO_WORKSPACE_NAME = 'Demo';

// A shutdown that takes longer than this is stuck: exit anyway.
const SHUTDOWN_TIMEOUT_MS = 10_000;

/** The `start` command. */
export function startCommand(): Command {
  return new Command('start')
    .description('start the GraphQL server (applies pending migrations first)')
    .addHelpText(
      'after',
      `${ENVIRONMENT_HELP}
  PORT              HTTP port (default: 4000; 0 picks a free port)
  HOST              interface to listen on (default: 127.0.0.1, local connections only;
                    use 0.0.0.0 to accept connections from other machines)
  RELATA_JWT_SECRET, RELATA_JWKS_URL, RELATA_JWT_ISSUER, RELATA_JWT_AUDIENCE, ...
                    accept JWTs besides API keys (see docs/security.md)
  RELATA_RATE_LIMIT_PER_SECOND, RELATA_RATE_LIMIT_BURST
                    requests per API key or user (default: 20 per second, bursts of 200; 0: off)
  RELATA_AUTH_FAILURE_LIMIT_PER_SECOND, RELATA_AUTH_FAILURE_LIMIT_BURST
                    401 answers per client address (default: 1 per second, bursts of 30; 0: off)
  RELATA_TRUST_PROXY_HOPS
                    reverse proxies in front, whose X-Forwarded-For names the client (default: 0)
  RELATA_MAX_BODY_BYTES
                    largest request body in bytes (default: 2097152, 2 MiB)
  RELATA_INTROSPECTION
                    on or off (default: on)
  RELATA_PERSISTED_OPERATIONS, RELATA_PERSISTED_ONLY
                    JSON file of persisted operations (sha256 -> document), and true to
                    refuse any other (see docs/security.md#limits)
  RELATA_WEBHOOK_ALLOW_PRIVATE
                    true lets webhooks reach private and loopback addresses (default: true,
                    false when NODE_ENV=production; see docs/webhooks.md)`,
    )
    .action(async () => {
      await start(loadConfig());
    });
}

/** Creates the demo workspace (with the plugins new workspaces get) if the database has none; returns it if it did. */
async function ensureDemoWorkspace(engine: Engine, plugins: PluginSetup) {
  if ((await engine.workspaces.list()).length > 0) return undefined;
  const { createWorkspace } = await import('../plugins/new-workspace.ts');
  return createWorkspace(engine, plugins, { name: DEMO_WORKSPACE_NAME });
}

/** Upgrades the plugins of every workspace whose installed version is older than the configured one; one line each. */
async function upgradePlugins(engine: Engine): Promise<void> {
  for (const done of await engine.plugins.upgradeAll()) {
    const migrations = done.migrations.length ? ` (migrations: ${done.migrations.join(', ')})` : '';
    console.log(
      done.previousVersion && done.previousVersion !== done.version
        ? `Upgraded plugin ${done.plugin} from ${done.previousVersion} to ${done.version} in workspace ${done.workspaceId}${migrations}.`
        : `Brought plugin ${done.plugin} ${done.version} up to date in workspace ${done.workspaceId}${migrations}.`,
    );
  }
}

/** The address to show for `host`: `localhost` for loopback and wildcard binds. */
function displayHost(host: string): string {
  if (['0.0.0.0', '::', '127.0.0.1', '::1', 'localhost'].includes(host)) return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/** The port the server really listens on (PORT may be 0), read from the URL `listen` returned. */
function listeningPort(url: string, fallback: number): number {
  try {
    const parsed = new URL(url);
    if (parsed.port) return Number(parsed.port);
    return parsed.protocol === 'https:' ? 443 : 80;
  } catch {
    return fallback;
  }
}

/** Starts listening; a port in use becomes a message that says what to do. */
async function listen(server: HttpServer, config: RelataConfig): Promise<{ url: string }> {
  try {
    return await server.listen(config.port, config.host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new ConfigError(`Port ${config.port} is already in use on ${config.host}. Stop what uses it, or set PORT to another port.`);
    }
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
      throw new ConfigError(`Cannot listen on HOST ${config.host}: no such interface on this machine.`);
    }
    throw error;
  }
}

async function start(config: RelataConfig): Promise<void> {
  let engine: Engine | undefined;
  let server: HttpServer | undefined;
  let stopPruning: (() => Promise<void>) | undefined;
  let stopWebhooks: (() => Promise<void>) | undefined;
  let stopPluginWorkers: (() => Promise<void>) | undefined;
  let started = false;
  let stopSignal: NodeJS.Signals | undefined;

  const shutdown = async () => {
    const timer = setTimeout(() => {
      console.error(`Shutdown took longer than ${SHUTDOWN_TIMEOUT_MS / 1000}s; exiting anyway.`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    let code = 0;
    try {
      await server?.close();
      await stopPruning?.();
      // Before the engine closes: attempts in flight are handed back for the next process.
      await stopWebhooks?.();
      // Handlers in flight get 5 s to finish; after that their events run again in the next process.
      await stopPluginWorkers?.();
    } catch (error) {
      await reportError(error);
      code = 1;
    }
    try {
      // Closing the engine releases the embedded database's lock.
      await engine?.close();
    } catch (error) {
      await reportError(error);
      code = 1;
    }
    process.exit(code);
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopSignal) {
      console.error(`${signal} received again: exiting without waiting.`);
      process.exit(1);
    }
    stopSignal = signal;
    console.error(`\n${signal} received: shutting down...`);
    // During startup, the startup sequence shuts down once it has finished its step.
    if (started) void shutdown();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    // Read before the database opens: a bad file stops the start before the demo workspace (and its one-time key) is made.
    const manifest = config.limits.persistedOperations;
    const persistedOperations = manifest && {
      operations: (await import('../limits/use-persisted-operations.ts')).loadPersistedOperations(manifest.file),
      only: manifest.only,
    };
    // So is the plugin list (relata.config.ts or the default one).
    const plugins = await loadPlugins();
    const { startEngine } = await loadCore();
    engine = await startEngine(config.database, { replayWindowMs: config.events.replayWindowMs, webhooks: config.webhooks, plugins: plugins.plugins }).catch(async (error: unknown) => {
      throw await openFailure(error, config.database);
    });
    if (stopSignal) return void (await shutdown());
    await upgradePlugins(engine);
    const demo = await ensureDemoWorkspace(engine, plugins);
    // Loaded here, not at the top: the other commands need none of the GraphQL stack.
    const { createHttpServer } = await import('../http/http-server.ts');
    server = createHttpServer({
      engine,
      auth: { jwt: config.jwt },
      rateLimits: config.limits.rateLimits,
      maxBodyBytes: config.limits.maxBodyBytes,
      introspection: config.limits.introspection,
      persistedOperations,
    });
    const { url } = await listen(server, config);
    stopPruning = (await import('../jobs/prune-events.ts')).startEventPruning(engine, config.events.retentionMs, {
      deliveryRetentionMs: config.webhooks.deliveryRetentionMs,
    });
    // Before the webhook worker: a job schedule that does not parse stops the start here.
    const pluginWorkers = await (await loadCore()).startPluginWorkers(engine);
    stopPluginWorkers = () => pluginWorkers.stop({ timeoutMs: 5_000 });
    stopWebhooks = (await (await loadCore()).startWebhookWorker(engine)).stop;
    started = true;
    if (stopSignal) return void (await shutdown());

    const base = `http://${displayHost(config.host)}:${listeningPort(url, config.port)}`;
    const lines = [
      `Relata is running (${config.env}, ${describeDatabase(config.database)}).`,
      `  GraphQL:  ${base}/graphql`,
      `  Health:   ${base}/health`,
      `  Plugins:  ${plugins.plugins.map((p) => `${p.name} ${p.version}`).join(', ') || 'none'}${plugins.file ? ` (${plugins.file})` : ''}`,
      ...(plugins.missing.length ? [`            left out, not installed: ${plugins.missing.join(', ')} (install them, or list plugins in relata.config.ts)`] : []),
      '',
    ];
    if (demo) {
      lines.push(
        `Created a "${DEMO_WORKSPACE_NAME}" workspace (${demo.workspaceId}). Its API key is shown only this once:`,
        `  ${demo.apiKey}`,
        `Send it as "Authorization: Bearer ${demo.apiKey}".`,
      );
      if (demo.installed.length) lines.push(`Installed in it: ${demo.installed.map((p) => `${p.plugin} ${p.version}`).join(', ')}.`);
      if (demo.failed) {
        const reason = demo.failed.error instanceof Error ? demo.failed.error.message : String(demo.failed.error);
        lines.push(`Installing plugin "${demo.failed.plugin}" into it failed: ${reason}`);
      }
    } else {
      lines.push(
        'url' in config.database
          ? 'To get credentials, create a workspace and its API key:'
          : 'To get credentials, stop the server (the embedded database is one process at a time), then run:',
        '  npx relata workspace create --name <name>',
      );
    }
    lines.push('', 'Press Ctrl-C to stop.');
    console.log(lines.join('\n'));
  } catch (error) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await server?.close().catch(() => {});
    await engine?.close().catch(() => {});
    throw error;
  }
}
