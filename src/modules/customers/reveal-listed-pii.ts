import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { recordAudit } from '../audit/index.ts';
import { type Actor, actorCan } from '../auth/index.ts';

/**
 * Whether a list of customers shows the reader their personal data in full (`customers:read_pii`); when it
 * does, the read is audited (`customer.list_pii`) with the customers listed and `details` naming the list.
 * Every list of customers with names goes through here; the rows are then shown with viewPii / maskName.
 */
export const revealListedPii = async (db: Db, clock: Clock, actor: Actor, customerIds: string[], details: Record<string, unknown>): Promise<boolean> => {
  const reveal = actorCan(actor, 'customers:read_pii');
  if (reveal && customerIds.length > 0) {
    await db
      .transaction()
      .execute((trx) => recordAudit(trx, clock, actor, { action: 'customer.list_pii', subjectType: 'customer', details: { customerIds, ...details } }));
  }
  return reveal;
};
