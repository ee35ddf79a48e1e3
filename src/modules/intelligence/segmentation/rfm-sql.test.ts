import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../platform/clock.ts';
import { useTestDb } from '../../../test/test-db.ts';
import { createRng } from '../models/random.ts';
import { computeRfm, type RfmOrder } from '../models/rfm.ts';
import { readReferenceCsv } from '../models/test-support.ts';
import { runSegmentation } from './run-segmentation.ts';
import { DAY, type FixtureOrder, insertCustomers, insertOrders, mergeInto, settingsWith } from './test-fixtures.ts';
import { getActiveTierScheme } from './tier-schemes.ts';

// `9/7/11` is 7 September 2011 (month/day/two-digit year).
const parseUsShortDate = (text: string) => {
  const [month, day, year] = text.split('/').map(Number) as [number, number, number];
  return new Date(Date.UTC(2000 + year, month - 1, day));
};

type ScoreRow = { customer_id: string; recency_days: number; frequency: number; monetary_fen: number; r: number; f: number; m: number };

describe('RFM in SQL', () => {
  const db = useTestDb();

  const scores = async (runId: string) =>
    (
      await sql<ScoreRow & { name: string }>`
      select s.*, c.display_name as name from rfm_score s join customer c on c.id = s.customer_id where s.run_id = ${runId}`.execute(db().db)
    ).rows;

  it('reproduces the published superstore quartile table for all 793 customers, as the TypeScript model does', async () => {
    // CR-only line endings and Latin-1 names: decode as latin1 in both files so names match.
    const rows = readReferenceCsv('superstore-rfm/sample-orders.csv', 'latin1');
    const names = [...new Set(rows.map((r) => r.customer as string))];
    const ids = await insertCustomers(
      db().db,
      names.map((name) => ({ name, createdAt: new Date(Date.UTC(2010, 0, 1)) })),
    );
    const idByName = new Map(names.map((n, i) => [n, ids[i] as string]));
    // Dollars in the file; Guanxi stores integer cents (fen) — the cut points scale with them.
    await insertOrders(
      db().db,
      rows.map((r) => ({
        customerId: idByName.get(r.customer as string) as string,
        placedAt: parseUsShortDate(r.order_date as string),
        totalFen: Number(r.grand_total) * 100,
      })),
    );
    const now = new Date(Date.UTC(2014, 11, 31));
    const run = await db().tx(async (trx) =>
      runSegmentation(trx, fixedClock(now), {
        trigger: 'cli',
        triggeredBy: null,
        settings: settingsWith({ rfm: { windowDays: null, buckets: 4 } }),
        scheme: await getActiveTierScheme(trx),
      }),
    );
    expect(run.scored).toBe(793);

    const got = new Map((await scores(run.id)).map((s) => [s.name, s]));
    const expected = readReferenceCsv('superstore-rfm/rfm-table.csv', 'latin1');
    expect(expected).toHaveLength(793);
    const mismatches = expected.filter((row) => {
      const s = got.get(row.customer as string);
      return (
        !s ||
        s.recency_days !== Number(row.recency) ||
        s.frequency !== Number(row.frequency) ||
        s.monetary_fen !== Number(row.monetary_value) * 100 ||
        s.r !== Number(row.R_Quartile) ||
        s.f !== Number(row.F_Quartile) ||
        s.m !== Number(row.M_Quartile) ||
        `${s.r}${s.f}${s.m}` !== row.RFMClass
      );
    });
    expect(mismatches).toEqual([]);

    // The TypeScript model on the same orders gives the same scores and cut points (monetary in dollars).
    const model = computeRfm(
      rows.map((r): RfmOrder => ({ customerId: r.customer as string, orderedAt: parseUsShortDate(r.order_date as string), amount: Number(r.grand_total) })),
      { now, buckets: 4 },
    );
    for (const c of model.customers) expect(got.get(c.customerId)).toMatchObject({ r: c.r, f: c.f, m: c.m, recency_days: c.recencyDays });
    expect(run.cutPoints.recency).toEqual(model.cutPoints.recency);
    expect(run.cutPoints.frequency).toEqual(model.cutPoints.frequency);
    for (const [i, cut] of run.cutPoints.monetary.entries()) expect(cut / 100).toBeCloseTo(model.cutPoints.monetary[i] as number, 9);
  });

  it('equals the TypeScript model with refunds, cancelled orders, merged records and a window (quintiles)', async () => {
    const rng = createRng(42);
    const now = new Date('2026-03-01T12:00:00Z');
    const customers = Array.from({ length: 240 }, (_, i) => ({ name: `rfm-${i}`, createdAt: new Date(now.getTime() - 900 * DAY) }));
    const ids = await insertCustomers(db().db, customers);
    const orders: FixtureOrder[] = [];
    for (const id of ids) {
      const n = Math.floor(rng.next() * 8);
      for (let k = 0; k < n; k++) {
        const totalFen = 100 + Math.floor(rng.next() * 50) * 1000; // many ties, as in real spend
        const u = rng.next();
        const placedAt = new Date(now.getTime() - Math.floor(rng.next() * 800) * DAY - Math.floor(rng.next() * DAY));
        if (u < 0.08) orders.push({ customerId: id, placedAt, totalFen, status: 'cancelled' });
        else if (u < 0.15) orders.push({ customerId: id, placedAt, totalFen, refundedFen: totalFen });
        else if (u < 0.22) orders.push({ customerId: id, placedAt, totalFen, refundedFen: Math.floor(totalFen / 3) });
        else orders.push({ customerId: id, placedAt, totalFen });
      }
    }
    // An order after `now` is not counted.
    orders.push({ customerId: ids[0] as string, placedAt: new Date(now.getTime() + DAY), totalFen: 999_999 });
    await insertOrders(db().db, orders);
    // Every tenth record is merged into the next one: its orders count for that root.
    const rootOf = new Map(ids.map((id) => [id, id]));
    for (let i = 0; i + 1 < ids.length; i += 10) {
      await mergeInto(db().db, ids[i] as string, ids[i + 1] as string, now);
      rootOf.set(ids[i] as string, ids[i + 1] as string);
    }

    const run = await db().tx(async (trx) =>
      runSegmentation(trx, fixedClock(now), {
        trigger: 'cli',
        triggeredBy: null,
        settings: settingsWith({ rfm: { windowDays: 365, buckets: 5 } }),
        scheme: await getActiveTierScheme(trx),
      }),
    );

    // The model's input: each order at its placement, its refund (if any) as a negative amount on the same date.
    const modelOrders: RfmOrder[] = orders
      .filter((o) => o.status !== 'cancelled')
      .flatMap((o) => {
        const customerId = rootOf.get(o.customerId) as string;
        const order = { customerId, orderedAt: o.placedAt, amount: o.totalFen };
        return o.refundedFen ? [order, { customerId, orderedAt: o.placedAt, amount: -o.refundedFen }] : [order];
      });
    const model = computeRfm(modelOrders, { now, from: new Date(now.getTime() - 365 * DAY), buckets: 5 });
    const got = await scores(run.id);
    expect(model.customers.length).toBeGreaterThan(100);
    expect(got).toHaveLength(model.customers.length);
    const byId = new Map(got.map((s) => [s.customer_id, s]));
    for (const c of model.customers) {
      expect(byId.get(c.customerId), c.customerId).toMatchObject({
        recency_days: c.recencyDays,
        frequency: c.frequency,
        monetary_fen: c.monetary,
        r: c.r,
        f: c.f,
        m: c.m,
      });
    }
    expect(run.cutPoints).toEqual(model.cutPoints);
    // Merged records have no scores of their own.
    expect(got.some((s) => [...rootOf].some(([record, root]) => record !== root && record === s.customer_id))).toBe(false);
  });
});
