import type { AppDeps } from '../../../http/deps.ts';
import type { JobDefinitions } from '../../../platform/jobs.ts';
import { systemActor } from '../../auth/index.ts';
import { trainRecommendations } from './train-recommendations.ts';

export const TRAIN_RECOMMENDATIONS_TASK = 'recommendations:train';

/** The model is retrained from the order lines every night. */
export const recommendationsJobs = (deps: AppDeps): JobDefinitions => ({
  tasks: {
    [TRAIN_RECOMMENDATIONS_TASK]: async () => {
      const model = await trainRecommendations(deps.db, deps.clock, systemActor(`job ${TRAIN_RECOMMENDATIONS_TASK}`));
      deps.logger.info(
        {
          component: 'recommendations',
          items: model.items,
          pairs: model.pairs,
          seconds: model.seconds,
          hitRate: model.metrics?.crossSell.personalised.hitRate,
        },
        'recommendation model trained',
      );
    },
  },
  crontab: [`37 2 * * * ${TRAIN_RECOMMENDATIONS_TASK}`],
});
