import { recordAudit } from '../../modules/audit/index.ts';
import { cliActor } from '../../modules/auth/index.ts';
import { enqueueIdentityMeasurement, loadIdentityRules, measureIdentity, reresolveAll } from '../../modules/identity/index.ts';
import { systemClock } from '../../platform/clock.ts';
import { withDatabase } from '../context.ts';
import { progressReporter } from '../progress.ts';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export const identityReresolve = async (opts: { apply?: boolean }): Promise<void> => {
  await withDatabase(async ({ database }) => {
    const progress = progressReporter(opts.apply ? 're-resolving' : 'measuring');
    const report = await reresolveAll(database.db, systemClock, await loadIdentityRules(database.db), {
      apply: Boolean(opts.apply),
      onProgress: (phase, done, total) => progress.update(done, total, phase),
    });
    progress.stop();
    if (report.applied) {
      await database.db.transaction().execute((trx) =>
        recordAudit(trx, systemClock, cliActor('guanxi identity reresolve'), {
          action: 'identity.reresolve',
          details: { merged: report.duplicates, conflicted: report.conflicted, quarantined: report.quarantined },
        }),
      );
      await enqueueIdentityMeasurement(database.db);
    }
    process.stdout.write(
      [
        `customers with identifiers: ${report.roots}`,
        `would form ${report.components} customers; duplicates: ${report.duplicates} (${pct(report.duplicateRate)})`,
        `left apart (conflicting member numbers): ${report.conflicted} groups`,
        `shared values quarantined (linking more customers of one source than the limit): ${report.quarantined}`,
        report.applied
          ? `merged ${report.duplicates} records in ${report.seconds.toFixed(1)} s`
          : `dry run in ${report.seconds.toFixed(1)} s; pass --apply to merge`,
        '',
      ].join('\n'),
    );
  });
};

export const identityShowMetrics = async (opts: { json?: boolean }): Promise<void> => {
  await withDatabase(async ({ database }) => {
    // Measured now, and stored as the latest measurement the console shows.
    const m = await measureIdentity(database.db, systemClock, await loadIdentityRules(database.db));
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(m, null, 2)}\n`);
      return;
    }
    process.stdout.write(
      [
        `link rate: ${pct(m.linkRate.rate)} (${m.linkRate.linked}/${m.linkRate.total} events and orders on a known customer; target ≥ 95%)`,
        `duplicate rate: ${pct(m.duplicateRate.rate)} (${m.duplicateRate.duplicates}/${m.duplicateRate.customers} customers the rules would merge)`,
        `customers: ${m.customers}, merged records: ${m.mergedRecords}, quarantined identifiers: ${m.quarantined}`,
        '',
      ].join('\n'),
    );
  });
};
