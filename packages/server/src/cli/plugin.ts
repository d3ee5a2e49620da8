/** `relata plugin ...`: lists the configured plugins, and installs, upgrades and uninstalls them in a workspace. */
import type { Installation, InstallResult } from '@relata/core';
import { Command } from 'commander';
import type { PluginSetup } from '../plugins/load-config.ts';
import { requireWorkspace } from './api-key.ts';
import { ENVIRONMENT_HELP, loadCore, loadPlugins, printJson, requireUuids, withEngine } from './common.ts';

const CONFIG_HELP = `
Plugins are the ones relata.config.ts lists (RELATA_CONFIG may name another file);
without one, the standard CRM and lead-scoring plugins (docs/plugin-config.md).`;

/** Prints rows as a table whose last column is not padded. */
function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) console.log(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
}

/** Where the plugin list comes from, in words. */
function describeSource(setup: PluginSetup): string {
  return setup.file ? `Plugins configured in ${setup.file}` : 'Default plugins (no relata.config.ts)';
}

/** A plugin's state in a workspace: installed, upgrade available, not installed, not configured, or newer than configured. */
function stateOf(configured: string | null, installed: Installation | undefined, compare: (a: string, b: string) => number): string {
  if (!installed) return 'not installed';
  if (configured === null) return 'not configured';
  const order = compare(installed.version, configured);
  return order < 0 ? 'upgrade available' : order > 0 ? 'newer than configured' : 'installed';
}

/** What an install or upgrade did, in lines. */
function printResult(result: InstallResult, workspaceId: string): void {
  const { plugin, version, previousVersion } = result;
  const changed = result.created.length + result.updated.length + result.migrations.length > 0;
  if (previousVersion === null) console.log(`Installed plugin ${plugin} ${version} in workspace ${workspaceId}.`);
  else if (previousVersion !== version) console.log(`Upgraded plugin ${plugin} from ${previousVersion} to ${version} in workspace ${workspaceId}.`);
  else console.log(`Plugin ${plugin} ${version} is installed in workspace ${workspaceId}${changed ? '; brought up to date' : ' and up to date'}.`);
  if (result.created.length) console.log(`  Created:     ${result.created.join(', ')}`);
  if (result.updated.length) console.log(`  Updated:     ${result.updated.join(', ')}`);
  if (result.migrations.length) console.log(`  Migrations:  ${result.migrations.join(', ')}`);
}

const resultJson = (result: InstallResult, workspaceId: string) => ({ workspaceId, ...result });

/** The `plugin` command group. */
export function pluginCommand(): Command {
  const group = new Command('plugin').description("list the configured plugins; install, upgrade and uninstall them in a workspace").addHelpText('after', CONFIG_HELP);

  group
    .command('list')
    .description('list the configured plugins with their versions; with --workspace, which are installed there and which need an upgrade')
    .option('--workspace <workspaceId>', 'id of a workspace')
    .option('--json', 'print the plugins as a JSON array on stdout')
    .addHelpText('after', `${CONFIG_HELP}\n${ENVIRONMENT_HELP}`)
    .action(async (options: { workspace?: string; json?: boolean }) => {
      if (options.workspace === undefined) {
        // No database needed: the config alone says what runs.
        const setup = await loadPlugins();
        const rows = setup.plugins.map((p) => ({
          name: p.name,
          version: p.version,
          newWorkspaces: setup.installOnNewWorkspaces.includes(p.name),
          description: p.description ?? null,
        }));
        if (options.json) return printJson(rows);
        console.log(`${describeSource(setup)}:`);
        if (rows.length === 0) console.log('  none');
        else printTable([['NAME', 'VERSION', 'NEW WORKSPACES', 'DESCRIPTION'], ...rows.map((r) => [r.name, r.version, r.newWorkspaces ? 'yes' : 'no', r.description ?? ''])]);
        if (setup.missing.length) console.log(`Not installed, left out: ${setup.missing.join(', ')}`);
        return;
      }
      const workspaceId = options.workspace;
      await requireUuids({ workspace: workspaceId });
      await withEngine(async (engine, _config, setup) => {
        await requireWorkspace(engine, workspaceId);
        const { compareVersions, systemActor } = await loadCore();
        const installed = await engine.plugins.installed(systemActor(workspaceId));
        const byName = new Map(installed.map((i) => [i.plugin, i]));
        const names = [...setup.plugins.map((p) => p.name), ...installed.map((i) => i.plugin).filter((n) => !setup.plugins.some((p) => p.name === n))];
        const rows = names.map((name) => {
          const configured = setup.plugins.find((p) => p.name === name)?.version ?? null;
          const found = byName.get(name);
          return { name, version: configured, installedVersion: found?.version ?? null, state: stateOf(configured, found, compareVersions) };
        });
        if (options.json) return printJson(rows);
        console.log(`${describeSource(setup)}, in workspace ${workspaceId}:`);
        if (rows.length === 0) return console.log('  none');
        printTable([['NAME', 'VERSION', 'INSTALLED', 'STATE'], ...rows.map((r) => [r.name, r.version ?? '-', r.installedVersion ?? '-', r.state])]);
        const due = rows.filter((r) => r.state === 'upgrade available');
        if (due.length) console.log(`\nUpgrade with: npx relata plugin upgrade <name> --workspace ${workspaceId} (relata start upgrades every workspace)`);
      });
    });

  // install and upgrade differ only in their words and the engine call.
  const installs = [
    ['install', 'install a configured plugin into a workspace: its record types and fields, then its data migrations', 'name of the plugin (see relata plugin list)', 'installed'],
    ['upgrade', 'upgrade an installed plugin in a workspace to the configured version (relata start does it for every workspace)', 'name of the plugin', 'upgraded'],
  ] as const;
  for (const [verb, description, argument, done] of installs) {
    group
      .command(verb)
      .description(description)
      .argument('<name>', argument)
      .requiredOption('--workspace <workspaceId>', 'id of the workspace')
      .option('--json', `print what was ${done} as JSON on stdout`)
      .addHelpText('after', `${CONFIG_HELP}\n${ENVIRONMENT_HELP}`)
      .action(async (name: string, options: { workspace: string; json?: boolean }) => {
        await requireUuids({ workspace: options.workspace });
        await withEngine(async (engine) => {
          await requireWorkspace(engine, options.workspace);
          const { systemActor } = await loadCore();
          const result = await engine.plugins[verb](systemActor(options.workspace), name);
          if (options.json) return printJson(resultJson(result, options.workspace));
          printResult(result, options.workspace);
        });
      });
  }

  group
    .command('uninstall')
    .description("uninstall a plugin from a workspace; its record types and fields stay, with their records, as the workspace's own")
    .argument('<name>', 'name of the plugin')
    .requiredOption('--workspace <workspaceId>', 'id of the workspace')
    .option('--force', 'delete its record types and fields, with their records, instead of keeping them')
    .addHelpText('after', ENVIRONMENT_HELP)
    .action(async (name: string, options: { workspace: string; force?: boolean }) => {
      await requireUuids({ workspace: options.workspace });
      await withEngine(async (engine) => {
        await requireWorkspace(engine, options.workspace);
        const { systemActor } = await loadCore();
        await engine.plugins.uninstall(systemActor(options.workspace), name, { force: options.force === true });
        console.log(
          options.force
            ? `Uninstalled plugin ${name} from workspace ${options.workspace}; its record types and fields were deleted with their records.`
            : `Uninstalled plugin ${name} from workspace ${options.workspace}; its record types and fields stay, with their records, as the workspace's own.`,
        );
      });
    });

  return group;
}
