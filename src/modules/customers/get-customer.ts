import type { Clock } from '../../platform/clock.ts';
import type { Db, Trx } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { type Actor, actorCan } from '../auth/index.ts';
import { maskEmail, maskPhone } from './contact.ts';
import { findCustomer, listIdentifiers } from './customer.repository.ts';
import { viewPii } from './customer-views.ts';

export type CustomerDetail = {
  id: string;
  displayName: string;
  phone: string | null;
  email: string | null;
  memberNo: string | null;
  attributes: Record<string, unknown>;
  source: string;
  createdAt: Date;
  updatedAt: Date;
  identifiers: { type: string; value: string; source: string; createdAt: Date }[];
  stats: { orderCount: number; totalSpentFen: number; refundedFen: number; averageOrderFen: number; firstOrderAt: Date | null; lastOrderAt: Date | null };
  masked: boolean;
};

const maskIdentifier = (type: string, value: string) => (type === 'phone' ? maskPhone(value) : type === 'email' ? maskEmail(value) : value);

/** Loads one customer for a reader; unmasked personal data is recorded in the audit log. */
export const loadCustomerDetail = async (db: Db | Trx, actor: Actor, id: string): Promise<CustomerDetail> => {
  const row = await findCustomer(db, id);
  if (!row) throw new AppError('customers.not_found', `no customer ${id}`);
  const reveal = actorCan(actor, 'customers:read_pii');
  const identifiers = await listIdentifiers(db, id);
  const orderCount = row.order_count ?? 0;
  const totalSpentFen = row.total_spent_fen ?? 0;
  return {
    id: row.id,
    ...viewPii(row, reveal),
    memberNo: row.member_no,
    attributes: row.attributes,
    source: row.source,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    identifiers: identifiers.map((i) => ({
      type: i.type,
      value: reveal ? i.value : maskIdentifier(i.type, i.value),
      source: i.source,
      createdAt: i.created_at,
    })),
    stats: {
      orderCount,
      totalSpentFen,
      refundedFen: row.refunded_fen ?? 0,
      averageOrderFen: orderCount > 0 ? Math.round(totalSpentFen / orderCount) : 0,
      firstOrderAt: row.first_order_at,
      lastOrderAt: row.last_order_at,
    },
    masked: !reveal,
  };
};

export const getCustomer = async (db: Db, clock: Clock, actor: Actor, id: string): Promise<CustomerDetail> => {
  const detail = await loadCustomerDetail(db, actor, id);
  if (!detail.masked) {
    await db.transaction().execute((trx) => recordAudit(trx, clock, actor, { action: 'customer.read_pii', subjectType: 'customer', subjectId: id }));
  }
  return detail;
};
