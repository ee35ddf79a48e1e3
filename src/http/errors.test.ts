import { describe, expect, it } from 'vitest';
import { useTestApp } from '../test/test-app.ts';
import { errorHandler } from './error-handler.ts';

describe('HTTP errors', () => {
  const t = useTestApp();

  it('answers a malformed body with 400 naming the field', async () => {
    const cookie = await t().loginAs('admin');
    const res = await t().app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { cookie },
      payload: { email: 'not-an-email', displayName: 'X', role: 'wizard', password: 'short' },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('request.invalid');
    const paths = body.error.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['body.email', 'body.role', 'body.password']));
    expect(body.error.message).toContain('body.email');
  });

  it('answers invalid JSON with 400 and an unsupported content type with 415', async () => {
    const cookie = await t().loginAs('admin');
    const bad = await t().app.inject({ method: 'POST', url: '/api/users', headers: { cookie, 'content-type': 'application/json' }, payload: '{"email": ' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'request.invalid', message: 'body is not valid JSON' });
    const xml = await t().app.inject({ method: 'POST', url: '/api/users', headers: { cookie, 'content-type': 'application/xml' }, payload: '<a/>' });
    expect(xml.statusCode).toBe(415);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await t().app.inject({ method: 'GET', url: '/api/nope?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'request.not_found', message: 'no route GET /api/nope' } });
  });

  it('names a bad query parameter', async () => {
    const cookie = await t().loginAs('admin');
    const res = await t().app.inject({ method: 'GET', url: '/api/customers?pageSize=5000&sort=shoeSize', headers: { cookie } });
    expect(res.statusCode).toBe(400);
    const paths = res.json().error.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['querystring.pageSize', 'querystring.sort']));
  });

  it('never sends a stack trace for an unexpected error', () => {
    let status = 0;
    let sent: unknown;
    const reply = {
      status: (s: number) => {
        status = s;
        return reply;
      },
      type: () => reply,
      header: () => reply,
      send: (b: unknown) => {
        sent = b;
        return reply;
      },
    };
    const request = { log: { error: () => {} }, routeOptions: { url: '/x' } };
    errorHandler(new TypeError('secret internals at /srv/app.ts:42'), request as never, reply as never);
    expect(status).toBe(500);
    expect(JSON.stringify(sent)).not.toContain('srv/app.ts');
    expect(sent).toEqual({ error: { code: 'internal.error', message: 'internal error; it has been logged' } });
  });

  it('serves the OpenAPI document', async () => {
    const res = await t().app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/customers', '/api/auth/login', '/api/audit']));
  });
});
