/**
 * The `relata` command-line tool, run for real: `node packages/server/bin/relata.js`
 * in a child process, in a temporary working directory, on a temporary embedded
 * data directory, or (when RELATA_TEST_DATABASE_URL is set) on a fresh PostgreSQL
 * database. PGlite is one process per data directory, so the test opens the engine
 * itself only after the CLI process has exited.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEngine, systemActor, type DatabaseOptions, type Engine } from '@relata/core';
import { createPostgresTestDatabaseUrl } from '@relata/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.ts';

const BIN = fileURLToPath(new URL('../bin/relata.js', import.meta.url));
const adminUrl = process.env.RELATA_TEST_DATABASE_URL;
const engineName = adminUrl ? 'PostgreSQL' : 'PGlite';

const tempDirs: string[] = [];
const children = new Set<ChildProcess>();

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relata-cli-'));
  tempDirs.push(dir);
  return dir;
}

/** A fresh database for the CLI: its environment, and how the test opens it. */
interface Target {
  cwd: string;
  env: Record<string, string>;
  database: DatabaseOptions;
}

async function newTarget(): Promise<Target> {
  const cwd = tempDir();
  if (adminUrl) {
    const url = await createPostgresTestDatabaseUrl(adminUrl);
    return { cwd, env: { DATABASE_URL: url }, database: { url, poolSize: 2 } };
  }
  const dataDir = path.join(tempDir(), 'data');
  return { cwd, env: { RELATA_DATA_DIR: dataDir }, database: { dataDir } };
}

// One database for the tests that do not need an empty one: creating an embedded
// data directory costs seconds. The migrate test comes first and sees it empty.
let shared: Promise<Target> | undefined;
const sharedTarget = () => (shared ??= newTarget());

/** No plugins (tests/fixtures/no-plugins.config.ts): these tests are about the CLI, not the standard CRM. */
const NO_PLUGINS = fileURLToPath(new URL('./fixtures/no-plugins.config.ts', import.meta.url));

function childEnv(target: Target | undefined, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, RELATA_CONFIG: NO_PLUGINS, ...target?.env, ...extra };
  // Nothing from the surrounding environment may pick another database.
  if (!target?.env.DATABASE_URL) delete env.DATABASE_URL;
  if (!target?.env.RELATA_DATA_DIR) delete env.RELATA_DATA_DIR;
  return env;
}

function spawnCli(args: string[], target: Target | undefined, extra: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: target?.cwd ?? tempDir(),
    env: childEnv(target, extra),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function collect(child: ChildProcess): Promise<Result> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `relata <args>` to completion. */
function relata(args: string[], target?: Target, extra?: Record<string, string>): Promise<Result> {
  return collect(spawnCli(args, target, extra));
}

/** Opens the target's database in this process (after the CLI process has exited). */
async function withTestEngine<T>(target: Target, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await startEngine(target.database);
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

/** Starts `relata start` on a free port and resolves once it has printed its URLs. */
async function startServer(target: Target, extra: Record<string, string> = {}) {
  const child = spawnCli(['start'], target, { PORT: '0', HOST: '127.0.0.1', ...extra });
  const done = collect(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relata start did not print its URLs:\n${output}`)), 30_000);
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      if (/Health: .*\n/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`relata start exited with ${code}:\n${output}`));
    });
  });
  return {
    output: () => output,
    healthUrl: output.match(/Health:\s+(\S+)/)![1]!,
    /** Sends SIGTERM and resolves with how the process ended. */
    async stop(): Promise<Result> {
      child.kill('SIGTERM');
      return done;
    },
  };
}

const LOCK_MESSAGE = /is in use by another Relata process \(pid \d+\)\. Stop that process first/;

describe('resolveConfig', () => {
  it('applies the defaults', () => {
    expect(resolveConfig({}, '/srv/app')).toEqual({
      port: 4000,
      host: '127.0.0.1',
      database: { dataDir: path.resolve('/srv/app', '.relata/data') },
      env: 'development',
      // The limits' defaults are spelled out in limits-config.test.ts.
      limits: resolveConfig({}).limits,
      events: { retentionMs: null, replayWindowMs: 72 * 3_600_000 },
      webhooks: { allowPrivateAddresses: true, deliveryRetentionMs: 30 * 86_400_000 },
    });
  });

  it('reads the environment', () => {
    const env = { PORT: '8080', HOST: '0.0.0.0', NODE_ENV: 'production', RELATA_DATA_DIR: 'db' };
    expect(resolveConfig(env, '/srv/app')).toEqual({
      port: 8080,
      host: '0.0.0.0',
      database: { dataDir: path.resolve('/srv/app', 'db') },
      env: 'production',
      limits: resolveConfig({}).limits,
      events: { retentionMs: null, replayWindowMs: 72 * 3_600_000 },
      // Production refuses webhooks to private addresses unless told otherwise.
      webhooks: { allowPrivateAddresses: false, deliveryRetentionMs: 30 * 86_400_000 },
    });
    expect(resolveConfig({ NODE_ENV: 'production', RELATA_WEBHOOK_ALLOW_PRIVATE: 'true' }).webhooks).toMatchObject({ allowPrivateAddresses: true });
    expect(resolveConfig({ RELATA_WEBHOOK_ALLOW_PRIVATE: 'False' }).webhooks).toMatchObject({ allowPrivateAddresses: false });
    expect(() => resolveConfig({ RELATA_WEBHOOK_ALLOW_PRIVATE: 'yes' })).toThrow(/RELATA_WEBHOOK_ALLOW_PRIVATE must be true or false/);
    const url = 'postgresql://relata:secret@db:5432/relata';
    expect(resolveConfig({ DATABASE_URL: url, RELATA_DATA_DIR: 'ignored' }).database).toEqual({ url });
  });

  it('rejects an invalid PORT or a DATABASE_URL that is not PostgreSQL, without leaking the password', () => {
    for (const port of ['abc', '-1', '65536', '80.5', '0x50']) {
      expect(() => resolveConfig({ PORT: port })).toThrow(/PORT must be an integer from 0 to 65535/);
    }
    expect(() => resolveConfig({ DATABASE_URL: 'mysql://u:secret@h/db' })).toThrow(/postgres:\/\/ or postgresql:\/\//);
    expect(() => resolveConfig({ DATABASE_URL: 'mysql://u:secret@h/db' })).not.toThrow(/secret/);
  });
});

describe(`relata CLI (${engineName})`, () => {
  it('prints help for every command', async () => {
    const commands = [[], ['start'], ['migrate'], ['workspace'], ['workspace', 'create'], ['workspace', 'list'], ['api-key'], ['api-key', 'revoke'], ['api-key', 'create'], ['api-key', 'list']];
    const results = await Promise.all(commands.map((command) => relata([...command, '--help'])));
    results.forEach((result, i) => {
      const name = ['relata', ...commands[i]!].join(' ');
      expect(result.code, name).toBe(0);
      expect(result.stdout, name).toContain(`Usage: ${name}`);
    });
    expect(results[0]!.stdout).toMatch(/start\s+start the GraphQL server/);
    expect(results[4]!.stdout).toContain('--name <name>');
    expect(results[7]!.stdout).toContain('--workspace <workspaceId>');
    expect(results[8]!.stdout).toMatch(/--role <role>[\s\S]*--expires-at <datetime>/);
  });

  it('migrate applies the migrations, then reports up to date', async () => {
    const target = await sharedTarget();
    const first = await relata(['migrate'], target);
    expect(first.stderr).toBe('');
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toMatch(/^Applied \d+ migrations? /);
    const second = await relata(['migrate'], target);
    expect(second).toMatchObject({ code: 0, stderr: '' });
    expect(second.stdout).toMatch(/^Database is up to date/);
  });

  it('workspace create --json prints exactly workspaceId and apiKey, and the key works', async () => {
    const target = await sharedTarget();
    const result = await relata(['workspace', 'create', '--name', 'Acme', '--json'], target);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const created = JSON.parse(result.stdout) as Record<string, string>;
    expect(Object.keys(created).sort()).toEqual(['apiKey', 'workspaceId']);
    await withTestEngine(target, async (engine) => {
      const { actor } = await engine.workspaces.authenticate(created.apiKey);
      expect(actor.workspaceId).toBe(created.workspaceId);
      expect(await engine.workspaces.list()).toContainEqual(expect.objectContaining({ id: created.workspaceId, name: 'Acme' }));
    });
  });

  it('start without a config file makes the Demo workspace with the standard CRM, as the quickstart says', async () => {
    const target = await newTarget();
    // RELATA_CONFIG empty: the working directory (a temporary one) has no relata.config.ts either.
    const server = await startServer(target, { RELATA_CONFIG: '' });
    try {
      expect(server.output()).toMatch(/Plugins: {2}crm \d+\.\d+\.\d+, lead-scoring \d+\.\d+\.\d+\n/);
      const key = server.output().match(/\b(rk_[A-Za-z0-9]{32})\b/)![1]!;
      const res = await fetch(server.healthUrl.replace(/health$/, 'graphql'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: '{ objectTypes { apiName source } }' }),
      });
      const types = ((await res.json()) as { data: { objectTypes: Array<{ apiName: string; source: string }> } }).data.objectTypes;
      const contract = ['company', 'person', 'lead', 'opportunity', 'task', 'call', 'meeting', 'emailLog', 'note', 'case', 'campaign'];
      expect(types.filter((t) => contract.includes(t.apiName)).map((t) => `${t.apiName}:${t.source}`).sort()).toEqual(contract.map((t) => `${t}:crm`).sort());
    } finally {
      expect((await server.stop()).code).toBe(0);
    }
  }, 120_000);

  it('workspace create refuses an empty name with a clear message', async () => {
    const target = await sharedTarget();
    const result = await relata(['workspace', 'create', '--name', '  '], target);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: Validation failed\n\s+name: is required\n$/);
  });

  it('api-key revoke revokes a key, and fails clearly when the key is not active', async () => {
    const target = await sharedTarget();
    const created = await relata(['workspace', 'create', '--name', 'Keys'], target);
    expect(created.code).toBe(0);
    const keyId = created.stdout.match(/API key id:\s+(\S+)/)![1]!;
    const workspaceId = created.stdout.match(/Workspace id:\s+(\S+)/)![1]!;
    const apiKey = created.stdout.match(/API key:\s+(rk_\S+)/)![1]!;

    const revoked = await relata(['api-key', 'revoke', keyId, '--workspace', workspaceId], target);
    expect(revoked).toMatchObject({ code: 0, stderr: '' });
    expect(revoked.stdout).toContain(`Revoked API key ${keyId}`);

    const again = await relata(['api-key', 'revoke', keyId, '--workspace', workspaceId], target);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error: No active API key .* already revoked\.\n$/);

    await withTestEngine(target, async (engine) => {
      await expect(engine.workspaces.authenticate(apiKey)).rejects.toThrow(/invalid credentials/i);
    });
  });

  it('api-key create makes a key with a role and an expiry, shown once; api-key list shows keys without it', async () => {
    const target = await sharedTarget();
    const workspace = JSON.parse((await relata(['workspace', 'create', '--name', 'Keyring', '--json'], target)).stdout) as { workspaceId: string; apiKey: string };
    const args = ['api-key', 'create', '--workspace', workspace.workspaceId, '--name', 'CI', '--role', 'viewer', '--expires-at', '2099-01-01T00:00:00+02:00'];
    const created = await relata([...args, '--json'], target);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const key = JSON.parse(created.stdout) as { apiKeyId: string; apiKey: string; workspaceId: string; name: string; role: string; expiresAt: string | null };
    expect(key).toEqual({
      apiKeyId: expect.any(String),
      apiKey: expect.stringMatching(/^rk_[A-Za-z0-9]{32}$/),
      workspaceId: workspace.workspaceId,
      name: 'CI',
      role: 'viewer',
      expiresAt: '2098-12-31T22:00:00.000Z',
    });
    const supportKey = ['api-key', 'create', '--workspace', workspace.workspaceId, '--name', 'Support desk', '--role', 'supportAgent'];
    // A custom role must be defined first (createRole); the CLI says which role is unknown.
    const unknownRole = await relata(supportKey, target);
    expect(unknownRole.code).not.toBe(0);
    expect(unknownRole.stderr).toMatch(/supportAgent/);
    await withTestEngine(target, async (engine) => {
      await engine.metadata.createRole(systemActor(workspace.workspaceId), { name: 'supportAgent', rules: [{ type: '*', read: 'all' }] });
    });
    const text = await relata(supportKey, target);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toMatch(/^Created API key "Support desk" \(role supportAgent\)/);
    expect(text.stdout).toMatch(/API key:\s+rk_[A-Za-z0-9]{32}\n[\s\S]*Expires:\s+never\n[\s\S]*shown only this once/);

    await withTestEngine(target, async (engine) => {
      const { actor } = await engine.workspaces.authenticate(key.apiKey);
      expect(actor).toEqual({ workspaceId: workspace.workspaceId, kind: 'apiKey', id: key.apiKeyId, roles: ['viewer'] });
    });

    const listed = await relata(['api-key', 'list', '--workspace', workspace.workspaceId, '--json'], target);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(listed.stdout).not.toContain(key.apiKey);
    expect(listed.stdout).not.toContain(workspace.apiKey);
    const rows = JSON.parse(listed.stdout) as Array<Record<string, string | null>>;
    expect(rows.map((r) => [r.name, r.role, r.state, r.expiresAt])).toEqual([
      ['default', 'admin', 'active', null],
      ['CI', 'viewer', 'active', '2098-12-31T22:00:00.000Z'],
      ['Support desk', 'supportAgent', 'active', null],
    ]);
    expect(rows[1]).toMatchObject({ id: key.apiKeyId, prefix: key.apiKey.slice(0, 7), lastUsedAt: expect.any(String), revokedAt: null });
    expect(rows[2]!.lastUsedAt).toBeNull();

    await relata(['api-key', 'revoke', key.apiKeyId, '--workspace', workspace.workspaceId], target);
    const table = await relata(['api-key', 'list', '--workspace', workspace.workspaceId], target);
    expect(table).toMatchObject({ code: 0, stderr: '' });
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+PREFIX\s+ROLE\s+STATE\s+LAST USED\s+EXPIRES\s+NAME$/);
    expect(lines[2]).toMatch(new RegExp(`^${key.apiKeyId}\\s+${key.apiKey.slice(0, 7)}\\.\\.\\.\\s+viewer\\s+revoked\\s+\\S+\\s+2098-12-31T22:00:00.000Z\\s+CI$`));
  }, 60_000);

  it('api-key create and list fail clearly on an unknown workspace or an invalid key', async () => {
    const target = await sharedTarget();
    const missing = '01a2055c-0000-7000-8000-000000000000';
    for (const args of [['api-key', 'list', '--workspace', missing], ['api-key', 'create', '--workspace', missing, '--name', 'x', '--role', 'admin']]) {
      const result = await relata(args, target);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toBe(`error: No workspace ${missing}. List them with: npx relata workspace list\n`);
    }
    const { workspaceId } = JSON.parse((await relata(['workspace', 'create', '--name', 'Strict', '--json'], target)).stdout) as { workspaceId: string };
    const invalid = await relata(['api-key', 'create', '--workspace', workspaceId, '--name', 'x', '--role', 'no spaces', '--expires-at', '2001-01-01T00:00:00Z'], target);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toBe('error: Validation failed\n  role: must start with a letter and have at most 64 letters, digits, "_" or "-"\n  expiresAt: must be in the future\n');
    const noRole = await relata(['api-key', 'create', '--workspace', workspaceId, '--name', 'x'], target);
    expect(noRole.code).not.toBe(0);
    expect(noRole.stderr).toMatch(/--role <role>/);
  }, 60_000);

  if (!adminUrl) {
    it('refuses to open the data directory while the server holds it, leaving the data intact', async () => {
      const target = await newTarget();
      const server = await startServer(target);
      let stopped: Result | undefined;
      try {
        expect(server.output()).toMatch(/GraphQL:\s+http:\/\/localhost:\d+\/graphql/);
        const demoKey = server.output().match(/\b(rk_[A-Za-z0-9]{32})\b/)?.[1];
        expect(demoKey, 'the demo workspace key is printed on the first start').toBeDefined();
        const health = await fetch(server.healthUrl);
        expect(health.status).toBe(200);

        const refused = await relata(['workspace', 'create', '--name', 'Intruder', '--json'], target);
        expect(refused.code).toBe(1);
        expect(refused.stdout).toBe('');
        expect(refused.stderr).toMatch(LOCK_MESSAGE);
        expect(refused.stderr).toMatch(/^error: /);
        expect(refused.stderr, 'no stack trace').not.toMatch(/\n\s+at /);

        stopped = await server.stop();
        expect(stopped.code).toBe(0);
        expect(fs.existsSync(`${target.env.RELATA_DATA_DIR}.lock`), 'the lock is released').toBe(false);

        await withTestEngine(target, async (engine) => {
          expect((await engine.workspaces.list()).map((w) => w.name)).toEqual(['Demo']);
          await expect(engine.workspaces.authenticate(demoKey)).resolves.toBeDefined();
        });
      } finally {
        if (!stopped) await server.stop();
      }
    }, 60_000);
  } else {
    it('shares PostgreSQL with a running server: no lock, and the server sees new workspaces', async () => {
      const target = await newTarget();
      const server = await startServer(target);
      let stopped: Result | undefined;
      try {
        expect(server.output()).toMatch(/GraphQL:\s+http:\/\/localhost:\d+\/graphql/);
        expect(server.output()).toMatch(/Created a "Demo" workspace/);
        const created = await relata(['workspace', 'create', '--name', 'Acme', '--json'], target);
        expect(created).toMatchObject({ code: 0, stderr: '' });
        const { apiKey } = JSON.parse(created.stdout) as { apiKey: string };
        const graphql = server.healthUrl.replace(/\/health$/, '/graphql');
        const response = await fetch(graphql, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
          body: JSON.stringify({ query: '{ __typename }' }),
        });
        expect(response.status).toBe(200);
        stopped = await server.stop();
        expect(stopped.code).toBe(0);
      } finally {
        if (!stopped) await server.stop();
      }
      await withTestEngine(target, async (engine) => {
        expect((await engine.workspaces.list()).map((w) => w.name)).toEqual(['Demo', 'Acme']);
      });
    }, 60_000);
  }
});
