/** `relata api-key ...`: creates, lists and revokes the API keys of a workspace. */
import type { Engine } from '@relata/core';
import { Command } from 'commander';
import { ENVIRONMENT_HELP, loadCore, printJson, requireUuids, withEngine } from './common.ts';

/** Fails with NOT_FOUND unless the workspace exists (keys of an unknown workspace would say nothing useful). */
export async function requireWorkspace(engine: Engine, workspaceId: string): Promise<void> {
  if (await engine.workspaces.find(workspaceId)) return;
  const { NotFoundError } = await loadCore();
  throw new NotFoundError(`No workspace ${workspaceId}. List them with: npx relata workspace list`, { id: workspaceId });
}

/** A key's state as a word: active, revoked or expired. */
function keyState(key: { revokedAt: Date | null; expiresAt: Date | null }, now = Date.now()): string {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && key.expiresAt.getTime() <= now) return 'expired';
  return 'active';
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** The `api-key` command group. */
export function apiKeyCommand(): Command {
  const group = new Command('api-key').description('create, list and revoke API keys');

  group
    .command('create')
    .description('create an API key with a role (shown only once)')
    .requiredOption('--workspace <workspaceId>', 'id of the workspace the key is for')
    .requiredOption('--name <name>', 'name of the key, to tell keys apart in lists')
    .requiredOption('--role <role>', 'admin, member, viewer, or a custom role name')
    .option('--expires-at <datetime>', 'when the key stops working, ISO-8601 with an offset (e.g. 2027-01-01T00:00:00Z); never by default')
    .option('--json', 'print {"apiKeyId", "apiKey", "workspaceId", "name", "role", "expiresAt"} as JSON, and nothing else, on stdout')
    .addHelpText('after', ENVIRONMENT_HELP)
    .action(async (options: { workspace: string; name: string; role: string; expiresAt?: string; json?: boolean }) => {
      await requireUuids({ workspace: options.workspace });
      await withEngine(async (engine) => {
        await requireWorkspace(engine, options.workspace);
        const { systemActor } = await loadCore();
        const { key, apiKey } = await engine.workspaces.createApiKey(systemActor(options.workspace), {
          name: options.name,
          role: options.role,
          expiresAt: options.expiresAt,
        });
        if (options.json) {
          printJson({ apiKeyId: apiKey.id, apiKey: key, workspaceId: apiKey.workspaceId, name: apiKey.name, role: apiKey.role, expiresAt: iso(apiKey.expiresAt) });
          return;
        }
        console.log(`Created API key "${apiKey.name}" (role ${apiKey.role}) in workspace ${apiKey.workspaceId}.`);
        console.log(`  API key:      ${key}`);
        console.log(`  API key id:   ${apiKey.id}`);
        console.log(`  Expires:      ${iso(apiKey.expiresAt) ?? 'never'}`);
        console.log('');
        console.log('The API key is shown only this once: store it now. Send it as');
        console.log(`  Authorization: Bearer ${key}`);
        console.log('To revoke it later:');
        console.log(`  npx relata api-key revoke ${apiKey.id} --workspace ${apiKey.workspaceId}`);
      });
    });

  group
    .command('list')
    .description("list a workspace's API keys, oldest first (never the keys themselves)")
    .requiredOption('--workspace <workspaceId>', 'id of the workspace')
    .option('--json', 'print the keys as a JSON array on stdout')
    .addHelpText('after', ENVIRONMENT_HELP)
    .action(async (options: { workspace: string; json?: boolean }) => {
      await requireUuids({ workspace: options.workspace });
      await withEngine(async (engine) => {
        await requireWorkspace(engine, options.workspace);
        const { systemActor } = await loadCore();
        const keys = await engine.workspaces.findApiKeys(systemActor(options.workspace));
        if (options.json) {
          printJson(
            keys.map((k) => ({
              id: k.id,
              name: k.name,
              prefix: k.prefix,
              role: k.role,
              state: keyState(k),
              createdAt: iso(k.createdAt),
              expiresAt: iso(k.expiresAt),
              lastUsedAt: iso(k.lastUsedAt),
              revokedAt: iso(k.revokedAt),
            })),
          );
          return;
        }
        if (keys.length === 0) {
          console.log(`Workspace ${options.workspace} has no API keys. Create one with: npx relata api-key create --workspace ${options.workspace} --name <name>`);
          return;
        }
        const rows = [
          ['ID', 'PREFIX', 'ROLE', 'STATE', 'LAST USED', 'EXPIRES', 'NAME'],
          ...keys.map((k) => [k.id, `${k.prefix}...`, k.role, keyState(k), iso(k.lastUsedAt) ?? 'never', iso(k.expiresAt) ?? 'never', k.name]),
        ];
        const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
        for (const row of rows) console.log(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
      });
    });

  group
    .command('revoke')
    .description('revoke an API key: it stops working on the next request')
    .argument('<id>', 'id of the API key (printed by `relata api-key create` and `relata api-key list`)')
    .requiredOption('--workspace <workspaceId>', 'id of the workspace the key belongs to')
    .addHelpText('after', ENVIRONMENT_HELP)
    .action(async (id: string, options: { workspace: string }) => {
      await requireUuids({ id, workspace: options.workspace });
      await withEngine(async (engine) => {
        const { systemActor } = await loadCore();
        await engine.workspaces.revokeApiKey(systemActor(options.workspace), id);
        console.log(`Revoked API key ${id} of workspace ${options.workspace}. It stops working on the next request.`);
      });
    });

  return group;
}
