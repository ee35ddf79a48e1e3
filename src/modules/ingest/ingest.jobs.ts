import type { AppDeps } from '../../http/deps.ts';
import type { JobDefinitions } from '../../platform/jobs.ts';
import { failInterruptedImports } from './import/fail-interrupted-imports.ts';
import { enqueueResolverNow, RESOLVE_TASK } from './track/accept-messages.ts';
import { resolveInbox } from './track/resolve-inbox.ts';

/**
 * `ingest:fail_interrupted_imports` marks failed the imports whose process died (every 5 minutes).
 * `ingest:resolve` resolves the tracking inbox (enqueued by every request that stored events; a minutely
 * sweep catches anything left, e.g. after a restart). It runs for at most a minute, then queues itself
 * again, so other jobs get their turn under a steady stream of events.
 */
export const ingestJobs = (deps: AppDeps): JobDefinitions => ({
  tasks: {
    [RESOLVE_TASK]: async () => {
      const { resolved, more } = await resolveInbox(deps.db, deps.clock, { maxMillis: 60_000 });
      if (resolved > 0) deps.logger.debug({ component: 'ingest', resolved }, 'inbox resolved');
      if (more) await enqueueResolverNow(deps.db);
    },
    'ingest:fail_interrupted_imports': async () => {
      const failed = await failInterruptedImports(deps.db, deps.clock.now());
      if (failed.length > 0) deps.logger.warn({ component: 'ingest', imports: failed }, 'interrupted imports marked failed');
    },
  },
  crontab: [
    '*/5 * * * * ingest:fail_interrupted_imports',
    `* * * * * ${RESOLVE_TASK} ?queue=${RESOLVE_TASK}&jobKey=${RESOLVE_TASK}&jobKeyMode=preserve_run_at`,
  ],
});
