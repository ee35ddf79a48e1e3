import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import type { Actor } from '../auth/index.ts';
import { normalizePhone } from './contact.ts';
import { type CustomerSort, searchCustomers } from './customer.repository.ts';
import { viewPii } from './customer-views.ts';
import { revealListedPii } from './reveal-listed-pii.ts';

export type CustomerListItem = {
  id: string;
  displayName: string;
  phone: string | null;
  email: string | null;
  memberNo: string | null;
  createdAt: Date;
  orderCount: number;
  totalSpentFen: number;
  lastOrderAt: Date | null;
};

export type ListCustomersInput = { q?: string; sort: CustomerSort; order: 'asc' | 'desc'; page: number; pageSize: number };

/** Up to this many customer records an unfiltered list counts its customers exactly; above, it estimates. */

/** Lists customers; a page that shows unmasked personal data is recorded in the audit log. */
export const listCustomers = async (
  db: Db,
  clock: Clock,
  actor: Actor,
  input: ListCustomersInput,
  options: { exactCountUpTo?: number } = {},
): Promise<{ items: CustomerListItem[]; total: number; totalCapped: boolean; masked: boolean }> => {
  const digits = input.q?.replace(/[\s\-()]/g, '') ?? '';
  // A partial number cannot be parsed; it is matched as a prefix of the national number.
  const phoneQuery = /^\+?\d{3,}$/.test(digits) ? (digits.startsWith('+') ? digits : (normalizePhone(digits) ?? `+86${digits}`)) : undefined;
  const { rows, total, totalCapped } = await searchCustomers(db, { ...input, phoneQuery, exactCountUpTo: options.exactCountUpTo });
  const reveal = await revealListedPii(
    db,
    clock,
    actor,
    rows.map((r) => r.id),
    { searched: Boolean(input.q) },
  );
  return {
    total,
    totalCapped,
    masked: !reveal,
    items: rows.map((r) => ({
      id: r.id,
      ...viewPii(r, reveal),
      memberNo: r.member_no,
      createdAt: r.created_at,
      orderCount: r.order_count ?? 0,
      totalSpentFen: r.total_spent_fen ?? 0,
      lastOrderAt: r.last_order_at,
    })),
  };
};
