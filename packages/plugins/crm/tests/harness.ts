/**
 * A real engine on a fresh test database (PGlite or PostgreSQL, as the run
 * selects) with plugins, their handlers driven by hand (`settle`), and helpers to
 * make workspaces with the plugins installed. Shared by the lead-scoring tests.
 */
import { createEngine, startPluginWorkers, type Actor, type AnyPlugin, type Engine, type PluginRecords, type PluginWorkers } from '@relata/core';
import { createTestDatabase } from '@relata/core/testing';

export interface Harness {
  engine: Engine;
  workers: PluginWorkers;
  /** What handlers reported (failures, dead letters): tests expect none. */
  problems: string[];
  /** A new workspace with `plugins` installed in order; its admin actor and records as that admin. */
  workspace(plugins: string[], name?: string): Promise<{ actor: Actor; records: PluginRecords; workspaceId: string }>;
  /** Runs every handler on every event committed so far. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(plugins: readonly AnyPlugin[]): Promise<Harness> {
  const engine = createEngine(await createTestDatabase(), { plugins });
  const problems: string[] = [];
  const workers = await startPluginWorkers(engine, {
    auto: false,
    retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 },
    log: (message, error) => problems.push(`${message} ${error instanceof Error ? error.message : String(error ?? '')}`),
  });
  return {
    engine,
    workers,
    problems,
    async workspace(names, name = 'Test') {
      const created = await engine.workspaces.create({ name });
      const { actor } = await engine.workspaces.authenticate(created.apiKey);
      for (const plugin of names) await engine.plugins.install(actor, plugin);
      return { actor, records: engine.plugins.recordsFor(actor), workspaceId: created.workspaceId };
    },
    async settle() {
      await engine.events.settled();
      await workers.drain();
    },
    async close() {
      await workers.stop();
      await engine.close();
    },
  };
}

/** Every record of `type` matching `filter` (up to 200). */
export async function listAll(records: PluginRecords, type: string, filter: Record<string, unknown> = {}) {
  const page = await records.list(type, { filter, first: 200, orderBy: [{ createdAt: 'ASC' }] });
  return page.edges.map((e) => e.node);
}

/** The error `promise` rejects with (fails when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; fields?: Array<{ field: string; code: string; message: string }>; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; fields?: Array<{ field: string; code: string; message: string }> };
  }
  throw new Error('expected a rejection');
}
