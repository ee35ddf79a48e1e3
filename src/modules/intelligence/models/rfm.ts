// RFM (recency, frequency, monetary) per customer and quantile scores.

export type RfmOrder = {
  customerId: string;
  orderedAt: Date;
  /** Order amount; a negative amount is a refund: it lowers monetary but is not an order. */
  amount: number;
};

export type RfmValues = {
  customerId: string;
  /** Whole days from the last order to `now` (floored, like pandas' Timedelta.days). */
  recencyDays: number;
  /** Number of orders in the window. */
  frequency: number;
  /** Net spend in the window: orders minus refunds. */
  monetary: number;
};

export type RfmScore = RfmValues & { r: number; f: number; m: number; rfmClass: string };

export type RfmBuckets = 4 | 5;

export type RfmCutPoints = { recency: number[]; frequency: number[]; monetary: number[] };

export type RfmResult = { buckets: RfmBuckets; cutPoints: RfmCutPoints; customers: RfmScore[] };

const DAY_MS = 86_400_000;

export type ComputeRfmValuesOptions = {
  /** The reference date recency is measured to; orders after it are ignored. */
  now: Date;
  /** Start of the window (inclusive); all history when omitted. */
  from?: Date;
};

/**
 * Aggregates orders into recency/frequency/monetary per customer. Customers whose window holds
 * only refunds have no recency and are left out: they did not buy in the window.
 */
export const computeRfmValues = (orders: Iterable<RfmOrder>, options: ComputeRfmValuesOptions): RfmValues[] => {
  const now = options.now.getTime();
  const from = options.from?.getTime() ?? Number.NEGATIVE_INFINITY;
  const byCustomer = new Map<string, { last: number; frequency: number; monetary: number }>();
  for (const order of orders) {
    const at = order.orderedAt.getTime();
    if (at < from || at > now) continue;
    let acc = byCustomer.get(order.customerId);
    if (!acc) {
      acc = { last: Number.NEGATIVE_INFINITY, frequency: 0, monetary: 0 };
      byCustomer.set(order.customerId, acc);
    }
    acc.monetary += order.amount;
    if (order.amount >= 0) {
      acc.frequency++;
      if (at > acc.last) acc.last = at;
    }
  }
  const out: RfmValues[] = [];
  for (const [customerId, acc] of byCustomer) {
    if (acc.frequency === 0) continue;
    out.push({ customerId, recencyDays: Math.floor((now - acc.last) / DAY_MS), frequency: acc.frequency, monetary: acc.monetary });
  }
  return out;
};

/** pandas/numpy default quantile: linear interpolation between order statistics at (n − 1)·p. */
export const quantileLinear = (sortedAscending: readonly number[], p: number): number => {
  const n = sortedAscending.length;
  if (n === 0) return Number.NaN;
  const position = (n - 1) * p;
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, n - 1);
  const low = sortedAscending[lo] as number;
  const high = sortedAscending[hi] as number;
  const t = position - lo;
  // numpy's lerp: from the nearer end, so a cut point equal to a data value stays exact.
  return t >= 0.5 ? high - (high - low) * (1 - t) : low + (high - low) * t;
};

const cutPointsOf = (values: readonly number[], buckets: RfmBuckets) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Array.from({ length: buckets - 1 }, (_, i) => quantileLinear(sorted, (i + 1) / buckets));
};

// Number of cut points strictly below the value: a value equal to a cut point stays in the lower bucket.
const cutsBelow = (value: number, cuts: readonly number[]) => cuts.reduce((n, cut) => (value > cut ? n + 1 : n), 0);

/**
 * Quantile scores over the given customers. R: 1 = most recent. F and M: 1 = best (most orders,
 * highest spend). `rfmClass` is the three digits, e.g. "111" for the best customers.
 */
export const scoreRfm = (values: readonly RfmValues[], buckets: RfmBuckets = 5): RfmResult => {
  const cutPoints: RfmCutPoints = {
    recency: cutPointsOf(
      values.map((v) => v.recencyDays),
      buckets,
    ),
    frequency: cutPointsOf(
      values.map((v) => v.frequency),
      buckets,
    ),
    monetary: cutPointsOf(
      values.map((v) => v.monetary),
      buckets,
    ),
  };
  const customers = values.map((v) => {
    const r = 1 + cutsBelow(v.recencyDays, cutPoints.recency);
    const f = buckets - cutsBelow(v.frequency, cutPoints.frequency);
    const m = buckets - cutsBelow(v.monetary, cutPoints.monetary);
    return { ...v, r, f, m, rfmClass: `${r}${f}${m}` };
  });
  return { buckets, cutPoints, customers };
};

/** Values and scores in one go. */
export const computeRfm = (orders: Iterable<RfmOrder>, options: ComputeRfmValuesOptions & { buckets?: RfmBuckets }): RfmResult =>
  scoreRfm(computeRfmValues(orders, options), options.buckets ?? 5);
