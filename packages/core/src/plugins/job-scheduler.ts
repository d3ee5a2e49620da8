/**
 * Runs plugins' scheduled jobs. A job's schedule is five cron fields in UTC; at
 * each check (at the next scheduled time of any job, and at least every minute)
 * each job's latest scheduled time up to now, by the database's clock, is due.
 * For each workspace where the job's plugin was installed by then, a process
 * claims the run by inserting its row in `plugin_job_run`: the primary key
 * (plugin, job, workspace, scheduled time) lets one insert succeed across every
 * process, and that process runs it, then records when it finished and its error.
 *
 * So a scheduled time runs at most once per workspace. Missed times (every
 * process was down) are not made up for, except the latest one: it runs at the
 * next check. A run cut off by the end of its process is not run again; its row
 * stays without `finished_at`.
 */
import { CronExpressionParser, type CronExpression } from 'cron-parser';
import type { Engine } from '../engine.ts';
import type { JobDefinition } from './define.ts';
import { describeFailure } from './plugin-event.ts';
import { PluginConfigError, type NamedJob } from './plugin-host.ts';

/** What one run of a job in a workspace came to. */
export interface JobRun {
  plugin: string;
  job: string;
  workspaceId: string;
  scheduledAt: Date;
  /** The failure's message; null when the job resolved. */
  error: string | null;
}

/** Options of the job scheduler. */
export interface JobSchedulerOptions {
  /** Longest wait between two checks of what is due. @default 60000 */
  checkIntervalMs?: number;
  /** False: no timer; jobs run in `runDueJobs()` only (tests). @default true */
  auto?: boolean;
  /** Where problems are reported: failing jobs, database errors. @default console.error */
  log?: (message: string, error?: unknown) => void;
}

/** A running job scheduler. */
export interface JobScheduler {
  /** Runs every job due at `at` (default: now, by the database's clock) not run yet; resolves with the runs this process made. */
  runDueJobs(at?: Date): Promise<JobRun[]>;
  /** Stops: no new runs; runs in flight are awaited (for at most `timeoutMs`, then abandoned). */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

/** A schedule's problem, in words: the same checks and parser the scheduler uses. Null when it is valid. */
export function scheduleProblem(schedule: unknown): string | null {
  if (typeof schedule !== 'string' || schedule.trim().split(/\s+/).length !== 5) {
    return 'schedule must be a cron expression of five fields (minute hour day-of-month month day-of-week), such as "0 * * * *"';
  }
  try {
    CronExpressionParser.parse(schedule, { tz: 'UTC' });
    return null;
  } catch (error) {
    return `schedule "${schedule}" is not a valid cron expression: ${describeFailure(error)}`;
  }
}

/** Parses a job's five-field cron schedule (UTC); throws PluginConfigError saying what is wrong. */
export function parseSchedule(schedule: string, key = 'job'): CronExpression {
  const problem = scheduleProblem(schedule);
  if (problem) throw new PluginConfigError(`${key}: ${problem}`);
  // `H` fields are drawn from the job's name, so every process computes the same times.
  return CronExpressionParser.parse(schedule, { tz: 'UTC', hashSeed: key });
}

/** The latest time of `schedule` at or before `at`, or null when it has none. */
export function latestScheduledTime(schedule: string, at: Date, key = 'job'): Date | null {
  parseSchedule(schedule, key);
  const cron = CronExpressionParser.parse(schedule, { tz: 'UTC', hashSeed: key, currentDate: new Date(at.getTime() + 1) });
  try {
    return cron.prev().toDate();
  } catch {
    return null;
  }
}

/** The first time of `schedule` after `at`, or null when it has none. */
export function nextScheduledTime(schedule: string, at: Date, key = 'job'): Date | null {
  parseSchedule(schedule, key);
  const cron = CronExpressionParser.parse(schedule, { tz: 'UTC', hashSeed: key, currentDate: at });
  try {
    return cron.next().toDate();
  } catch {
    return null;
  }
}

/** Starts running the jobs of `engine`'s plugins. Throws PluginConfigError for an invalid schedule. */
export function startJobScheduler(engine: Engine, options: JobSchedulerOptions = {}): JobScheduler {
  const checkIntervalMs = options.checkIntervalMs ?? 60_000;
  const log = options.log ?? ((message: string, error?: unknown) => console.error(message, error ?? ''));
  const jobs = engine.plugins.host.jobs;
  const problems = jobs.flatMap((j) => {
    const problem = scheduleProblem(j.definition.schedule);
    return problem ? [`plugin "${j.plugin}", job "${j.name}": ${problem}`] : [];
  });
  if (problems.length) throw new PluginConfigError(`The plugin list cannot run:\n  - ${problems.join('\n  - ')}`);
  const sql = engine.db.background;
  const keyOf = (job: NamedJob) => `${job.plugin}/${job.name}`;

  let stopping = false;
  let abandoned = false;
  let timer: NodeJS.Timeout | undefined;
  // Per job, the check running in this process: one at a time, so a long run does not overlap itself here.
  const running = new Map<string, Promise<JobRun[]>>();

  const now = async () => (await sql.query<{ now: Date }>('SELECT clock_timestamp() AS "now"')).rows[0]!.now;

  /** Claims one workspace's run of `job` at `scheduledAt`; null when none is left. */
  async function claim(job: NamedJob, scheduledAt: Date): Promise<string | null> {
    for (;;) {
      const { rows } = await sql.query<{ workspace_id: string }>(
        `INSERT INTO "plugin_job_run" ("plugin", "job", "workspace_id", "scheduled_at")
         SELECT $1::text, $2::text, i."workspace_id", $3::timestamptz FROM "plugin_installation" i
          WHERE i."plugin" = $1 AND i."installed_at" <= $3::timestamptz
            AND NOT EXISTS (SELECT 1 FROM "plugin_job_run" r
                             WHERE r."plugin" = $1 AND r."job" = $2 AND r."workspace_id" = i."workspace_id" AND r."scheduled_at" = $3)
          ORDER BY random() LIMIT 1
         ON CONFLICT DO NOTHING
         RETURNING "workspace_id"`,
        [job.plugin, job.name, scheduledAt],
      );
      if (rows[0]) return rows[0].workspace_id;
      // Nothing inserted: none left, or another process took the one picked; look again if any is left.
      const { rows: left } = await sql.query<{ left: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM "plugin_installation" i WHERE i."plugin" = $1 AND i."installed_at" <= $3::timestamptz
           AND NOT EXISTS (SELECT 1 FROM "plugin_job_run" r WHERE r."plugin" = $1 AND r."job" = $2 AND r."workspace_id" = i."workspace_id" AND r."scheduled_at" = $3)) AS "left"`,
        [job.plugin, job.name, scheduledAt],
      );
      if (!left[0]!.left) return null;
    }
  }

  async function runOne(job: NamedJob, definition: JobDefinition, workspaceId: string, scheduledAt: Date): Promise<JobRun> {
    let error: string | null = null;
    try {
      await definition.run({ workspaceId, records: engine.plugins.recordsAs(workspaceId, job.plugin), scheduledAt });
    } catch (failure) {
      error = describeFailure(failure);
      log(`Plugin job ${keyOf(job)} failed in workspace ${workspaceId} (scheduled at ${scheduledAt.toISOString()})`, failure);
    }
    if (!abandoned) {
      await sql.query(
        'UPDATE "plugin_job_run" SET "finished_at" = clock_timestamp(), "error" = $5 WHERE "plugin" = $1 AND "job" = $2 AND "workspace_id" = $3 AND "scheduled_at" = $4',
        [job.plugin, job.name, workspaceId, scheduledAt, error],
      );
    }
    return { plugin: job.plugin, job: job.name, workspaceId, scheduledAt, error };
  }

  /** Runs `job`'s latest time at or before `at` in every workspace that has not run it. */
  async function check(job: NamedJob, at: Date): Promise<JobRun[]> {
    const scheduledAt = latestScheduledTime(job.definition.schedule, at, keyOf(job));
    const runs: JobRun[] = [];
    if (!scheduledAt) return runs;
    for (;;) {
      if (stopping) return runs;
      const workspaceId = await claim(job, scheduledAt);
      if (!workspaceId) return runs;
      runs.push(await runOne(job, job.definition, workspaceId, scheduledAt));
    }
  }

  /** Checks `job` once the check running in this process (if any) is over. */
  function checkAfter(job: NamedJob, at: Date): Promise<JobRun[]> {
    const key = keyOf(job);
    const task = (running.get(key) ?? Promise.resolve([]))
      .catch(() => [])
      .then(() => check(job, at));
    const tracked = task.finally(() => {
      if (running.get(key) === tracked) running.delete(key);
    });
    running.set(key, tracked);
    return tracked;
  }

  async function runDueJobs(at?: Date): Promise<JobRun[]> {
    if (stopping || jobs.length === 0) return [];
    const when = at ?? (await now());
    return (await Promise.all(jobs.map((job) => checkAfter(job, when)))).flat();
  }

  /** The timer's check: jobs whose previous check is still running here are left to it; then waits for the next time due. */
  async function tick(): Promise<void> {
    timer = undefined;
    if (stopping) return;
    let delay = checkIntervalMs;
    try {
      const at = await now();
      for (const job of jobs) {
        if (!running.has(keyOf(job))) checkAfter(job, at).catch((error: unknown) => log(`Plugin job ${keyOf(job)} could not be claimed or recorded`, error));
        const next = nextScheduledTime(job.definition.schedule, at, keyOf(job));
        if (next) delay = Math.min(delay, next.getTime() - at.getTime());
      }
    } catch (error) {
      log('The plugin job scheduler could not read the time', error);
    }
    if (!stopping) timer = setTimeout(() => void tick(), Math.max(50, delay));
  }

  if ((options.auto ?? true) && jobs.length > 0) void tick();

  return {
    runDueJobs,
    async stop({ timeoutMs }: { timeoutMs?: number } = {}) {
      if (stopping) return;
      stopping = true;
      if (timer) clearTimeout(timer);
      const done = Promise.allSettled([...running.values()]).then(() => true);
      const finished = timeoutMs === undefined ? await done : await Promise.race([done, new Promise<false>((r) => setTimeout(() => r(false), timeoutMs))]);
      if (!finished) abandoned = true;
    },
  };
}
