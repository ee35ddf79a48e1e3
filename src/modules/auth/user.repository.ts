import type { Db, Trx } from '../../platform/db.ts';
import type { Role } from './permissions.ts';

export type User = {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  status: 'active' | 'disabled';
  locale: 'zh-CN' | 'en' | null;
  lastLoginAt: Date | null;
  createdAt: Date;
};

type Row = {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  status: 'active' | 'disabled';
  locale: 'zh-CN' | 'en' | null;
  last_login_at: Date | null;
  created_at: Date;
};

const COLUMNS = ['id', 'email', 'display_name', 'role', 'status', 'locale', 'last_login_at', 'created_at'] as const;

export const toUser = (r: Row): User => ({
  id: r.id,
  email: r.email,
  displayName: r.display_name,
  role: r.role,
  status: r.status,
  locale: r.locale,
  lastLoginAt: r.last_login_at,
  createdAt: r.created_at,
});

export const findUserById = async (db: Db | Trx, id: string): Promise<User | undefined> => {
  const r = await db.selectFrom('auth_user').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  return r && toUser(r);
};

export const findUserForLogin = (db: Db | Trx, email: string) =>
  db
    .selectFrom('auth_user')
    .select([...COLUMNS, 'password_hash'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.trim().toLowerCase()))
    .executeTakeFirst();

export const lockUserForUpdate = async (trx: Trx, id: string): Promise<User | undefined> => {
  const r = await trx.selectFrom('auth_user').select(COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst();
  return r && toUser(r);
};

export const listAllUsers = async (db: Db): Promise<User[]> => (await db.selectFrom('auth_user').select(COLUMNS).orderBy('created_at').execute()).map(toUser);

export const countActiveAdmins = async (trx: Trx): Promise<number> =>
  Number(
    (
      await trx
        .selectFrom('auth_user')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('role', '=', 'admin')
        .where('status', '=', 'active')
        .executeTakeFirstOrThrow()
    ).n,
  );
