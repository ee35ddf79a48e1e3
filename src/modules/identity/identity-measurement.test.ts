import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../platform/clock.ts';
import { useTestDb } from '../../test/test-db.ts';
import { enqueueIdentityMeasurement, identityMeasurementPending, latestIdentityMeasurement, measureIdentity } from './identity-metrics.ts';
import { DEFAULT_IDENTITY_RULES } from './identity-rules.ts';

describe('identity measurements', () => {
  const db = useTestDb();
  const waiting = async () =>
    (await sql<{ run_at: Date }>`select run_at from graphile_worker.jobs where task_identifier = 'identity:measure'`.execute(db().db)).rows;

  it('are taken once by concurrent first readers, then served as stored until a new one is taken', async () => {
    const [a, b] = await Promise.all([
      latestIdentityMeasurement(db().db, systemClock, DEFAULT_IDENTITY_RULES),
      latestIdentityMeasurement(db().db, systemClock, DEFAULT_IDENTITY_RULES),
    ]);
    expect(b.measuredAt).toEqual(a.measuredAt);
    const stored = await db().db.selectFrom('identity_measurement').select('measured_at').execute();
    expect(stored).toHaveLength(1);
    expect((await latestIdentityMeasurement(db().db, systemClock, DEFAULT_IDENTITY_RULES)).measuredAt).toEqual(a.measuredAt);
    const next = await measureIdentity(db().db, systemClock, DEFAULT_IDENTITY_RULES);
    expect(next.measuredAt.getTime()).toBeGreaterThan(a.measuredAt.getTime());
    expect((await latestIdentityMeasurement(db().db, systemClock, DEFAULT_IDENTITY_RULES)).measuredAt).toEqual(next.measuredAt);
  });

  it('are enqueued once: a burst waits for the first one, and asking now moves it forward', async () => {
    expect(await identityMeasurementPending(db().db)).toBe(false);
    await enqueueIdentityMeasurement(db().db, { afterMinutes: 5 });
    const [first] = await waiting();
    expect(first?.run_at.getTime()).toBeGreaterThan(Date.now() + 4 * 60_000);
    await enqueueIdentityMeasurement(db().db, { afterMinutes: 5 });
    expect(await waiting()).toEqual([first]);
    // Scheduled for later is not "measuring" (the console would poll for five minutes).
    expect(await identityMeasurementPending(db().db)).toBe(false);
    await enqueueIdentityMeasurement(db().db);
    const now = await waiting();
    expect(now).toHaveLength(1);
    expect(now[0]?.run_at.getTime()).toBeLessThan(Date.now() + 60_000);
    expect(await identityMeasurementPending(db().db)).toBe(true);
  });
});
