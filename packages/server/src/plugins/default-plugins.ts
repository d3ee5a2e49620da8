/**
 * The default plugin list, used when there is no `relata.config.ts`: the standard
 * CRM objects and lead scoring, installed into every new workspace. The one place
 * that names them; the repository's own relata.config.ts lists the same.
 *
 * Each package's default export is its plugin (`definePlugin(...)`). They are
 * imported when a command runs, not when the CLI loads. A package that is not
 * installed is left out and named in `missing` (`relata start` and
 * `relata plugin list` say so): any other failure to load one is an error.
 */
import type { AnyPlugin } from '@relata/core/plugin';

/** The packages of the default plugins, in config order (lead scoring adds fields to the CRM's lead). */
export const DEFAULT_PLUGIN_PACKAGES: readonly string[] = ['@relata/plugin-crm', '@relata/plugin-lead-scoring'];

/** The default plugins that could be loaded, and the packages that are not installed. */
export interface DefaultPlugins {
  plugins: AnyPlugin[];
  missing: string[];
}

/** True when `error` says that `specifier` itself (not something it imports) cannot be found. */
function isMissing(error: unknown, specifier: string): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : '';
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find (module|package)/.test(message)) &&
    message.includes(`'${specifier}'`);
}

/** Loads the default plugins (`importer` is replaceable in tests). */
export async function loadDefaultPlugins(importer: (specifier: string) => Promise<unknown> = (s) => import(s)): Promise<DefaultPlugins> {
  const plugins: AnyPlugin[] = [];
  const missing: string[] = [];
  for (const specifier of DEFAULT_PLUGIN_PACKAGES) {
    let loaded: { default?: unknown };
    try {
      loaded = (await importer(specifier)) as { default?: unknown };
    } catch (error) {
      if (isMissing(error, specifier)) {
        missing.push(specifier);
        continue;
      }
      throw new Error(`Cannot load the default plugin ${specifier}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    plugins.push(loaded.default as AnyPlugin);
  }
  return { plugins, missing };
}
