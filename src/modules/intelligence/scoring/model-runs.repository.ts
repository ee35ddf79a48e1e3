import { sql } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { Db, Trx } from '../../../platform/db.ts';
import { AppError } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import type { ModelKind, ModelRunStatus, ModelRunTrigger } from './scoring.tables.ts';

export type ModelRun = {
  id: string;
  kind: ModelKind;
  status: ModelRunStatus;
  trigger: ModelRunTrigger;
  requestedBy: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  settings: Record<string, unknown>;
  diagnostics: Record<string, unknown> | null;
  error: string | null;
};

type Row = {
  id: string;
  kind: ModelKind;
  status: ModelRunStatus;
  trigger: ModelRunTrigger;
  requested_by: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  settings: Record<string, unknown>;
  diagnostics: Record<string, unknown> | null;
  error: string | null;
};

const COLUMNS = ['id', 'kind', 'status', 'trigger', 'requested_by', 'created_at', 'started_at', 'finished_at', 'settings', 'diagnostics', 'error'] as const;

const toRun = (r: Row): ModelRun => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  trigger: r.trigger,
  requestedBy: r.requested_by,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  settings: r.settings,
  diagnostics: r.diagnostics,
  error: r.error,
});

const isActiveRunConflict = (e: unknown) =>
  typeof e === 'object' && e !== null && (e as { code?: string }).code === '23505' && (e as { constraint?: string }).constraint === 'model_run_active_key';

/** Records a new run; at most one queued or running run per kind exists (a unique index says so). */
export const insertRun = async (
  db: Db | Trx,
  clock: Clock,
  input: { kind: ModelKind; status: 'queued' | 'running'; trigger: ModelRunTrigger; requestedBy: string | null; settings: unknown },
): Promise<ModelRun> => {
  const now = clock.now();
  try {
    const row = await db
      .insertInto('model_run')
      .values({
        id: newId('mrn', now),
        kind: input.kind,
        status: input.status,
        trigger: input.trigger,
        requested_by: input.requestedBy,
        created_at: now,
        started_at: input.status === 'running' ? now : null,
        settings: JSON.stringify(input.settings),
      })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    return toRun(row as Row);
  } catch (e) {
    if (isActiveRunConflict(e)) throw new AppError('scoring.run_in_progress', `a ${input.kind} run is already queued or running`);
    throw e;
  }
};

/** Takes a queued run for execution; undefined when it is not queued any more. */
export const claimRun = async (db: Db, clock: Clock, id: string): Promise<ModelRun | undefined> => {
  const row = await db
    .updateTable('model_run')
    .set({ status: 'running', started_at: clock.now() })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .returning(COLUMNS)
    .executeTakeFirst();
  return row ? toRun(row as Row) : undefined;
};

export const finishRun = async (db: Db, clock: Clock, id: string, result: { diagnostics: unknown; model?: unknown }): Promise<void> => {
  await db
    .updateTable('model_run')
    .set({
      status: 'succeeded',
      finished_at: clock.now(),
      diagnostics: JSON.stringify(result.diagnostics),
      model: JSON.stringify(result.model ?? null),
    })
    .where('id', '=', id)
    .execute();
};

export const failRun = async (db: Db, clock: Clock, id: string, error: string): Promise<void> => {
  await db
    .updateTable('model_run')
    .set({ status: 'failed', finished_at: clock.now(), error: error.slice(0, 2000) })
    .where('id', '=', id)
    .execute();
};

/** Runs left queued or running by a process that died are closed as failed, so new runs can start. */
export const failStaleRuns = async (db: Db, clock: Clock, olderThanHours = 6): Promise<number> => {
  const now = clock.now();
  const before = new Date(now.getTime() - olderThanHours * 3_600_000);
  const res = await db
    .updateTable('model_run')
    .set({ status: 'failed', finished_at: now, error: 'abandoned: no progress for hours (the process stopped?)' })
    .where('status', 'in', ['queued', 'running'])
    .where((eb) => eb(eb.fn.coalesce('started_at', 'created_at'), '<', before))
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
};

export const getRun = async (db: Db | Trx, id: string): Promise<ModelRun> => {
  const row = await db.selectFrom('model_run').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('scoring.run_not_found', `no model run ${id}`);
  return toRun(row as Row);
};

export const findRun = async (db: Db | Trx, id: string): Promise<ModelRun | undefined> => {
  const row = await db.selectFrom('model_run').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? toRun(row as Row) : undefined;
};

export const listRuns = async (db: Db, input: { kind?: ModelKind; page: number; pageSize: number }): Promise<{ items: ModelRun[]; total: number }> => {
  let q = db.selectFrom('model_run');
  if (input.kind) q = q.where('kind', '=', input.kind);
  const [rows, count] = await Promise.all([
    q
      .select(COLUMNS)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(input.pageSize)
      .offset((input.page - 1) * input.pageSize)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
  ]);
  return { items: rows.map((r) => toRun(r as Row)), total: Number(count?.n ?? 0) };
};

/** The newest run and the newest successful run of a kind. */
export const latestRuns = async (db: Db, kind: ModelKind): Promise<{ latest: ModelRun | undefined; lastSuccess: ModelRun | undefined }> => {
  const [latest, lastSuccess] = await Promise.all([
    db.selectFrom('model_run').select(COLUMNS).where('kind', '=', kind).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst(),
    db
      .selectFrom('model_run')
      .select(COLUMNS)
      .where('kind', '=', kind)
      .where('status', '=', 'succeeded')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst(),
  ]);
  return { latest: latest && toRun(latest as Row), lastSuccess: lastSuccess && toRun(lastSuccess as Row) };
};

/** The fitted model of a run (churn: the logistic regression), as stored. */
export const runModel = async (db: Db, id: string): Promise<unknown> =>
  (await db.selectFrom('model_run').select('model').where('id', '=', id).executeTakeFirst())?.model ?? null;

/**
 * The most recent scheduled moment at or before now: daily at `hour`, or weekly on ISO `weekday` at
 * `hour`, in the business's time zone (PostgreSQL does the calendar arithmetic).
 */
export const lastScheduledMoment = async (db: Db, now: Date, schedule: { timeZone: string; hour: number; weekday?: number }): Promise<Date> => {
  const { rows } = await sql<{ at: Date }>`
    with local as (select (${now}::timestamptz at time zone ${schedule.timeZone}) as t),
    candidate as (
      select case when ${schedule.weekday ?? null}::int is null
                  then date_trunc('day', t) + make_interval(hours => ${schedule.hour})
                  else date_trunc('week', t) + make_interval(days => coalesce(${schedule.weekday ?? null}::int, 1) - 1, hours => ${schedule.hour})
             end as c, t
      from local
    )
    select (case when c <= t then c
                 when ${schedule.weekday ?? null}::int is null then c - interval '1 day'
                 else c - interval '7 days' end) at time zone ${schedule.timeZone} as at
    from candidate`.execute(db);
  return (rows[0] as { at: Date }).at;
};

/** True when a run of this kind was created at or after `since` (whatever became of it). */
export const hasRunSince = async (db: Db, kind: ModelKind, since: Date): Promise<boolean> =>
  Boolean(await db.selectFrom('model_run').select('id').where('kind', '=', kind).where('created_at', '>=', since).limit(1).executeTakeFirst());
