import { z } from 'zod';
import type { AppDeps } from '../../../http/deps.ts';
import { isAppError } from '../../../platform/errors.ts';
import type { JobDefinitions } from '../../../platform/jobs.ts';
import { failStaleRuns, hasRunSince, lastScheduledMoment } from './model-runs.repository.ts';
import { executeQueuedRun, queueModelRun, RUN_TASK, type ScoringDeps } from './run-model.ts';
import type { ModelKind } from './scoring.tables.ts';
import { loadScoringSettings } from './scoring-settings.ts';

export const TICK_TASK = 'scoring:tick';

const RunPayloadSchema = z.object({ runId: z.string().min(1).max(64) });

/**
 * Queues the runs that are due: CLV daily and churn weekly at the configured local hour (settings
 * `intelligence.scoring`). A run counts as done for a slot once one was created after it, whatever
 * its outcome, so a failing model is retried at the next slot, not every tick.
 */
export const queueDueRuns = async (deps: ScoringDeps): Promise<ModelKind[]> => {
  await failStaleRuns(deps.db, deps.clock);
  const settings = await loadScoringSettings(deps.db);
  const now = deps.clock.now();
  const due: ModelKind[] = [];
  const slots = [
    { kind: 'clv' as const, enabled: settings.clv.schedule.enabled, hour: settings.clv.schedule.hour, weekday: undefined },
    { kind: 'churn' as const, enabled: settings.churn.schedule.enabled, hour: settings.churn.schedule.hour, weekday: settings.churn.schedule.weekday },
  ];
  for (const slot of slots) {
    if (!slot.enabled) continue;
    const moment = await lastScheduledMoment(deps.db, now, { timeZone: settings.timeZone, hour: slot.hour, weekday: slot.weekday });
    if (await hasRunSince(deps.db, slot.kind, moment)) continue;
    try {
      await deps.db.transaction().execute((trx) => queueModelRun(trx, deps.clock, { kind: slot.kind, trigger: 'schedule', requestedBy: null }));
      due.push(slot.kind);
    } catch (e) {
      if (!(isAppError(e) && e.code === 'scoring.run_in_progress')) throw e;
    }
  }
  return due;
};

export const scoringJobs = (deps: AppDeps): JobDefinitions => ({
  tasks: {
    [RUN_TASK]: async (payload) => {
      const { runId } = RunPayloadSchema.parse(payload);
      await executeQueuedRun(deps, runId);
    },
    [TICK_TASK]: async () => {
      const queued = await queueDueRuns(deps);
      if (queued.length > 0) deps.logger.info({ component: 'scoring', queued }, 'scheduled model runs queued');
    },
  },
  crontab: [`*/10 * * * * ${TICK_TASK}`],
});
