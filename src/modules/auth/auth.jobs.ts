import type { AppDeps } from '../../http/deps.ts';
import type { JobDefinitions } from '../../platform/jobs.ts';
import { purgeExpiredSessions } from './sessions.ts';

export const authJobs = (deps: AppDeps): JobDefinitions => ({
  tasks: {
    'auth:purge_sessions': async () => {
      const n = await purgeExpiredSessions(deps.db, deps.clock);
      deps.logger.info({ component: 'auth', purged: n }, 'expired sessions purged');
    },
  },
  crontab: ['17 3 * * * auth:purge_sessions'],
});
