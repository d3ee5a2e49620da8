/**
 * The plugins a server runs, in the order its config lists them: checked once at
 * start (unique names, valid versions, no type defined twice), then asked, per
 * write, which hooks apply to a record type in a workspace. A plugin's hooks,
 * handlers and jobs apply only in workspaces it is installed in.
 */
import type { WorkspaceMetadata } from '../metadata/workspace-metadata.ts';
import { checkApiName } from '../metadata/names.ts';
import type { AnyPlugin, HandlerDefinition, JobDefinition, RecordHooks } from './define.ts';
// A cycle (job-scheduler uses PluginConfigError), harmless: both are used only when called.
import { scheduleProblem } from './job-scheduler.ts';

/** A plugin list that cannot run: what is wrong, in words. */
export class PluginConfigError extends Error {
  override name = 'PluginConfigError';
}

/** `1.2.3`, optionally with a pre-release (`1.2.3-beta.1`). */
const SEMVER = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/;
const PLUGIN_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** Compares two versions: negative when `a` is older, 0 when equal, positive when newer. */
export function compareVersions(a: string, b: string): number {
  const pa = SEMVER.exec(a);
  const pb = SEMVER.exec(b);
  if (!pa || !pb) return a.localeCompare(b);
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return d;
  }
  // A release is newer than its pre-releases.
  if (pa[4] === pb[4]) return 0;
  if (!pa[4]) return 1;
  if (!pb[4]) return -1;
  return pa[4].localeCompare(pb[4], 'en', { numeric: true });
}

/** One plugin's hooks on one record type. */
export interface AppliedHooks {
  plugin: string;
  hooks: RecordHooks;
}

/** A handler with its plugin and name (`crm/stage-times`). */
export interface NamedHandler {
  plugin: string;
  name: string;
  /** `<plugin>/<handler>`: the key of its position in the log. */
  key: string;
  definition: HandlerDefinition;
}

/** A job with its plugin and name. */
export interface NamedJob {
  plugin: string;
  name: string;
  definition: JobDefinition;
}

/** Checks `plugins` and indexes them. Throws PluginConfigError naming every problem. */
export function createPluginHost(plugins: readonly AnyPlugin[]) {
  const problems: string[] = [];
  const byName = new Map<string, AnyPlugin>();
  const typeOwner = new Map<string, string>();
  for (const [i, plugin] of plugins.entries()) {
    const at = `plugins[${i}]${plugin?.name ? ` (${plugin.name})` : ''}`;
    if (!plugin || typeof plugin !== 'object') {
      problems.push(`${at} is not a plugin: make it with definePlugin()`);
      continue;
    }
    if (typeof plugin.name !== 'string' || !PLUGIN_NAME.test(plugin.name) || plugin.name === 'custom') {
      problems.push(`${at}: name must be lower-case letters, digits and dashes, starting with a letter (and not "custom")`);
    } else if (byName.has(plugin.name)) {
      problems.push(`${at}: another plugin is named "${plugin.name}"`);
    }
    if (typeof plugin.version !== 'string' || !SEMVER.test(plugin.version)) problems.push(`${at}: version must be a semantic version such as 1.0.0`);
    for (const type of plugin.recordTypes ?? []) {
      const problem = checkApiName(type.apiName, 'type') ?? checkApiName(type.pluralApiName, 'type');
      if (problem) problems.push(`${at}: record type "${type.apiName}": ${problem.message}`);
      const owner = typeOwner.get(type.apiName);
      if (owner) problems.push(`${at}: record type "${type.apiName}" is already defined by plugin "${owner}"`);
      typeOwner.set(type.apiName, plugin.name);
      for (const name of Object.keys(type.fields)) {
        const fieldProblem = checkApiName(name, 'field');
        if (fieldProblem) problems.push(`${at}: field "${type.apiName}.${name}": ${fieldProblem.message}`);
      }
    }
    const migrations = (plugin.migrations ?? []).map((m) => m.name);
    const repeated = migrations.filter((m, j) => migrations.indexOf(m) !== j);
    if (repeated.length) problems.push(`${at}: migration names repeat: ${[...new Set(repeated)].join(', ')}`);
    for (const [name, job] of Object.entries(plugin.jobs ?? {})) {
      const problem = scheduleProblem(job.schedule);
      if (problem) problems.push(`${at}: job "${name}": ${problem}`);
    }
    if (typeof plugin.name === 'string') byName.set(plugin.name, plugin);
  }
  if (problems.length) throw new PluginConfigError(`The plugin list cannot run:\n  - ${problems.join('\n  - ')}`);

  const handlers: NamedHandler[] = plugins.flatMap((p) =>
    Object.entries(p.handlers ?? {}).map(([name, definition]) => ({ plugin: p.name, name, key: `${p.name}/${name}`, definition })),
  );
  const jobs: NamedJob[] = plugins.flatMap((p) => Object.entries(p.jobs ?? {}).map(([name, definition]) => ({ plugin: p.name, name, definition })));
  const hooked = new Set(plugins.flatMap((p) => Object.keys(p.hooks ?? {})));

  return {
    /** The plugins, in config order. */
    plugins,
    /** The plugin named `name`, or undefined. */
    find: (name: string) => byName.get(name),
    /** Every handler of every plugin, in config order. */
    handlers,
    jobs,
    /** The plugin that defines record type `apiName`, if one does. */
    typeOwner: (apiName: string) => typeOwner.get(apiName),
    /** Hooks on `typeName` in the workspace of `metadata`, from plugins installed there, in config order. */
    hooksFor(metadata: WorkspaceMetadata, typeName: string): AppliedHooks[] {
      if (!hooked.has(typeName) || metadata.plugins.size === 0) return [];
      const applied: AppliedHooks[] = [];
      for (const plugin of plugins) {
        const hooks = (plugin.hooks as Record<string, RecordHooks | undefined> | undefined)?.[typeName];
        if (hooks && metadata.plugins.has(plugin.name)) applied.push({ plugin: plugin.name, hooks });
      }
      return applied;
    },
  };
}

/** The checked plugin list. */
export type PluginHost = ReturnType<typeof createPluginHost>;
