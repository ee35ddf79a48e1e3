import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import type { IdentityRules } from './identity-rules.ts';
import { reresolveAll } from './reresolve-all.ts';

export type IdentityMetrics = {
  /** Share of events and orders attached to a customer known by a real identifier (not only an anonymous id). Seed target ≥ 95%. */
  linkRate: { linked: number; total: number; rate: number; events: { linked: number; total: number }; orders: { linked: number; total: number } };
  /** Share of customers the rules would merge into another one. Seed baseline > 40% before unification. */
  duplicateRate: { duplicates: number; customers: number; rate: number; conflicted: number };
  customers: number;
  mergedRecords: number;
  quarantined: number;
  merges: { total: number; undone: number; last30d: number };
};

export const identityMetrics = async (db: Db, clock: Clock, rules: IdentityRules): Promise<IdentityMetrics> => {
  const since = new Date(clock.now().getTime() - 30 * 86_400_000);
  const [link, counts, dup] = await Promise.all([
    sql<{ kind: string; linked: number; total: number }>`
      with known as (
        select distinct f.root_id from analytics_identity_fact f where f.known
      )
      select 'events' as kind, (count(*) filter (where k.root_id is not null))::bigint as linked, count(*)::bigint as total
      from customer_event e join customer c on c.id = e.customer_id left join known k on k.root_id = c.root_id
      union all
      select 'orders', (count(*) filter (where k.root_id is not null))::bigint, count(*)::bigint
      from customer_order o join customer c on c.id = o.customer_id left join known k on k.root_id = c.root_id`.execute(db),
    sql<{ customers: number; merged: number; quarantined: number; merges: number; undone: number; recent: number }>`
      select (select count(*) from customer where merged_into is null)::bigint as customers,
             (select count(*) from customer where merged_into is not null)::bigint as merged,
             (select count(*) from identity_quarantine)::bigint as quarantined,
             (select count(*) from identity_merge)::bigint as merges,
             (select count(*) from identity_merge where undone_at is not null)::bigint as undone,
             (select count(*) from identity_merge where merged_at >= ${since})::bigint as recent`.execute(db),
    reresolveAll(db, clock, rules, { apply: false }),
  ]);
  const ev = link.rows.find((r) => r.kind === 'events') ?? { linked: 0, total: 0 };
  const or = link.rows.find((r) => r.kind === 'orders') ?? { linked: 0, total: 0 };
  const linked = Number(ev.linked) + Number(or.linked);
  const total = Number(ev.total) + Number(or.total);
  const c = counts.rows[0];
  return {
    linkRate: {
      linked,
      total,
      rate: total > 0 ? linked / total : 0,
      events: { linked: Number(ev.linked), total: Number(ev.total) },
      orders: { linked: Number(or.linked), total: Number(or.total) },
    },
    duplicateRate: { duplicates: dup.duplicates, customers: dup.roots, rate: dup.duplicateRate, conflicted: dup.conflicted },
    customers: Number(c?.customers ?? 0),
    mergedRecords: Number(c?.merged ?? 0),
    quarantined: Number(c?.quarantined ?? 0),
    merges: { total: Number(c?.merges ?? 0), undone: Number(c?.undone ?? 0), last30d: Number(c?.recent ?? 0) },
  };
};

/** A stored measurement of the identity metrics: what they were at `measuredAt`, and how long measuring took. */
export type IdentityMeasurement = IdentityMetrics & { measuredAt: Date; seconds: number };

/** The job that takes a new measurement (hourly, and after imports, rule changes and re-resolutions). */
export const MEASURE_TASK = 'identity:measure';
// Measurements are taken one at a time; a reader finding none waits for the one under way.
const MEASURE_LOCK = 7_361_012;
const KEEP_DAYS = 400;

const readLatest = async (db: Db): Promise<IdentityMeasurement | undefined> => {
  const row = await db.selectFrom('identity_measurement').selectAll().orderBy('measured_at', 'desc').limit(1).executeTakeFirst();
  return row ? { ...(row.metrics as IdentityMetrics), measuredAt: row.measured_at, seconds: Number(row.seconds) } : undefined;
};

const oneAtATime = <T>(db: Db, fn: () => Promise<T>): Promise<T> =>
  db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MEASURE_LOCK}::bigint)`.execute(conn);
    try {
      return await fn();
    } finally {
      await sql`select pg_advisory_unlock(${MEASURE_LOCK}::bigint)`.execute(conn);
    }
  });

const measureNow = async (db: Db, clock: Clock, rules: IdentityRules): Promise<IdentityMeasurement> => {
  const started = performance.now();
  const metrics = await identityMetrics(db, clock, rules);
  const measuredAt = clock.now();
  const seconds = (performance.now() - started) / 1000;
  await db
    .insertInto('identity_measurement')
    .values({ measured_at: measuredAt, seconds, metrics: JSON.stringify(metrics) })
    .onConflict((oc) => oc.column('measured_at').doNothing())
    .execute();
  await db
    .deleteFrom('identity_measurement')
    .where('measured_at', '<', new Date(measuredAt.getTime() - KEEP_DAYS * 86_400_000))
    .execute();
  return { ...metrics, measuredAt, seconds };
};

/**
 * Measures the identity metrics now and stores the measurement. Measuring re-runs identity resolution
 * over every customer (dry) and counts every event and order — a minute at a million customers — so it
 * runs as a job, never on a page load (but see `latestIdentityMeasurement`).
 */
export const measureIdentity = (db: Db, clock: Clock, rules: IdentityRules): Promise<IdentityMeasurement> => oneAtATime(db, () => measureNow(db, clock, rules));

/**
 * The latest measurement. When there is none yet (a new installation), measures now — or waits for the
 * measurement under way and returns it.
 */
export const latestIdentityMeasurement = async (db: Db, clock: Clock, rules: IdentityRules): Promise<IdentityMeasurement> =>
  (await readLatest(db)) ?? oneAtATime(db, async () => (await readLatest(db)) ?? measureNow(db, clock, rules));

/**
 * Enqueues a new measurement; one waits at most (the job key coalesces them). `afterMinutes`: not before
 * then, and a measurement already waiting keeps its time — a burst of imports is measured once, after the
 * first settles. Without it (an admin asking, new rules): now, also moving a waiting one forward.
 */
export const enqueueIdentityMeasurement = async (db: Db, options: { afterMinutes?: number } = {}): Promise<void> => {
  const later = options.afterMinutes !== undefined && options.afterMinutes > 0;
  await sql`
    select graphile_worker.add_job(${MEASURE_TASK}, '{}'::json,
      run_at := now() + make_interval(mins => ${later ? Math.round(options.afterMinutes as number) : 0}::int),
      job_key := ${MEASURE_TASK}, job_key_mode := ${later ? 'preserve_run_at' : 'replace'})`.execute(db);
};

/** Whether a measurement is due or under way (not one scheduled for later, nor one that failed for good). */
export const identityMeasurementPending = async (db: Db): Promise<boolean> => {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from graphile_worker.jobs
    where task_identifier = ${MEASURE_TASK} and attempts < max_attempts and (locked_at is not null or run_at <= now())`.execute(db);
  return (rows[0]?.n ?? 0) > 0;
};

export type IdentityMeasurementPoint = { measuredAt: Date; linkRate: number; duplicateRate: number; customers: number };

/** The latest `limit` measurements, oldest first: the history of the link and duplicate rates. */
export const identityMeasurementHistory = async (db: Db, limit: number): Promise<IdentityMeasurementPoint[]> => {
  const { rows } = await sql<{ measured_at: Date; link_rate: number; duplicate_rate: number; customers: number }>`
    select measured_at, (metrics #>> '{linkRate,rate}')::float8 as link_rate, (metrics #>> '{duplicateRate,rate}')::float8 as duplicate_rate,
           (metrics ->> 'customers')::int as customers
    from (select * from identity_measurement order by measured_at desc limit ${limit}) m
    order by measured_at`.execute(db);
  return rows.map((r) => ({ measuredAt: r.measured_at, linkRate: r.link_rate, duplicateRate: r.duplicate_rate, customers: r.customers }));
};
