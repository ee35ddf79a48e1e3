import { describe, expect, it } from 'vitest';
import { cliActor, createApiKey, ROLE_PERMISSIONS, ROLES } from '../modules/auth/index.ts';
import { systemClock } from '../platform/clock.ts';
import { useTestApp } from '../test/test-app.ts';

const sampleUrl = (url: string) => url.replace(/:id\b/g, 'cus_0000000000000000000000000000');
// Signing out ends the session the walk is using, so it goes last.
const byLogoutLast = (a: { url: string }, b: { url: string }) => Number(a.url.endsWith('/logout')) - Number(b.url.endsWith('/logout'));

describe('access control', () => {
  const t = useTestApp();

  it('every API route declares who may call it', () => {
    const undeclared = t()
      .app.routeTable.filter((r) => /^\/(api|v1)\//.test(r.url))
      .filter((r) => r.access === undefined);
    expect(undeclared).toEqual([]);
  });

  it('walks every session route for every role: 403 exactly when the role lacks the permission', async () => {
    const routes = t()
      .app.routeTable.filter((r) => r.access?.kind === 'session')
      .sort(byLogoutLast);
    expect(routes.length).toBeGreaterThan(10);
    const mismatches: string[] = [];
    for (const role of ROLES) {
      const cookie = await t().loginAs(role);
      for (const route of routes) {
        const access = route.access as { kind: 'session'; permission?: string };
        const res = await t().app.inject({
          method: route.method as 'GET',
          url: sampleUrl(route.url),
          headers: { cookie, 'content-type': 'application/json' },
          payload: route.method === 'GET' ? undefined : '{}',
        });
        const allowed = !access.permission || (ROLE_PERMISSIONS[role] as readonly string[]).includes(access.permission);
        const refused = res.statusCode === 403 && res.json().error.code === 'auth.forbidden';
        if (allowed === refused || res.statusCode === 401) {
          mismatches.push(`${role} ${route.method} ${route.url} → ${res.statusCode} (expected ${allowed ? 'allowed' : '403'})`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('refuses every session route without a session', async () => {
    const routes = t().app.routeTable.filter((r) => r.access?.kind === 'session');
    for (const route of routes) {
      const res = await t().app.inject({ method: route.method as 'GET', url: sampleUrl(route.url) });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(res.json().error.code).toBe('auth.unauthenticated');
    }
  });

  it('gives an analyst 403 when creating a user', async () => {
    const cookie = await t().loginAs('analyst');
    const res = await t().app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { cookie },
      payload: { email: 'new@test.example', displayName: 'New', role: 'admin', password: 'long-enough-password' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('auth.forbidden');
    const count = await t()
      .db.db.selectFrom('auth_user')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('email', '=', 'new@test.example')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('does not let an API key use console routes, nor a session cookie use machine routes', async () => {
    const { secret } = await t().db.tx((trx) => createApiKey(trx, systemClock, cliActor('test'), 'pos'));
    const basic = `Basic ${Buffer.from(`${secret}:`).toString('base64')}`;

    const console = await t().app.inject({ method: 'GET', url: '/api/customers', headers: { authorization: basic } });
    expect(console.statusCode).toBe(401);
    expect(console.json().error.code).toBe('auth.unauthenticated');

    const machine = await t().app.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: basic } });
    expect(machine.statusCode).toBe(200);
    expect(machine.json().apiKey.name).toBe('pos');

    const cookie = await t().loginAs('admin');
    const withCookie = await t().app.inject({ method: 'GET', url: '/v1/whoami', headers: { cookie } });
    expect(withCookie.statusCode).toBe(401);
    expect(withCookie.json().error.code).toBe('auth.invalid_api_key');
  });

  it('refuses a revoked API key', async () => {
    const cookie = await t().loginAs('admin');
    const created = await t().app.inject({ method: 'POST', url: '/api/api-keys', headers: { cookie }, payload: { name: 'shop' } });
    expect(created.statusCode).toBe(201);
    const { apiKey, secret } = created.json();
    expect(secret).toMatch(/^gxk_/);
    const listed = await t().app.inject({ method: 'GET', url: '/api/api-keys', headers: { cookie } });
    expect(JSON.stringify(listed.json())).not.toContain(secret);

    const bearer = { authorization: `Bearer ${secret}` };
    expect((await t().app.inject({ method: 'GET', url: '/v1/whoami', headers: bearer })).statusCode).toBe(200);
    await t().app.inject({ method: 'POST', url: `/api/api-keys/${apiKey.id}/revoke`, headers: { cookie } });
    const after = await t().app.inject({ method: 'GET', url: '/v1/whoami', headers: bearer });
    expect(after.statusCode).toBe(401);
  });
});
