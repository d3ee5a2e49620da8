/**
 * Reads the plugin configuration: `relata.config.ts` in the working directory
 * (`RELATA_CONFIG` may name another file), or the default list without one. The
 * list is checked here, before any database opens: a config that is not a plugin
 * list, a plugin list core refuses (PluginConfigError), GraphQL that does not
 * parse, or an unknown name in installOnNewWorkspaces is a ConfigError saying what
 * is wrong. Loading a .ts file works under the `relata` CLI (it runs under tsx).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyPlugin } from '@relata/core/plugin';
import { ConfigError } from '../config/env.ts';
import { DEFAULT_PLUGIN_PACKAGES, loadDefaultPlugins } from './default-plugins.ts';

/** File names looked for in the working directory, in this order. */
export const CONFIG_FILE_NAMES = ['relata.config.ts', 'relata.config.mts', 'relata.config.js', 'relata.config.mjs'] as const;

/** The plugins of this process, checked. */
export interface PluginSetup {
  /** In config order. */
  plugins: readonly AnyPlugin[];
  /** Names of the plugins new workspaces get, in config order. */
  installOnNewWorkspaces: readonly string[];
  /** The config file read (absolute), or null for the default list. */
  file: string | null;
  /** With the default list: the default plugin packages that are not installed (left out). */
  missing: readonly string[];
}

/** Which config file applies: RELATA_CONFIG, or the first of CONFIG_FILE_NAMES in `cwd`; null for none. */
export function findConfigFile(env: NodeJS.ProcessEnv, cwd: string): string | null {
  const named = env.RELATA_CONFIG?.trim();
  if (named) {
    const file = path.resolve(cwd, named);
    if (!fs.existsSync(file)) throw new ConfigError(`RELATA_CONFIG names ${file}, which does not exist.`);
    return file;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const file = path.join(cwd, name);
    if (fs.existsSync(file)) return file;
  }
  return null;
}

/** Checks a config value and makes the setup from it; throws ConfigError. `where` names its source in messages. */
export async function checkPluginConfig(value: unknown, where: string, file: string | null = null, missing: readonly string[] = []): Promise<PluginSetup> {
  const usage = 'export default defineConfig({ plugins: [...] })';
  if (!value || typeof value !== 'object') throw new ConfigError(`${where} must ${usage}; its default export is ${describe(value)}.`);
  const { plugins, installOnNewWorkspaces = true } = value as { plugins?: unknown; installOnNewWorkspaces?: unknown };
  if (!Array.isArray(plugins)) throw new ConfigError(`${where}: plugins must be a list of plugins (${usage}); got ${describe(plugins)}.`);

  const { createPluginHost, PluginConfigError } = await import('@relata/core');
  let host: ReturnType<typeof createPluginHost>;
  try {
    host = createPluginHost(plugins as AnyPlugin[]);
  } catch (error) {
    if (error instanceof PluginConfigError) throw new ConfigError(`${where}: ${error.message}`);
    throw error;
  }
  if (plugins.some((p: AnyPlugin) => p.graphql)) {
    const { checkPluginGraphQL } = await import('../schema/plugin-sdl.ts');
    const problems = (plugins as AnyPlugin[]).flatMap((p) => checkPluginGraphQL(p).map((problem) => `plugin "${p.name}": ${problem}`));
    if (problems.length) throw new ConfigError(`${where}: the plugins' GraphQL cannot be served:\n  - ${problems.join('\n  - ')}`);
  }

  const names = (plugins as AnyPlugin[]).map((p) => p.name);
  let install: string[];
  if (installOnNewWorkspaces === true) install = names;
  else if (installOnNewWorkspaces === false) install = [];
  else if (Array.isArray(installOnNewWorkspaces) && installOnNewWorkspaces.every((n) => typeof n === 'string')) {
    const unknown = installOnNewWorkspaces.filter((n) => !names.includes(n));
    if (unknown.length) {
      throw new ConfigError(`${where}: installOnNewWorkspaces names ${unknown.map((n) => `"${n}"`).join(', ')}, not in plugins (${names.join(', ') || 'none'}).`);
    }
    install = names.filter((n) => installOnNewWorkspaces.includes(n));
  } else {
    throw new ConfigError(`${where}: installOnNewWorkspaces must be true, false or a list of plugin names; got ${describe(installOnNewWorkspaces)}.`);
  }
  // A plugin adding fields to another plugin's types needs that one installed too.
  for (const name of install) {
    for (const type of Object.keys(host.find(name)!.fields ?? {})) {
      const owner = host.typeOwner(type);
      if (owner && !install.includes(owner)) {
        throw new ConfigError(`${where}: installOnNewWorkspaces has "${name}", which adds fields to "${type}" of plugin "${owner}": add "${owner}" too.`);
      }
    }
  }
  return { plugins: plugins as AnyPlugin[], installOnNewWorkspaces: install, file, missing };
}

/**
 * The plugin setup of this process: from the config file if there is one, else the
 * default list. Throws ConfigError when it cannot run.
 */
export async function loadPluginSetup(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Promise<PluginSetup> {
  const file = findConfigFile(env, cwd);
  if (!file) {
    const defaults = await loadDefaultPlugins();
    return checkPluginConfig({ plugins: defaults.plugins, installOnNewWorkspaces: true }, `The default plugins (${DEFAULT_PLUGIN_PACKAGES.join(', ')})`, null, defaults.missing);
  }
  let loaded: { default?: unknown };
  try {
    loaded = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // A .ts or .js file where the nearest package.json lacks "type": "module" is loaded as CommonJS.
    const commonJs = /require\(\) ES Module|ERR_REQUIRE_ESM|Cannot use import statement outside a module/.test(message) && /\.(ts|js)$/.test(file);
    const hint = commonJs ? ` (it is loaded as CommonJS: name it ${file.replace(/\.(ts|js)$/, '.m$1')}, or add "type": "module" to its package.json)` : '';
    throw new ConfigError(`Cannot load ${file}: ${message}${hint}`);
  }
  return checkPluginConfig(loaded.default, file, file);
}

/** A value, described in a few words for an error message. */
function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}
