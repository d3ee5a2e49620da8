/**
 * `relata plugin ...` and the plugin config, run for real (the CLI binary in a
 * child process, a temporary working directory, RELATA_CONFIG naming a fixture
 * config): list, install, upgrade, uninstall; new workspaces get the plugins the
 * config says; `relata start` upgrades installed plugins and serves their
 * GraphQL; a bad config stops a command before the database opens. On a
 * temporary embedded database, or PostgreSQL.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPostgresTestDatabaseUrl } from '@relata/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, type Result } from './cli-process.ts';
import { startServerProcess, stopAll } from './server-process.ts';

const BIN = fileURLToPath(new URL('../bin/relata.js', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const CONFIG = fixture('plugin-cli.config.ts');
const adminUrl = process.env.RELATA_TEST_DATABASE_URL;
const tempDirs: string[] = [];


function tempDir(prefix = 'relata-plugin-cli-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

function relata(args: string[], env: Record<string, string>): Promise<Result> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, RELATA_CONFIG: CONFIG, ...env };
  if (!env.DATABASE_URL) delete childEnv.DATABASE_URL;
  if (env.RELATA_CONFIG === '') delete childEnv.RELATA_CONFIG;
  const child = spawn(process.execPath, [BIN, ...args], { cwd: tempDir(), env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  return collect(child);
}

const json = <T>(result: Result): T => {
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
};

type Row = { name: string; version: string | null; installedVersion: string | null; state: string };

describe(`relata plugin (${adminUrl ? 'PostgreSQL' : 'PGlite'})`, () => {
  let env: Record<string, string>;

  beforeAll(async () => {
    env = adminUrl ? { DATABASE_URL: await createPostgresTestDatabaseUrl(adminUrl) } : { RELATA_DATA_DIR: path.join(tempDir('relata-plugin-cli-data-'), 'data') };
  });
  afterAll(() => {
    stopAll();
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints help for every plugin command', async () => {
    const commands = ['list', 'install', 'upgrade', 'uninstall'];
    const results = await Promise.all([['plugin', '--help'], ...commands.map((c) => ['plugin', c, '--help'])].map((args) => relata(args, env)));
    results.forEach((result) => expect(result.code).toBe(0));
    for (const command of commands) expect(results[0]!.stdout).toContain(command);
    expect(results[1]!.stdout).toMatch(/--workspace <workspaceId>[\s\S]*--json[\s\S]*relata\.config\.ts/);
    expect(results[2]!.stdout).toMatch(/Usage: relata plugin install \[options\] <name>/);
    expect(results[4]!.stdout).toMatch(/--force/);
    const top = await relata(['--help'], env);
    expect(top.stdout).toMatch(/plugin\s+list the configured plugins/);
  }, 120_000);

  it('lists the configured plugins without opening a database', async () => {
    const table = await relata(['plugin', 'list'], { RELATA_DATA_DIR: path.join(tempDir(), 'never') });
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toBe(
      [`Plugins configured in ${CONFIG}:`, 'NAME      VERSION  NEW WORKSPACES  DESCRIPTION', 'helpdesk  1.0.0    yes             Tickets and customers', 'vip       0.1.0    no              Marks customers as VIPs', ''].join('\n'),
    );
    const listed = json<unknown[]>(await relata(['plugin', 'list', '--json'], env));
    expect(listed).toEqual([
      { name: 'helpdesk', version: '1.0.0', newWorkspaces: true, description: 'Tickets and customers' },
      { name: 'vip', version: '0.1.0', newWorkspaces: false, description: 'Marks customers as VIPs' },
    ]);
    // Without a config file: the default list.
    const defaults = await relata(['plugin', 'list'], { ...env, RELATA_CONFIG: '' });
    expect(defaults.code, defaults.stderr).toBe(0);
    expect(defaults.stdout).toMatch(/^Default plugins \(no relata\.config\.ts\):/);
  }, 120_000);

  it('stops on a bad config with a clear message, before the database opens', async () => {
    const dataDir = path.join(tempDir(), 'untouched');
    const cases: Array<[string, RegExp]> = [
      [fixture('bad-plugins.config.ts'), /^error: .*bad-plugins\.config\.ts: The plugin list cannot run:\n\s+- plugins\[0\] \(Not A Name\): name must be[^\n]*\n\s+- plugins\[0\] \(Not A Name\): version must be a semantic version[^\n]*\n\s+- plugins\[2\] \(twice\): another plugin is named "twice"\n$/],
      [fixture('not-a-list.config.ts'), /^error: .*not-a-list\.config\.ts: plugins must be a list of plugins \(export default defineConfig\(\{ plugins: \[\.\.\.\] \}\)\); got string "helpdesk"\.\n$/],
      [path.join(dataDir, '..', 'missing.config.ts'), /^error: RELATA_CONFIG names .*missing\.config\.ts, which does not exist\.\n$/],
    ];
    for (const [config, message] of cases) {
      for (const args of [['workspace', 'list'], ['start']]) {
        const result = await relata(args, { RELATA_DATA_DIR: dataDir, RELATA_CONFIG: config, PORT: '0' });
        expect(result.code, `${args.join(' ')} with ${config}`).toBe(1);
        expect(result.stderr).toMatch(message);
      }
    }
    expect(fs.existsSync(dataDir), 'the database was never opened').toBe(false);
  }, 240_000);

  it('installs the configured plugins into new workspaces; install, upgrade and uninstall; relata start upgrades and serves them', async () => {
    const { workspaceId } = json<{ workspaceId: string }>(await relata(['workspace', 'create', '--name', 'Desk', '--json'], env));
    expect(json<Row[]>(await relata(['plugin', 'list', '--workspace', workspaceId, '--json'], env))).toEqual([
      { name: 'helpdesk', version: '1.0.0', installedVersion: '1.0.0', state: 'installed' },
      { name: 'vip', version: '0.1.0', installedVersion: null, state: 'not installed' },
    ]);

    const installed = await relata(['plugin', 'install', 'vip', '--workspace', workspaceId], env);
    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stdout).toBe(`Installed plugin vip 0.1.0 in workspace ${workspaceId}.\n  Created:     customer.vip\n`);
    const again = await relata(['plugin', 'install', 'vip', '--workspace', workspaceId], env);
    expect(again.stdout).toBe(`Plugin vip 0.1.0 is installed in workspace ${workspaceId} and up to date.\n`);

    // A newer helpdesk in the config: the workspace needs an upgrade.
    const v2 = { ...env, HELPDESK_VERSION: '2' };
    const table = await relata(['plugin', 'list', '--workspace', workspaceId], v2);
    expect(table.stdout).toMatch(/^NAME\s+VERSION\s+INSTALLED\s+STATE\nhelpdesk\s+1\.1\.0\s+1\.0\.0\s+upgrade available\nvip\s+0\.1\.0\s+0\.1\.0\s+installed\n/m);
    expect(table.stdout).toContain(`Upgrade with: npx relata plugin upgrade <name> --workspace ${workspaceId}`);
    const upgraded = await relata(['plugin', 'upgrade', 'helpdesk', '--workspace', workspaceId, '--json'], v2);
    expect(json(upgraded)).toEqual({
      workspaceId,
      plugin: 'helpdesk',
      version: '1.1.0',
      previousVersion: '1.0.0',
      created: ['ticket.tag'],
      updated: [],
      migrations: ['tag-existing-tickets'],
    });

    // Another workspace on 1.0.0: relata start (with 1.1.0) upgrades it, says so, and serves the plugin's GraphQL.
    const other = json<{ workspaceId: string; apiKey: string }>(await relata(['workspace', 'create', '--name', 'Other', '--json'], env));
    const server = await startServerProcess({ ...v2, RELATA_CONFIG: CONFIG });
    try {
      expect(server.output()).toContain(`Upgraded plugin helpdesk from 1.0.0 to 1.1.0 in workspace ${other.workspaceId} (migrations: tag-existing-tickets).\n`);
      expect(server.output()).not.toContain(`in workspace ${workspaceId}`);
      expect(server.output()).toContain(`Plugins:  helpdesk 1.1.0, vip 0.1.0 (${CONFIG})`);
      const gql = (query: string) =>
        fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${other.apiKey}` },
          body: JSON.stringify({ query }),
        }).then((res) => res.json() as Promise<{ data?: Record<string, unknown>; errors?: unknown[] }>);
      const opened = await gql('mutation { openTickets(input: { titles: ["Printer", "VPN"], priority: 4 }) { count tickets { headline tag } } }');
      expect(opened).toEqual({ data: { openTickets: { count: 2, tickets: [{ headline: '[P4] Printer', tag: null }, { headline: '[P4] VPN', tag: null }] } } });
    } finally {
      expect(await server.stop()).toBe(0);
    }

    const kept = await relata(['plugin', 'uninstall', 'vip', '--workspace', workspaceId], env);
    expect(kept.stdout).toBe(`Uninstalled plugin vip from workspace ${workspaceId}; its record types and fields stay, with their records, as the workspace's own.\n`);
    const forced = await relata(['plugin', 'uninstall', 'helpdesk', '--workspace', workspaceId, '--force'], v2);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('were deleted with their records');
    expect(json<Row[]>(await relata(['plugin', 'list', '--workspace', workspaceId, '--json'], v2)).map((r) => r.state)).toEqual(['not installed', 'not installed']);
  }, 300_000);

  it('fails clearly on an unknown plugin or workspace, a plugin not installed, or a bad id', async () => {
    const { workspaceId } = json<{ workspaceId: string }>(await relata(['workspace', 'create', '--name', 'Errors', '--json'], env));
    const unknown = await relata(['plugin', 'install', 'nope', '--workspace', workspaceId], env);
    expect(unknown).toMatchObject({ code: 1, stderr: `error: No plugin "nope" in this server's configuration\n` });
    const notInstalled = await relata(['plugin', 'upgrade', 'vip', '--workspace', workspaceId], env);
    expect(notInstalled).toMatchObject({ code: 1, stderr: 'error: Plugin "vip" is not installed in this workspace\n' });
    const noWorkspace = await relata(['plugin', 'list', '--workspace', '01a20000-0000-7000-8000-000000000000'], env);
    expect(noWorkspace.stderr).toMatch(/^error: No workspace 01a20000-0000-7000-8000-000000000000/);
    const badId = await relata(['plugin', 'uninstall', 'vip', '--workspace', 'nope'], env);
    expect(badId.stderr).toBe('error: Validation failed\n  workspace: must be an id (a UUID)\n');
    const missingOption = await relata(['plugin', 'install', 'vip'], env);
    expect(missingOption.stderr).toMatch(/required option '--workspace <workspaceId>' not specified/);
  }, 120_000);
});
