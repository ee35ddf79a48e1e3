import { sql } from 'kysely';
import type { Db } from '../../platform/db.ts';
import type { TimelineItem, TimelineKind } from './profiles.shared.ts';
import type { ProfileTimelineView } from './profiles.tables.ts';

export type { TimelineItem } from './profiles.shared.ts';

export type TimelineQuery = { rootId: string; kinds?: TimelineKind[]; source?: string; before?: { at: Date; id: string }; limit: number };

/**
 * One page of a customer's timeline across every record merged into it, newest first. Keyset-paged on
 * (at, id) so infinite scroll stays fast on long histories.
 */
export const listTimeline = async (db: Db, q: TimelineQuery): Promise<{ items: TimelineItem[]; next: { at: Date; id: string } | null }> => {
  const { rows } = await sql<Omit<ProfileTimelineView, 'root_id'>>`
    select t.kind, t.id, t.at, t.source, t.title, t.subtype, t.amount_fen, t.detail, t.customer_id
    from profile_timeline t
    where t.root_id = ${q.rootId}
      ${q.kinds && q.kinds.length > 0 ? sql`and t.kind = any(${q.kinds}::text[])` : sql``}
      ${q.source ? sql`and t.source = ${q.source}` : sql``}
      ${q.before ? sql`and (t.at, t.id) < (${q.before.at}::timestamptz, ${q.before.id})` : sql``}
    order by t.at desc, t.id desc
    limit ${q.limit + 1}`.execute(db);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      kind: r.kind,
      id: r.id,
      at: r.at,
      source: r.source,
      title: r.title,
      subtype: r.subtype,
      amountFen: r.amount_fen === null ? null : Number(r.amount_fen),
      detail: r.detail,
      recordId: r.customer_id,
    })),
    next: rows.length > q.limit && last ? { at: last.at, id: last.id } : null,
  };
};

/** Which sources know this customer, and what each contributed. */
export const listProfileSources = async (db: Db, rootId: string) => {
  const { rows } = await sql<{ source: string; kind: TimelineKind; n: number; last_at: Date }>`
    select t.source, t.kind, count(*)::int as n, max(t.at) as last_at
    from profile_timeline t
    where t.root_id = ${rootId}
    group by 1, 2 order by 1, 2`.execute(db);
  return rows.map((r) => ({ source: r.source, kind: r.kind, count: r.n, lastAt: r.last_at }));
};
