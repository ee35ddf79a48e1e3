import { sql } from 'kysely';
import type { Db } from '../../../platform/db.ts';
import { AppError } from '../../../platform/errors.ts';
import { rootOf } from '../../customers/index.ts';
import { recommendForCustomer, recommendPopular } from '../models/index.ts';
import { readSwitch } from './emergency-stop.ts';
import type { ServedRecommendations } from './recommendations.shared.ts';
import { loadSimilarity, PURCHASED } from './train-model.ts';
import { latestModel } from './train-recommendations.ts';

export type { ServedRecommendations, ServingMode, ServingReason } from './recommendations.shared.ts';

/** Every SKU the customer (all records merged into it) has bought. */
const purchaseHistory = async (db: Db, rootId: string): Promise<string[]> => {
  const { rows } = await sql<{ sku: string }>`
    select distinct l.sku
    from customer m
    join customer_order o on o.customer_id = m.id
    join customer_order_line l on l.customer_id = o.customer_id and l.order_id = o.id
    where m.root_id = ${rootId} and ${PURCHASED}`.execute(db);
  return rows.map((r) => r.sku);
};

/** Most-popular straight from the orders, for when no model has been trained yet. */
const livePopular = async (db: Db, exclude: readonly string[], k: number) => {
  const { rows } = await sql<{ sku: string; name: string }>`
    select l.sku, max(l.name) as name
    from customer_order o
    join customer_order_line l on l.customer_id = o.customer_id and l.order_id = o.id
    join customer c on c.id = o.customer_id
    where ${PURCHASED} and not (l.sku = any(${exclude}::text[]))
    group by l.sku
    order by count(distinct c.root_id) desc, l.sku collate "C"
    limit ${k}`.execute(db);
  return rows;
};

/**
 * Next products for a customer. Personalised by the item-to-item model unless the emergency stop is on
 * (then, and when the customer has bought nothing, the most-popular list); cross-sell leaves out what the
 * customer already bought. The answer says which mode served it and why.
 */
export const recommendationsFor = async (db: Db, customerId: string, options: { k?: number; crossSell?: boolean } = {}): Promise<ServedRecommendations> => {
  const k = options.k ?? 10;
  const crossSell = options.crossSell ?? true;
  const rootId = await rootOf(db as never, customerId);
  if (!rootId) throw new AppError('customers.not_found', `no customer ${customerId}`);
  const [switchState, model, history] = await Promise.all([readSwitch(db), latestModel(db), purchaseHistory(db, rootId)]);
  const stopped = switchState.stopped;
  const base = { customerId: rootId, crossSell, modelId: model?.id ?? null };
  if (!model) {
    const items = await livePopular(db, crossSell ? history : [], k);
    return { ...base, mode: 'popular', reason: stopped ? 'emergency_stop' : 'no_model', items };
  }
  const personalise = !stopped && history.length > 0;
  // Popular entries needed at most: k allowed ones after skipping the history (twice k for the top-up).
  const similarity = await loadSimilarity(db, model.id, { items: personalise ? history : [], popularLimit: 2 * k + history.length });
  const options_ = { k, excludePurchased: crossSell };
  const skus = personalise ? recommendForCustomer(similarity, history, options_) : recommendPopular(similarity, history, options_);
  const missing = skus.filter((s) => !similarity.names.has(s));
  if (missing.length > 0) {
    const rows = await db.selectFrom('recommendation_item').select(['item', 'name']).where('model_id', '=', model.id).where('item', 'in', missing).execute();
    for (const r of rows) similarity.names.set(r.item, r.name);
  }
  return {
    ...base,
    mode: personalise ? 'personalised' : 'popular',
    reason: stopped ? 'emergency_stop' : personalise ? 'model' : 'no_history',
    items: skus.map((sku) => ({ sku, name: similarity.names.get(sku) ?? sku })),
  };
};
