import { describe, expect, it } from 'vitest';
import { computeRfm, computeRfmValues, quantileLinear, type RfmOrder, scoreRfm } from './rfm.ts';
import { readReferenceCsv } from './test-support.ts';

// `9/7/11` is 7 September 2011 (month/day/two-digit year).
const parseUsShortDate = (text: string) => {
  const [month, day, year] = text.split('/').map(Number) as [number, number, number];
  return new Date(Date.UTC(2000 + year, month - 1, day));
};

describe('quantileLinear', () => {
  it('interpolates like pandas', () => {
    const xs = [1, 2, 3, 4, 10];
    expect(quantileLinear(xs, 0.25)).toBe(2);
    expect(quantileLinear(xs, 0.5)).toBe(3);
    expect(quantileLinear(xs, 0.9)).toBeCloseTo(7.6, 12);
    expect(quantileLinear([1, 2], 0.25)).toBe(1.25);
  });
});

describe('RFM', () => {
  const now = new Date(Date.UTC(2024, 0, 31));
  const day = (d: number) => new Date(Date.UTC(2024, 0, d));

  it('nets refunds out of monetary without counting them as orders or for recency', () => {
    const orders: RfmOrder[] = [
      { customerId: 'a', orderedAt: day(1), amount: 100 },
      { customerId: 'a', orderedAt: day(10), amount: 50 },
      { customerId: 'a', orderedAt: day(20), amount: -30 },
      { customerId: 'b', orderedAt: day(30), amount: -10 },
    ];
    expect(computeRfmValues(orders, { now })).toEqual([{ customerId: 'a', recencyDays: 21, frequency: 2, monetary: 120 }]);
  });

  it('keeps only orders inside the window', () => {
    const orders: RfmOrder[] = [
      { customerId: 'a', orderedAt: day(1), amount: 100 },
      { customerId: 'a', orderedAt: day(15), amount: 10 },
      { customerId: 'a', orderedAt: new Date(Date.UTC(2024, 1, 5)), amount: 999 },
    ];
    expect(computeRfmValues(orders, { now, from: day(10) })).toEqual([{ customerId: 'a', recencyDays: 16, frequency: 1, monetary: 10 }]);
  });

  it('scores quintiles by default, ties at a cut point in the lower bucket', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => ({ customerId: `c${n}`, recencyDays: n, frequency: n, monetary: n * 10 }));
    const result = scoreRfm(values);
    for (const [i, cut] of result.cutPoints.recency.entries()) expect(cut).toBeCloseTo([2.8, 4.6, 6.4, 8.2][i] as number, 12);
    expect(result.customers.map((c) => c.r)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(result.customers.map((c) => c.f)).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
    const tied = scoreRfm(
      [1, 2, 3, 4, 5].map((n) => ({ customerId: `c${n}`, recencyDays: n, frequency: n, monetary: n })),
      4,
    );
    expect(tied.cutPoints.recency).toEqual([2, 3, 4]);
    expect(tied.customers.map((c) => c.rfmClass)).toEqual(['144', '144', '233', '322', '411']);
  });

  it('reproduces the published superstore RFM quartile table for all 793 customers', () => {
    // CR-only line endings and Latin-1 names: decode as latin1 in both files so names match.
    const orders = readReferenceCsv('superstore-rfm/sample-orders.csv', 'latin1').map(
      (row): RfmOrder => ({ customerId: row.customer as string, orderedAt: parseUsShortDate(row.order_date as string), amount: Number(row.grand_total) }),
    );
    expect(orders).toHaveLength(5009);
    const result = computeRfm(orders, { now: new Date(Date.UTC(2014, 11, 31)), buckets: 4 });
    const expected = readReferenceCsv('superstore-rfm/rfm-table.csv', 'latin1');
    expect(result.customers).toHaveLength(793);
    expect(expected).toHaveLength(793);

    const byId = new Map(result.customers.map((c) => [c.customerId, c]));
    const mismatches = expected.filter((row) => {
      const c = byId.get(row.customer as string);
      return (
        !c ||
        c.recencyDays !== Number(row.recency) ||
        c.frequency !== Number(row.frequency) ||
        c.monetary !== Number(row.monetary_value) ||
        c.r !== Number(row.R_Quartile) ||
        c.f !== Number(row.F_Quartile) ||
        c.m !== Number(row.M_Quartile) ||
        c.rfmClass !== row.RFMClass
      );
    });
    expect(mismatches).toEqual([]);

    const classCounts = new Map<string, number>();
    for (const c of result.customers) classCounts.set(c.rfmClass, (classCounts.get(c.rfmClass) ?? 0) + 1);
    const top = [...classCounts].sort((a, b) => b[1] - a[1] || b[0].localeCompare(a[0])).slice(0, 5);
    expect(top).toEqual([
      ['444', 67],
      ['443', 37],
      ['344', 31],
      ['144', 31],
      ['111', 30],
    ]);
  });
});
