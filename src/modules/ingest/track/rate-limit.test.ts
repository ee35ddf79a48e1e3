import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/test-app.ts';
import { events, makeWriteKey, post } from './track-test-kit.ts';

describe('tracking API rate limit', () => {
  const t = useTestApp({ env: { GUANXI_API_RATE_PER_MINUTE: '3' } });

  it('answers 429 with Retry-After once a write key exceeds its requests per minute, whichever endpoint or key location', async () => {
    const a = await makeWriteKey(t(), 'limited-a');
    const b = await makeWriteKey(t(), 'limited-b');
    const body = (n: number) => ({ batch: [{ type: 'track', userId: 'u-rl', event: 'Limited', messageId: `rl-${n}` }] });
    const statuses = [
      (await post(t(), '/v1/batch', body(1), { authorization: a.basic })).statusCode,
      (await post(t(), '/v1/track', { ...body(2).batch[0], writeKey: a.secret })).statusCode,
      (await post(t(), '/batch/', { api_key: a.secret, batch: [{ event: 'x', distinct_id: 'd', uuid: 'rl-3' }] })).statusCode,
    ];
    expect(statuses).toEqual([200, 200, 200]);
    const limited = await post(t(), '/v1/batch', body(4), { authorization: a.basic });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.json().error.code).toBe('ingest.rate_limited');
    const inBody = await post(t(), '/v1/batch', { ...body(5), writeKey: a.secret });
    expect(inBody.statusCode).toBe(429);
    // With the key in the header the budget is checked before the body is even read.
    const unread = await post(t(), '/v1/batch', '{"not json', { authorization: a.basic });
    expect(unread.statusCode).toBe(429);
    expect((await events(t(), 'limited-a')).map((e) => e.message_id).sort()).toEqual(['rl-1', 'rl-2', 'rl-3']);
    // Another key has its own budget.
    expect((await post(t(), '/v1/batch', body(6), { authorization: b.basic })).statusCode).toBe(200);
  });
});
