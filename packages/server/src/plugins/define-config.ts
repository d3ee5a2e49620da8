/**
 * `defineConfig`: the typed shape of `relata.config.ts`, the file that lists the
 * plugins a server runs. A plain value: importing a plugin registers nothing,
 * only its place in this list makes the server run it (docs/plugin-config.md).
 *
 * ```ts
 * // relata.config.ts
 * import crm from '@relata/plugin-crm';
 * import { defineConfig } from '@relata/server/config';
 * export default defineConfig({ plugins: [crm], installOnNewWorkspaces: true });
 * ```
 *
 * `@relata/server` exports it too; `@relata/server/config` is this module alone,
 * so that commands reading the config do not load the GraphQL stack.
 */
import type { AnyPlugin } from '@relata/core/plugin';

/** What `relata.config.ts` exports (as its default export). */
export interface RelataFileConfig {
  /**
   * The plugins this server runs, in order: hooks of several plugins on one
   * record type run in this order, and new workspaces get them installed in it.
   * A plugin that adds fields to another's types comes after it.
   */
  plugins: readonly AnyPlugin[];
  /**
   * Which plugins a new workspace gets installed (the demo workspace of the first
   * start, `relata workspace create`, the testkit): `true` for every plugin of
   * `plugins`, `false` for none, or the names of some (installed in the order of
   * `plugins`, not of this list).
   * @default true
   */
  installOnNewWorkspaces?: readonly string[] | boolean;
}

/** Returns `config` as given; it exists for the types (and editor completion). */
export function defineConfig(config: RelataFileConfig): RelataFileConfig {
  return config;
}
