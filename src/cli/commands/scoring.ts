import { cliActor } from '../../modules/auth/index.ts';
import { type ChurnDiagnostics, type ClvDiagnostics, type ModelKind, type ModelRun, runModelNow } from '../../modules/intelligence/scoring/index.ts';
import { systemClock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import { withDatabase } from '../context.ts';
import { progressReporter } from '../progress.ts';

const KINDS = ['clv', 'churn'] as const;

const describeClv = (d: ClvDiagnostics) => {
  const bg = d.bgnbd;
  const gg = d.gammaGamma;
  const lines = [
    `CLV: ${d.customers} customers (${d.repeatCustomers} repeat buyers, ${d.patterns} patterns), calibration end ${d.calibrationEnd}, unit ${d.timeUnit}`,
    `  BG/NBD r ${bg.r.toFixed(4)}, α ${bg.alpha.toFixed(4)}, a ${bg.a.toFixed(4)}, b ${bg.b.toFixed(4)}; log-likelihood ${bg.logLikelihood.toFixed(2)} (${bg.iterations} iterations)`,
    `  Gamma-Gamma p ${gg.p.toFixed(4)}, q ${gg.q.toFixed(4)}, v ${gg.v.toFixed(2)} fen; log-likelihood ${gg.logLikelihood.toFixed(2)}`,
  ];
  if (d.holdout) {
    lines.push(
      `  holdout ${d.holdout.holdoutDays} days after ${d.holdout.calibrationEnd}: predicted ${d.holdout.predicted.toFixed(0)} purchases, actual ${d.holdout.actual} (${d.holdout.customers} customers)`,
    );
  }
  lines.push(
    `  quadrants: ${Object.entries(d.quadrants)
      .map(([q, n]) => `${q} ${n}`)
      .join(', ')}`,
  );
  lines.push(`  ${d.seconds.total.toFixed(1)} s (summary ${d.seconds.summary}, fit ${d.seconds.fit}, holdout ${d.seconds.holdout}, write ${d.seconds.write})`);
  return lines;
};

const describeChurn = (d: ChurnDiagnostics) => [
  `churn: trained on ${d.training.customers} customers at ${d.trainingCutoff.slice(0, 10)} (horizon ${d.horizonDays} days, churn rate ${(d.training.churnRate * 100).toFixed(1)}%)`,
  `  held out ${d.heldOut.customers}: AUC ${d.heldOut.auc.toFixed(3)}, accuracy ${d.heldOut.accuracy.toFixed(3)} (always the majority: ${d.heldOut.majorityAccuracy.toFixed(3)})`,
  `  scored ${d.scored} active customers, mean risk ${d.meanRisk.toFixed(3)}; strongest factors: ${d.coefficients
    .slice(0, 3)
    .map((c) => `${c.feature} ${c.coefficient > 0 ? '+' : ''}${c.coefficient.toFixed(2)}`)
    .join(', ')}`,
  `  ${d.seconds.total.toFixed(1)} s`,
];

/** `guanxi intelligence score [--only clv|churn] [--calibration-end YYYY-MM-DD] [--json]` */
export const intelligenceScore = async (opts: { only?: string; calibrationEnd?: string; json?: boolean }): Promise<void> => {
  if (opts.only !== undefined && !(KINDS as readonly string[]).includes(opts.only)) {
    throw new AppError('scoring.invalid_settings', `--only must be clv or churn, got ${opts.only}`, { fields: [{ path: 'only', message: 'clv or churn' }] });
  }
  if (opts.calibrationEnd !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(opts.calibrationEnd)) {
    throw new AppError('scoring.invalid_settings', `--calibration-end must be YYYY-MM-DD, got ${opts.calibrationEnd}`, {
      fields: [{ path: 'calibrationEnd', message: 'YYYY-MM-DD' }],
    });
  }
  const kinds: ModelKind[] = opts.only ? [opts.only as ModelKind] : [...KINDS];
  await withDatabase(async ({ database, logger }) => {
    const runs: ModelRun[] = [];
    for (const kind of kinds) {
      const progress = progressReporter(`scoring ${kind}`);
      const run = await runModelNow(
        { db: database.db, clock: systemClock, logger },
        { kind, trigger: 'cli', requestedBy: cliActor('guanxi intelligence score').label },
        { calibrationEnd: kind === 'clv' ? opts.calibrationEnd : undefined, onProgress: (phase, done, total) => progress.update(done, total, phase) },
      );
      progress.stop();
      runs.push(run);
      if (!opts.json) {
        const lines = kind === 'clv' ? describeClv(run.diagnostics as ClvDiagnostics) : describeChurn(run.diagnostics as ChurnDiagnostics);
        process.stdout.write(`${[`run ${run.id}`, ...lines].join('\n')}\n`);
      }
    }
    if (opts.json) process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
  });
};
