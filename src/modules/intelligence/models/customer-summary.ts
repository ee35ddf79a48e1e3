// Per-customer (frequency, recency, T, monetary) summary, the input of BG/NBD and Gamma-Gamma.

export type Transaction = { customerId: string; at: Date; amount: number };

export type CustomerSummary = {
  /** Repeat purchases: purchase days after the first. */
  frequency: number;
  /** Time from the first to the last purchase day. */
  recency: number;
  /** Time from the first purchase day to the end of the calibration period. */
  T: number;
};

export type TransactionSummary = CustomerSummary & {
  customerId: string;
  /** Mean spend per repeat purchase day (the first purchase excluded); 0 without repeats. */
  monetaryValue: number;
};

export type SummarizeTransactionsOptions = {
  /** Last day of the calibration period (inclusive); later transactions are ignored. */
  calibrationEnd: Date;
  /** Days per time unit of the output: 1 for days (default), 7 for weeks. */
  daysPerUnit?: number;
  /** Offset of the business time zone from UTC, so that "same day" means the customer's day. */
  utcOffsetMinutes?: number;
};

const DAY_MS = 86_400_000;

/**
 * Builds the summary the way Fader & Hardie (and lifetimes) do: purchases on the same day are one
 * purchase, frequency counts repeat purchase days, recency and T run from the first purchase day.
 */
export const summarizeTransactions = (transactions: Iterable<Transaction>, options: SummarizeTransactionsOptions): TransactionSummary[] => {
  const offsetMs = (options.utcOffsetMinutes ?? 0) * 60_000;
  const dayOf = (date: Date) => Math.floor((date.getTime() + offsetMs) / DAY_MS);
  const endDay = dayOf(options.calibrationEnd);
  const unit = options.daysPerUnit ?? 1;

  const spendByDay = new Map<string, Map<number, number>>();
  for (const t of transactions) {
    const day = dayOf(t.at);
    if (day > endDay) continue;
    let days = spendByDay.get(t.customerId);
    if (!days) {
      days = new Map();
      spendByDay.set(t.customerId, days);
    }
    days.set(day, (days.get(day) ?? 0) + t.amount);
  }

  const out: TransactionSummary[] = [];
  for (const [customerId, days] of spendByDay) {
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    let total = 0;
    for (const [day, spend] of days) {
      first = Math.min(first, day);
      last = Math.max(last, day);
      total += spend;
    }
    const frequency = days.size - 1;
    const repeatSpend = total - (days.get(first) as number);
    out.push({
      customerId,
      frequency,
      recency: (last - first) / unit,
      T: (endDay - first) / unit,
      monetaryValue: frequency > 0 ? repeatSpend / frequency : 0,
    });
  }
  return out;
};
