import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/test-app.ts';
import { systemActor } from '../../auth/index.ts';
import {
  catalogueCoverage,
  fitItemSimilarity,
  hitRate,
  intraListDiversity,
  recommendationGini,
  recommendForCustomer,
  recommendPopular,
} from '../models/index.ts';
import { DAY, insertCustomer, insertOrder } from '../tags/test-fixtures.ts';
import { loadSimilarity } from './train-model.ts';
import { trainRecommendations } from './train-recommendations.ts';

const T0 = new Date('2026-01-01T00:00:00Z');
const at = (day: number) => new Date(T0.getTime() + day * DAY);

// Orders per customer, oldest first: [day, skus, status?]. The last order of each is what hold-out hides.
type Order = [number, string[], ('cancelled' | 'refunded')?];
const FIXTURE: Order[][] = [
  [
    [1, ['TENT', 'STOVE']],
    [9, ['LAMP']],
    [20, ['MUG']],
  ],
  [
    [2, ['TENT', 'LAMP']],
    [12, ['STOVE', 'GAS']],
  ],
  [
    [3, ['TENT']],
    [5, ['LAMP', 'MAP']],
    [15, ['STOVE']],
  ],
  [
    [4, ['BOOK', 'PEN']],
    [8, ['LAMP']],
  ],
  [
    [6, ['BOOK']],
    [7, ['PEN', 'INK']],
    [30, ['MAP']],
  ],
  [[10, ['PEN']]],
  [
    [11, ['GAS', 'STOVE']],
    [13, ['TENT'], 'cancelled'],
    [14, ['MUG'], 'refunded'],
  ],
  [[16, ['MUG', 'INK', 'BOOK']]],
];

const purchased = (orders: Order[]) => orders.filter(([, , status]) => !status);

describe('recommendations: SQL-trained model, serving and the emergency stop', () => {
  const t = useTestApp();
  const customers: string[] = [];
  let idle: string; // never ordered
  let admin: string;

  const get = (cookie: string, url: string) => t().app.inject({ method: 'GET', url, headers: { cookie } });

  beforeAll(async () => {
    const db = t().db.db;
    for (const orders of FIXTURE) {
      const id = await insertCustomer(db);
      customers.push(id);
      for (const [day, skus, status] of orders) await insertOrder(db, id, { at: at(day), skus, status: status ?? 'fulfilled' });
    }
    // The second customer's last order was placed on a record since merged into it: one basket.
    const second = customers[1] as string;
    const merged = await insertCustomer(db, { rootId: second });
    await insertOrder(db, merged, { at: at(25), skus: ['MAP'] });
    (FIXTURE[1] as Order[]).push([25, ['MAP']]);
    idle = await insertCustomer(db);
    admin = await t().loginAs('admin');
  });

  /** The same model fitted by models/recommend.ts on the same baskets (one per customer history). */
  const tsModel = (holdOut = false) =>
    fitItemSimilarity(
      FIXTURE.map((orders) => {
        const kept = purchased(orders).sort((p, q) => p[0] - q[0]);
        return (holdOut ? kept.slice(0, -1) : kept).flatMap(([, skus]) => skus);
      }).filter((b) => b.length > 0),
    );

  it('falls back to most-popular computed from the orders before any model is trained', async () => {
    const res = await get(admin, `/api/customers/${customers[0]}/recommendations?k=3`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ mode: 'popular', reason: 'no_model', modelId: null });
    // Same list as the model's popularity ranking, without what customer 1 bought.
    const history = purchased(FIXTURE[0] as Order[]).flatMap(([, skus]) => skus);
    expect(res.json().items.map((i: { sku: string }) => i.sku)).toEqual(recommendPopular(tsModel(), history, { k: 3 }));
  });

  it('trains in SQL exactly the model models/recommend.ts fits, and serves its recommendations', async () => {
    const db = t().db.db;
    const model = await trainRecommendations(db, { now: () => at(40) }, systemActor('test'));
    const expected = tsModel();
    const stored = await loadSimilarity(db, model.id);
    expect(stored.popular).toEqual(expected.popular);
    expect(new Map([...stored.neighbours].sort())).toEqual(new Map([...expected.neighbours].filter(([, list]) => list.length > 0).sort()));
    expect(model).toMatchObject({ baskets: 8, items: expected.popular.length, pairs: [...expected.neighbours.values()].reduce((s, l) => s + l.length, 0) });

    for (const [i, orders] of FIXTURE.entries()) {
      const history = purchased(orders).flatMap(([, skus]) => skus);
      for (const crossSell of [true, false]) {
        const res = await get(admin, `/api/customers/${customers[i]}/recommendations?k=4&crossSell=${crossSell}`);
        expect(res.json()).toMatchObject({ mode: 'personalised', reason: 'model', modelId: model.id, crossSell });
        expect(res.json().items.map((x: { sku: string }) => x.sku)).toEqual(recommendForCustomer(expected, history, { k: 4, excludePurchased: crossSell }));
      }
    }
    const none = await get(admin, `/api/customers/${idle}/recommendations?k=3`);
    expect(none.json()).toMatchObject({ mode: 'popular', reason: 'no_history' });
    expect(none.json().items).toEqual(recommendPopular(expected, [], { k: 3 }).map((sku) => ({ sku, name: `商品 ${sku}` })));
  });

  it('measures hit-rate@10 and diversity on held-out last orders with models/recommend.ts', async () => {
    const db = t().db.db;
    const model = await trainRecommendations(db, { now: () => at(41) }, systemActor('test'));
    const heldOutModel = tsModel(true);
    const catalogue = heldOutModel.popular.map(([item]) => item);
    const histories = new Map<string, string[]>();
    const heldOut = new Map<string, Set<string>>();
    FIXTURE.forEach((orders, i) => {
      const kept = purchased(orders).sort((p, q) => p[0] - q[0]);
      histories.set(
        String(i),
        kept.slice(0, -1).flatMap(([, skus]) => skus),
      );
      heldOut.set(String(i), new Set(kept.at(-1)?.[1]));
    });
    const recs = new Map([...histories].map(([c, h]) => [c, recommendForCustomer(heldOutModel, h, { k: 10 })]));
    const popular = new Map([...histories].map(([c, h]) => [c, recommendPopular(heldOutModel, h, { k: 10 })]));
    const m = model.metrics;
    expect(m?.customers).toBe(8);
    expect(m?.crossSell.personalised.hitRate).toBeCloseTo(hitRate(recs, heldOut), 6);
    expect(m?.crossSell.popular.hitRate).toBeCloseTo(hitRate(popular, heldOut), 6);
    expect(m?.crossSell.personalised.coverage).toBeCloseTo(catalogueCoverage(recs.values(), catalogue.length), 6);
    expect(m?.crossSell.personalised.gini).toBeCloseTo(recommendationGini(recs.values(), catalogue), 6);
    expect(m?.crossSell.personalised.intraListDiversity).toBeCloseTo(intraListDiversity(heldOutModel, [...recs.values()]), 6);
    // Only the newest model keeps its rows; the evaluation model is gone.
    const models = await db.selectFrom('recommendation_model').select(['id', 'purpose']).execute();
    expect(models.every((r) => r.purpose === 'serving')).toBe(true);
    const withRows = await db.selectFrom('recommendation_item').select('model_id').distinct().execute();
    expect(withRows).toEqual([{ model_id: model.id }]);
  });

  it('the emergency stop turns every response to most-popular at once, is audited and kept as history', async () => {
    const operator = await t().loginAs('operator');
    const refused = await t().app.inject({
      method: 'POST',
      url: '/api/recommendations/switch',
      headers: { cookie: operator },
      payload: { stopped: true, reason: 'x' },
    });
    expect(refused.statusCode).toBe(403);
    const noReason = await t().app.inject({
      method: 'POST',
      url: '/api/recommendations/switch',
      headers: { cookie: admin },
      payload: { stopped: true, reason: ' ' },
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.fields[0].path).toBe('body.reason');

    const stop = await t().app.inject({
      method: 'POST',
      url: '/api/recommendations/switch',
      headers: { cookie: admin },
      payload: { stopped: true, reason: '监管问询，暂停个性化推荐' },
    });
    expect(stop.statusCode).toBe(200);
    const again = await t().app.inject({
      method: 'POST',
      url: '/api/recommendations/switch',
      headers: { cookie: admin },
      payload: { stopped: true, reason: 'twice' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('recommendations.switch_unchanged');

    const popular = tsModel();
    for (const [i, orders] of FIXTURE.entries()) {
      const history = purchased(orders).flatMap(([, skus]) => skus);
      const res = await get(admin, `/api/customers/${customers[i]}/recommendations?k=5`);
      expect(res.json()).toMatchObject({ mode: 'popular', reason: 'emergency_stop' });
      expect(res.json().items.map((x: { sku: string }) => x.sku)).toEqual(recommendPopular(popular, history, { k: 5 }));
    }
    const audit = await t()
      .db.db.selectFrom('audit_log')
      .select(['action', 'actor_type', 'actor_label', 'details'])
      .where('action', 'like', 'recommendations.%')
      .orderBy('seq')
      .execute();
    expect(audit).toEqual([
      { action: 'recommendations.stop', actor_type: 'user', actor_label: expect.stringContaining('admin'), details: { reason: '监管问询，暂停个性化推荐' } },
    ]);

    await t().app.inject({ method: 'POST', url: '/api/recommendations/switch', headers: { cookie: admin }, payload: { stopped: false, reason: '问询结束' } });
    expect((await get(admin, `/api/customers/${customers[0]}/recommendations`)).json().mode).toBe('personalised');
    const page = (await get(admin, '/api/recommendations')).json();
    expect(page.switch).toMatchObject({ stopped: false, reason: '问询结束' });
    expect(page.history.map((h: { stopped: boolean; reason: string }) => [h.stopped, h.reason])).toEqual([
      [false, '问询结束'],
      [true, '监管问询，暂停个性化推荐'],
    ]);
    expect(page.model.metrics.k).toBe(10);
  });

  it('lets each role do only what its permissions allow', async () => {
    const analyst = await t().loginAs('analyst');
    const agent = await t().loginAs('agent');
    const auditor = await t().loginAs('auditor');
    const post = (cookie: string, url: string) => t().app.inject({ method: 'POST', url, headers: { cookie }, payload: {} });
    expect((await get(analyst, '/api/recommendations')).statusCode).toBe(200);
    expect((await post(analyst, '/api/recommendations/train')).statusCode).toBe(403);
    expect((await get(agent, '/api/recommendations')).statusCode).toBe(403);
    expect((await get(agent, `/api/customers/${customers[0]}/recommendations`)).statusCode).toBe(200);
    expect((await get(auditor, '/api/recommendations')).statusCode).toBe(403);
    expect((await get(admin, '/api/customers/cus_missing/recommendations')).statusCode).toBe(404);
    const trained = await post(admin, '/api/recommendations/train');
    expect(trained.statusCode).toBe(200);
    const audit = await t().db.db.selectFrom('audit_log').select('action').where('action', '=', 'recommendations.train').execute();
    expect(audit).toHaveLength(1);
  });
});
