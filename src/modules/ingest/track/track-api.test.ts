import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/test-app.ts';
import { countMessages, events, gzipJson, makeWriteKey, ownerOf, post, rejections, timeline } from './track-test-kit.ts';

const track = (userId: string, event: string, extra: Record<string, unknown> = {}) => ({
  type: 'track',
  userId,
  event,
  messageId: randomUUID(),
  timestamp: '2026-03-01T10:00:00.000Z',
  properties: { sku: 'TEA-01', price: 128 },
  ...extra,
});

describe('tracking API: Segment HTTP API', () => {
  const t = useTestApp();
  let key: Awaited<ReturnType<typeof makeWriteKey>>;
  const auth = () => ({ authorization: key.basic });

  beforeAll(async () => {
    key = await makeWriteKey(t(), 'web');
  });

  describe('accepted input', () => {
    it('stores a batch of every event type, attached to the customers they resolve to', async () => {
      const batch = [
        track('u-100', 'Order Completed', { context: { ip: '10.0.0.1', library: { name: 'test' } } }),
        { type: 'identify', userId: 'u-100', messageId: 'm-identify-1', traits: { name: '王伟', email: 'Wang.Wei@Example.com', city: '杭州', vip: true } },
        { type: 'page', userId: 'u-100', messageId: 'm-page-1', name: 'Home', properties: { path: '/' } },
        { type: 'screen', anonymousId: 'dev-1', messageId: 'm-screen-1', name: 'Cart' },
        { type: 'group', userId: 'u-100', messageId: 'm-group-1', groupId: 'acme', traits: { plan: 'pro' } },
      ];
      const res = await post(t(), '/v1/batch', { batch, sentAt: new Date().toISOString() }, auth());
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({});

      const stored = await events(t(), 'web');
      expect(stored.map((e) => [e.type, e.name]).sort()).toEqual(
        [
          ['track', 'Order Completed'],
          ['identify', null],
          ['page', 'Home'],
          ['screen', 'Cart'],
          ['group', 'acme'],
        ].sort(),
      );
      const order = stored.find((e) => e.type === 'track');
      expect(order).toMatchObject({ user_id: 'u-100', properties: { sku: 'TEA-01', price: 128 }, context: { ip: '10.0.0.1' } });
      expect(order?.occurred_at.toISOString()).toBe('2026-03-01T10:00:00.000Z');
      expect(await countMessages(t(), 'web')).toBe(5);

      const customer = await ownerOf(t(), 'user_id', 'u-100');
      expect(customer).toBeDefined();
      expect(await ownerOf(t(), 'email', 'wang.wei@example.com')).toBe(customer);
      expect(stored.filter((e) => e.user_id === 'u-100').every((e) => e.customer_id === customer)).toBe(true);
      const golden = await t()
        .db.db.selectFrom('customer')
        .selectAll()
        .where('id', '=', customer as string)
        .executeTakeFirstOrThrow();
      expect(golden).toMatchObject({ display_name: '王伟', email: 'wang.wei@example.com', attributes: { city: '杭州', vip: true } });
      // ingest_message points at each stored event.
      const msg = await t().db.db.selectFrom('ingest_message').selectAll().where('message_id', '=', 'm-page-1').executeTakeFirstOrThrow();
      const page = stored.find((e) => e.message_id === 'm-page-1');
      expect(msg).toMatchObject({ source_id: 'web', customer_id: page?.customer_id, event_id: page?.id });
    });

    it('stores a re-sent messageId once', async () => {
      const batch = [track('u-dup', 'Viewed'), track('u-dup', 'Viewed')];
      for (let i = 0; i < 3; i++) expect((await post(t(), '/v1/batch', { batch }, auth())).statusCode).toBe(200);
      const stored = (await events(t(), 'web')).filter((e) => e.user_id === 'u-dup');
      expect(stored).toHaveLength(2);
    });

    it('stores five concurrent identical batches once', async () => {
      const batch = Array.from({ length: 20 }, (_, i) => track(`u-race-${i % 4}`, 'Raced', { anonymousId: `a-race-${i % 4}` }));
      const results = await Promise.all(Array.from({ length: 5 }, () => post(t(), '/v1/batch', { batch }, auth())));
      expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
      const stored = (await events(t(), 'web')).filter((e) => e.name === 'Raced');
      expect(stored).toHaveLength(20);
      expect(new Set(stored.map((e) => e.message_id)).size).toBe(20);
      // One customer per user, however the requests interleaved.
      expect(new Set(stored.map((e) => e.customer_id)).size).toBe(4);
    });

    it('gives messages without a messageId a content hash, so the same body re-sent is stored once', async () => {
      const event = { type: 'track', userId: 'u-nomsg', event: 'No Id', timestamp: '2026-03-02T00:00:00Z' };
      expect((await post(t(), '/v1/batch', { batch: [event], sentAt: '2026-03-02T00:00:01Z' }, auth())).statusCode).toBe(200);
      expect((await post(t(), '/v1/batch', { batch: [event], sentAt: '2026-03-02T00:00:09Z' }, auth())).statusCode).toBe(200);
      const stored = (await events(t(), 'web')).filter((e) => e.user_id === 'u-nomsg');
      expect(stored).toHaveLength(1);
      expect(stored[0]?.message_id).toMatch(/^sha256:[0-9a-f]{64}$/);
    });

    it('accepts the single-event endpoints, with the write key in the body instead of a header', async () => {
      const cases: [string, Record<string, unknown>][] = [
        ['/v1/track', { userId: 'u-single', event: 'Signed Up' }],
        ['/v1/identify', { userId: 'u-single', traits: { phone: '13800138000' } }],
        ['/v1/page', { userId: 'u-single', name: 'Pricing' }],
        ['/v1/screen', { anonymousId: 'd-single', name: 'Home' }],
        ['/v1/group', { userId: 'u-single', groupId: 42 }],
        ['/v1/alias', { userId: 'u-single', previousId: 'd-single' }],
      ];
      for (const [url, body] of cases) {
        const res = await post(t(), url, { ...body, writeKey: key.secret, messageId: `single-${url}` });
        expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      }
      const stored = (await events(t(), 'web')).filter((e) => e.message_id.startsWith('single-'));
      expect(stored.map((e) => e.type).sort()).toEqual(['alias', 'group', 'identify', 'page', 'screen', 'track']);
      expect(stored.find((e) => e.type === 'group')?.name).toBe('42');
      // The alias joined the device's screen view to the user.
      const user = await ownerOf(t(), 'user_id', 'u-single');
      expect(await ownerOf(t(), 'anonymous_id', 'd-single')).toBe(user);
      expect(await ownerOf(t(), 'phone', '+8613800138000')).toBe(user);
    });

    it('accepts the key in the body of a batch, and gzip bodies', async () => {
      const body = { batch: [track('u-gz', 'Zipped')], writeKey: key.secret };
      const res = await post(t(), '/v1/batch', gzipJson(body), { 'content-encoding': 'gzip' });
      expect(res.statusCode, res.body).toBe(200);
      expect((await events(t(), 'web')).filter((e) => e.name === 'Zipped')).toHaveLength(1);
    });

    it('corrects device clocks like Segment: receivedAt − (sentAt − originalTimestamp), else receivedAt', async () => {
      const before = Date.now();
      const batch = [
        {
          type: 'track',
          userId: 'u-clock',
          event: 'Skewed',
          messageId: 'clk-1',
          originalTimestamp: '2020-01-01T00:00:00.000Z',
          sentAt: '2020-01-01T00:00:10.000Z',
        },
        { type: 'track', userId: 'u-clock', event: 'Untimed', messageId: 'clk-2' },
      ];
      expect((await post(t(), '/v1/batch', { batch }, auth())).statusCode).toBe(200);
      const after = Date.now();
      const stored = (await events(t(), 'web')).filter((e) => e.user_id === 'u-clock');
      const skewed = stored.find((e) => e.name === 'Skewed') as (typeof stored)[number];
      expect(skewed.received_at.getTime() - skewed.occurred_at.getTime()).toBe(10_000);
      const untimed = stored.find((e) => e.name === 'Untimed') as (typeof stored)[number];
      expect(untimed.occurred_at.getTime()).toBe(untimed.received_at.getTime());
      expect(untimed.received_at.getTime()).toBeGreaterThanOrEqual(before - 1);
      expect(untimed.received_at.getTime()).toBeLessThanOrEqual(after + 1);
    });

    it('drops an invalid phone or email trait, records why, and stores the event', async () => {
      const res = await post(
        t(),
        '/v1/batch',
        { batch: [{ type: 'identify', userId: 'u-badphone', messageId: 'bad-phone-1', traits: { phone: '12345', email: 'not-an-email', city: '苏州' } }] },
        auth(),
      );
      expect(res.statusCode, res.body).toBe(200);
      expect((await events(t(), 'web')).filter((e) => e.user_id === 'u-badphone')).toHaveLength(1);
      const rows = (await rejections(t(), 'web')).filter((r) => r.field.startsWith('body.batch[0].traits.'));
      expect(rows.map((r) => r.field).sort()).toEqual(['body.batch[0].traits.email', 'body.batch[0].traits.phone']);
      expect(rows.find((r) => r.field.endsWith('phone'))?.reason).toContain('not a valid phone number');
      const c = await ownerOf(t(), 'user_id', 'u-badphone');
      const ids = await t()
        .db.db.selectFrom('customer_identifier')
        .select('type')
        .where('customer_id', '=', c as string)
        .execute();
      expect(ids.map((i) => i.type)).toEqual(['user_id']);
    });

    it('joins an anonymous visitor to the customer once identify links the ids', async () => {
      // A known customer (by email) from another source, and a visitor browsing anonymously.
      expect((await post(t(), '/v1/identify', { userId: 'crm-77', traits: { email: 'li.na@example.com', name: '李娜' } }, auth())).statusCode).toBe(200);
      const batch = [
        { type: 'page', anonymousId: 'anon-join', name: 'Landing', messageId: 'join-1', timestamp: '2026-04-01T09:00:00Z' },
        { type: 'track', anonymousId: 'anon-join', event: 'Added To Cart', messageId: 'join-2', timestamp: '2026-04-01T09:01:00Z' },
      ];
      expect((await post(t(), '/v1/batch', { batch }, auth())).statusCode).toBe(200);
      const visitor = await ownerOf(t(), 'anonymous_id', 'anon-join');
      const known = await ownerOf(t(), 'email', 'li.na@example.com');
      expect(visitor).not.toBe(known);

      const identify = {
        type: 'identify',
        anonymousId: 'anon-join',
        userId: 'crm-77',
        messageId: 'join-3',
        timestamp: '2026-04-01T09:02:00Z',
        traits: { email: 'li.na@example.com' },
      };
      expect((await post(t(), '/v1/batch', { batch: [identify] }, auth())).statusCode).toBe(200);
      const root = await ownerOf(t(), 'anonymous_id', 'anon-join');
      expect(await ownerOf(t(), 'user_id', 'crm-77')).toBe(root);
      const events360 = await timeline(t(), root as string);
      expect(events360.filter((e) => e.anonymous_id === 'anon-join').map((e) => e.name ?? e.type)).toEqual(['Landing', 'Added To Cart', 'identify']);
      expect(events360.some((e) => e.user_id === 'crm-77' && e.anonymous_id === null)).toBe(true);
    });

    it('stores properties, traits and context as sent, and as rewritten where the batch adds to them (batch context, alias)', async () => {
      const raw = `{ "sentAt": "2026-03-01T10:00:01Z",
        "batch": [
          {"type":"track","userId":"u-raw","event":"Raw \\"quoted\\" [x]","messageId":"raw-1","timestamp":"2026-03-01T10:00:00Z",
           "properties":{"名":"龙井","n":1.50,"nested":{"a":[1,{"b":null}]},"esc":"\\u00e9"},"context":{"ip":"10.0.0.9"}},
          {"type":"page","anonymousId":"a-raw","messageId":"raw-2","properties":null},
          {"type":"identify","userId":"u-raw","messageId":"raw-3","traits":{"plan":"vip"},"context":{"traits":{"city":"杭州"}}}
        ] }`;
      expect((await post(t(), '/v1/batch', raw, auth())).statusCode).toBe(200);
      const withContext = {
        context: { library: { name: 'batch-lib' } },
        batch: [track('u-raw', 'Batch Context', { messageId: 'raw-4', context: { ip: '10.0.0.10' } })],
      };
      expect((await post(t(), '/v1/batch', withContext, auth())).statusCode).toBe(200);
      const alias = { batch: [{ type: 'alias', userId: 'u-raw', previousId: 'a-raw', messageId: 'raw-5', properties: { via: 'login' } }] };
      expect((await post(t(), '/v1/batch', alias, auth())).statusCode).toBe(200);

      const byId = new Map((await events(t(), 'web')).map((e) => [e.message_id, e]));
      expect(byId.get('raw-1')).toMatchObject({
        name: 'Raw "quoted" [x]',
        properties: { 名: '龙井', n: 1.5, nested: { a: [1, { b: null }] }, esc: 'é' },
        traits: {},
        context: { ip: '10.0.0.9' },
      });
      expect(byId.get('raw-2')).toMatchObject({ type: 'page', properties: {}, traits: {}, context: {} });
      expect(byId.get('raw-3')).toMatchObject({ traits: { plan: 'vip' }, context: { traits: { city: '杭州' } }, properties: {} });
      expect(byId.get('raw-4')?.context).toEqual({ library: { name: 'batch-lib' }, ip: '10.0.0.10' });
      expect(byId.get('raw-5')?.properties).toEqual({ via: 'login', previousId: 'a-raw' });
    });

    it('stores text PostgreSQL cannot hold after cleaning it (NUL, lone surrogates)', async () => {
      const raw = `{"batch":[{"type":"track","userId":"u-nul","event":"Nul\\u0000Name","messageId":"nul-1","properties":{"a\\u0000b":"x\\ud800y"}}]}`;
      const res = await post(t(), '/v1/batch', raw, auth());
      expect(res.statusCode, res.body).toBe(200);
      const e = (await events(t(), 'web')).find((x) => x.message_id === 'nul-1');
      expect(e).toMatchObject({ name: 'NulName', properties: { ab: 'x\ufffdy' } });
    });
    it('stores a body that is not valid UTF-8 as decoded (U+FFFD), not as its bytes', async () => {
      const head = Buffer.from('{"batch":[{"type":"track","userId":"u-utf8","event":"Bad ');
      const tail = Buffer.from(' bytes","messageId":"utf8-1","properties":{"s":"ok"}}]}');
      const res = await post(t(), '/v1/batch', Buffer.concat([head, Buffer.from([0xff, 0xc3]), tail]), auth());
      expect(res.statusCode, res.body).toBe(200);
      const e = (await events(t(), 'web')).find((x) => x.message_id === 'utf8-1');
      expect(e).toMatchObject({ name: 'Bad \ufffd\ufffd bytes', properties: { s: 'ok' } });
    });
  });

  describe('rejected input', () => {
    it('refuses a batch with invalid events as a whole, naming every bad field, and records the rejections', async () => {
      const batch = [
        track('u-ok', 'Fine'),
        { type: 'track', event: 'Nobody', messageId: 'bad-1' },
        'not an object',
        { type: 'purchase', userId: 'u-1' },
        { type: 'track', userId: 'u-1', event: 'When', timestamp: 'yesterday-ish' },
        { type: 'track', userId: { id: 1 }, event: 'Typed', properties: 'x' },
        { type: 'track', userId: 'u-1' },
      ];
      const res = await post(t(), '/v1/batch', { batch }, auth());
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body.error.code).toBe('ingest.invalid_event');
      expect(body.error.fields.map((f: { path: string }) => f.path)).toEqual([
        'body.batch[1].userId',
        'body.batch[2]',
        'body.batch[3].type',
        'body.batch[4].timestamp',
        'body.batch[5].userId',
        'body.batch[5].properties',
        'body.batch[6].event',
      ]);
      expect((await events(t(), 'web')).filter((e) => e.name === 'Fine')).toHaveLength(0);
      const rows = await rejections(t(), 'web');
      expect(rows.map((r) => r.field)).toEqual(expect.arrayContaining(['body.batch[1].userId', 'body.batch[3].type', 'body.batch[4].timestamp']));
      expect(rows.find((r) => r.field === 'body.batch[4].timestamp')).toMatchObject({ type: 'track', name: 'When' });
    });

    it('refuses a body that is not JSON, or has no batch array', async () => {
      const notJson = await post(t(), '/v1/batch', '{"batch": [', auth());
      expect(notJson.statusCode).toBe(400);
      expect(notJson.json().error).toMatchObject({ code: 'ingest.invalid_body', fields: [{ path: 'body' }] });
      const noBatch = await post(t(), '/v1/batch', { events: [] }, auth());
      expect(noBatch.statusCode).toBe(400);
      expect(noBatch.json().error.fields[0].path).toBe('body.batch');
    });

    it('refuses broken gzip with 400 naming the body', async () => {
      const gz = gzipJson({ batch: [track('u-broken', 'Broken')] });
      const res = await post(t(), '/v1/batch', gz.subarray(0, gz.length - 8), { ...auth(), 'content-encoding': 'gzip' });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'ingest.invalid_gzip', fields: [{ path: 'body' }] });
      const garbage = await post(t(), '/v1/batch', Buffer.from('definitely not gzip'), { ...auth(), 'content-encoding': 'gzip' });
      expect(garbage.statusCode).toBe(400);
      expect(garbage.json().error.code).toBe('ingest.invalid_gzip');
      expect((await rejections(t(), 'web')).some((r) => r.field === 'body' && r.reason.includes('gzip'))).toBe(true);
    });

    it('refuses an event over 32 KB with 413 naming it, and a body over 500 KB, also once inflated', async () => {
      const big = track('u-big', 'Big', { properties: { blob: 'x'.repeat(40_000) } });
      const res = await post(t(), '/v1/batch', { batch: [track('u-big', 'Small'), big] }, auth());
      expect(res.statusCode).toBe(413);
      expect(res.json().error).toMatchObject({ code: 'ingest.too_large', fields: [{ path: 'body.batch[1]' }] });

      const huge = { batch: Array.from({ length: 20 }, (_, i) => track(`u-huge-${i}`, 'Huge', { properties: { blob: 'y'.repeat(30_000) } })) };
      const plain = await post(t(), '/v1/batch', huge, auth());
      expect(plain.statusCode).toBe(413);
      expect(plain.json().error.code).toBe('ingest.too_large');
      // 20 MB of zeros inflating from ~20 KB: refused once 500 KB have been inflated.
      const bomb = gzipSync(
        Buffer.concat([Buffer.from('{"batch":[{"type":"track","userId":"b","event":"'), Buffer.alloc(20_000_000, 48), Buffer.from('"}]}')]),
      );
      expect(bomb.length).toBeLessThan(100_000);
      const zipped = await post(t(), '/v1/batch', bomb, { ...auth(), 'content-encoding': 'gzip' });
      expect(zipped.statusCode).toBe(413);
      expect(zipped.json().error).toMatchObject({ code: 'ingest.too_large', fields: [{ path: 'body' }] });
      expect((await events(t(), 'web')).some((e) => e.name === 'Small' || e.name === 'Huge')).toBe(false);
    });

    it('answers 401 for a missing, unknown or revoked key, and for a session cookie', async () => {
      const body = { batch: [track('u-401', 'Nope')] };
      const none = await post(t(), '/v1/batch', body);
      expect(none.statusCode).toBe(401);
      expect(none.json().error.code).toBe('auth.invalid_api_key');
      const unknown = await post(t(), '/v1/batch', body, { authorization: `Basic ${Buffer.from('gxk_unknown:').toString('base64')}` });
      expect(unknown.statusCode).toBe(401);
      const unknownInBody = await post(t(), '/v1/batch', { ...body, writeKey: 'gxk_nope' });
      expect(unknownInBody.statusCode).toBe(401);
      const posthogUnknown = await post(t(), '/batch/', { api_key: 'gxk_nope', batch: [] });
      expect(posthogUnknown.statusCode).toBe(401);

      const cookie = await t().loginAs('admin');
      const withCookie = await post(t(), '/v1/batch', body, { cookie });
      expect(withCookie.statusCode).toBe(401);

      const revoked = await makeWriteKey(t(), 'revoked-src');
      await t().db.db.updateTable('auth_api_key').set({ revoked_at: new Date() }).where('id', '=', revoked.apiKey.id).execute();
      expect((await post(t(), '/v1/batch', body, { authorization: revoked.basic })).statusCode).toBe(401);
      expect((await events(t(), 'web')).some((e) => e.name === 'Nope')).toBe(false);
    });

    it('never crashes on garbage: every odd body gets a 4xx and the API keeps working', async () => {
      const bodies: unknown[] = [
        '',
        'null',
        '[]',
        '42',
        '"batch"',
        '{"batch":null}',
        '{"batch":{}}',
        '{"batch":[null,1,true,[],"x"]}',
        '{"batch":[{"type":null}]}',
        '{"batch":[{"type":"track","userId":"","anonymousId":"","event":"E"}]}',
        '{"batch":[{"type":"track","userId":"u","event":""}]}',
        '{"batch":[{"type":"alias","userId":"u"}]}',
        '{"batch":[{"type":"group","userId":"u"}]}',
        '{"batch":[{"type":"track","userId":"u","event":"E","timestamp":12345}]}',
        '{"batch":[{"type":"track","userId":"u","event":"E","timestamp":"99999-01-01T00:00:00Z"}]}',
        `{"batch":[{"type":"track","userId":"${'u'.repeat(300)}","event":"E"}]}`,
        '{"batch":[{"type":"track","userId":"u","event":"E","context":[]}]}',
        '{"batch":[],"sentAt":"not a date"}',
        '{"__proto__":{"polluted":true},"batch":[{"__proto__":{"x":1},"type":"track"}]}',
        Buffer.from([0xff, 0xfe, 0x00, 0x01]),
      ];
      for (const body of bodies) {
        const res = await post(t(), '/v1/batch', body, auth());
        expect(res.statusCode, `${String(body).slice(0, 60)} → ${res.body}`).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
        expect(res.json().error.code).toMatch(/^ingest\./);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect((await post(t(), '/v1/batch', { batch: [track('u-after', 'Still Works')] }, auth())).statusCode).toBe(200);
    });
  });
});

describe('tracking API: PostHog capture', () => {
  const t = useTestApp();
  let key: Awaited<ReturnType<typeof makeWriteKey>>;
  beforeAll(async () => {
    key = await makeWriteKey(t(), 'app');
  });

  it('accepts posthog batches (gzip, api_key in the body) and maps distinct ids', async () => {
    const batch = [
      {
        event: 'viewed item',
        distinct_id: 'ph-device-1',
        uuid: randomUUID(),
        properties: { item: 'tea', $lib: 'posthog-node' },
        timestamp: '2026-05-01T08:00:00Z',
      },
      { event: '$pageview', distinct_id: 'ph-device-1', uuid: randomUUID(), properties: { $current_url: 'https://shop.example/cart' } },
      {
        event: '$identify',
        distinct_id: 'ph-user-1',
        uuid: randomUUID(),
        properties: { $anon_distinct_id: 'ph-device-1', $set: { email: 'ph@example.com', name: 'Zhang San' } },
      },
    ];
    const res = await post(t(), '/batch/', gzipJson({ api_key: key.secret, batch, sent_at: new Date().toISOString() }), { 'content-encoding': 'gzip' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ status: 1 });
    const stored = await events(t(), 'app');
    expect(stored.map((e) => [e.type, e.name, e.user_id, e.anonymous_id])).toEqual(
      expect.arrayContaining([
        ['track', 'viewed item', null, 'ph-device-1'],
        ['page', 'https://shop.example/cart', null, 'ph-device-1'],
        ['identify', null, 'ph-user-1', null],
      ]),
    );
    const user = await ownerOf(t(), 'user_id', 'ph-user-1');
    expect(await ownerOf(t(), 'anonymous_id', 'ph-device-1')).toBe(user);
    expect(await ownerOf(t(), 'email', 'ph@example.com')).toBe(user);
    // Later captures under the identified distinct id join the same person.
    const later = await post(t(), '/capture/', { api_key: key.secret, event: 'bought', distinct_id: 'ph-user-1', uuid: 'later-1' });
    expect(later.statusCode, later.body).toBe(200);
    const bought = (await events(t(), 'app')).find((e) => e.message_id === 'later-1');
    expect((await timeline(t(), user as string)).length).toBe(4);
    expect(bought?.anonymous_id).toBe('ph-user-1');
  });

  it('reads ?compression=gzip-js bodies and names bad fields', async () => {
    const body = gzipJson({ api_key: key.secret, batch: [{ event: 'x', distinct_id: 'd', uuid: 'cmp-1' }] });
    const res = await t().app.inject({ method: 'POST', url: '/e/?compression=gzip-js', headers: { 'content-type': 'text/plain' }, payload: body });
    expect(res.statusCode, res.body).toBe(200);
    const bad = await post(t(), '/batch/', { api_key: key.secret, batch: [{ event: 'x' }, { distinct_id: 'd' }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.map((f: { path: string }) => f.path)).toEqual(['body.batch[0].distinct_id', 'body.batch[1].event']);
  });
});
