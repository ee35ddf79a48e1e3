import type { Clock } from '../../../platform/clock.ts';
import type { Db } from '../../../platform/db.ts';
import type { Actor } from '../../auth/index.ts';
import { maskName, revealListedPii } from '../../customers/index.ts';

export type ScoredCustomerPage<T> = { items: ({ customerId: string; displayName: string } & T)[]; total: number; masked: boolean };

/**
 * A page of scored customers as the lists show it: names masked without customers:read_pii, an unmasked
 * page recorded in the audit log under `list`; `toItem` maps the rest of each row.
 */
export const scoredCustomerPage = async <R extends { customer_id: string; display_name: string }, T>(
  db: Db,
  clock: Clock,
  actor: Actor,
  page: { list: string; rows: R[]; total: number | undefined },
  toItem: (row: R) => T,
): Promise<ScoredCustomerPage<T>> => {
  const reveal = await revealListedPii(
    db,
    clock,
    actor,
    page.rows.map((r) => r.customer_id),
    { list: page.list },
  );
  return {
    total: page.total ?? 0,
    masked: !reveal,
    items: page.rows.map((r) => ({ customerId: r.customer_id, displayName: reveal ? r.display_name : maskName(r.display_name), ...toItem(r) })),
  };
};
