import type { Clock } from '../../platform/clock.ts';
import type { Db, Trx } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { recordAudit } from '../audit/index.ts';
import type { Actor } from './actor.ts';
import { newSecret, sha256 } from './tokens.ts';

export type ApiKey = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  /** The ingest source its events are recorded under. */
  sourceId: string | null;
  createdAt: Date;
  createdBy: string | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

const COLUMNS = ['id', 'name', 'prefix', 'scopes', 'source_id', 'created_at', 'created_by', 'last_used_at', 'revoked_at'] as const;
type Row = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  source_id: string | null;
  created_at: Date;
  created_by: string | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
};
const toApiKey = (r: Row): ApiKey => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  scopes: r.scopes,
  sourceId: r.source_id,
  createdAt: r.created_at,
  createdBy: r.created_by,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

export const API_KEY_PREFIX = 'gxk_';

/** A source id from a key's name: `Mini program (prod)` → `mini-program-prod`; empty for names without Latin letters or digits. */
export const sourceSlug = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');

/**
 * Creates a write key. The secret is returned once and only its SHA-256 is stored. Its events are recorded
 * under `options.sourceId`, by default the slug of its name (`key-<hex>` when the name has no Latin letters);
 * the caller makes sure the ingest source exists.
 */
export const createApiKey = async (
  trx: Trx,
  clock: Clock,
  actor: Actor,
  name: string,
  options: { sourceId?: string } = {},
): Promise<{ apiKey: ApiKey; secret: string }> => {
  const secret = `${API_KEY_PREFIX}${newSecret()}`;
  const now = clock.now();
  const id = newId('key', now);
  const row = await trx
    .insertInto('auth_api_key')
    .values({
      id,
      name: name.trim(),
      prefix: secret.slice(0, API_KEY_PREFIX.length + 6),
      secret_hash: sha256(secret),
      source_id: options.sourceId ?? (sourceSlug(name) || `key-${id.slice(-8)}`),
      created_by: actor.type === 'user' ? actor.id : null,
      created_at: now,
      last_used_at: null,
      revoked_at: null,
    })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  await recordAudit(trx, clock, actor, {
    action: 'api_key.create',
    subjectType: 'api_key',
    subjectId: row.id,
    details: { name: row.name, sourceId: row.source_id },
  });
  return { apiKey: toApiKey(row), secret };
};

export const revokeApiKey = async (trx: Trx, clock: Clock, actor: Actor, id: string): Promise<ApiKey> => {
  const row = await trx
    .updateTable('auth_api_key')
    .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(clock.now())) }))
    .where('id', '=', id)
    .returning(COLUMNS)
    .executeTakeFirst();
  if (!row) throw new AppError('auth.api_key_not_found', `no API key ${id}`);
  await recordAudit(trx, clock, actor, { action: 'api_key.revoke', subjectType: 'api_key', subjectId: id });
  return toApiKey(row);
};

export const listApiKeys = async (db: Db): Promise<ApiKey[]> =>
  (await db.selectFrom('auth_api_key').select(COLUMNS).orderBy('created_at', 'desc').execute()).map(toApiKey);

/** The actor behind a presented secret, if it is a live key. Touches last_used_at at most once a minute. */
export const authenticateApiKey = async (
  db: Db,
  clock: Clock,
  secret: string,
  request: { ip: string | null; userAgent: string | null },
): Promise<Actor | undefined> => {
  if (!secret.startsWith(API_KEY_PREFIX)) return undefined;
  const row = await db.selectFrom('auth_api_key').select(COLUMNS).where('secret_hash', '=', sha256(secret)).executeTakeFirst();
  if (!row || row.revoked_at) return undefined;
  const now = clock.now();
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
    await db.updateTable('auth_api_key').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  return { type: 'api_key', id: row.id, label: row.name, scopes: row.scopes, sourceId: row.source_id, ip: request.ip, userAgent: request.userAgent };
};
