import { readFile } from 'node:fs/promises';
import { cliActor } from '../../modules/auth/index.ts';
import {
  createBulkGrant,
  evaluateTiers,
  expirePoints,
  loadLoyaltySettings,
  reconcile,
  recordLoyaltyAlert,
  runBulkGrant,
  syncOrderPoints,
} from '../../modules/loyalty/index.ts';
import { systemClock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import { withDatabase } from '../context.ts';

/** `guanxi loyalty reconcile`: proves every balance against its ledger; names the accounts that do not add up. */
export const loyaltyReconcile = async (opts: { json?: boolean }): Promise<void> => {
  await withDatabase(async ({ database }) => {
    const report = await reconcile(database.db);
    if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      const t = report.totals;
      process.stdout.write(
        [
          `accounts: ${report.accounts}, movements: ${report.movements} (${report.seconds.toFixed(2)} s)`,
          `issued ${t.issued} − redeemed ${t.redeemed} − expired ${t.expired} − reversed ${t.reversed} − adjusted ${t.adjusted} = ${report.liabilityFromLedger}`,
          `outstanding ${t.outstanding} + pending ${t.pending} + debt ${t.debt} = ${report.liabilityFromBalances}`,
          ...report.problems.map(
            (p) =>
              `${p.kind}: customer ${p.customerId}${p.account ? ` account ${p.account}` : ''}${p.movementId ? ` movement ${p.movementId}` : ''}${p.lotId ? ` lot ${p.lotId}` : ''}: expected ${p.expected}, found ${p.actual}`,
          ),
          report.ok ? 'ledger reconciled: every balance equals the sum of its entries' : '',
          '',
        ]
          .filter((l, i, a) => l !== '' || i === a.length - 1)
          .join('\n'),
      );
    }
    if (!report.ok) {
      await recordLoyaltyAlert(database.db, systemClock.now(), {
        kind: 'reconcile_failed',
        message: `reconcile found ${report.problems.length} problem(s)`,
        details: { customers: [...new Set(report.problems.map((p) => p.customerId))].slice(0, 20) },
      });
      throw new AppError('loyalty.reconcile_failed', `the ledger does not reconcile: ${report.problems.length} problem(s)`);
    }
  });
};

/** `guanxi loyalty expire`: expires due lots (the scheduled job does the same), then earns new orders. */
export const loyaltyExpire = async (): Promise<void> => {
  await withDatabase(async ({ database }) => {
    const ctx = { clock: systemClock, settings: await loadLoyaltySettings(database.db) };
    const r = await expirePoints(database.db, ctx);
    process.stdout.write(`expired ${r.points} points in ${r.lots} lots of ${r.customers} members\n`);
  });
};

export const loyaltySync = async (): Promise<void> => {
  await withDatabase(async ({ database }) => {
    const ctx = { clock: systemClock, settings: await loadLoyaltySettings(database.db) };
    const r = await syncOrderPoints(database.db, ctx);
    const e = await evaluateTiers(database.db, systemClock, ctx.settings);
    process.stdout.write(
      `orders: ${r.orders} (${r.earned} earned, ${r.held} held over the limit, ${r.budgetRefused} refused by the budget); refunds: ${r.refunds} (${r.reversed} reversed)\n` +
        `tiers: ${e.evaluated} evaluated, ${e.graceStarted} entered grace, ${e.downgraded} downgraded\n`,
    );
  });
};

/**
 * `guanxi loyalty grant`: records a bulk grant (above the threshold it waits for a second person's
 * approval in the console), or with --resume runs an approved one to the end; a killed run resumes
 * without granting anyone twice.
 */
export const loyaltyGrant = async (opts: {
  points?: number;
  reason?: string;
  title?: string;
  customers?: string;
  file?: string;
  resume?: string;
  batchSize?: number;
}): Promise<void> => {
  await withDatabase(async ({ database }) => {
    const db = database.db;
    const ctx = { clock: systemClock, settings: await loadLoyaltySettings(db) };
    let id = opts.resume;
    if (!id) {
      if (!opts.points) throw new AppError('request.invalid', '--points is required', { fields: [{ path: '--points', message: 'required' }] });
      if (!opts.reason) throw new AppError('request.invalid', '--reason is required', { fields: [{ path: '--reason', message: 'required' }] });
      const fromFile = opts.file ? (await readFile(opts.file, 'utf8')).split(/[\s,]+/) : [];
      const ids = [...(opts.customers?.split(',') ?? []), ...fromFile].map((s) => s.trim()).filter(Boolean);
      const grant = await db.transaction().execute((trx) =>
        createBulkGrant(trx, systemClock, ctx.settings, cliActor('guanxi loyalty grant'), {
          title: opts.title ?? opts.reason ?? 'grant',
          reason: opts.reason as string,
          pointsEach: opts.points as number,
          customerIds: ids,
        }),
      );
      id = grant.id;
      process.stdout.write(`grant ${grant.id}: ${grant.pointsEach} points × ${grant.targetCount} customers = ${grant.totalPoints}\n`);
      if (grant.status === 'pending_approval') {
        process.stdout.write(`awaiting a second person's approval (console: Loyalty → Approvals); then run: guanxi loyalty grant --resume ${grant.id}\n`);
        return;
      }
    }
    const done = await runBulkGrant(db, ctx, id, {
      batchSize: opts.batchSize,
      onBatch: (granted, total) => process.stdout.write(`granted ${granted}/${total}\n`),
    });
    process.stdout.write(`grant ${done.id} ${done.status}: ${done.granted}/${done.targetCount} customers\n`);
  });
};
