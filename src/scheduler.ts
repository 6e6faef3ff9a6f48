import { schedule } from 'node-cron';
import type { Logger } from './logger.js';

/** How much a run left in the outbox: a count, or whether it left anything; nothing when it wakes the outbox itself. */
export type Work = number | boolean | void;

export interface Job {
  /** Names the node-cron task and the job in log lines. */
  name: string;
  /** A node-cron expression (six fields for seconds). */
  schedule: string;
  run(): Promise<Work>;
  /**
   * Runs once before the first tick, for a run missed while every process was down. Unlike a tick, a
   * failure stops start-up, so a restart tries it again: once a later tick has run, the missed run is gone.
   */
  catchUp?(): Promise<Work>;
}

export interface JobContext {
  logger: Logger;
  /** Delivers what a run left in the outbox now instead of at the next outbox sweep. */
  wake: () => void;
}

export interface RunningJobs {
  stop(): Promise<void>;
}

function madeWork(work: Work): boolean {
  return work === true || (typeof work === 'number' && work > 0);
}

/** What node-cron calls on each tick of a job: it never rejects, so one bad tick neither stops the task nor the others. */
export function tick(job: Job, { logger, wake }: JobContext): () => Promise<void> {
  return async () => {
    try {
      if (madeWork(await job.run())) wake();
    } catch (err) {
      logger.warn({ err, job: job.name }, `${job.name} failed; the next tick tries again`);
    }
  };
}

/**
 * Catches up every job that can, then schedules them all; resolves once start-up owes nothing more. A config
 * reload reschedules without catching up: nothing was missed while the process kept running.
 */
export async function startJobs(jobs: Job[], context: JobContext, { catchUp = true }: { catchUp?: boolean } = {}): Promise<RunningJobs> {
  for (const job of catchUp ? jobs : []) {
    if (job.catchUp && madeWork(await job.catchUp())) context.wake();
  }
  // noOverlap: a tick slower than its period (a slow database) is skipped, not stacked up behind itself.
  const tasks = jobs.map((job) => schedule(job.schedule, tick(job, context), { name: job.name, noOverlap: true }));
  return {
    async stop() {
      for (const task of tasks) await task.destroy();
    },
  };
}
