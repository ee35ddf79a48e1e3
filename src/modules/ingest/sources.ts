import type { Db, Trx } from '../../platform/db.ts';
import { type Actor, sourceSlug } from '../auth/index.ts';

export type Source = { id: string; name: string; kind: 'http' | 'file' | 'webhook' | 'console'; trustRank: number; createdAt: Date };

const SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const isSourceId = (id: string): boolean => SLUG.test(id);

/** A source (an SDK's write key, a file feed, a webhook) is created the first time it is named. */
export const ensureSource = async (trx: Trx, source: { id: string; name?: string; kind: Source['kind'] }, at: Date): Promise<void> => {
  await trx
    .insertInto('ingest_source')
    .values({ id: source.id, name: source.name ?? source.id, kind: source.kind, created_at: at })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
};

export const listSources = async (db: Db): Promise<Source[]> =>
  (await db.selectFrom('ingest_source').selectAll().orderBy('id').execute()).map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    trustRank: r.trust_rank,
    createdAt: r.created_at,
  }));

/** What the event debugger shows next to accepted events; field and reason only, never the payload. */
export const recordRejections = async (
  db: Db | Trx,
  rows: { sourceId: string | null; type?: string | null; name?: string | null; field: string; reason: string; at: Date }[],
): Promise<void> => {
  if (rows.length === 0) return;
  await db
    .insertInto('ingest_rejection')
    .values(
      rows.map((r) => ({
        source_id: r.sourceId,
        received_at: r.at,
        type: r.type ?? null,
        name: r.name ?? null,
        field: r.field,
        reason: r.reason.slice(0, 500),
      })),
    )
    .execute();
};

/** The source a write key writes as; keys made before sources existed write as the slug of their name. */
export const writeKeySource = (actor: Actor | null): string | null =>
  actor?.type === 'api_key' ? (actor.sourceId ?? (sourceSlug(actor.label) || `key-${actor.id.slice(-8)}`)) : null;
