import type { AppDeps } from '../../../http/deps.ts';
import { isAppError } from '../../../platform/errors.ts';
import type { JobDefinitions } from '../../../platform/jobs.ts';
import { RETIER_TASK, retier, SCHEDULE_TASK, scheduledRunDue } from './retier.ts';

export const segmentationJobs = (deps: AppDeps): JobDefinitions => ({
  tasks: {
    [RETIER_TASK]: async (payload) => {
      const triggeredBy = (payload as { triggeredBy?: unknown } | null)?.triggeredBy;
      const run = await retier(deps.db, deps.clock, { trigger: 'manual', triggeredBy: typeof triggeredBy === 'string' ? triggeredBy : null });
      deps.logger.info({ component: 'segmentation', run: run.id, customers: run.customers, tierChanges: run.tierChanges }, 're-tiering done');
    },
    [SCHEDULE_TASK]: async () => {
      const due = await scheduledRunDue(deps.db, deps.clock);
      if (!due) return;
      try {
        const run = await retier(deps.db, deps.clock, { trigger: 'schedule', triggeredBy: null });
        deps.logger.info({ component: 'segmentation', run: run.id, customers: run.customers, tierChanges: run.tierChanges }, 'scheduled re-tiering done');
      } catch (e) {
        // A run already in progress covers this schedule.
        if (isAppError(e) && e.code === 'segmentation.run_in_progress') return;
        throw e;
      }
    },
  },
  crontab: [`*/5 * * * * ${SCHEDULE_TASK}`],
});
