/**
 * Scheduled plugin jobs on a real database: cron schedules (five fields, UTC)
 * checked and computed; a time due runs once per workspace where the plugin is
 * installed, even when two schedulers check at once (two engines on one
 * PostgreSQL database); only the latest missed time is made up for; failures are
 * recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor, type Actor } from '../../src/access/actor.ts';
import { openDatabase } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrator.ts';
import { createEngine, type Engine } from '../../src/engine.ts';
import { definePlugin } from '../../src/plugins/define.ts';
import { PluginConfigError } from '../../src/plugins/plugin-host.ts';
import { latestScheduledTime, nextScheduledTime, parseSchedule, scheduleProblem } from '../../src/plugins/job-scheduler.ts';
import { startPluginWorkers, type PluginWorkers } from '../../src/plugins/plugin-workers.ts';
import { createPostgresTestDatabaseUrl, createTestDatabase, testEngine } from '../../src/testing/index.ts';

const at = (iso: string) => new Date(iso);

describe('job schedules', () => {
  it('takes five cron fields in UTC and refuses anything else, saying why', () => {
    expect(scheduleProblem('*/15 9-17 * * MON-FRI')).toBeNull();
    expect(scheduleProblem('0 0 L * *')).toBeNull();
    for (const bad of ['* * * *', '0 * * * * *', '@daily', '', 42]) expect(scheduleProblem(bad), String(bad)).toMatch(/five fields/);
    expect(scheduleProblem('61 * * * *')).toMatch(/not a valid cron expression: .*61/);
    expect(scheduleProblem('a b c d e')).toMatch(/not a valid cron expression/);
    expect(scheduleProblem('0 0 31 2 *')).toMatch(/not a valid cron expression/);
    expect(() => parseSchedule('0 25 * * *', 'crm/report')).toThrow(PluginConfigError);
    expect(() => parseSchedule('0 25 * * *', 'crm/report')).toThrow(/crm\/report/);
  });

  it('computes the latest time due and the next one, in UTC', () => {
    expect(latestScheduledTime('0 * * * *', at('2030-05-01T10:30:00Z'))).toEqual(at('2030-05-01T10:00:00Z'));
    expect(latestScheduledTime('0 * * * *', at('2030-05-01T10:00:00Z'))).toEqual(at('2030-05-01T10:00:00Z'));
    expect(latestScheduledTime('30 9 * * 1', at('2030-05-01T10:30:00Z'))).toEqual(at('2030-04-29T09:30:00Z'));
    expect(nextScheduledTime('0 * * * *', at('2030-05-01T10:00:00Z'))).toEqual(at('2030-05-01T11:00:00Z'));
    expect(nextScheduledTime('*/5 * * * *', at('2030-05-01T10:02:10Z'))).toEqual(at('2030-05-01T10:05:00Z'));
    // `H` is drawn from the job's name: the same time in every process.
    const hashed = latestScheduledTime('H H * * *', at('2030-05-01T10:30:00Z'), 'crm/report');
    expect(latestScheduledTime('H H * * *', at('2030-05-01T10:30:00Z'), 'crm/report')).toEqual(hashed);
  });

  it('refuses a plugin whose schedule does not parse when the plugin list is checked, before anything opens', async () => {
    const plugin = definePlugin({ name: 'bad-cron', version: '1.0.0', jobs: { nightly: { schedule: '0 24 * * *', run: () => {} } } });
    const db = await createTestDatabase();
    try {
      expect(() => createEngine(db, { plugins: [plugin] })).toThrow(/plugins\[0\] \(bad-cron\): job "nightly": schedule "0 24 \* \* \*" is not a valid cron/);
    } finally {
      await db.close();
    }
  });
});

describe('scheduled jobs', () => {
  const runs: Array<{ workspaceId: string; scheduledAt: string; types: number }> = [];
  let failing = false;
  const plugin = definePlugin({
    name: 'reports',
    version: '1.0.0',
    jobs: {
      hourly: {
        schedule: '0 * * * *',
        async run({ workspaceId, records, scheduledAt }) {
          // Jobs act as the plugin in the workspace.
          const metadata = await records.metadata();
          runs.push({ workspaceId, scheduledAt: scheduledAt.toISOString(), types: metadata.objectTypes.length });
          await new Promise((resolve) => setTimeout(resolve, 5));
          if (failing) throw new Error('report service down');
        },
      },
    },
  });

  let engines: Engine[];
  let schedulers: PluginWorkers[];
  let installed: Actor[];
  let bare: Actor;
  const byWorkspace = (list: Array<{ workspaceId: string }>) => list.map((r) => r.workspaceId).sort();

  beforeAll(async () => {
    // Two processes on PostgreSQL (two engines, two pools); PGlite is one process: two schedulers on one engine.
    if (testEngine() === 'postgres') {
      const url = await createPostgresTestDatabaseUrl(process.env.RELATA_TEST_DATABASE_URL!);
      const first = await openDatabase({ url, poolSize: 4 });
      await migrate(first.sql);
      engines = [createEngine(first, { plugins: [plugin] }), createEngine(await openDatabase({ url, poolSize: 4 }), { plugins: [plugin] })];
    } else {
      const engine = createEngine(await createTestDatabase(), { plugins: [plugin] });
      engines = [engine, engine];
    }
    const engine = engines[0]!;
    installed = [];
    for (const name of ['A', 'B']) {
      const actor = systemActor((await engine.workspaces.create({ name })).workspaceId);
      await engine.plugins.install(actor, 'reports');
      installed.push(actor);
    }
    bare = systemActor((await engine.workspaces.create({ name: 'C' })).workspaceId);
    schedulers = [];
    for (const e of engines) schedulers.push(await startPluginWorkers(e, { auto: false, log: () => {} }));
  });
  afterAll(async () => {
    for (const s of schedulers ?? []) await s.stop();
    await engines?.[0]?.close();
    if (engines?.[1] !== engines?.[0]) await engines?.[1]?.close();
  });

  // Times well after the installations, on the hour and within it (from one start, so no hour passes mid-test).
  const start = new Date();
  const hour = (offset: number, minute = 0) => {
    const time = new Date(start);
    time.setUTCHours(start.getUTCHours() + 2 + offset, minute, 0, 0);
    return time;
  };

  it('runs a time due once per workspace with the plugin installed, when two schedulers check at once', async () => {
    const [first, second] = await Promise.all([schedulers[0]!.runDueJobs(hour(0, 30)), schedulers[1]!.runDueJobs(hour(0, 30))]);
    const made = [...first!, ...second!];
    expect(byWorkspace(made)).toEqual(installed.map((a) => a.workspaceId).sort());
    expect(made.every((r) => r.plugin === 'reports' && r.job === 'hourly' && r.error === null)).toBe(true);
    expect(made.every((r) => r.scheduledAt.getTime() === hour(0).getTime())).toBe(true);
    expect(byWorkspace(runs)).toEqual(installed.map((a) => a.workspaceId).sort());
    expect(runs.every((r) => r.types === 0)).toBe(true);

    // Again within the same hour, from either: nothing more.
    expect(await schedulers[1]!.runDueJobs(hour(0, 59))).toEqual([]);
    expect(await schedulers[0]!.runDueJobs(hour(0, 0))).toEqual([]);
    expect(runs).toHaveLength(2);
    const { rows } = await engines[0]!.db.sql.query<{ workspace_id: string; finished: boolean; error: string | null }>(
      `SELECT "workspace_id", "finished_at" IS NOT NULL AS "finished", "error" FROM "plugin_job_run" WHERE "plugin" = 'reports' AND "job" = 'hourly'`,
    );
    expect(rows.map((r) => [r.finished, r.error])).toEqual([
      [true, null],
      [true, null],
    ]);
    expect(rows.some((r) => r.workspace_id === bare.workspaceId)).toBe(false);
  });

  it('makes up for the latest missed time only, and never for a time before the installation', async () => {
    runs.length = 0;
    // Five hours later: the hours between are skipped, the latest one runs.
    const made = await schedulers[0]!.runDueJobs(hour(5, 10));
    expect(made.map((r) => r.scheduledAt.toISOString())).toEqual([hour(5).toISOString(), hour(5).toISOString()]);
    expect(runs).toHaveLength(2);
    // Long before the plugin was installed: nothing is due anywhere.
    expect(await schedulers[0]!.runDueJobs(new Date(Date.now() - 3 * 3600_000))).toEqual([]);
  });

  it('records a failing run with its error, and stops running where the plugin is uninstalled', async () => {
    failing = true;
    const made = await schedulers[1]!.runDueJobs(hour(6, 1));
    expect(made.map((r) => r.error)).toEqual(['report service down', 'report service down']);
    const { rows } = await engines[0]!.db.sql.query<{ error: string | null }>(
      `SELECT "error" FROM "plugin_job_run" WHERE "plugin" = 'reports' AND "scheduled_at" = $1 AND "finished_at" IS NOT NULL`,
      [hour(6)],
    );
    expect(rows.map((r) => r.error)).toEqual(['report service down', 'report service down']);

    failing = false;
    await engines[0]!.plugins.uninstall(installed[0]!, 'reports');
    const after = await schedulers[0]!.runDueJobs(hour(7));
    expect(byWorkspace(after)).toEqual([installed[1]!.workspaceId]);
  });
});
