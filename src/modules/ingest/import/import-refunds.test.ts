import { beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../platform/clock.ts';
import { useTestDb } from '../../../test/test-db.ts';
import { cliActor } from '../../auth/index.ts';
import { getImportErrors } from './list-imports.ts';
import { type ImportOptions, importFile } from './run-import.ts';

const bytesOf = (content: string) =>
  (async function* () {
    yield Buffer.from(content);
  })();

describe('importing refunds', () => {
  const db = useTestDb();
  const run = (kind: ImportOptions['kind'], content: string) =>
    importFile(db().db, systemClock, cliActor('test'), { kind, source: 'shop', fileName: `${kind}.csv`, bytes: bytesOf(content) });

  beforeAll(async () => {
    const orders = await run(
      'orders',
      'order_no,phone,order_date,amount,status\nO1,13800138000,2026-03-01 10:00,100.00,paid\nO2,13800138000,2026-03-02 10:00,50,cancelled\nO3,13800138000,2026-03-03 10:00,40,paid',
    );
    expect(orders.rowsStored).toBe(3);
  });

  const refunds = [
    'refund_no,order_no,refund_amount,refund_time,reason',
    'R1,O1,30.00,2026-03-05 10:00,尺码不合适', //  2
    'R2,O1,70,2026-03-06 10:00,', //              3: O1 now fully refunded
    'R3,O1,0.01,2026-03-07 10:00,', //            4: nothing left
    'R4,O9,10,2026-03-07 10:00,', //              5: unknown order
    'R5,O2,10,2026-03-07 10:00,', //              6: cancelled order
    'R6,O3,x,2026-03-07 10:00,', //               7: not a number
    'R7,O3,10,someday,', //                       8: bad date
    'R8,O3,10,2026-03-08 10:00,', //              9
    'R8,O3,10,2026-03-08 10:00,', //             10: same refund twice
  ].join('\n');

  it('refunds orders, moves their status, and refuses what cannot be refunded with the reason', async () => {
    const summary = await run('refunds', refunds);
    expect(summary).toMatchObject({ rowsTotal: 9, rowsStored: 3, rowsDuplicate: 1, rowsRejected: 5 });
    const { errors } = await getImportErrors(db().db, summary.id);
    expect(errors.map((e) => [e.row, e.field, e.reason])).toEqual([
      [4, 'refund_amount', 'refund 0.01 exceeds what order O1 can still refund (0.00 of 100.00)'],
      [5, 'order_no', 'unknown order: no order O9 was imported from source shop'],
      [6, 'order_no', 'order O2 is cancelled'],
      [7, 'refund_amount', 'not a number'],
      [8, 'refund_time', expect.stringMatching(/^not a date\/time/)],
    ]);
    const orders = await db().db.selectFrom('customer_order').select(['external_id', 'status', 'refunded_fen']).orderBy('external_id').execute();
    expect(orders).toEqual([
      { external_id: 'O1', status: 'refunded', refunded_fen: 10_000 },
      { external_id: 'O2', status: 'cancelled', refunded_fen: 0 },
      { external_id: 'O3', status: 'partially_refunded', refunded_fen: 1_000 },
    ]);
    const reasons = await db().db.selectFrom('customer_order_refund').select(['external_id', 'amount_fen', 'reason']).orderBy('external_id').execute();
    expect(reasons).toEqual([
      { external_id: 'R1', amount_fen: 3_000, reason: '尺码不合适' },
      { external_id: 'R2', amount_fen: 7_000, reason: null },
      { external_id: 'R8', amount_fen: 1_000, reason: null },
    ]);
    const stats = await db().db.selectFrom('customer_stats').select(['order_count', 'total_spent_fen', 'refunded_fen']).where('order_count', '>', 0).execute();
    expect(stats).toEqual([{ order_count: 2, total_spent_fen: 3_000, refunded_fen: 11_000 }]);
  });

  it('is idempotent', async () => {
    const summary = await run('refunds', refunds);
    expect(summary).toMatchObject({ rowsStored: 0, rowsDuplicate: 4, rowsRejected: 5 });
    expect(await db().db.selectFrom('customer_order_refund').select('id').execute()).toHaveLength(3);
  });
});
