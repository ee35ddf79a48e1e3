import { newId } from '../../../platform/ids.ts';
import { insertRefunds, lockOrders, type NewRefund, refreshCustomerStats } from '../../customers/index.ts';
import { claimRecords, existingRecords, findRecords, type RowError } from './import.repository.ts';
import { type BatchOutcome, cell, type KindImporter, rowError, timestampCell } from './import-batch.ts';
import { parseYuanToFen } from './parse-values.ts';
import type { Row } from './read-rows.ts';

type Refund = { row: Row; key: string; orderKey: string; amountFen: number; refundedAt: Date; reason: string | null };

const yuan = (fen: number) => (fen / 100).toFixed(2);

/**
 * Refunds of orders imported from the same source (named by their order number). A refund raises the
 * order's refunded amount and makes it partially refunded or refunded; one for an unknown, cancelled
 * or already fully refunded order, or larger than what is left, is rejected with the reason.
 */
export const importRefunds: KindImporter = async (ctx, rows): Promise<BatchOutcome> => {
  const errors: RowError[] = [];
  const seen = new Set<string>();
  let duplicate = 0;
  const parsed: Refund[] = [];
  for (const row of rows) {
    const key = cell(ctx, row, 'external_id');
    if (key === '') {
      errors.push(rowError(ctx, row, 'external_id', 'missing'));
      continue;
    }
    const orderKey = cell(ctx, row, 'order_external_id');
    if (orderKey === '') {
      errors.push(rowError(ctx, row, 'order_external_id', 'missing'));
      continue;
    }
    const amountText = cell(ctx, row, 'amount');
    const amount = amountText === '' ? ({ ok: false, reason: 'missing' } as const) : parseYuanToFen(amountText);
    if (!amount.ok) {
      errors.push(rowError(ctx, row, 'amount', amount.reason));
      continue;
    }
    if (amount.value === 0) {
      errors.push(rowError(ctx, row, 'amount', 'amount is 0'));
      continue;
    }
    const at = timestampCell(ctx, row, 'refunded_at');
    if (!at.ok) {
      errors.push(rowError(ctx, row, 'refunded_at', at.reason));
      continue;
    }
    if (seen.has(key)) {
      duplicate++;
      continue;
    }
    seen.add(key);
    parsed.push({ row, key, orderKey, amountFen: Math.abs(amount.value), refundedAt: at.value, reason: cell(ctx, row, 'reason').slice(0, 500) || null });
  }

  const existing = await existingRecords(ctx.trx, ctx.source, 'refund', [...seen]);
  const todo = parsed.filter((r) => !existing.has(r.key));
  duplicate += parsed.length - todo.length;
  if (todo.length === 0) return { stored: 0, duplicate, errors };

  const known = await findRecords(ctx.trx, ctx.source, 'order', [...new Set(todo.map((r) => r.orderKey))]);
  const orders = new Map(
    (
      await lockOrders(
        ctx.trx,
        [...known.values()].map((k) => ({ customerId: k.customerId, orderId: k.recordId })),
      )
    ).map((o) => [o.id, o]),
  );
  const refunded = new Map<string, number>();
  const planned: { refund: NewRefund; root: string; key: string }[] = [];
  for (const r of todo) {
    const ref = known.get(r.orderKey);
    const order = ref ? orders.get(ref.recordId) : undefined;
    if (!order) {
      errors.push(rowError(ctx, r.row, 'order_external_id', `unknown order: no order ${r.orderKey} was imported from source ${ctx.source}`));
      continue;
    }
    if (order.status === 'cancelled') {
      errors.push(rowError(ctx, r.row, 'order_external_id', `order ${r.orderKey} is cancelled`));
      continue;
    }
    const already = refunded.get(order.id) ?? order.refundedFen;
    if (already + r.amountFen > order.totalFen) {
      errors.push(
        rowError(
          ctx,
          r.row,
          'amount',
          `refund ${yuan(r.amountFen)} exceeds what order ${r.orderKey} can still refund (${yuan(order.totalFen - already)} of ${yuan(order.totalFen)})`,
        ),
      );
      continue;
    }
    refunded.set(order.id, already + r.amountFen);
    planned.push({
      key: r.key,
      root: order.rootId,
      refund: {
        customerId: order.customerId,
        id: newId('ref', ctx.now),
        orderId: order.id,
        source: ctx.source,
        externalId: r.key,
        amountFen: r.amountFen,
        reason: r.reason,
        refundedAt: r.refundedAt,
      },
    });
  }

  const claimed = await claimRecords(
    ctx.trx,
    ctx.source,
    'refund',
    planned.map((p) => ({ externalId: p.key, customerId: p.refund.customerId, recordId: p.refund.id })),
    ctx.now,
  );
  const kept = planned.filter((p) => claimed.has(p.key));
  await insertRefunds(
    ctx.trx,
    kept.map((p) => p.refund),
    ctx.now,
  );
  if (kept.length > 0) await refreshCustomerStats(ctx.trx, { customerIds: [...new Set(kept.map((p) => p.root))] });
  return { stored: kept.length, duplicate: duplicate + planned.length - kept.length, errors };
};
