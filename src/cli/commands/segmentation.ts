import { retier } from '../../modules/intelligence/segmentation/index.ts';
import { systemClock } from '../../platform/clock.ts';
import { withDatabase } from '../context.ts';

export const intelligenceRetier = async (opts: { json?: boolean }): Promise<void> => {
  await withDatabase(async ({ database }) => {
    const run = await retier(database.db, systemClock, {
      trigger: 'cli',
      triggeredBy: 'guanxi intelligence retier',
      onPhase: (phase) => process.stderr.write(`retier: ${phase}\n`),
    });
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
      return;
    }
    const seconds = (run.finishedAt.getTime() - run.startedAt.getTime()) / 1000;
    process.stdout.write(
      [
        `run ${run.id} (scheme ${run.schemeId}) in ${seconds.toFixed(1)} s`,
        `customers: ${run.customers}, with RFM scores: ${run.scored}`,
        `tiers: ${run.summary.tiers.map((t) => `${t.tier} ${t.customers}`).join(', ') || 'none'}`,
        `stages: ${run.summary.stages.map((s) => `${s.stage} ${s.customers}`).join(', ') || 'none'}`,
        `tier changes: ${run.tierChanges} (each a customer.tier_changed event), stage changes: ${run.stageChanges}`,
        '',
      ].join('\n'),
    );
  });
};
