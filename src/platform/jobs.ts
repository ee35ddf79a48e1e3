import { type Runner, run, type TaskList, Logger as WorkerLogger } from 'graphile-worker';
import type pg from 'pg';
import type { Logger } from './logger.ts';

/** Bridges graphile-worker's logger to pino (or silence when none is given). */
export const workerLogger = (logger: Logger | undefined): WorkerLogger =>
  new WorkerLogger(() => (level, message) => {
    if (!logger) return;
    const lvl = level === 'error' ? 'error' : level === 'warning' ? 'warn' : level === 'debug' ? 'debug' : 'info';
    logger[lvl]({ component: 'jobs' }, message);
  });

export type JobDefinitions = {
  tasks: TaskList;
  /** graphile-worker crontab lines, e.g. `0 3 * * * auth:purge_sessions` (task names: letters, digits, _ : - /) */
  crontab: string[];
};

/** Durable jobs and timers on the database queue; survives restarts and scales to several nodes. */
export const startWorker = async (options: { pool: pg.Pool; concurrency: number; jobs: JobDefinitions; logger: Logger }): Promise<Runner> =>
  run({
    pgPool: options.pool,
    concurrency: options.concurrency,
    noHandleSignals: true,
    pollInterval: 2000,
    taskList: options.jobs.tasks,
    // An empty crontab string would make graphile-worker look for a ./crontab file instead.
    ...(options.jobs.crontab.length > 0 ? { crontab: options.jobs.crontab.join('\n') } : { parsedCronItems: [] }),
    logger: workerLogger(options.logger),
  });

/** Enqueues a job inside the caller's transaction (so it exists only if the transaction commits). */
export const ADD_JOB_SQL = 'select graphile_worker.add_job($1::text, $2::json, job_key := $3::text, run_at := $4::timestamptz)';
