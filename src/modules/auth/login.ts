import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { verifyPassword } from './passwords.ts';
import { createSession } from './sessions.ts';
import { findUserForLogin, toUser, type User } from './user.repository.ts';

export type LoginPolicy = { maxFailures: number; lockoutMinutes: number; sessionTtlHours: number };
export type LoginInput = { email: string; password: string; ip: string | null; userAgent: string | null };

const INVALID = 'email or password is wrong';

/**
 * Signs a user in. Failures are counted per email (known or not), so lockout and every error answer
 * are the same whether or not the account exists.
 */
export const login = async (db: Db, clock: Clock, policy: LoginPolicy, input: LoginInput): Promise<{ user: User; token: string; expiresAt: Date }> => {
  const emailKey = input.email.trim().toLowerCase();
  const now = clock.now();
  const windowStart = new Date(now.getTime() - policy.lockoutMinutes * 60_000);
  const failures = await db
    .selectFrom('auth_login_failure')
    .select([(eb) => eb.fn.countAll().as('n'), (eb) => eb.fn.max('at').as('last')])
    .where('email_key', '=', emailKey)
    .where('at', '>', windowStart)
    .executeTakeFirstOrThrow();
  if (Number(failures.n) >= policy.maxFailures) {
    const last = failures.last ? new Date(failures.last).getTime() : now.getTime();
    const retryAfterSeconds = Math.max(1, Math.ceil((last + policy.lockoutMinutes * 60_000 - now.getTime()) / 1000));
    throw new AppError('auth.locked', `too many failed sign-ins; try again in ${Math.ceil(retryAfterSeconds / 60)} min`, { retryAfterSeconds });
  }

  const row = await findUserForLogin(db, emailKey);
  const ok = await verifyPassword(row?.password_hash, input.password);
  if (!row || !ok || row.status !== 'active') {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('auth_login_failure').values({ email_key: emailKey, ip: input.ip, at: now }).execute();
      await recordAudit(
        trx,
        clock,
        { type: 'user', id: row?.id ?? null, label: row?.display_name ?? null, ip: input.ip, userAgent: input.userAgent },
        {
          action: 'auth.login_failed',
          subjectType: 'user',
          ...(row ? { subjectId: row.id } : {}),
          details: { reason: !row ? 'unknown_user' : row.status !== 'active' ? 'disabled' : 'wrong_password' },
        },
      );
    });
    throw new AppError('auth.invalid_credentials', INVALID);
  }

  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('auth_login_failure').where('email_key', '=', emailKey).execute();
    await trx.updateTable('auth_user').set({ last_login_at: now }).where('id', '=', row.id).execute();
    const session = await createSession(trx, clock, { userId: row.id, ttlHours: policy.sessionTtlHours, ip: input.ip, userAgent: input.userAgent });
    const user = toUser({ ...row, last_login_at: now });
    await recordAudit(
      trx,
      clock,
      { type: 'user', id: user.id, label: user.displayName, ip: input.ip, userAgent: input.userAgent },
      { action: 'auth.login', subjectType: 'user', subjectId: user.id },
    );
    return { user, ...session };
  });
};
