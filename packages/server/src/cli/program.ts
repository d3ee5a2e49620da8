/** The `relata` program: its commands, and running it with errors reported. */
import fs from 'node:fs';
import { Command } from 'commander';
import { apiKeyCommand } from './api-key.ts';
import { codegenCommand } from './codegen.ts';
import { ENVIRONMENT_HELP, reportError } from './common.ts';
import { migrateCommand } from './migrate.ts';
import { pluginCommand } from './plugin.ts';
import { startCommand } from './start.ts';
import { webhookCommand } from './webhook.ts';
import { workspaceCommand } from './workspace.ts';

function version(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Builds the program (a new one each call). */
export function createProgram(): Command {
  return new Command('relata')
    .description('Relata, the headless CRM: run the GraphQL server and manage its database.')
    .version(version(), '-v, --version', 'print the version')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', ENVIRONMENT_HELP)
    .addCommand(startCommand())
    .addCommand(migrateCommand())
    .addCommand(workspaceCommand())
    .addCommand(apiKeyCommand())
    .addCommand(webhookCommand())
    .addCommand(pluginCommand())
    .addCommand(codegenCommand());
}

/**
 * Runs the program on `argv` (process.argv form). Returns the exit code for a
 * command that finished; a failing command reports its error and returns 1.
 * Usage errors and --help/--version are handled (and exited) by commander.
 */
export async function runCli(argv: readonly string[] = process.argv): Promise<number> {
  try {
    await createProgram().parseAsync([...argv]);
    return 0;
  } catch (error) {
    await reportError(error);
    return 1;
  }
}
