import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Trx } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { recordAudit } from '../audit/index.ts';
import type { Actor } from './actor.ts';
import { hashPassword } from './passwords.ts';
import type { Role } from './permissions.ts';
import { countActiveAdmins, lockUserForUpdate, toUser, type User } from './user.repository.ts';

// Admin changes are serialised so two concurrent demotions cannot both pass the last-admin check.
const ADMIN_LOCK = 7_361_002;

export type CreateUserInput = { email: string; displayName: string; role: Role; password: string };

export const createUser = async (trx: Trx, clock: Clock, actor: Actor, input: CreateUserInput): Promise<User> => {
  const email = input.email.trim();
  const taken = await trx
    .selectFrom('auth_user')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst();
  if (taken) throw new AppError('auth.email_taken', 'a user with this email already exists', { fields: [{ path: 'body.email', message: 'already taken' }] });
  const now = clock.now();
  const row = await trx
    .insertInto('auth_user')
    .values({
      id: newId('usr', now),
      email,
      display_name: input.displayName.trim(),
      role: input.role,
      password_hash: await hashPassword(input.password),
      locale: null,
      last_login_at: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .returning(['id', 'email', 'display_name', 'role', 'status', 'locale', 'last_login_at', 'created_at'])
    .executeTakeFirst();
  if (!row) throw new AppError('auth.email_taken', 'a user with this email already exists', { fields: [{ path: 'body.email', message: 'already taken' }] });
  await recordAudit(trx, clock, actor, { action: 'user.create', subjectType: 'user', subjectId: row.id, details: { role: row.role } });
  return toUser(row);
};

export type UpdateUserInput = { displayName?: string; role?: Role; status?: 'active' | 'disabled'; locale?: 'zh-CN' | 'en' | null };

export const updateUser = async (trx: Trx, clock: Clock, actor: Actor, id: string, input: UpdateUserInput): Promise<User> => {
  await sql`select pg_advisory_xact_lock(${ADMIN_LOCK})`.execute(trx);
  const user = await lockUserForUpdate(trx, id);
  if (!user) throw new AppError('auth.user_not_found', `no user ${id}`);
  const losesAdmin = user.role === 'admin' && user.status === 'active' && ((input.role && input.role !== 'admin') || input.status === 'disabled');
  if (losesAdmin && (await countActiveAdmins(trx)) <= 1) {
    throw new AppError('auth.last_admin', 'this is the last active admin; make another admin first');
  }
  const changes = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const row = await trx
    .updateTable('auth_user')
    .set({
      ...(input.displayName !== undefined ? { display_name: input.displayName.trim() } : {}),
      ...(input.role !== undefined ? { role: input.role } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
      ...(input.locale !== undefined ? { locale: input.locale } : {}),
      updated_at: clock.now(),
    })
    .where('id', '=', id)
    .returning(['id', 'email', 'display_name', 'role', 'status', 'locale', 'last_login_at', 'created_at'])
    .executeTakeFirstOrThrow();
  if (input.status === 'disabled') await trx.deleteFrom('auth_session').where('user_id', '=', id).execute();
  // A language preference is not worth an audit row; everything else is.
  const audited = Object.keys(changes).filter((k) => k !== 'locale');
  if (audited.length > 0) {
    await recordAudit(trx, clock, actor, {
      action: 'user.update',
      subjectType: 'user',
      subjectId: id,
      details: { fields: audited, ...(input.role ? { role: input.role } : {}), ...(input.status ? { status: input.status } : {}) },
    });
  }
  return toUser(row);
};

export const setUserPassword = async (trx: Trx, clock: Clock, actor: Actor, id: string, password: string): Promise<void> => {
  const res = await trx
    .updateTable('auth_user')
    .set({ password_hash: await hashPassword(password), updated_at: clock.now() })
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) throw new AppError('auth.user_not_found', `no user ${id}`);
  // Existing sessions end: a reset password must lock out whoever had the old one.
  await trx.deleteFrom('auth_session').where('user_id', '=', id).execute();
  await recordAudit(trx, clock, actor, { action: 'user.password_reset', subjectType: 'user', subjectId: id });
};
