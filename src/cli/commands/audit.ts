import { verifyAuditChain } from '../../modules/audit/index.ts';
import { AppError } from '../../platform/errors.ts';
import { withDatabase } from '../context.ts';
import { progressReporter } from '../progress.ts';

export const auditVerify = async (): Promise<void> => {
  await withDatabase(async ({ database }) => {
    const progress = progressReporter('verifying');
    const report = await verifyAuditChain(database.db, { onProgress: (done, total) => progress.update(done, total, 'audit rows') });
    progress.stop();
    if (report.ok) {
      process.stdout.write(`audit chain intact: ${report.checked} rows verified\n`);
      return;
    }
    for (const p of report.problems) process.stdout.write(`row ${p.seq}: ${p.kind}: ${p.message}\n`);
    throw new AppError('audit.chain_broken', `audit chain broken: ${report.problems.length} problem(s) in ${report.checked} rows`);
  });
};
