import type { AppDeps } from '../../http/deps.ts';
import type { JobDefinitions } from '../../platform/jobs.ts';
import { runBulkGrant } from './bulk-grants.ts';
import { enrolFromIdentifyEvents } from './enrol-identified.ts';
import { expirePoints } from './expire-points.ts';
import { recordAlert } from './issuance-guard.ts';
import { loadLoyaltySettings } from './loyalty-settings.ts';
import { evaluateTiers } from './members.ts';
import { grantMilestones } from './milestones.ts';
import { syncOrderPoints } from './order-points.ts';
import { reconcile } from './reconcile.ts';

export const loyaltyJobs = (deps: AppDeps): JobDefinitions => {
  const ctx = async () => ({ clock: deps.clock, settings: await loadLoyaltySettings(deps.db) });
  const log = deps.logger.child({ component: 'loyalty' });
  return {
    tasks: {
      'loyalty:sync_orders': async () => {
        log.info(await syncOrderPoints(deps.db, await ctx()), 'order points synced');
      },
      'loyalty:enrol_identified': async () => {
        log.info(await enrolFromIdentifyEvents(deps.db, await ctx()), 'members enrolled from identify events');
      },
      'loyalty:expire': async () => {
        log.info(await expirePoints(deps.db, await ctx()), 'points expired');
      },
      'loyalty:evaluate_tiers': async () => {
        const c = await ctx();
        log.info(await evaluateTiers(deps.db, c.clock, c.settings), 'tiers evaluated');
      },
      'loyalty:milestones': async () => {
        log.info(await grantMilestones(deps.db, await ctx()), 'milestones granted');
      },
      'loyalty:reconcile': async () => {
        const r = await reconcile(deps.db);
        log.info({ ok: r.ok, accounts: r.accounts, problems: r.problems.length, seconds: r.seconds }, 'ledger reconciled');
        if (!r.ok) {
          await recordAlert(deps.db, deps.clock.now(), {
            kind: 'reconcile_failed',
            message: `reconcile found ${r.problems.length} problem(s)`,
            details: { customers: [...new Set(r.problems.map((p) => p.customerId))].slice(0, 20) },
          });
        }
      },
      'loyalty:run_grant': async (payload) => {
        const { grantId } = payload as { grantId: string };
        const g = await runBulkGrant(deps.db, await ctx(), grantId);
        log.info({ grantId, granted: g.granted }, 'bulk grant finished');
      },
    },
    crontab: [
      '*/5 * * * * loyalty:sync_orders',
      '*/5 * * * * loyalty:enrol_identified',
      '10 2 * * * loyalty:expire',
      '30 2 * * * loyalty:evaluate_tiers',
      '0 9 * * * loyalty:milestones',
      '50 3 * * * loyalty:reconcile',
    ],
  };
};
