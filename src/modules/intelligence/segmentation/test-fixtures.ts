// Test-only helpers: customers and orders written straight into the customers module's tables.

import type { Db } from '../../../platform/db.ts';
import { newId } from '../../../platform/ids.ts';
import type { OrderStatus } from '../../customers/index.ts';
import { DEFAULT_SEGMENTATION_SETTINGS, type SegmentationSettings } from './settings.ts';

export const DAY = 86_400_000;

export type FixtureOrder = { customerId: string; placedAt: Date; totalFen: number; refundedFen?: number; status?: OrderStatus };

let counter = 0;

export const insertCustomers = async (db: Db, customers: { name: string; createdAt: Date }[]): Promise<string[]> => {
  const ids = customers.map((c) => newId('cus', c.createdAt));
  for (let i = 0; i < customers.length; i += 1000) {
    await db
      .insertInto('customer')
      .values(
        customers.slice(i, i + 1000).map((c, j) => ({
          id: ids[i + j] as string,
          display_name: c.name,
          phone: null,
          email: null,
          member_no: null,
          attributes: '{}',
          source: 'test',
          created_at: c.createdAt,
          updated_at: c.createdAt,
        })),
      )
      .execute();
  }
  return ids;
};

export const insertOrders = async (db: Db, orders: FixtureOrder[]): Promise<void> => {
  for (let i = 0; i < orders.length; i += 1000) {
    await db
      .insertInto('customer_order')
      .values(
        orders.slice(i, i + 1000).map((o) => {
          const refunded = o.refundedFen ?? 0;
          const status: OrderStatus = o.status ?? (refunded === 0 ? 'paid' : refunded >= o.totalFen ? 'refunded' : 'partially_refunded');
          return {
            customer_id: o.customerId,
            id: newId('ord', o.placedAt),
            source: 'test',
            external_id: `o-${++counter}`,
            status,
            total_fen: o.totalFen,
            refunded_fen: refunded,
            placed_at: o.placedAt,
            created_at: o.placedAt,
            updated_at: o.placedAt,
          };
        }),
      )
      .execute();
  }
};

/** Points `loserId` at `winnerId` as the identity module's merge does (root and merged_into). */
export const mergeInto = async (db: Db, loserId: string, winnerId: string, at: Date): Promise<void> => {
  await db.updateTable('customer').set({ root_id: winnerId, merged_into: winnerId, merged_at: at }).where('id', '=', loserId).execute();
};

export const settingsWith = (patch: {
  rfm?: Partial<SegmentationSettings['rfm']>;
  lifecycle?: Partial<SegmentationSettings['lifecycle']>;
}): SegmentationSettings => ({
  ...DEFAULT_SEGMENTATION_SETTINGS,
  rfm: { ...DEFAULT_SEGMENTATION_SETTINGS.rfm, ...patch.rfm },
  lifecycle: { ...DEFAULT_SEGMENTATION_SETTINGS.lifecycle, ...patch.lifecycle },
});
