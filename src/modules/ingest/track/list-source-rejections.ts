import type { Db } from '../../../platform/db.ts';
import { assertSourceExists } from './list-sources.ts';

export type SourceRejection = { id: number; receivedAt: Date; type: string | null; name: string | null; field: string; reason: string };

/** What was refused from a source (field and reason only; payloads of refused events are not kept), newest first. */
export const listSourceRejections = async (
  db: Db,
  input: { sourceId: string; limit: number; before?: number },
): Promise<{ items: SourceRejection[]; nextBefore: number | null }> => {
  await assertSourceExists(db, input.sourceId);
  let q = db
    .selectFrom('ingest_rejection')
    .select(['id', 'received_at', 'type', 'name', 'field', 'reason'])
    .where('source_id', '=', input.sourceId)
    .orderBy('id', 'desc')
    .limit(input.limit);
  if (input.before !== undefined) q = q.where('id', '<', input.before);
  const rows = await q.execute();
  const items = rows.map((r) => ({ id: Number(r.id), receivedAt: r.received_at, type: r.type, name: r.name, field: r.field, reason: r.reason }));
  const last = items.at(-1);
  return { items, nextBefore: last && items.length === input.limit ? last.id : null };
};
