/** `relata workspace ...`: creates and lists workspaces (tenants). */
import { Command } from 'commander';
import { ENVIRONMENT_HELP, printJson, withEngine } from './common.ts';

/** The `workspace` command group. */
export function workspaceCommand(): Command {
  const group = new Command('workspace').description('create and list workspaces');

  group
    .command('create')
    .description('create a workspace and its first admin API key (shown only once); installs the plugins the config gives new workspaces')
    .requiredOption('--name <name>', 'name of the workspace')
    .option('--json', 'print {"workspaceId", "apiKey"} as JSON, and nothing else, on stdout')
    .addHelpText('after', ENVIRONMENT_HELP)
    .action(async (options: { name: string; json?: boolean }) => {
      await withEngine(async (engine, _config, plugins) => {
        const { createWorkspace } = await import('../plugins/new-workspace.ts');
        const created = await createWorkspace(engine, plugins, { name: options.name });
        // The key is printed even when a plugin failed to install: it is shown only once.
        const installFailure = async () => {
          if (!created.failed) return;
          const { plugin, error } = created.failed;
          console.error(`Installing plugin "${plugin}" into the workspace failed; install it later with: npx relata plugin install ${plugin} --workspace ${created.workspaceId}`);
          throw error;
        };
        if (options.json) {
          printJson({ workspaceId: created.workspaceId, apiKey: created.apiKey });
          return installFailure();
        }
        console.log(`Created workspace "${options.name.trim()}".`);
        console.log(`  Workspace id: ${created.workspaceId}`);
        console.log(`  API key:      ${created.apiKey}`);
        console.log(`  API key id:   ${created.apiKeyId}`);
        if (created.installed.length) console.log(`  Plugins:      ${created.installed.map((p) => `${p.plugin} ${p.version}`).join(', ')}`);
        console.log('');
        console.log('The API key is shown only this once: store it now. Send it as');
        console.log(`  Authorization: Bearer ${created.apiKey}`);
        console.log('To revoke it later:');
        console.log(`  npx relata api-key revoke ${created.apiKeyId} --workspace ${created.workspaceId}`);
        await installFailure();
      });
    });

  group
    .command('list')
    .description('list workspaces, oldest first')
    .option('--json', 'print the workspaces as a JSON array on stdout')
    .addHelpText('after', ENVIRONMENT_HELP)
    .action(async (options: { json?: boolean }) => {
      await withEngine(async (engine) => {
        const workspaces = await engine.workspaces.list();
        if (options.json) {
          printJson(workspaces.map((w) => ({ id: w.id, name: w.name, createdAt: w.createdAt.toISOString() })));
          return;
        }
        if (workspaces.length === 0) {
          console.log('No workspaces yet. Create one with: npx relata workspace create --name <name>');
          return;
        }
        for (const w of workspaces) {
          console.log(`${w.id}  ${w.createdAt.toISOString()}  ${w.name}`);
        }
      });
    });

  return group;
}
