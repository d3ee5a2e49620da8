/**
 * Making a workspace, the one way every path does it (the demo workspace of the
 * first `relata start`, `relata workspace create`, the testkit): create it, then
 * install the plugins the config gives new workspaces, in config order.
 */
import { systemActor, type Engine, type InstallResult } from '@relata/core';

/** A new workspace: its first admin key, and what was installed into it. */
export interface NewWorkspace {
  workspaceId: string;
  apiKey: string;
  apiKeyId: string;
  /** The plugins installed, in order. */
  installed: InstallResult[];
  /**
   * The install that failed, if one did (the workspace and its key exist: the
   * plugins before it are installed, the rest are not; install them with
   * `relata plugin install` once the cause is fixed).
   */
  failed?: { plugin: string; error: unknown };
}

/** Installs `plugins` (names, in order) into a workspace, as the system; stops at the first failure. */
export async function installPlugins(engine: Engine, workspaceId: string, plugins: readonly string[]): Promise<Pick<NewWorkspace, 'installed' | 'failed'>> {
  const installed: InstallResult[] = [];
  for (const plugin of plugins) {
    try {
      installed.push(await engine.plugins.install(systemActor(workspaceId), plugin));
    } catch (error) {
      return { installed, failed: { plugin, error } };
    }
  }
  return { installed };
}

/** Creates a workspace and installs `installOnNewWorkspaces` (plugin names, in config order) into it. */
export async function createWorkspace(
  engine: Engine,
  setup: { installOnNewWorkspaces: readonly string[] },
  input: { name: string; keyName?: string },
): Promise<NewWorkspace> {
  const created = await engine.workspaces.create(input);
  return { ...created, ...(await installPlugins(engine, created.workspaceId, setup.installOnNewWorkspaces)) };
}
