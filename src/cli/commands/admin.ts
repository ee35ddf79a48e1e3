import { cliActor, createUser, listAllUsers } from '../../modules/auth/index.ts';
import { systemClock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import { withDatabase } from '../context.ts';
import { promptHidden } from '../prompt.ts';

export const adminCreate = async (opts: { email: string; name: string; password?: string; role: string }): Promise<void> => {
  const password = opts.password ?? process.env.GUANXI_ADMIN_PASSWORD ?? (process.stdin.isTTY ? await promptHidden('Password (10+ characters): ') : '');
  if (password.length < 10)
    throw new AppError('request.invalid', 'password must have at least 10 characters', { fields: [{ path: '--password', message: 'at least 10 characters' }] });
  const roles = ['admin', 'operator', 'analyst', 'agent', 'auditor'] as const;
  const role = roles.find((r) => r === opts.role);
  if (!role)
    throw new AppError('request.invalid', `unknown role ${opts.role}; one of ${roles.join(', ')}`, { fields: [{ path: '--role', message: 'unknown role' }] });
  await withDatabase(async ({ database }) => {
    const user = await database.db
      .transaction()
      .execute((trx) => createUser(trx, systemClock, cliActor('guanxi admin create'), { email: opts.email, displayName: opts.name, role, password }));
    process.stdout.write(`created ${user.role} ${user.id} <${user.email}>\n`);
  });
};

export const usersList = async (opts: { json?: boolean }): Promise<void> => {
  await withDatabase(async ({ database }) => {
    const users = await listAllUsers(database.db);
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(users, null, 2)}\n`);
      return;
    }
    const rows = users.map((u) => [u.id, u.email, u.displayName, u.role, u.status, u.lastLoginAt?.toISOString() ?? '-']);
    const header = ['id', 'email', 'name', 'role', 'status', 'last login'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => [...(r[i] ?? '')].length)));
    const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
    process.stdout.write(`${[fmt(header), ...rows.map(fmt)].join('\n')}\n`);
  });
};
