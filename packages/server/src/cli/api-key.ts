/** `relata api-key ...`: manages the API keys of a workspace. */
import { Command } from 'commander';
import { ENVIRONMENT_HELP, loadCore, requireUuids, withEngine } from './common.ts';

/** The `api-key` command group. */
export function apiKeyCommand(): Command {
  const group = new Command('api-key').description('manage API keys');

  group
    .command('revoke')
    .description('revoke an API key: it stops working on the next request')
    .argument('<id>', 'id of the API key (printed by `relata workspace create`)')
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
