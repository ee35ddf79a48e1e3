import type { JobHelpers } from 'graphile-worker';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../platform/clock.ts';
import { loadConfig } from '../../../platform/config.ts';
import { createLogger } from '../../../platform/logger.ts';
import { useTestDb } from '../../../test/test-db.ts';
import { lastCronMatch, SCHEDULE_TASK } from './retier.ts';
import { segmentationJobs } from './segmentation.jobs.ts';
import { DEFAULT_SEGMENTATION_SETTINGS } from './settings.ts';

const at = (iso: string) => new Date(iso);

describe('re-tiering schedule', () => {
  const db = useTestDb();

  it('finds the latest minute a cron expression (UTC) matched in a window', () => {
    const quarterly = '0 2 1 1,4,7,10 *';
    expect(lastCronMatch(quarterly, at('2026-04-01T01:55:00Z'), at('2026-04-01T02:04:30Z'))).toEqual(at('2026-04-01T02:00:00Z'));
    // The window is open at its start: a run at 02:00:05 covers the 02:00 match.
    expect(lastCronMatch(quarterly, at('2026-04-01T02:00:05Z'), at('2026-04-01T02:09:00Z'))).toBeUndefined();
    expect(lastCronMatch(quarterly, at('2026-05-01T01:55:00Z'), at('2026-05-01T02:05:00Z'))).toBeUndefined();
    expect(lastCronMatch('*/15 * * * *', at('2026-05-01T10:00:00Z'), at('2026-05-01T10:31:00Z'))).toEqual(at('2026-05-01T10:30:00Z'));
  });

  const ticker = (clock: ReturnType<typeof fixedClock>) => {
    const jobs = segmentationJobs({ db: db().db, clock, config: loadConfig({}), logger: createLogger('silent') });
    return () => (jobs.tasks[SCHEDULE_TASK] as (payload: unknown, helpers: JobHelpers) => Promise<void>)({}, {} as JobHelpers);
  };
  const runs = async () => db().db.selectFrom('rfm_run').select(['trigger', 'as_of']).orderBy('as_of').execute();
  /** Segmentation was installed (its preset schemes created) at this time. */
  const installedAt = (iso: string) =>
    db()
      .db.updateTable('tier_scheme')
      .set({ updated_at: at(iso) })
      .execute();

  it('runs once when the schedule comes due, not again on the next check', async () => {
    await db().db.deleteFrom('rfm_run').execute();
    await installedAt('2026-02-10T00:00:00Z');
    const clock = fixedClock('2026-04-01T01:58:00Z');
    const tick = ticker(clock);

    await tick();
    expect(await runs()).toEqual([]);
    clock.set('2026-04-01T02:03:00Z');
    await tick();
    expect(await runs()).toEqual([{ trigger: 'schedule', as_of: at('2026-04-01T02:03:00Z') }]);
    clock.set('2026-04-01T02:08:00Z');
    await tick();
    expect(await runs()).toHaveLength(1);
  });

  it('catches up a quarterly run missed while the server was down, once, at the first check after the restart', async () => {
    await db().db.deleteFrom('rfm_run').execute();
    await installedAt('2026-02-10T00:00:00Z');
    // Up until 2026-06-20, then down until 2026-07-03 (the 1 July 02:00 run was due meanwhile).
    const clock = fixedClock('2026-06-20T10:00:00Z');
    const tick = ticker(clock);
    await tick();
    // The 1 April run was missed too (nothing ran since installation): one catch-up covers it.
    expect(await runs()).toEqual([{ trigger: 'schedule', as_of: at('2026-06-20T10:00:00Z') }]);

    clock.set('2026-07-03T08:00:00Z');
    await tick();
    expect(await runs()).toEqual([
      { trigger: 'schedule', as_of: at('2026-06-20T10:00:00Z') },
      { trigger: 'schedule', as_of: at('2026-07-03T08:00:00Z') },
    ]);
    clock.set('2026-07-03T08:05:00Z');
    await tick();
    clock.set('2026-09-30T23:55:00Z');
    await tick();
    expect(await runs()).toHaveLength(2);
    // Down for more than a quarter: the missed runs collapse into one.
    clock.set('2027-02-01T00:00:00Z');
    await tick();
    await tick();
    expect((await runs()).map((r) => r.as_of)).toContainEqual(at('2027-02-01T00:00:00Z'));
    expect(await runs()).toHaveLength(3);
  });

  it('does not run on installation for a quarter that ended before segmentation existed, nor when the schedule is off', async () => {
    await db().db.deleteFrom('rfm_run').execute();
    await installedAt('2026-04-15T00:00:00Z');
    const clock = fixedClock('2026-04-15T00:05:00Z');
    const tick = ticker(clock);
    await tick();
    expect(await runs()).toEqual([]);

    await db()
      .db.insertInto('platform_setting')
      .values({
        key: 'segmentation.settings',
        value: JSON.stringify({ ...DEFAULT_SEGMENTATION_SETTINGS, schedule: { enabled: false, cron: '0 2 1 1,4,7,10 *' } }),
        updated_at: at('2026-04-15T00:00:00Z'),
        updated_by: null,
      })
      .execute();
    clock.set('2026-07-02T00:00:00Z');
    await tick();
    expect(await runs()).toEqual([]);
  });
});
