import { sql } from 'kysely';
import type { Db, Trx } from '../../../platform/db.ts';
import { newId } from '../../../platform/ids.ts';
import type { ItemSimilarity } from '../models/index.ts';

/** Orders that count as purchases: cancelled and fully refunded ones do not. */
export const PURCHASED = sql`o.status not in ('cancelled', 'refunded')`;

export const DEFAULT_MAX_NEIGHBOURS = 200;

export type TrainedModel = { id: string; baskets: number; items: number; pairs: number };

/**
 * Fits models/recommend.ts's item-to-item cosine model in SQL, set-based: one basket per (root) customer
 * holding every SKU they bought; similarity(i, j) = baskets with both / √(baskets(i) · baskets(j)); each
 * item keeps its `maxNeighbours` most similar items (ties by SKU), and every item its popularity rank.
 * `holdOutLastOrder` leaves each customer's last order out (for measuring hit rate on it).
 */
export const fitModelInSql = async (
  trx: Trx,
  options: { purpose: 'serving' | 'evaluation'; at: Date; by: string; maxNeighbours?: number; holdOutLastOrder?: boolean },
): Promise<TrainedModel> => {
  const maxNeighbours = options.maxNeighbours ?? DEFAULT_MAX_NEIGHBOURS;
  const id = newId('rcm', options.at);
  const orders = options.holdOutLastOrder
    ? sql`
        select customer_id, id, root_id from (
          select o.customer_id, o.id, c.root_id,
                 row_number() over (partition by c.root_id order by o.placed_at desc, o.id desc) as recent
          from customer_order o join customer c on c.id = o.customer_id
          where ${PURCHASED}
        ) r where recent > 1`
    : sql`select o.customer_id, o.id, c.root_id from customer_order o join customer c on c.id = o.customer_id where ${PURCHASED}`;
  await sql`drop table if exists pg_temp.rec_line, pg_temp.rec_item, pg_temp.rec_basket`.execute(trx);
  // What each (root) customer bought; then items and baskets numbered, so the pair count joins and groups integers.
  await sql`
    create temp table rec_line on commit drop as
    select o.root_id as root, l.sku as item, max(l.name) as name
    from (${orders}) o
    join customer_order_line l on l.customer_id = o.customer_id and l.order_id = o.id
    group by o.root_id, l.sku`.execute(trx);
  await sql`
    create temp table rec_item on commit drop as
    select item, max(name) as name, count(*)::int as baskets,
           row_number() over (order by count(*) desc, item collate "C")::int as popular_rank
    from rec_line group by item`.execute(trx);
  await sql`
    create temp table rec_basket on commit drop as
    select dense_rank() over (order by l.root collate "C")::int as basket, i.popular_rank as item
    from rec_line l join rec_item i on i.item = l.item`.execute(trx);
  await sql`analyze rec_item, rec_basket`.execute(trx);
  const counts = await sql<{ baskets: number; items: number }>`
    select (select count(distinct root) from rec_line)::int as baskets, (select count(*) from rec_item)::int as items`.execute(trx);
  await trx
    .insertInto('recommendation_model')
    .values({
      id,
      purpose: options.purpose,
      trained_at: options.at,
      trained_by: options.by,
      baskets: counts.rows[0]?.baskets ?? 0,
      items: counts.rows[0]?.items ?? 0,
      pairs: 0,
      max_neighbours: maxNeighbours,
      seconds: 0,
      metrics: '{}',
    })
    .execute();
  await sql`
    insert into recommendation_item (model_id, item, name, baskets, popular_rank)
    select ${id}::text, item, name, baskets, popular_rank from rec_item`.execute(trx);
  const pairs = await sql`
    insert into recommendation_neighbour (model_id, item, rank, other, score)
    select ${id}::text, item, rank, other, score
    from (
      select ia.item, ib.item as other, p.together::float8 / sqrt(ia.baskets::float8 * ib.baskets::float8) as score,
             row_number() over (
               partition by ia.item
               order by p.together::float8 / sqrt(ia.baskets::float8 * ib.baskets::float8) desc, ib.item collate "C"
             )::int as rank
      from (
        select a.item, b.item as other, count(*) as together
        from rec_basket a join rec_basket b on b.basket = a.basket and b.item <> a.item
        group by a.item, b.item
      ) p
      join rec_item ia on ia.popular_rank = p.item
      join rec_item ib on ib.popular_rank = p.other
    ) ranked
    where rank <= ${maxNeighbours}::int`.execute(trx);
  const n = Number(pairs.numAffectedRows ?? 0);
  await trx.updateTable('recommendation_model').set({ pairs: n }).where('id', '=', id).execute();
  return { id, baskets: counts.rows[0]?.baskets ?? 0, items: counts.rows[0]?.items ?? 0, pairs: n };
};

/**
 * A stored model as models/recommend.ts's ItemSimilarity: the neighbours of `items` (all items when
 * omitted) and the popular list (its first `popularLimit` entries when given).
 */
export const loadSimilarity = async (
  trx: Db | Trx,
  modelId: string,
  options: { items?: readonly string[]; popularLimit?: number } = {},
): Promise<ItemSimilarity & { names: Map<string, string> }> => {
  const items = options.items;
  const [neighbourRows, popularRows] = await Promise.all([
    items && items.length === 0
      ? Promise.resolve([])
      : trx
          .selectFrom('recommendation_neighbour')
          .select(['item', 'other', 'score'])
          .where('model_id', '=', modelId)
          .$if(items !== undefined, (q) => q.where('item', '=', sql<string>`any(${items}::text[])`))
          .orderBy('item')
          .orderBy('rank')
          .execute(),
    trx
      .selectFrom('recommendation_item')
      .select(['item', 'name', 'baskets'])
      .where('model_id', '=', modelId)
      .orderBy('popular_rank')
      .$if(options.popularLimit !== undefined, (q) => q.limit(options.popularLimit as number))
      .execute(),
  ]);
  const neighbours = new Map<string, [string, number][]>();
  for (const r of neighbourRows) {
    let list = neighbours.get(r.item);
    if (!list) {
      list = [];
      neighbours.set(r.item, list);
    }
    list.push([r.other, r.score]);
  }
  return {
    neighbours,
    popular: popularRows.map((r): [string, number] => [r.item, r.baskets]),
    names: new Map(popularRows.map((r) => [r.item, r.name])),
  };
};
