import { describe, expect, it } from 'vitest';
import { startDemoServer } from './server.ts';

const PORT = Number(process.env.GUANXI_E2E_PORT ?? 4350) + 1;

const customerTotal = async (url: string, email: string, password: string): Promise<number> => {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
  const res = await fetch(`${url}/api/customers?pageSize=1`, { headers: { cookie } });
  return ((await res.json()) as { total: number }).total;
};

describe('npm run demo, twice', () => {
  // Three demo starts, each running every demo step (identity resolution, tiers, scores, tags, loyalty).
  it('reuses the data on the second start, regenerates on request, and stops cleanly each time', { timeout: 240_000 }, async () => {
    const first = await startDemoServer({ port: PORT, pgPort: PORT + 10_000, customers: 150 });
    expect(first.output()).toMatch(/demo company: 150 customers/);
    // The channels' duplicate records are merged on the first start; openid-only and anonymous records stay apart.
    expect(first.output()).toContain('identity: cross-channel duplicates merged');
    const unified = await customerTotal(first.url, first.email, first.password);
    expect(unified).toBeGreaterThanOrEqual(150);
    expect(unified).toBeLessThan(150 * 1.4);
    expect(await first.stop()).toBe(0);

    const second = await startDemoServer({ port: PORT, pgPort: PORT + 10_000, customers: 150, fresh: false });
    expect(second.output()).toContain('demo data found; reusing it');
    expect(await customerTotal(second.url, second.email, second.password)).toBe(unified);
    expect(await second.stop()).toBe(0);

    const third = await startDemoServer({ port: PORT, pgPort: PORT + 10_000, customers: 120, fresh: false, args: ['--regenerate'] });
    expect(third.output()).toMatch(/demo company: 120 customers/);
    const regenerated = await customerTotal(third.url, third.email, third.password);
    expect(regenerated).toBeGreaterThanOrEqual(120);
    expect(regenerated).toBeLessThan(120 * 1.4);
    expect(await third.stop()).toBe(0);
  });
});
