/**
 * `startPluginWorkers`: the event handlers (handler-runner.ts) and the scheduled
 * jobs (job-scheduler.ts) of an engine's plugins, running together in one process.
 * Any number of processes may run them over one database: each handler runs in
 * one process at a time, and each scheduled time of a job runs once per workspace.
 * docs/plugin-handlers.md describes what plugin authors get.
 */
import type { Engine } from '../engine.ts';
import { startHandlerRunner, type HandlerRunnerOptions } from './handler-runner.ts';
import { startJobScheduler, type JobRun, type JobSchedulerOptions } from './job-scheduler.ts';

/** Options of the plugin workers. The defaults are the production behaviour; tests shorten the times. */
export interface PluginWorkerOptions extends Omit<HandlerRunnerOptions, 'auto'> {
  /** Longest wait between two checks of which jobs are due. @default 60000 */
  jobCheckIntervalMs?: JobSchedulerOptions['checkIntervalMs'];
  /** False: no timers and no LISTEN; work happens only in `drain()` and `runDueJobs()` (tests). @default true */
  auto?: boolean;
}

/** Running plugin workers. */
export interface PluginWorkers {
  /** Looks for events now. */
  wake(): void;
  /** Handles every event readable when called (retries included), for the handlers no other process holds. */
  drain(): Promise<void>;
  /** Runs the jobs due at `at` (default: now, by the database's clock) that have not run; resolves with the runs made here. */
  runDueJobs(at?: Date): Promise<JobRun[]>;
  /**
   * Stops both: no new work; work in flight is awaited and leases handed back.
   * After `timeoutMs`, what still runs is abandoned as if the process had died.
   * Call before closing the engine.
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

/** Starts the handlers and jobs of `engine`'s plugins. Throws PluginConfigError for an invalid job schedule. */
export async function startPluginWorkers(engine: Engine, options: PluginWorkerOptions = {}): Promise<PluginWorkers> {
  const jobs = startJobScheduler(engine, { checkIntervalMs: options.jobCheckIntervalMs, auto: options.auto, log: options.log });
  let handlers;
  try {
    handlers = await startHandlerRunner(engine, options);
  } catch (error) {
    await jobs.stop();
    throw error;
  }
  return {
    wake: handlers.wake,
    drain: handlers.drain,
    runDueJobs: jobs.runDueJobs,
    async stop(stopOptions = {}) {
      await Promise.all([handlers.stop(stopOptions), jobs.stop(stopOptions)]);
    },
  };
}
