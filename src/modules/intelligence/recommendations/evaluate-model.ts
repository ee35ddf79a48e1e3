import { sql } from 'kysely';
import type { Trx } from '../../../platform/db.ts';
import { catalogueCoverage, hitRate, intraListDiversity, recommendationGini, recommendForCustomer, recommendPopular } from '../models/index.ts';
import type { HoldoutMetrics, ListMetrics, ModeMetrics } from './recommendations.shared.ts';
import { fitModelInSql, loadSimilarity, PURCHASED } from './train-model.ts';

export type { HoldoutMetrics, ListMetrics, ModeMetrics } from './recommendations.shared.ts';

export const HOLDOUT_SAMPLE = 5000;

const finite = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : null);

/**
 * Holds out every customer's last order, fits the same model on everything before it (in SQL, inside the
 * caller's transaction; removed again afterwards), and measures with models/recommend.ts: hit-rate@k,
 * catalogue coverage, exposure Gini and intra-list diversity, for the model and for most-popular.
 */
export const evaluateOnHoldout = async (trx: Trx, options: { at: Date; k?: number; sample?: number }): Promise<HoldoutMetrics> => {
  const k = options.k ?? 10;
  const model = await fitModelInSql(trx, { purpose: 'evaluation', at: options.at, by: 'holdout', holdOutLastOrder: true });
  const { rows } = await sql<{ customer: string; item: string; held_out: boolean }>`
    with ranked as (
      select c.root_id as customer, o.customer_id, o.id,
             row_number() over (partition by c.root_id order by o.placed_at desc, o.id desc) as recent
      from customer_order o join customer c on c.id = o.customer_id
      where ${PURCHASED}
    ),
    sample as (select customer from ranked where recent = 1 order by md5(customer), customer limit ${options.sample ?? HOLDOUT_SAMPLE})
    select distinct r.customer, l.sku as item, r.recent = 1 as held_out
    from ranked r
    join sample s on s.customer = r.customer
    join customer_order_line l on l.customer_id = r.customer_id and l.order_id = r.id`.execute(trx);
  const histories = new Map<string, Set<string>>();
  const heldOut = new Map<string, Set<string>>();
  for (const r of rows) {
    const target = r.held_out ? heldOut : histories;
    for (const map of [histories, heldOut]) if (!map.has(r.customer)) map.set(r.customer, new Set());
    target.get(r.customer)?.add(r.item);
  }
  const similarity = await loadSimilarity(trx, model.id);
  const catalogue = similarity.popular.map(([item]) => item);
  const measure = (excludePurchased: boolean): ModeMetrics => {
    const personal = new Map([...histories].map(([c, h]) => [c, recommendForCustomer(similarity, h, { k, excludePurchased })]));
    const popular = new Map([...histories].map(([c, h]) => [c, recommendPopular(similarity, h, { k, excludePurchased })]));
    const of = (recs: Map<string, string[]>): ListMetrics => ({
      hitRate: finite(hitRate(recs, heldOut)),
      coverage: catalogue.length ? finite(catalogueCoverage(recs.values(), catalogue.length)) : null,
      gini: catalogue.length ? finite(recommendationGini(recs.values(), catalogue)) : null,
      intraListDiversity: finite(intraListDiversity(similarity, [...recs.values()])),
    });
    return { personalised: of(personal), popular: of(popular) };
  };
  const metrics = { k, customers: heldOut.size, crossSell: measure(true), nextProducts: measure(false) };
  // The evaluation model has served its purpose (a failure rolls it back with the caller's transaction).
  await trx.deleteFrom('recommendation_model').where('id', '=', model.id).execute();
  return metrics;
};
