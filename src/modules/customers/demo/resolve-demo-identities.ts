import { sql } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { Db } from '../../../platform/db.ts';
import type { Logger } from '../../../platform/logger.ts';
import { recordAudit } from '../../audit/index.ts';
import { cliActor } from '../../auth/index.ts';
import { loadIdentityRules, measureIdentity, type ReresolutionReport, reresolveAll } from '../../identity/index.ts';
import { DEMO_SOURCES } from './demo-channels.ts';

/**
 * Merges the demo company's cross-channel duplicates once, right after they were generated, as an
 * operator would with `guanxi identity reresolve --apply`: the console then lists unified customers and
 * the identity page reports what was merged. The stores' front-desk phones, typed into many store records of
 * different people, are quarantined on the way instead of merging them. Later starts leave the graph alone, so merges undone in the
 * console stay undone. The identity metrics are measured before and after (their history shows the
 * unification). Returns undefined when there was nothing to do.
 */
export const resolveDemoIdentities = async (deps: { db: Db; clock: Clock; logger: Logger }): Promise<ReresolutionReport | undefined> => {
  const { db, clock, logger } = deps;
  const { rows } = await sql<{ resolved: boolean }>`
    select exists (select 1 from customer where merged_into is not null and source = any(${DEMO_SOURCES}::text[])) as resolved`.execute(db);
  if (rows[0]?.resolved) return undefined;
  // The records were just generated: no points or tags hang on them yet, so the merges need not be published
  // (thousands of no-op deliveries would keep the worker busy while the console is first used).
  const rules = await loadIdentityRules(db);
  // Measured before and after, so the identity page's history shows what unification did.
  await measureIdentity(db, clock, rules);
  const report = await reresolveAll(db, clock, rules, { apply: true, publish: false });
  if (report.duplicates > 0) {
    await db.transaction().execute((trx) =>
      recordAudit(trx, clock, cliActor('guanxi demo'), {
        action: 'identity.reresolve',
        details: { merged: report.duplicates, conflicted: report.conflicted, quarantined: report.quarantined },
      }),
    );
  }
  await measureIdentity(db, clock, rules);
  logger.info(
    {
      records: report.roots,
      merged: report.duplicates,
      duplicateRate: report.duplicateRate,
      conflicted: report.conflicted,
      quarantined: report.quarantined,
      seconds: report.seconds,
    },
    'demo identities resolved',
  );
  return report;
};
