import type { AppDeps } from './http/deps.ts';
import { authJobs } from './modules/auth/index.ts';
import { identityJobs } from './modules/identity/index.ts';
import { ingestJobs } from './modules/ingest/ingest.jobs.ts';
import { recommendationsJobs } from './modules/intelligence/recommendations/index.ts';
import { scoringJobs } from './modules/intelligence/scoring/index.ts';
import { segmentationJobs } from './modules/intelligence/segmentation/index.ts';
import { tagsJobs, tagsSubscribers } from './modules/intelligence/tags/index.ts';
import { loyaltyJobs, loyaltySubscribers } from './modules/loyalty/index.ts';
import type { JobDefinitions } from './platform/jobs.ts';
import { DISPATCH_TASK, dispatchOutbox, purgeDeliveredEvents, type Subscriber } from './platform/outbox.ts';

/** Domain-event consumers of every module; later modules add theirs here. */
export const subscribers = (deps: AppDeps): Subscriber[] => [...loyaltySubscribers(deps), ...tagsSubscribers(deps)];

/** Every module's jobs and timers, plus the outbox dispatcher. */
export const allJobs = (deps: AppDeps): JobDefinitions => {
  const subs = subscribers(deps);
  const parts = [
    authJobs(deps),
    loyaltyJobs(deps),
    ingestJobs(deps),
    identityJobs(deps),
    scoringJobs(deps),
    segmentationJobs(deps),
    tagsJobs(deps),
    recommendationsJobs(deps),
  ];
  return {
    tasks: {
      ...Object.assign({}, ...parts.map((p) => p.tasks)),
      [DISPATCH_TASK]: async () => {
        await dispatchOutbox(deps.db, subs, {
          // The error text stays in the parked record (admins read it in the console), out of the log.
          onParked: (p) =>
            deps.logger.warn({ component: 'outbox', consumer: p.consumer, eventId: p.eventId, topic: p.topic, attempts: p.attempts }, 'outbox event parked'),
        });
      },
      'outbox:purge': async () => {
        await purgeDeliveredEvents(deps.db, subs, new Date(deps.clock.now().getTime() - 7 * 86_400_000));
      },
    },
    crontab: [...parts.flatMap((p) => p.crontab), '*/5 * * * * outbox:dispatch', '41 4 * * * outbox:purge'],
  };
};
