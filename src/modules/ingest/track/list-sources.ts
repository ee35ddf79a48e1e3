import { sql } from 'kysely';
import type { Db } from '../../../platform/db.ts';
import { AppError } from '../../../platform/errors.ts';
import type { Source } from '../sources.ts';

export type SourceSummary = Source & { events24h: number; rejections24h: number; lastEventAt: Date | null };

type Row = {
  id: string;
  name: string;
  kind: Source['kind'];
  trust_rank: number;
  created_at: Date;
  events_24h: number;
  rejections_24h: number;
  last_event_at: Date | null;
};

const toSummary = (r: Row): SourceSummary => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  trustRank: r.trust_rank,
  createdAt: r.created_at,
  events24h: r.events_24h,
  rejections24h: r.rejections_24h,
  lastEventAt: r.last_event_at,
});

const summaries = (db: Db, now: Date, id?: string) => {
  const since = new Date(now.getTime() - 24 * 3_600_000);
  // Each count walks the (source_id, received_at) indexes of the last day only; events still waiting in the
  // inbox for identity resolution count too (the inbox is small: it is emptied within seconds).
  return sql<Row>`
    select s.id, s.name, s.kind, s.trust_rank, s.created_at,
      (select count(*)::int from customer_event e where e.source_id = s.id and e.received_at > ${since})
        + (select count(*)::int from ingest_inbox i where i.source_id = s.id and i.received_at > ${since}) as events_24h,
      (select count(*)::int from ingest_rejection r where r.source_id = s.id and r.received_at > ${since}) as rejections_24h,
      greatest((select max(e.received_at) from customer_event e where e.source_id = s.id),
        (select max(i.received_at) from ingest_inbox i where i.source_id = s.id)) as last_event_at
    from ingest_source s
    ${id === undefined ? sql`` : sql`where s.id = ${id}`}
    order by s.id`.execute(db);
};

/** Every source with what the debugger's list shows: events and rejections of the last 24 h, last event. */
export const listSourceSummaries = async (db: Db, now: Date): Promise<SourceSummary[]> => (await summaries(db, now)).rows.map(toSummary);

export const getSourceSummary = async (db: Db, now: Date, id: string): Promise<SourceSummary> => {
  const row = (await summaries(db, now, id)).rows[0];
  if (!row) throw new AppError('ingest.source_not_found', `no source ${id}`);
  return toSummary(row);
};

export const assertSourceExists = async (db: Db, id: string): Promise<void> => {
  const row = await db.selectFrom('ingest_source').select('id').where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('ingest.source_not_found', `no source ${id}`);
};
