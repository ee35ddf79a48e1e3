import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../platform/clock.ts';
import { TEST_PASSWORD, useTestApp } from '../../test/test-app.ts';

const clock = fixedClock('2026-03-01T08:00:00Z');

describe('sign-in', () => {
  const t = useTestApp({ clock, env: { GUANXI_LOGIN_MAX_FAILURES: '3', GUANXI_LOGIN_LOCKOUT_MINUTES: '10', GUANXI_LOGIN_RATE_PER_MINUTE: '1000' } });
  const login = (email: string, password: string) => t().app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });

  it('sets an httpOnly, SameSite session cookie and knows the user afterwards', async () => {
    await t().loginAs('operator', 'op@test.example');
    const res = await login('OP@test.example', TEST_PASSWORD);
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'gx_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const me = await t().app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: `gx_session=${cookie?.value}` } });
    expect(me.json().user).toMatchObject({ email: 'op@test.example', role: 'operator' });
    expect(me.json().user.permissions).toContain('customers:write');
    expect(me.json().user.permissions).not.toContain('users:manage');
  });

  it('answers a wrong password exactly as an unknown user', async () => {
    await t().loginAs('agent', 'agent-x@test.example');
    const wrong = await login('agent-x@test.example', 'not-the-password');
    const unknown = await login('nobody@test.example', 'not-the-password');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.cookies).toEqual([]);
  });

  it('locks an email after repeated failures, whether or not it exists, and unlocks after the lockout', async () => {
    await t().loginAs('analyst', 'locked@test.example');
    for (const email of ['locked@test.example', 'ghost@test.example']) {
      for (let i = 0; i < 3; i++) expect((await login(email, 'wrong-password-123')).statusCode).toBe(401);
      const locked = await login(email, email.startsWith('locked') ? TEST_PASSWORD : 'anything-at-all');
      expect(locked.statusCode).toBe(429);
      expect(locked.json().error.code).toBe('auth.locked');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    }
    clock.advance(11 * 60_000);
    expect((await login('locked@test.example', TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('refuses a disabled user and ends their sessions', async () => {
    const admin = await t().loginAs('admin');
    const cookie = await t().loginAs('agent', 'leaver@test.example');
    const users = (await t().app.inject({ method: 'GET', url: '/api/users', headers: { cookie: admin } })).json().items;
    const leaver = users.find((u: { email: string }) => u.email === 'leaver@test.example');
    const res = await t().app.inject({ method: 'PATCH', url: `/api/users/${leaver.id}`, headers: { cookie: admin }, payload: { status: 'disabled' } });
    expect(res.statusCode).toBe(200);
    expect((await t().app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(401);
    expect((await login('leaver@test.example', TEST_PASSWORD)).statusCode).toBe(401);
  });

  it('ends the session at sign-out and after its lifetime', async () => {
    const cookie = await t().loginAs('auditor');
    expect((await t().app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } })).statusCode).toBe(200);
    expect((await t().app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(401);

    const other = await t().loginAs('auditor');
    clock.advance((t().config.sessionTtlHours + 1) * 3_600_000);
    expect((await t().app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: other } })).statusCode).toBe(401);
  });

  it('never removes the last active admin', async () => {
    const db = t().db.db;
    await db.updateTable('auth_user').set({ role: 'operator' }).where('role', '=', 'admin').execute();
    const admin = await t().loginAs('admin', 'only-admin@test.example');
    const me = (await t().app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: admin } })).json().user;
    const res = await t().app.inject({ method: 'PATCH', url: `/api/users/${me.id}`, headers: { cookie: admin }, payload: { role: 'analyst' } });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('auth.last_admin');
  });

  it('stores only argon2id hashes and records sign-ins in the audit log', async () => {
    await t().loginAs('operator', 'hash@test.example');
    const row = await t().db.db.selectFrom('auth_user').select('password_hash').where('email', '=', 'hash@test.example').executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain(TEST_PASSWORD);
    const actions = await t().db.db.selectFrom('audit_log').select('action').execute();
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['auth.login', 'auth.login_failed', 'user.update']));
  });

  it('persists the UI language for the user', async () => {
    const cookie = await t().loginAs('analyst');
    const res = await t().app.inject({ method: 'PATCH', url: '/api/auth/me', headers: { cookie }, payload: { locale: 'en' } });
    expect(res.json().user.locale).toBe('en');
    const bad = await t().app.inject({ method: 'PATCH', url: '/api/auth/me', headers: { cookie }, payload: { locale: 'fr' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields[0].path).toBe('body.locale');
    expect((await t().app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).json().user.locale).toBe('en');
  });
});
