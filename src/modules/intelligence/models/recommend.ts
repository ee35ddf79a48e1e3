// Cross-sell recommendations: item-to-item cosine similarity over purchase baskets, a
// most-popular baseline, and the measures that keep both honest (hit rate, diversity).

/** Items bought together: one basket per customer history (or per order). */
export type Basket = Iterable<string>;

export type ItemSimilarity = {
  /** For each item its neighbours, most similar first: [item, cosine similarity]. */
  neighbours: Map<string, [string, number][]>;
  /** Items by the number of baskets they occur in, most popular first. */
  popular: [string, number][];
};

export type FitItemSimilarityOptions = {
  /** Neighbours kept per item (the long tail of tiny similarities only costs memory); default 200. */
  maxNeighbours?: number;
};

/**
 * Cosine similarity of items over baskets: co-occurrences(i, j) / √(baskets(i) · baskets(j)).
 * Dividing by popularity is what lets niche items surface next to best-sellers.
 */
export const fitItemSimilarity = (baskets: Iterable<Basket>, options: FitItemSimilarityOptions = {}): ItemSimilarity => {
  const maxNeighbours = options.maxNeighbours ?? 200;
  const count = new Map<string, number>();
  const together = new Map<string, Map<string, number>>();
  for (const basket of baskets) {
    const items = [...new Set(basket)];
    for (const item of items) count.set(item, (count.get(item) ?? 0) + 1);
    for (let i = 0; i < items.length; i++) {
      const a = items[i] as string;
      let row = together.get(a);
      if (!row) {
        row = new Map();
        together.set(a, row);
      }
      for (let j = 0; j < items.length; j++) {
        if (i !== j) row.set(items[j] as string, (row.get(items[j] as string) ?? 0) + 1);
      }
    }
  }
  const neighbours = new Map<string, [string, number][]>();
  for (const [item, row] of together) {
    const n = count.get(item) as number;
    const list = [...row].map(([other, c]): [string, number] => [other, c / Math.sqrt(n * (count.get(other) as number))]);
    list.sort((p, q) => q[1] - p[1] || (p[0] < q[0] ? -1 : 1));
    neighbours.set(item, list.slice(0, maxNeighbours));
  }
  const popular = [...count].sort((p, q) => q[1] - p[1] || (p[0] < q[0] ? -1 : 1));
  return { neighbours, popular };
};

export type RecommendOptions = {
  /** How many items; default 10. */
  k?: number;
  /** Leave out what the customer already bought (cross-sell); default true. */
  excludePurchased?: boolean;
  /** Never recommend these (postage, fees, items out of stock). */
  exclude?: ReadonlySet<string>;
};

const allowed = (history: ReadonlySet<string>, options: RecommendOptions) => (item: string) =>
  !(options.excludePurchased !== false && history.has(item)) && !options.exclude?.has(item);

/** Most-popular list: the non-personalised baseline, and the fallback when personalisation is off. */
export const recommendPopular = (model: ItemSimilarity, history: Iterable<string>, options: RecommendOptions = {}): string[] => {
  const k = options.k ?? 10;
  const ok = allowed(new Set(history), options);
  const out: string[] = [];
  for (const [item] of model.popular) {
    if (out.length >= k) break;
    if (ok(item)) out.push(item);
  }
  return out;
};

/**
 * Scores each candidate by the summed similarity to the items in the customer's history, best
 * first; a short list is topped up from the popular items.
 */
export const recommendForCustomer = (model: ItemSimilarity, history: Iterable<string>, options: RecommendOptions = {}): string[] => {
  const k = options.k ?? 10;
  const bought = new Set(history);
  const ok = allowed(bought, options);
  const score = new Map<string, number>();
  for (const item of bought) {
    for (const [other, similarity] of model.neighbours.get(item) ?? []) {
      if (ok(other)) score.set(other, (score.get(other) ?? 0) + similarity);
    }
  }
  const ranked = [...score].sort((p, q) => q[1] - p[1] || (p[0] < q[0] ? -1 : 1)).map(([item]) => item);
  const out = ranked.slice(0, k);
  if (out.length < k) {
    const taken = new Set(out);
    for (const item of recommendPopular(model, bought, { ...options, k: k + out.length })) {
      if (out.length >= k) break;
      if (!taken.has(item)) out.push(item);
    }
  }
  return out;
};

/** Share of customers with at least one held-out item among their recommendations. */
export const hitRate = (recommendations: ReadonlyMap<string, readonly string[]>, heldOut: ReadonlyMap<string, ReadonlySet<string>>): number => {
  let customers = 0;
  let hits = 0;
  for (const [customer, items] of heldOut) {
    if (items.size === 0) continue;
    customers++;
    if ((recommendations.get(customer) ?? []).some((item) => items.has(item))) hits++;
  }
  return customers === 0 ? Number.NaN : hits / customers;
};

/** Share of the catalogue that appears in at least one list. */
export const catalogueCoverage = (lists: Iterable<readonly string[]>, catalogueSize: number): number => {
  const seen = new Set<string>();
  for (const list of lists) for (const item of list) seen.add(item);
  return seen.size / catalogueSize;
};

/**
 * Gini index of how often each catalogue item is recommended: 0 = every item equally exposed,
 * near 1 = everyone is shown the same few items (the information-cocoon end).
 */
export const recommendationGini = (lists: Iterable<readonly string[]>, catalogue: Iterable<string>): number => {
  const exposure = new Map<string, number>();
  for (const item of catalogue) exposure.set(item, 0);
  for (const list of lists) for (const item of list) exposure.set(item, (exposure.get(item) ?? 0) + 1);
  const counts = [...exposure.values()].sort((a, b) => a - b);
  const n = counts.length;
  const total = counts.reduce((s, c) => s + c, 0);
  if (n === 0 || total === 0) return 0;
  let weighted = 0;
  counts.forEach((c, i) => {
    weighted += (i + 1) * c;
  });
  return (2 * weighted) / (n * total) - (n + 1) / n;
};

/**
 * Mean pairwise dissimilarity (1 − cosine) inside each list, averaged over lists: how varied one
 * customer's recommendations are.
 */
export const intraListDiversity = (model: ItemSimilarity, lists: Iterable<readonly string[]>): number => {
  const lookup = new Map<string, Map<string, number>>();
  const similarity = (a: string, b: string) => {
    let row = lookup.get(a);
    if (!row) {
      row = new Map(model.neighbours.get(a) ?? []);
      lookup.set(a, row);
    }
    return row.get(b) ?? 0;
  };
  let sum = 0;
  let n = 0;
  for (const list of lists) {
    if (list.length < 2) continue;
    let pairs = 0;
    let dissimilarity = 0;
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        pairs++;
        dissimilarity += 1 - similarity(list[i] as string, list[j] as string);
      }
    }
    sum += dissimilarity / pairs;
    n++;
  }
  return n === 0 ? Number.NaN : sum / n;
};
