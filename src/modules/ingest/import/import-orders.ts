import { newId } from '../../../platform/ids.ts';
import { insertRefunds, lockRefundableOrders, type NewRefund, type OrderStatus, type RefundableOrder } from '../../customers/index.ts';
import { claimRecords, type RowError } from './import.repository.ts';
import { type BatchContext, type CustomerRef, cell, rowError, sharedCustomerRef, timestampCell } from './import-batch.ts';
import { microToFen, parseQuantity, parseYuanToFen, parseYuanToMicro } from './parse-values.ts';
import type { Row } from './read-rows.ts';

export type Line = {
  row: Row;
  ref: CustomerRef;
  placedAt: Date;
  sku: string;
  name: string;
  quantity: number;
  unitPriceFen: number;
  amountFen: number;
  isReturn: boolean;
  currency: string;
  status: OrderStatus | undefined;
};

export type Group = { key: string; lines: Line[]; rows: Row[]; failed: boolean };

const STATUS: Record<string, OrderStatus> = {
  paid: 'paid',
  fulfilled: 'fulfilled',
  completed: 'fulfilled',
  shipped: 'fulfilled',
  delivered: 'fulfilled',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  refunded: 'refunded',
  partially_refunded: 'partially_refunded',
  已付款: 'paid',
  已支付: 'paid',
  待发货: 'paid',
  已发货: 'fulfilled',
  已完成: 'fulfilled',
  已签收: 'fulfilled',
  交易成功: 'fulfilled',
  已取消: 'cancelled',
  交易关闭: 'cancelled',
  已退款: 'refunded',
  退款成功: 'refunded',
  部分退款: 'partially_refunded',
};

const CURRENCY = /^[A-Z]{3}$/;

export const parseLine = (ctx: BatchContext, row: Row): { ok: true; line: Line } | { ok: false; error: RowError } => {
  const fail = (field: Parameters<typeof rowError>[2], reason: string) => ({ ok: false as const, error: rowError(ctx, row, field, reason) });
  const ref = sharedCustomerRef(ctx, row);
  if (!ref.ok) return ref;
  const placed = timestampCell(ctx, row, 'placed_at');
  if (!placed.ok) return fail('placed_at', placed.reason);

  const qtyText = cell(ctx, row, 'quantity');
  let quantity = 1;
  if (qtyText !== '') {
    const q = parseQuantity(qtyText);
    if (!q.ok) return fail('quantity', q.reason);
    if (q.value === 0) return fail('quantity', 'quantity is 0');
    quantity = q.value;
  }
  const amountText = cell(ctx, row, 'amount');
  const priceText = cell(ctx, row, 'unit_price');
  let amount: number | undefined;
  let priceMicro: number | undefined;
  if (amountText !== '') {
    const a = parseYuanToFen(amountText);
    if (!a.ok) return fail('amount', a.reason);
    amount = a.value;
  }
  if (priceText !== '') {
    const p = parseYuanToMicro(priceText);
    if (!p.ok) return fail('unit_price', p.reason);
    if (p.value < 0) return fail('unit_price', 'unit price is negative');
    priceMicro = p.value;
  }
  if (amount === undefined && priceMicro === undefined) return fail(ctx.columns.index.amount !== undefined ? 'amount' : 'unit_price', 'missing');
  const absQty = Math.abs(quantity);
  if (priceMicro !== undefined && absQty * priceMicro > Number.MAX_SAFE_INTEGER) return fail('unit_price', 'too large');
  const amountFen = amount !== undefined ? Math.abs(amount) : microToFen(absQty * (priceMicro ?? 0));
  const unitPriceFen = priceMicro !== undefined ? microToFen(priceMicro) : Math.round(amountFen / absQty);

  const currencyText = cell(ctx, row, 'currency').toUpperCase();
  if (currencyText !== '' && !CURRENCY.test(currencyText)) return fail('currency', 'not a three-letter currency code');
  const statusText = cell(ctx, row, 'status');
  const status = statusText === '' ? undefined : STATUS[statusText.toLowerCase()];
  if (statusText !== '' && !status) return fail('status', `unknown status; one of paid, fulfilled, cancelled, refunded, partially_refunded`);

  return {
    ok: true,
    line: {
      row,
      ref: ref.ref,
      placedAt: placed.value,
      sku: cell(ctx, row, 'sku').slice(0, 200),
      name: cell(ctx, row, 'product_name').slice(0, 500),
      quantity: absQty,
      unitPriceFen,
      amountFen,
      isReturn: quantity < 0 || (amount !== undefined && amount < 0),
      currency: currencyText || ctx.currency,
      status,
    },
  };
};

const rowsOf = (groups: Group[]) => groups.reduce((n, g) => n + g.rows.length, 0);

const yuan = (fen: number) => (fen / 100).toFixed(2);

export const importReturns = async (
  ctx: BatchContext,
  groups: Group[],
  rootOf: (g: Group) => string,
  errors: RowError[],
): Promise<{ storedRows: number; duplicateRows: number; roots: Set<string> }> => {
  const roots = [...new Set(groups.map(rootOf))];
  const byRoot = new Map<string, RefundableOrder[]>();
  for (const o of await lockRefundableOrders(ctx.trx, roots)) byRoot.set(o.rootId, [...(byRoot.get(o.rootId) ?? []), o]);
  const left = new Map<string, number>(); // order id → refundable amount left, across this batch
  const remaining = (o: RefundableOrder) => left.get(o.id) ?? o.totalFen - o.refundedFen;

  const planned: { group: Group; root: string; refunds: NewRefund[] }[] = [];
  for (const g of groups) {
    const root = rootOf(g);
    const placedAt = (g.lines[0] as Line).placedAt;
    const pool = (byRoot.get(root) ?? []).filter((o) => o.placedAt <= placedAt);
    const take = new Map<string, number>();
    const avail = (o: RefundableOrder) => remaining(o) - (take.get(o.id) ?? 0);
    let short = 0;
    for (const l of g.lines) {
      let need = l.amountFen;
      // Orders that sold this SKU first, then any; newest first (the pool is sorted so).
      const ordered = [...pool.filter((o) => o.skus.includes(l.sku)), ...pool.filter((o) => !o.skus.includes(l.sku))];
      for (const o of ordered) {
        if (need === 0) break;
        const n = Math.min(need, avail(o));
        if (n <= 0) continue;
        take.set(o.id, (take.get(o.id) ?? 0) + n);
        need -= n;
      }
      short += need;
    }
    if (short > 0) {
      const wanted = g.lines.reduce((n, l) => n + l.amountFen, 0);
      const reason =
        pool.length === 0
          ? `return ${g.key} (${yuan(wanted)}): this customer has no earlier order that can still be refunded`
          : `return ${g.key} (${yuan(wanted)}) exceeds what this customer's earlier orders can still refund (${yuan(wanted - short)})`;
      for (const l of g.lines) errors.push(rowError(ctx, l.row, 'quantity', reason));
      continue;
    }
    const refunds: NewRefund[] = [];
    const orders = new Map(pool.map((o) => [o.id, o]));
    let n = 0;
    for (const [orderId, amount] of take) {
      const o = orders.get(orderId) as RefundableOrder;
      left.set(orderId, remaining(o) - amount);
      refunds.push({
        customerId: o.customerId,
        id: newId('ref', ctx.now),
        orderId,
        source: ctx.source,
        externalId: n === 0 ? g.key : `${g.key}#${n + 1}`,
        amountFen: amount,
        reason: 'return',
        refundedAt: placedAt,
      });
      n++;
    }
    planned.push({ group: g, root, refunds });
  }

  const claimed = await claimRecords(
    ctx.trx,
    ctx.source,
    'refund',
    planned.map((p) => ({ externalId: p.group.key, customerId: p.root, recordId: p.refunds[0]?.id ?? newId('ref', ctx.now) })),
    ctx.now,
  );
  const kept = planned.filter((p) => claimed.has(p.group.key));
  await insertRefunds(
    ctx.trx,
    kept.flatMap((p) => p.refunds),
    ctx.now,
  );
  return {
    storedRows: rowsOf(kept.map((p) => p.group)),
    duplicateRows: rowsOf(planned.filter((p) => !claimed.has(p.group.key)).map((p) => p.group)),
    roots: new Set(kept.map((p) => p.root)),
  };
};
