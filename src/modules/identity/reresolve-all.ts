import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { DISPATCH_TASK } from '../../platform/outbox.ts';
import { refreshCustomerStats, refreshGoldenRecords } from '../customers/index.ts';
import type { IdentifierType, IdentityRules } from './identity-rules.ts';

export type ReresolutionReport = {
  roots: number;
  components: number;
  /** Roots that the rules would merge into another (the duplicates). */
  duplicates: number;
  duplicateRate: number;
  /** Components left unmerged because two single-valued identifiers (member numbers) disagree. */
  conflicted: number;
  /**
   * Values not quarantined yet that would join more customers of one source than `quarantineAfterCustomers`
   * (a shop's front-desk phone): they link no one; with `apply` they are written to the quarantine.
   */
  quarantined: number;
  iterations: number;
  applied: boolean;
  seconds: number;
};

/**
 * Re-runs identity resolution over every customer at once, set-based: label propagation over the graph
 * "roots sharing a usable identifier" (anonymous ids included, quarantined values excluded) until the
 * labels stop changing. A value that, after everything else has linked, would still join more customers of
 * one source than `quarantineAfterCustomers` (a shop's front-desk phone typed into fifty till records) is
 * quarantined and links no one, even if it was never quarantined before (records imported in bulk, or the
 * limit lowered since); a value on more records than the limit that belong to one person seen by several
 * channels still links them; components whose roots disagree on a single-valued type (two member numbers)
 * are left alone. With `apply`, every other component is merged into its oldest root, recorded as
 * merges (rule `reresolution`), and golden records and summaries are recomputed. Without `apply`, it
 * only measures — that is the duplicate rate.
 */
export const reresolveAll = async (
  db: Db,
  clock: Clock,
  rules: IdentityRules,
  options: {
    apply: boolean;
    /**
     * Publish each merge as `customer.merged` (default true). Only a caller that knows no other module holds
     * state for these records yet (the demo, resolving the records it has just generated) turns it off.
     */
    publish?: boolean;
    onProgress?: (phase: string, done: number, total: number) => void;
  },
): Promise<ReresolutionReport> => {
  const started = Date.now();
  const single = (Object.entries(rules.maxPerCustomer) as [IdentifierType, number][]).filter(([, n]) => n === 1).map(([t]) => t);
  return db.connection().execute(async (conn) => {
    await sql`drop table if exists pg_temp.rr_ident, pg_temp.rr_label, pg_temp.rr_next, pg_temp.rr_shared, pg_temp.rr_held`.execute(conn);
    await sql`
      create temp table rr_ident as
      select distinct c.root_id as r, i.type, i.value
      from customer_identifier i join customer c on c.id = i.customer_id
      where not exists (select 1 from identity_quarantine q where q.type = i.type and q.value = i.value)`.execute(conn);
    await sql`create index on rr_ident (type, value)`.execute(conn);
    await sql`create index on rr_ident (r)`.execute(conn);
    await sql`create temp table rr_label as select distinct r, r as l from rr_ident`.execute(conn);
    await sql`alter table rr_label add primary key (r)`.execute(conn);
    // A value held by more roots than the limit may still be one person's: each channel that registered them
    // has a record with their phone. So such values are held back and judged once everything else has
    // linked: if they would still join more customers of one source than the limit (a shop's front-desk
    // phone on fifty till records), they are quarantined, as the incremental resolver would; otherwise
    // (one person seen by the member programme, the shop and the store) they link as usual.
    await sql`
      create temp table rr_held as
      select i.* from rr_ident i join (
        select type, value from rr_ident group by type, value having count(*) > ${rules.quarantineAfterCustomers}::int
      ) s on s.type = i.type and s.value = i.value`.execute(conn);
    await sql`create index on rr_held (type, value)`.execute(conn);
    await sql`delete from rr_ident i using rr_held h where h.r = i.r and h.type = i.type and h.value = i.value`.execute(conn);
    await sql`analyze rr_ident`.execute(conn);
    await sql`analyze rr_label`.execute(conn);

    let iterations = 0;
    const propagate = async () => {
      for (;;) {
        iterations++;
        // Each identifier takes the smallest label of its roots; each root the smallest label of its identifiers.
        const res = await sql`
          with by_ident as (
            select i.type, i.value, min(l.l) as l from rr_ident i join rr_label l on l.r = i.r group by i.type, i.value
          ), by_root as (
            select i.r, min(b.l) as l from rr_ident i join by_ident b on b.type = i.type and b.value = i.value group by i.r
          )
          update rr_label t set l = b.l from by_root b where b.r = t.r and b.l < t.l`.execute(conn);
        const changed = Number(res.numAffectedRows ?? 0);
        options.onProgress?.('propagating labels', iterations, iterations + (changed > 0 ? 1 : 0));
        if (changed === 0 || iterations > 100) break;
      }
    };
    await propagate();

    await sql`
      create temp table rr_shared as
      select s.type, s.value, t.n from (
        select type, value from (
          select h.type, h.value, c.source, count(distinct l.l) as k
          from rr_held h join rr_label l on l.r = h.r join customer c on c.id = h.r group by h.type, h.value, c.source
        ) per_source
        group by type, value having max(k) > ${rules.quarantineAfterCustomers}::int
      ) s cross join lateral (
        select count(distinct l.l)::int as n from rr_held h join rr_label l on l.r = h.r where h.type = s.type and h.value = s.value
      ) t`.execute(conn);
    const quarantined = Number((await sql<{ n: number }>`select count(*)::int as n from rr_shared`.execute(conn)).rows[0]?.n ?? 0);
    if (quarantined > 0 && options.apply) {
      await sql`
        insert into identity_quarantine (type, value, reason, linked_customers, created_at)
        select type, value, 'shared by more customers than the limit', n, ${clock.now()}::timestamptz from rr_shared
        on conflict do nothing`.execute(conn);
    }
    // The values held back that link few enough customers link them now; labels only ever decrease, so
    // propagation carries on from where it stopped.
    const readded = await sql`
      insert into rr_ident select h.* from rr_held h
      where not exists (select 1 from rr_shared s where s.type = h.type and s.value = h.value)`.execute(conn);
    if (Number(readded.numAffectedRows ?? 0) > 0) await propagate();

    // Components whose roots hold different values of a single-valued type are not merged.
    await sql`
      create temp table rr_next as
      with conflicted as (
        select l.l from rr_label l join rr_ident i on i.r = l.r
        where i.type = any(${single}::text[])
        group by l.l, i.type having count(distinct i.value) > 1
      )
      select l.r, l.l, l.l in (select l from conflicted) as conflicted from rr_label l`.execute(conn);
    const { rows } = await sql<{ roots: number; components: number; duplicates: number; conflicted: number }>`
      select count(*)::int as roots, count(distinct l)::int as components,
             (count(*) filter (where r <> l and not conflicted))::int as duplicates,
             (count(distinct l) filter (where conflicted))::int as conflicted
      from rr_next`.execute(conn);
    const stats = rows[0] ?? { roots: 0, components: 0, duplicates: 0, conflicted: 0 };

    if (options.apply && stats.duplicates > 0) {
      const now = clock.now();
      const losers = await sql<{ r: string; l: string }>`select r, l from rr_next where r <> l and not conflicted order by l, r`.execute(conn);
      const batch = 5000;
      for (let i = 0; i < losers.rows.length; i += batch) {
        const part = losers.rows.slice(i, i + batch);
        await db.transaction().execute(async (trx) => {
          const loserIds = part.map((p) => p.r);
          const winnerIds = part.map((p) => p.l);
          await sql`
            update customer c set root_id = m.l
            from unnest(${loserIds}::text[], ${winnerIds}::text[]) as m(r, l) where c.root_id = m.r`.execute(trx);
          await sql`
            update customer c set merged_into = m.l, merged_at = ${now}
            from unnest(${loserIds}::text[], ${winnerIds}::text[]) as m(r, l) where c.id = m.r`.execute(trx);
          // Each merge is published as a manual merge is (loyalty moves points, tags move manual tags): the
          // outbox rows platform/outbox.ts's publish() writes, set-based, in the merge's transaction.
          const publish = options.publish ?? true;
          await sql`
            with merged as (
              insert into identity_merge (id, winner_id, loser_id, rule, evidence, merged_at, merged_by)
              select gx_id('mrg', ${now}::timestamptz, m.r || m.l), m.l, m.r, 'reresolution', '{}'::jsonb, ${now}::timestamptz, 'identity re-resolution'
              from unnest(${loserIds}::text[], ${winnerIds}::text[]) as m(r, l)
              returning id, winner_id, loser_id
            )
            insert into outbox_event (id, topic, customer_id, payload, created_at)
            select gx_id('obx', ${now}::timestamptz, id), 'customer.merged', winner_id,
                   jsonb_build_object('winnerId', winner_id, 'loserId', loser_id, 'mergeId', id), ${now}::timestamptz
            from merged where ${publish}`.execute(trx);
          if (publish) await sql`select graphile_worker.add_job(${DISPATCH_TASK}, '{}'::json, job_key := ${DISPATCH_TASK})`.execute(trx);
          const winners = [...new Set(winnerIds)];
          await refreshGoldenRecords(trx, winners, rules.survivorship);
          await refreshCustomerStats(trx, { customerIds: [...winners, ...loserIds] });
        });
        options.onProgress?.('merging', Math.min(i + batch, losers.rows.length), losers.rows.length);
      }
    }
    await sql`drop table if exists pg_temp.rr_ident, pg_temp.rr_label, pg_temp.rr_next, pg_temp.rr_shared, pg_temp.rr_held`.execute(conn);
    return {
      ...stats,
      quarantined,
      duplicateRate: stats.roots > 0 ? stats.duplicates / stats.roots : 0,
      iterations,
      applied: options.apply,
      seconds: (Date.now() - started) / 1000,
    };
  });
};
