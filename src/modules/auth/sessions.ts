import type { Clock } from '../../platform/clock.ts';
import type { Db, Trx } from '../../platform/db.ts';
import { newId } from '../../platform/ids.ts';
import type { Actor } from './actor.ts';
import { ROLE_PERMISSIONS } from './permissions.ts';
import { newSecret, sha256 } from './tokens.ts';
import { toUser, type User } from './user.repository.ts';

export const SESSION_COOKIE = 'gx_session';

export const createSession = async (
  trx: Trx,
  clock: Clock,
  input: { userId: string; ttlHours: number; ip: string | null; userAgent: string | null },
): Promise<{ token: string; expiresAt: Date }> => {
  const token = newSecret();
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + input.ttlHours * 3_600_000);
  await trx
    .insertInto('auth_session')
    .values({
      id: newId('ses', now),
      token_hash: sha256(token),
      user_id: input.userId,
      created_at: now,
      expires_at: expiresAt,
      last_seen_at: now,
      ip: input.ip,
      user_agent: input.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return { token, expiresAt };
};

/** The signed-in user behind a session token, if the session is live and the user active. */
export const resolveSession = async (
  db: Db,
  clock: Clock,
  token: string,
  request: { ip: string | null; userAgent: string | null },
): Promise<{ user: User; actor: Actor } | undefined> => {
  const row = await db
    .selectFrom('auth_session as s')
    .innerJoin('auth_user as u', 'u.id', 's.user_id')
    .select(['u.id', 'u.email', 'u.display_name', 'u.role', 'u.status', 'u.locale', 'u.last_login_at', 'u.created_at', 's.expires_at'])
    .where('s.token_hash', '=', sha256(token))
    .executeTakeFirst();
  if (row?.status !== 'active' || row.expires_at <= clock.now()) return undefined;
  const user = toUser(row);
  return {
    user,
    actor: {
      type: 'user',
      id: user.id,
      label: user.displayName,
      role: user.role,
      permissions: ROLE_PERMISSIONS[user.role],
      ip: request.ip,
      userAgent: request.userAgent,
    },
  };
};

export const deleteSession = async (db: Db, token: string): Promise<void> => {
  await db.deleteFrom('auth_session').where('token_hash', '=', sha256(token)).execute();
};

/** Nightly housekeeping: expired sessions and old login failures. */
export const purgeExpiredSessions = async (db: Db, clock: Clock): Promise<number> => {
  const now = clock.now();
  const s = await db.deleteFrom('auth_session').where('expires_at', '<', now).executeTakeFirst();
  await db
    .deleteFrom('auth_login_failure')
    .where('at', '<', new Date(now.getTime() - 7 * 86_400_000))
    .execute();
  return Number(s.numDeletedRows);
};
