import type { AddressInfo } from 'node:net';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
import { PostHog } from 'posthog-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/test-app.ts';
import { countMessages, events, makeWriteKey, ownerOf, timeline } from './track-test-kit.ts';

type Seen = { url: string; encoding: string | undefined; authorization: boolean };

/** The unmodified SDKs, pointed at the app listening on a real port. */
describe('tracking API with the real analytics SDKs', () => {
  const t = useTestApp();
  let baseUrl: string;
  const seen: Seen[] = [];

  beforeAll(async () => {
    await t().app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(t().app.server.address() as AddressInfo).port}`;
    // What reached the socket, before Fastify touched it.
    t().app.server.on('request', (req) => {
      seen.push({ url: req.url ?? '', encoding: req.headers['content-encoding'], authorization: req.headers.authorization !== undefined });
    });
  });

  it('@segment/analytics-node: every call is stored, identities linked', async () => {
    const { secret } = await makeWriteKey(t(), 'segment-node');
    const analytics = new SegmentAnalytics({ writeKey: secret, host: baseUrl, flushAt: 4, maxRetries: 0, flushInterval: 200 });
    const failures: unknown[] = [];
    analytics.on('error', (e) => failures.push(e));
    analytics.track({ anonymousId: 'seg-anon', event: 'Product Viewed', properties: { sku: 'TEA-01' } });
    analytics.page({ anonymousId: 'seg-anon', name: 'Product', properties: { url: 'https://shop.example/p/1' } });
    analytics.identify({ anonymousId: 'seg-anon', userId: 'seg-user', traits: { email: 'Seg@Example.com', firstName: 'Ann', lastName: 'Lee' } });
    analytics.track({ userId: 'seg-user', event: 'Order Completed', properties: { total: 99.5 }, timestamp: new Date('2026-02-01T00:00:00Z') });
    analytics.screen({ userId: 'seg-user', name: 'Home' });
    analytics.group({ userId: 'seg-user', groupId: 'acme', traits: { name: 'Acme' } });
    analytics.alias({ userId: 'seg-user', previousId: 'seg-old-id' });
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(failures).toEqual([]);

    const stored = await events(t(), 'segment-node');
    expect(stored.map((e) => e.type).sort()).toEqual(['alias', 'group', 'identify', 'page', 'screen', 'track', 'track']);
    expect(await countMessages(t(), 'segment-node')).toBe(7);
    expect(stored.find((e) => e.name === 'Order Completed')?.occurred_at.toISOString()).toBe('2026-02-01T00:00:00.000Z');
    expect(stored.every((e) => (e.context as { library?: { name?: string } }).library?.name === '@segment/analytics-node')).toBe(true);
    const user = await ownerOf(t(), 'user_id', 'seg-user');
    expect(await ownerOf(t(), 'anonymous_id', 'seg-anon')).toBe(user);
    expect(await ownerOf(t(), 'anonymous_id', 'seg-old-id')).toBe(user);
    expect(await ownerOf(t(), 'email', 'seg@example.com')).toBe(user);
    expect((await timeline(t(), user as string)).length).toBe(7);
    const golden = await t()
      .db.db.selectFrom('customer')
      .select(['display_name', 'email'])
      .where('id', '=', user as string)
      .executeTakeFirstOrThrow();
    expect(golden).toEqual({ display_name: 'Ann Lee', email: 'seg@example.com' });
    expect(seen.some((s) => s.url === '/v1/batch' && s.authorization)).toBe(true);
  });

  it('@rudderstack/rudder-sdk-node: gzip bodies (its default) are stored', async () => {
    const { secret } = await makeWriteKey(t(), 'rudder-node');
    const before = seen.length;
    const client = new RudderAnalytics(secret, { dataPlaneUrl: baseUrl, flushAt: 20, flushInterval: 200, retryCount: 0, logLevel: 'error' });
    client.identify({ userId: 'rs-user', anonymousId: 'rs-anon', traits: { phone: '139 0000 1111', memberNo: 'm-9001', city: '成都' } });
    client.track({ userId: 'rs-user', event: 'Coupon Redeemed', properties: { coupon: 'SPRING' } });
    client.page({ anonymousId: 'rs-anon', name: 'Landing' });
    client.screen({ userId: 'rs-user', name: 'Wallet' });
    client.group({ userId: 'rs-user', groupId: 'store-12' });
    client.alias({ userId: 'rs-user', previousId: 'rs-legacy' });
    // The first call is sent at once, the rest in one flush (up to flushAt).
    await client.flush();

    const requests = seen.slice(before).filter((s) => s.url === '/v1/batch');
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((r) => r.encoding === 'gzip')).toBe(true);
    const stored = await events(t(), 'rudder-node');
    expect(stored.map((e) => e.type).sort()).toEqual(['alias', 'group', 'identify', 'page', 'screen', 'track']);
    const user = await ownerOf(t(), 'user_id', 'rs-user');
    expect(await ownerOf(t(), 'phone', '+8613900001111')).toBe(user);
    expect(await ownerOf(t(), 'member_no', 'M-9001')).toBe(user);
    expect(await ownerOf(t(), 'anonymous_id', 'rs-legacy')).toBe(user);
    const golden = await t()
      .db.db.selectFrom('customer')
      .select('attributes')
      .where('id', '=', user as string)
      .executeTakeFirstOrThrow();
    expect(golden.attributes).toMatchObject({ city: '成都' });
  });

  it('posthog-node: gzip batches to /batch/ with api_key in the body', async () => {
    const { secret } = await makeWriteKey(t(), 'posthog-node');
    const before = seen.length;
    const client = new PostHog(secret, { host: baseUrl, flushAt: 3, flushInterval: 200, fetchRetryCount: 0 });
    const errors: unknown[] = [];
    client.on('error', (e) => errors.push(e));
    client.capture({ distinctId: 'ph-anon', event: 'app opened', properties: { version: '2.1' } });
    client.capture({ distinctId: 'ph-anon', event: '$pageview', properties: { $current_url: 'https://shop.example/' } });
    client.identify({ distinctId: 'ph-user', properties: { $set: { email: 'ph.user@example.com', name: '赵六' }, $anon_distinct_id: 'ph-anon' } });
    client.capture({ distinctId: 'ph-user', event: 'order paid', properties: { amount_fen: 12_800 } });
    client.alias({ distinctId: 'ph-user', alias: 'ph-wechat-1' });
    await client.shutdown();
    expect(errors).toEqual([]);

    const requests = seen.slice(before).filter((s) => s.url.startsWith('/batch'));
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((r) => r.encoding === 'gzip' && !r.authorization)).toBe(true);
    const stored = await events(t(), 'posthog-node');
    expect(stored.map((e) => e.type).sort()).toEqual(['alias', 'identify', 'page', 'track', 'track']);
    const user = await ownerOf(t(), 'user_id', 'ph-user');
    expect(await ownerOf(t(), 'anonymous_id', 'ph-anon')).toBe(user);
    expect(await ownerOf(t(), 'anonymous_id', 'ph-wechat-1')).toBe(user);
    expect((await timeline(t(), user as string)).map((e) => e.name ?? e.type)).toEqual(
      expect.arrayContaining(['app opened', 'https://shop.example/', 'identify', 'order paid', 'alias']),
    );
  });
});
