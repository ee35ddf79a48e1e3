import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../platform/clock.ts';
import { useTestDb } from '../../../test/test-db.ts';
import { cliActor } from '../../auth/index.ts';
import { runSegmentation, type SegmentationRun } from './run-segmentation.ts';
import { getCustomerSegment } from './segmentation-queries.ts';
import { DEFAULT_SEGMENTATION_SETTINGS } from './settings.ts';
import { DAY, insertCustomers, insertOrders, mergeInto } from './test-fixtures.ts';
import { activateTierScheme, getActiveTierScheme } from './tier-schemes.ts';

const d = (iso: string) => new Date(`${iso}T00:00:00Z`);
const RUN1 = d('2026-06-01');
const RUN2 = d('2026-07-01');

describe('re-tiering and lifecycle', () => {
  const db = useTestDb();
  const id: Record<string, string> = {};

  const run = (asOf: Date) =>
    db().tx(async (trx) =>
      runSegmentation(trx, fixedClock(asOf), {
        trigger: 'cli',
        triggeredBy: null,
        settings: DEFAULT_SEGMENTATION_SETTINGS,
        scheme: await getActiveTierScheme(trx),
      }),
    );
  const tierOf = async (key: string) =>
    db()
      .db.selectFrom('tier_customer')
      .selectAll()
      .where('customer_id', '=', id[key] as string)
      .executeTakeFirst();
  const stageOf = async (key: string) =>
    (
      await db()
        .db.selectFrom('lifecycle_customer')
        .select('stage')
        .where('customer_id', '=', id[key] as string)
        .executeTakeFirst()
    )?.stage;

  let run1: SegmentationRun;

  beforeAll(async () => {
    const keys = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'W'];
    const created = keys.map((k) => ({ name: k, createdAt: k === 'E' ? d('2026-05-22') : d('2024-06-01') }));
    const ids = await insertCustomers(db().db, created);
    keys.forEach((k, i) => {
      id[k] = ids[i] as string;
    });
    await insertOrders(db().db, [
      { customerId: id.A as string, placedAt: d('2026-01-15'), totalFen: 10_000 },
      { customerId: id.A as string, placedAt: d('2026-05-22'), totalFen: 1_224_000 },
      { customerId: id.F as string, placedAt: d('2026-05-30'), totalFen: 100_000 },
      { customerId: id.B as string, placedAt: d('2026-04-01'), totalFen: 1_000_000 },
      { customerId: id.C as string, placedAt: d('2026-05-01'), totalFen: 99_999 },
      { customerId: id.D as string, placedAt: new Date(RUN1.getTime() - 200 * DAY), totalFen: 5_000_000 },
      { customerId: id.G as string, placedAt: d('2026-02-01'), totalFen: 2_000_000, refundedFen: 2_000_000 },
      { customerId: id.G as string, placedAt: d('2026-02-01'), totalFen: 50_000 },
      { customerId: id.G as string, placedAt: d('2026-03-01'), totalFen: 9_000_000, status: 'cancelled' },
      { customerId: id.H as string, placedAt: d('2024-12-01'), totalFen: 30_000 },
      { customerId: id.W as string, placedAt: d('2025-06-01'), totalFen: 30_000 },
      { customerId: id.W as string, placedAt: d('2026-05-15'), totalFen: 200_000 },
    ]);
    await mergeInto(db().db, id.F as string, id.A as string, d('2026-05-31'));
    run1 = await run(RUN1);
  });

  it('puts every root customer in a tier of the annual review with the reason in words', async () => {
    expect(run1.customers).toBe(8);
    expect(await tierOf('A')).toMatchObject({ scheme_id: 'annual_review', tier: 'strategic', reason: 'spend last 12 months ¥13,340 > ¥10,000', since: RUN1 });
    expect((await tierOf('A'))?.reason_detail).toEqual({ rule: 'spend', spendFen: 1_334_000, op: '>', thresholdFen: 1_000_000, windowDays: 365 });
    // Exactly ¥10,000 is not above ¥10,000.
    expect(await tierOf('B')).toMatchObject({ tier: 'potential', reason: 'spend last 12 months ¥10,000 ≥ ¥1,000' });
    expect(await tierOf('C')).toMatchObject({ tier: 'dormant', reason: 'spend last 12 months ¥999.99 < ¥1,000' });
    expect(await tierOf('D')).toMatchObject({ tier: 'dormant', reason: 'no purchase for 200 days (≥ 180)' });
    expect(await tierOf('E')).toMatchObject({ tier: 'dormant', reason: 'spend last 12 months ¥0 < ¥1,000' });
    // Refunds net out; cancelled orders do not count.
    expect(await tierOf('G')).toMatchObject({ tier: 'dormant', reason: 'spend last 12 months ¥500 < ¥1,000', spend_fen: 50_000 });
    expect(await tierOf('H')).toMatchObject({ tier: 'dormant', reason: 'no purchase for 547 days (≥ 180)' });
    // The spend window excludes an order exactly 365 days old.
    expect(await tierOf('W')).toMatchObject({ tier: 'potential', reason: 'spend last 12 months ¥2,000 ≥ ¥1,000' });
    // A merged record has no tier of its own; its orders count for its root (A above).
    expect(await tierOf('F')).toBeUndefined();
  });

  it('gives each customer a lifecycle stage', async () => {
    const stages = Object.fromEntries(await Promise.all(['A', 'B', 'C', 'D', 'E', 'G', 'H', 'W'].map(async (k) => [k, await stageOf(k)])));
    expect(stages).toEqual({ A: 'active', B: 'new', C: 'new', D: 'dormant', E: 'new', G: 'dormant', H: 'churned', W: 'won_back' });
    expect(run1.summary.stages).toEqual([
      { stage: 'active', customers: 1 },
      { stage: 'churned', customers: 1 },
      { stage: 'dormant', customers: 2 },
      { stage: 'new', customers: 3 },
      { stage: 'won_back', customers: 1 },
    ]);
  });

  it('records each first tier as a change and emits one customer.tier_changed event per change', async () => {
    expect(run1.tierChanges).toBe(8);
    const events = await db().db.selectFrom('outbox_event').selectAll().where('topic', '=', 'customer.tier_changed').execute();
    expect(events).toHaveLength(8);
    expect(events.find((e) => e.customer_id === id.A)?.payload).toMatchObject({
      customerId: id.A,
      runId: run1.id,
      schemeId: 'annual_review',
      fromTier: null,
      toTier: 'strategic',
      reason: 'spend last 12 months ¥13,340 > ¥10,000',
    });
  });

  it('records each first stage as a transition and emits one customer.lifecycle_changed event per transition', async () => {
    expect(run1.stageChanges).toBe(8);
    const events = await db().db.selectFrom('outbox_event').selectAll().where('topic', '=', 'customer.lifecycle_changed').execute();
    expect(events).toHaveLength(8);
    expect(events.find((e) => e.customer_id === id.W)?.payload).toEqual({
      customerId: id.W,
      runId: run1.id,
      from: null,
      to: 'won_back',
      at: RUN1.toISOString(),
    });
    // The merged record F has no stage of its own, so no event either.
    expect(events.some((e) => e.customer_id === id.F)).toBe(false);
  });

  it('re-tiers later: only changed customers get a change, an event and a new since; stages move with time', async () => {
    await insertOrders(db().db, [
      { customerId: id.C as string, placedAt: d('2026-06-20'), totalFen: 500_000 },
      { customerId: id.D as string, placedAt: d('2026-06-25'), totalFen: 10_000 },
    ]);
    const run2 = await run(RUN2);
    expect(run2.tierChanges).toBe(2);
    expect(await tierOf('C')).toMatchObject({ tier: 'potential', since: RUN2, reason: 'spend last 12 months ¥5,999.99 ≥ ¥1,000' });
    expect(await tierOf('D')).toMatchObject({ tier: 'strategic', since: RUN2, reason: 'spend last 12 months ¥50,100 > ¥10,000' });
    expect(await tierOf('A')).toMatchObject({ tier: 'strategic', since: RUN1 });
    expect(run2.summary.movement).toContainEqual({ fromSchemeId: 'annual_review', fromTier: 'dormant', toTier: 'potential', customers: 1 });
    expect(run2.summary.movement).toContainEqual({ fromSchemeId: 'annual_review', fromTier: 'strategic', toTier: 'strategic', customers: 2 - 1 });

    const events = await db().db.selectFrom('outbox_event').selectAll().where('topic', '=', 'customer.tier_changed').execute();
    expect(events).toHaveLength(10);
    expect(
      events
        .filter((e) => (e.payload as { runId: string }).runId === run2.id)
        .map((e) => e.customer_id)
        .sort(),
    ).toEqual([id.C, id.D].sort());

    // D came back after 224 silent days: won back; B's first purchase is now 91 days old and it has not bought again.
    expect(await stageOf('D')).toBe('won_back');
    expect(await stageOf('B')).toBe('dormant');
    const segment = await getCustomerSegment(db().db, id.D as string);
    expect(segment.tierHistory.map((h) => [h.fromTier, h.toTier, h.changedAt])).toEqual([
      ['dormant', 'strategic', RUN2],
      [null, 'dormant', RUN1],
    ]);
    expect(segment.stageHistory.map((h) => [h.fromStage, h.toStage, h.changedAt])).toEqual([
      ['dormant', 'won_back', RUN2],
      [null, 'dormant', RUN1],
    ]);
    expect(segment.rfm).toMatchObject({ runId: run2.id, frequency: 2, monetaryFen: 5_010_000, recencyDays: 6 });

    // Only this run's transitions are published, each with where it came from and went to.
    const stageEvents = (await db().db.selectFrom('outbox_event').selectAll().where('topic', '=', 'customer.lifecycle_changed').execute())
      .filter((e) => (e.payload as { runId: string }).runId === run2.id)
      .map((e) => e.payload as { customerId: string; from: string; to: string; at: string });
    expect(stageEvents).toHaveLength(run2.stageChanges);
    expect(stageEvents).toContainEqual({ customerId: id.D, runId: run2.id, from: 'dormant', to: 'won_back', at: RUN2.toISOString() });
    expect(stageEvents).toContainEqual({ customerId: id.B, runId: run2.id, from: 'new', to: 'dormant', at: RUN2.toISOString() });
    expect(stageEvents.some((e) => e.customerId === id.A)).toBe(false);
  });

  it('answers for the root when asked about a merged record', async () => {
    const segment = await getCustomerSegment(db().db, id.F as string);
    expect(segment.customerId).toBe(id.A);
    expect(segment.tier?.tier).toBe('strategic');
  });

  it('moves everyone to the loyalty study tiers when that scheme becomes active', async () => {
    await db().tx((trx) => activateTierScheme(trx, fixedClock(RUN2), cliActor('test'), 'loyalty_study'));
    const run3 = await run(RUN2);
    expect(run3.schemeId).toBe('loyalty_study');
    expect(run3.tierChanges).toBe(8);
    const tiers = Object.fromEntries(await Promise.all(['A', 'B', 'C', 'D', 'E', 'G', 'H', 'W'].map(async (k) => [k, (await tierOf(k))?.tier])));
    expect(tiers).toEqual({
      A: 'high_value',
      B: 'high_value',
      C: 'high_value',
      D: 'high_value',
      E: 'regular',
      G: 'regular',
      H: 'churn_risk',
      W: 'potential',
    });
    expect(await tierOf('B')).toMatchObject({ reason: 'spend last 12 months ¥10,000 ≥ ¥5,000' });
    expect(await tierOf('H')).toMatchObject({ reason: 'no purchase for 577 days (≥ 180)' });
    expect(await tierOf('E')).toMatchObject({ reason: 'spend last 12 months ¥0 < ¥2,000' });
    expect(run3.summary.movement).toContainEqual({ fromSchemeId: 'annual_review', fromTier: 'dormant', toTier: 'churn_risk', customers: 1 });
  });

  it('refuses a second run while one is in progress', async () => {
    const scheme = await getActiveTierScheme(db().db);
    await db().tx(async (outer) => {
      await runSegmentation(outer, fixedClock(RUN2), { trigger: 'cli', triggeredBy: null, settings: DEFAULT_SEGMENTATION_SETTINGS, scheme });
      await expect(
        db().tx((inner) => runSegmentation(inner, fixedClock(RUN2), { trigger: 'cli', triggeredBy: null, settings: DEFAULT_SEGMENTATION_SETTINGS, scheme })),
      ).rejects.toMatchObject({ code: 'segmentation.run_in_progress' });
    });
  });
});
