import { parseCronItem } from 'graphile-worker';
import { sql } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { Db, Trx } from '../../../platform/db.ts';
import { runSegmentation, type SegmentationRun } from './run-segmentation.ts';
import type { RunTrigger } from './segmentation.tables.ts';
import { loadSegmentationSettings } from './settings.ts';
import { getActiveTierScheme } from './tier-schemes.ts';

/** On-demand run (queued by the API; one pending at a time). */
export const RETIER_TASK = 'segmentation:retier';
/** Every five minutes: runs re-tiering when the configured cron (UTC) has come due. */
export const SCHEDULE_TASK = 'segmentation:schedule';

/** Re-tiers every customer with the stored settings and the active scheme, in one transaction. */
export const retier = async (
  db: Db,
  clock: Clock,
  options: { trigger: RunTrigger; triggeredBy: string | null; asOf?: Date; onPhase?: (phase: string) => void },
): Promise<SegmentationRun> =>
  db.transaction().execute(async (trx) => {
    const [settings, scheme] = [await loadSegmentationSettings(trx), await getActiveTierScheme(trx)];
    return runSegmentation(trx, clock, { ...options, settings, scheme });
  });

/** Queues a run for the worker (inside the caller's transaction); repeated requests share one job. */
export const enqueueRetier = async (trx: Trx, clock: Clock, triggeredBy: string | null): Promise<void> => {
  await sql`select graphile_worker.add_job(${RETIER_TASK}::text, ${JSON.stringify({ triggeredBy })}::json, job_key := ${RETIER_TASK}::text, run_at := ${clock.now()}::timestamptz)`.execute(
    trx,
  );
};

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** How far back a missed schedule is caught up: a year covers every schedule a 5-field cron can express but 29 February. */
const CATCH_UP_DAYS = 366;

/**
 * The latest minute in (from, to] that the cron expression (UTC, graphile-worker syntax) matches, if any.
 * At most `CATCH_UP_DAYS` before `to` are scanned: a schedule missed for longer is not caught up.
 */
export const lastCronMatch = (cron: string, from: Date, to: Date): Date | undefined => {
  const { match } = parseCronItem({ task: SCHEDULE_TASK, match: cron });
  const end = Math.floor(to.getTime() / MINUTE_MS) * MINUTE_MS;
  const start = Math.max(from.getTime(), end - CATCH_UP_DAYS * DAY_MS);
  for (let t = end; t > start; t -= MINUTE_MS) {
    const d = new Date(t);
    if (match({ min: d.getUTCMinutes(), hour: d.getUTCHours(), date: d.getUTCDate(), month: d.getUTCMonth() + 1, dow: d.getUTCDay() })) return d;
  }
  return undefined;
};

/**
 * Whether a scheduled run is due now: the cron matched a minute that no scheduled run has covered yet (a
 * run's as-of time is at or after the minute it was due). Minutes missed while the server was down count:
 * the first check after a restart runs once for all of them. Before the first scheduled run, the schedule
 * counts from when segmentation was installed (the preset schemes' creation) or a scheme was last edited,
 * so a new installation does not run for a quarter that ended before it existed.
 */
export const scheduledRunDue = async (db: Db, clock: Clock): Promise<Date | undefined> => {
  const settings = await loadSegmentationSettings(db);
  if (!settings.schedule.enabled) return undefined;
  const now = clock.now();
  const last = await db
    .selectFrom('rfm_run')
    .select((eb) => eb.fn.max('as_of').as('at'))
    .where('trigger', '=', 'schedule')
    .executeTakeFirst();
  let from = last?.at ? new Date(last.at) : undefined;
  if (!from) {
    const installed = await db
      .selectFrom('tier_scheme')
      .select((eb) => eb.fn.min('updated_at').as('at'))
      .executeTakeFirst();
    from = installed?.at ? new Date(installed.at) : now;
  }
  return lastCronMatch(settings.schedule.cron, from, now);
};
