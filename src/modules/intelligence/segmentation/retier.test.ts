import type { JobHelpers } from 'graphile-worker';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../platform/clock.ts';
import { loadConfig } from '../../../platform/config.ts';
import { createLogger } from '../../../platform/logger.ts';
import { useTestDb } from '../../../test/test-db.ts';
import { lastCronMatch, SCHEDULE_TASK } from './retier.ts';
import { segmentationJobs } from './segmentation.jobs.ts';

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

  it('runs once when the schedule comes due, not again on the next check', async () => {
    const clock = fixedClock('2026-04-01T01:58:00Z');
    const jobs = segmentationJobs({ db: db().db, clock, config: loadConfig({}), logger: createLogger('silent') });
    const tick = () => (jobs.tasks[SCHEDULE_TASK] as (payload: unknown, helpers: JobHelpers) => Promise<void>)({}, {} as JobHelpers);
    const runs = async () => db().db.selectFrom('rfm_run').select(['trigger', 'as_of']).execute();

    await tick();
    expect(await runs()).toEqual([]);
    clock.set('2026-04-01T02:03:00Z');
    await tick();
    expect(await runs()).toEqual([{ trigger: 'schedule', as_of: at('2026-04-01T02:03:00Z') }]);
    clock.set('2026-04-01T02:08:00Z');
    await tick();
    expect(await runs()).toHaveLength(1);
  });
});
