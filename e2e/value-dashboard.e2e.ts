import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useDemoConsole } from './demo-console.ts';
import { clickNav } from './nav.ts';

const CUSTOMERS = 300;

// The machine may be busy; the console's own requests are quick but rendering can lag.
const SLOW = { timeout: 20_000 };

type Dashboard = { latest: { id: string; schemeId: string; customers: number; tierChanges: number } | null; pending: boolean };

/** antd puts a test id on the input or on its wrapper, depending on the component. */
const inputOf = async (l: Locator): Promise<Locator> => ((await l.evaluate((e) => e.tagName)) === 'INPUT' ? l : l.locator('input').first());

describe('value dashboard and tier scheme', () => {
  const demo = useDemoConsole({ portOffset: 31, customers: CUSTOMERS });
  const { getJson } = demo;

  it('shows the demo run: tier distribution, movement, RFM heatmap and lifecycle funnel', async () => {
    expect(demo.server.output()).toMatch(/segmentation: RFM, tiers and lifecycle stages: done/);
    const { latest } = await getJson<Dashboard>('/api/segmentation/dashboard');
    // Every root customer (the demo's records, after identity resolution) got its first tier in the demo run.
    expect(latest?.customers).toBeGreaterThan(CUSTOMERS / 2);
    expect(latest?.tierChanges).toBe(latest?.customers);
    await clickNav(demo.page, 'value-dashboard');
    await expect.poll(() => demo.page.getByTestId('segmentation-customers').textContent(), SLOW).toBe(latest?.customers.toLocaleString('en-US'));
    for (const id of ['tier-distribution', 'rfm-heatmap', 'lifecycle-funnel']) await demo.page.getByTestId(id).locator('canvas').first().waitFor();
    expect(await demo.page.getByTestId('tier-movement').textContent()).toContain(`${latest?.customers.toLocaleString('en-US')} customers changed tier`);
  });

  it('edits and activates a scheme, runs re-tiering now, and shows tier history on the 360° page', async () => {
    const before = await getJson<Dashboard>('/api/segmentation/dashboard');
    await clickNav(demo.page, 'tier-scheme');
    // The radio input itself is hidden; its label is what a person clicks.
    await demo.page.locator('label', { has: demo.page.getByTestId('scheme-loyalty_study') }).click();

    // A lower threshold above the upper one is refused at the field.
    const lower = await inputOf(demo.page.getByTestId('scheme-lower'));
    await lower.fill('9000');
    await demo.page.getByTestId('scheme-save').click();
    await expect.poll(() => demo.page.getByTestId('tier-scheme-form').textContent(), SLOW).toContain('Must be lower than the upper threshold.');

    await lower.fill('1500');
    await demo.page.getByTestId('scheme-save').click();
    await expect.poll(() => demo.page.getByTestId('tier-rules').textContent(), SLOW).toContain('spends ¥1,500 to ¥5,000 a year');
    await demo.page.getByTestId('scheme-activate').click();
    await demo.page.getByTestId('scheme-activate').waitFor({ state: 'detached', ...SLOW });

    await demo.page.getByTestId('segmentation-run-now').click();
    // The worker picks the job up; the run appears with the loyalty-study scheme.
    await expect
      .poll(async () => (await getJson<Dashboard>('/api/segmentation/dashboard')).latest?.schemeId, { timeout: 60_000, interval: 1000 })
      .toBe('loyalty_study');
    const after = await getJson<Dashboard>('/api/segmentation/dashboard');
    expect(after.latest?.id).not.toBe(before.latest?.id);
    // A new scheme: every customer changes tier (and gets a customer.tier_changed event).
    expect(after.latest?.tierChanges).toBe(after.latest?.customers);

    // A big spender who is high value now (a big spender silent for 180 days would be churn risk).
    const { items } = await getJson<{ items: { id: string }[] }>('/api/customers?pageSize=20&sort=totalSpentFen&order=desc');
    let highValue: string | undefined;
    for (const c of items) {
      const segment = await getJson<{ tier: { tier: string } | null }>(`/api/segmentation/customers/${c.id}`);
      if (segment.tier?.tier === 'high_value') {
        highValue = c.id;
        break;
      }
    }
    expect(highValue).toBeDefined();
    await demo.page.goto(`${demo.server.url}/customers/${highValue}?tab=value`);
    await expect.poll(() => demo.page.getByTestId('customer-tier-name').textContent(), SLOW).toBe('High value');
    expect(await demo.page.getByTestId('customer-tier-reason').textContent()).toMatch(/^spend last 12 months ¥[\d,.]+ ≥ ¥5,000$/);
    // The demo run's annual-review tier, then the loyalty-study one: two entries, newest first.
    await expect.poll(() => demo.page.getByTestId('tier-history-item').count(), SLOW).toBe(2);
    expect(await demo.page.getByTestId('tier-history-item').first().textContent()).toContain('→ High value');
    // Lifecycle transitions (each also a customer.lifecycle_changed event) are listed next to the tier history.
    expect(await demo.page.getByTestId('stage-history').locator('tbody tr.ant-table-row').count()).toBeGreaterThan(0);
  });
});
