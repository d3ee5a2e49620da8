/**
 * The `relata` command-line tool, run for real (cli-process.ts): in a child
 * process, on a temporary embedded data directory or a fresh PostgreSQL database.
 * PGlite is one process per data directory, so the test opens the engine itself
 * only after the CLI process has exited.
 */
import fs from 'node:fs';
import path from 'node:path';
import { systemActor } from '@relata/core';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.ts';
import { adminUrl, engineName, newTarget, relata, sharedTarget, startServer, withTestEngine, type Result } from './cli-process.ts';

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
