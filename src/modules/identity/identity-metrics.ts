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
