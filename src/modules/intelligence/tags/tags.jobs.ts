import type { AppDeps } from '../../../http/deps.ts';
import type { JobDefinitions } from '../../../platform/jobs.ts';
import { systemActor } from '../../auth/index.ts';
import { evaluateAllTags } from './evaluate-tags.ts';

export const EVALUATE_TAGS_TASK = 'tags:evaluate';

/** Rule and behavioural tags are re-evaluated every hour (windows like "active this week" move with time). */
export const tagsJobs = (deps: AppDeps): JobDefinitions => ({
  tasks: {
    [EVALUATE_TAGS_TASK]: async () => {
      const results = await evaluateAllTags(deps.db, deps.clock, systemActor(`job ${EVALUATE_TAGS_TASK}`));
      const added = results.reduce((s, r) => s + r.added, 0);
      const removed = results.reduce((s, r) => s + r.removed, 0);
      deps.logger.info({ component: 'tags', tags: results.length, added, removed }, 'tags evaluated');
    },
  },
  crontab: [`13 * * * * ${EVALUATE_TAGS_TASK}`],
});
