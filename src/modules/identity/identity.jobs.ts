import type { AppDeps } from '../../http/deps.ts';
import type { JobDefinitions } from '../../platform/jobs.ts';
import { MEASURE_TASK, measureIdentity } from './identity-metrics.ts';
import { loadIdentityRules } from './identity-rules.ts';

/**
 * `identity:measure` takes a new measurement of the link and duplicate rates: hourly (the resolver links
 * events all the time), and when enqueued after imports, rule changes and re-resolutions.
 */
export const identityJobs = (deps: AppDeps): JobDefinitions => ({
  tasks: {
    [MEASURE_TASK]: async () => {
      const m = await measureIdentity(deps.db, deps.clock, await loadIdentityRules(deps.db));
      deps.logger.info({ component: 'identity', seconds: Math.round(m.seconds * 10) / 10 }, 'identity measured');
    },
  },
  crontab: [`23 * * * * ${MEASURE_TASK} ?jobKey=${MEASURE_TASK}&jobKeyMode=preserve_run_at`],
});
