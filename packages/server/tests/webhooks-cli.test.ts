/**
 * `relata webhook ...` run for real, and `relata start` delivering: create (the
 * secret shown), list (never the secret), update (a new secret, every kind again),
 * a record written through the started server arrives at a receiver signed with
 * the new secret, deliveries (with the attempt), replay and delete, with the
 * errors a user can make. On a temporary embedded database, or PostgreSQL.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPostgresTestDatabaseUrl } from '@relata/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, type Result } from './cli-process.ts';
import { verifyWebhook } from '../../sdk/src/index.ts';
import { startServerProcess, stopAll } from './server-process.ts';
import { startReceiver, type Receiver } from './webhook-receiver.ts';

const BIN = fileURLToPath(new URL('../bin/relata.js', import.meta.url));
const adminUrl = process.env.RELATA_TEST_DATABASE_URL;
const tempDirs: string[] = [];


const NO_PLUGINS = fileURLToPath(new URL('./fixtures/no-plugins.config.ts', import.meta.url));

function relata(args: string[], env: Record<string, string>): Promise<Result> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'relata-webhook-cli-'));
  tempDirs.push(cwd);
  // No plugins (tests/fixtures/no-plugins.config.ts): these tests are about webhooks, not the standard CRM.
  const childEnv: NodeJS.ProcessEnv = { ...process.env, RELATA_CONFIG: NO_PLUGINS, ...env };
  if (!env.DATABASE_URL) delete childEnv.DATABASE_URL;
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  return collect(child);
}

describe(`relata webhook (${adminUrl ? 'PostgreSQL' : 'PGlite'})`, () => {
  let env: Record<string, string>;
  let receiver: Receiver;
  let workspaceId: string;
  let apiKey: string;

  beforeAll(async () => {
    if (adminUrl) {
      env = { DATABASE_URL: await createPostgresTestDatabaseUrl(adminUrl) };
    } else {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relata-webhook-cli-data-'));
      tempDirs.push(dir);
      env = { RELATA_DATA_DIR: path.join(dir, 'data') };
    }
    receiver = await startReceiver();
    const created = await relata(['workspace', 'create', '--name', 'Hooks', '--json'], env);
    expect(created.code, created.stderr).toBe(0);
    ({ workspaceId, apiKey } = JSON.parse(created.stdout) as { workspaceId: string; apiKey: string });
  });
  afterAll(async () => {
    stopAll();
    await receiver?.close();
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints help for every webhook command', async () => {
    const commands = ['create', 'list', 'update', 'delete', 'replay', 'deliveries'];
    const results = await Promise.all([['webhook', '--help'], ...commands.map((c) => ['webhook', c, '--help'])].map((args) => relata(args, env)));
    results.forEach((result) => expect(result.code).toBe(0));
    for (const command of commands) expect(results[0]!.stdout).toContain(command);
    expect(results[1]!.stdout).toMatch(/--url <url>[\s\S]*--types[\s\S]*--kinds[\s\S]*--secret[\s\S]*--inactive[\s\S]*--json/);
  }, 120_000);

  it('creates, lists and updates a webhook; relata start delivers; deliveries, replay and delete', async () => {
    const created = await relata(['webhook', 'create', '--workspace', workspaceId, '--url', receiver.url, '--kinds', 'created,updated', '--json'], env);
    expect(created.code, created.stderr).toBe(0);
    const hook = JSON.parse(created.stdout) as { id: string; secret: string; kinds: string[]; types: string[]; state: string; active: boolean };
    expect(hook).toMatchObject({ kinds: ['CREATED', 'UPDATED'], types: [], state: 'active', active: true, secret: expect.stringMatching(/^whsec_/) });

    const table = await relata(['webhook', 'list', '--workspace', workspaceId], env);
    expect(table.stdout).toMatch(new RegExp(`^ID\\s+STATE\\s+TYPES\\s+KINDS\\s+URL\\n${hook.id}\\s+active\\s+all\\s+CREATED,UPDATED\\s+${receiver.url}\\n$`));
    const listed = await relata(['webhook', 'list', '--workspace', workspaceId, '--json'], env);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id: hook.id, kinds: ['CREATED', 'UPDATED'] })]);
    expect(listed.stdout + table.stdout).not.toContain(hook.secret);

    const updated = await relata(['webhook', 'update', hook.id, '--workspace', workspaceId, '--all-kinds', '--new-secret', '--json'], env);
    expect(updated.code, updated.stderr).toBe(0);
    const renewed = JSON.parse(updated.stdout) as { secret: string; kinds: string[] };
    expect(renewed.kinds).toEqual([]);
    expect(renewed.secret).toMatch(/^whsec_/);
    expect(renewed.secret).not.toBe(hook.secret);

    // The server delivers with the new secret.
    const server = await startServerProcess(env);
    try {
      const gql = (query: string) =>
        fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
          body: JSON.stringify({ query }),
        }).then((res) => res.json());
      await gql('mutation { createObjectType(input: { apiName: "deal", pluralApiName: "deals" }) { apiName } }');
      await gql('mutation { createField(objectType: "deal", input: { apiName: "name", type: TEXT }) { apiName } }');
      await gql('mutation { createDeal(input: { name: "Over the wire" }) { id } }');
      await receiver.waitFor('the delivery', () => receiver.requestsOf(hook.id).length >= 1);
      const [request] = receiver.requestsOf(hook.id);
      const verified = await verifyWebhook({ secret: renewed.secret, body: request!.body, headers: request!.headers });
      expect(verified.events.map((e) => [e.kind, e.record.name])).toEqual([['CREATED', 'Over the wire']]);
      // The receiver has the request before the server has recorded its answer: wait for that before stopping it
      // (a stop hands an attempt in flight back to the next process, pending).
      const deadline = Date.now() + 15_000;
      for (;;) {
        const { data } = (await gql(`query { webhookDeliveries(webhookId: "${hook.id}") { edges { node { status } } } }`)) as {
          data: { webhookDeliveries: { edges: Array<{ node: { status: string } }> } };
        };
        if (data.webhookDeliveries.edges[0]?.node.status === 'SUCCEEDED') break;
        if (Date.now() > deadline) throw new Error(`the delivery was not recorded as succeeded: ${JSON.stringify(data)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      expect(await server.stop()).toBe(0);
    }

    const deliveries = await relata(['webhook', 'deliveries', hook.id, '--workspace', workspaceId, '--json'], env);
    expect(deliveries.code, deliveries.stderr).toBe(0);
    const page = JSON.parse(deliveries.stdout) as { deliveries: Array<{ id: string; status: string; lastCursor: string; attemptLog: Array<{ statusCode: number }> }>; hasNextPage: boolean };
    expect(page.hasNextPage).toBe(false);
    expect(page.deliveries.map((d) => [d.status, d.attemptLog.map((a) => a.statusCode)])).toEqual([['succeeded', [200]]]);
    const deliveriesTable = await relata(['webhook', 'deliveries', hook.id, '--workspace', workspaceId], env);
    expect(deliveriesTable.stdout).toMatch(new RegExp(`${page.deliveries[0]!.id}\\s+succeeded\\s+1\\s+1\\s+HTTP 200 in \\d+ ms`));

    const replayed = await relata(['webhook', 'replay', hook.id, '--workspace', workspaceId, '--after', page.deliveries[0]!.lastCursor], env);
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.stdout).toContain(`Webhook ${hook.id} will receive every event after ${page.deliveries[0]!.lastCursor} again.`);
    const badCursor = await relata(['webhook', 'replay', hook.id, '--workspace', workspaceId, '--after', 'nope'], env);
    expect(badCursor.code).toBe(1);
    expect(badCursor.stderr).toMatch(/^error: after is not an event cursor/);

    const deleted = await relata(['webhook', 'delete', hook.id, '--workspace', workspaceId], env);
    expect(deleted.stdout).toContain(`Deleted webhook ${hook.id} of workspace ${workspaceId}.`);
    const again = await relata(['webhook', 'delete', hook.id, '--workspace', workspaceId], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`error: No webhook ${hook.id} in workspace ${workspaceId}`);
    // Each command opens (and on PGlite loads) the database: minutes on a busy machine.
  }, 240_000);

  it('fails clearly on an unknown workspace, a bad id or a bad URL', async () => {
    const unknown = await relata(['webhook', 'list', '--workspace', '01a20000-0000-7000-8000-000000000000'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No workspace 01a20000-0000-7000-8000-000000000000/);
    const badId = await relata(['webhook', 'delete', 'nope', '--workspace', workspaceId], env);
    expect(badId.stderr).toMatch(/id: must be an id/);
    const bad = await relata(['webhook', 'create', '--workspace', workspaceId, '--url', 'ftp://example.com', '--kinds', 'created,exploded'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/url: must be an http or https URL\n.*kinds\.1: must be one of CREATED, UPDATED, DELETED, RESTORED, DESTROYED/);
  }, 120_000);
});
