import { sql } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { Db, Trx } from '../../../platform/db.ts';
import { isAppError } from '../../../platform/errors.ts';
import type { Logger } from '../../../platform/logger.ts';
import { claimRun, failRun, failStaleRuns, finishRun, getRun, insertRun, type ModelRun } from './model-runs.repository.ts';
import { scoreChurn } from './score-churn.ts';
import { scoreClv } from './score-clv.ts';
import type { ModelKind, ModelRunTrigger } from './scoring.tables.ts';
import { loadScoringSettings, type ScoringSettings, ScoringSettingsSchema } from './scoring-settings.ts';

export const RUN_TASK = 'scoring:run';

export type ScoringDeps = { db: Db; clock: Clock; logger: Logger };

export type RunOptions = {
  /** Settings to use instead of the stored ones (tests, the CDNOW proof). */
  settings?: ScoringSettings;
  /** CLV: last local day of the calibration period (YYYY-MM-DD); default the local day of `asOf`. */
  calibrationEnd?: string;
  /** Default: the clock's now. */
  asOf?: Date;
  onProgress?: (phase: string, done: number, total: number) => void;
};

/** YYYY-MM-DD of an instant in a time zone. */
export const localDay = (at: Date, timeZone: string): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

const execute = async (deps: ScoringDeps, run: ModelRun, settings: ScoringSettings, options: RunOptions) => {
  const asOf = options.asOf ?? deps.clock.now();
  if (run.kind === 'clv') {
    const diagnostics = await scoreClv(deps.db, {
      runId: run.id,
      settings,
      calibrationEnd: options.calibrationEnd ?? localDay(asOf, settings.timeZone),
      scoredAt: asOf,
      onProgress: options.onProgress,
    });
    return { diagnostics, model: null };
  }
  return scoreChurn(deps.db, { runId: run.id, settings, asOf, onProgress: options.onProgress });
};

const settle = async (deps: ScoringDeps, run: ModelRun, settings: ScoringSettings, options: RunOptions): Promise<ModelRun> => {
  try {
    const result = await execute(deps, run, settings, options);
    await finishRun(deps.db, deps.clock, run.id, result);
  } catch (e) {
    await failRun(deps.db, deps.clock, run.id, e instanceof Error ? e.message : String(e));
    throw e;
  }
  return getRun(deps.db, run.id);
};

/** Runs a model now, in this process (CLI, demo, tests); the run is recorded like a queued one. */
export const runModelNow = async (
  deps: ScoringDeps,
  input: { kind: ModelKind; trigger: ModelRunTrigger; requestedBy: string | null },
  options: RunOptions = {},
): Promise<ModelRun> => {
  const settings = options.settings ?? (await loadScoringSettings(deps.db));
  const run = await insertRun(deps.db, deps.clock, { ...input, status: 'running', settings });
  return settle(deps, run, settings, options);
};

/** Queues a run for the job worker, inside the caller's transaction (the job exists only if it commits). */
export const queueModelRun = async (
  trx: Trx,
  clock: Clock,
  input: { kind: ModelKind; trigger: ModelRunTrigger; requestedBy: string | null },
): Promise<ModelRun> => {
  const settings = await loadScoringSettings(trx);
  const run = await insertRun(trx, clock, { ...input, status: 'queued', settings });
  await sql`select graphile_worker.add_job(${RUN_TASK}, json_build_object('runId', ${run.id}::text), job_key := ${run.id}, max_attempts := 1)`.execute(trx);
  return run;
};

/** The worker's side of a queued run: claim it, run it, record the outcome (never retried automatically). */
export const executeQueuedRun = async (deps: ScoringDeps, runId: string): Promise<ModelRun | undefined> => {
  const run = await claimRun(deps.db, deps.clock, runId);
  if (!run) return undefined;
  const parsed = ScoringSettingsSchema.safeParse(run.settings);
  const settings = parsed.success ? parsed.data : await loadScoringSettings(deps.db);
  try {
    const done = await settle(deps, run, settings, {});
    deps.logger.info(
      { component: 'scoring', kind: run.kind, runId, seconds: (done.diagnostics?.seconds as { total?: number } | undefined)?.total },
      'model run done',
    );
    return done;
  } catch (e) {
    deps.logger[isAppError(e) ? 'warn' : 'error'](
      { component: 'scoring', kind: run.kind, runId, err: e instanceof Error ? e.message : String(e) },
      'model run failed',
    );
    return getRun(deps.db, runId);
  }
};

/**
 * The demo's step: scores the demo company at every start. Runs left open by a demo process that was
 * killed are closed first (the demo is one process); too little data is reported, not fatal.
 */
export const scoreDemoCompany = async (deps: ScoringDeps): Promise<ModelRun[]> => {
  await failStaleRuns(deps.db, deps.clock, 0);
  const runs: ModelRun[] = [];
  for (const kind of ['clv', 'churn'] as const) {
    try {
      runs.push(await runModelNow(deps, { kind, trigger: 'demo', requestedBy: null }));
    } catch (e) {
      if (!(isAppError(e) && e.code === 'scoring.not_enough_data')) throw e;
      deps.logger.warn({ component: 'scoring', kind, err: e.message }, 'demo scoring skipped');
    }
  }
  return runs;
};
