import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchJson, launchBrowser, signedInPage } from './browser.ts';
import { clickNav } from './nav.ts';
import { type DemoServer, startDemoServer } from './server.ts';

const PORT = Number(process.env.GUANXI_E2E_PORT ?? 4350) + 4;

type Customer = { id: string; displayName: string; email: string | null; memberNo: string | null; orderCount: number };

// The machine may be busy; the console's own requests are quick but rendering can lag.
const SLOW = { timeout: 15_000 };

describe('360° customer view and identity', () => {
  let server: DemoServer;
  let browser: Browser;
  let page: Page;

  const getJson = <T>(path: string): Promise<T> => fetchJson<T>(page, path);

  beforeAll(async () => {
    server = await startDemoServer({ port: PORT, pgPort: PORT + 10_000, customers: 300 });
    browser = await launchBrowser();
    page = await signedInPage(browser, server);
  });

  afterAll(async () => {
    await browser?.close();
    expect(await server?.stop()).toBe(0);
  });

  it('shows identity KPIs on the dashboard', async () => {
    await page.getByTestId('nav-dashboard').click();
    await expect.poll(() => page.getByTestId('kpi-link-rate').textContent(), SLOW).toMatch(/\d+\.\d%/);
    expect(await page.getByTestId('kpi-duplicate-rate').textContent()).toMatch(/\d+\.\d%/);
  });

  it('names anonymous visitors "Anonymous visitor · <short id>" instead of leaving their name blank', async () => {
    // Visitors who never signed in are known by their anonymous id only; blank names sort first.
    const { items } = await getJson<{ items: Customer[] }>('/api/customers?pageSize=1&sort=displayName&order=asc');
    const visitor = items[0] as Customer;
    expect(visitor.displayName).toBe('');
    await page.goto(`${server.url}/customers/${visitor.id}`);
    const label = new RegExp(`^(匿名访客|Anonymous visitor) · ${visitor.id.slice(-6)}$`);
    await expect.poll(() => page.getByTestId('customer-detail-name').textContent(), SLOW).toMatch(label);
  });

  it('pages through the timeline as it scrolls and filters it by kind', async () => {
    const { items } = await getJson<{ items: Customer[] }>('/api/customers?pageSize=1&sort=orderCount&order=desc');
    const top = items[0] as Customer;
    expect(top.orderCount).toBeGreaterThan(50);
    await page.goto(`${server.url}/customers/${top.id}`);
    await page.getByTestId('golden-record').waitFor();
    await page.getByTestId('tab-timeline').click();
    await expect.poll(() => page.getByTestId('timeline-item').count(), SLOW).toBe(50);
    await page.getByTestId('timeline-sentinel').scrollIntoViewIfNeeded();
    await expect.poll(() => page.getByTestId('timeline-item').count(), SLOW).toBeGreaterThan(50);

    // Demo customers have orders, some refunds and browsing events; without refunds and events only orders remain.
    await page.getByTestId('timeline-filter-refund').click();
    await page.getByTestId('timeline-filter-event').click();
    await expect
      .poll(() => page.getByTestId('timeline-item').evaluateAll((rows) => [...new Set(rows.map((r) => r.getAttribute('data-kind')))]), SLOW)
      .toEqual(['order']);
    await page.getByTestId('timeline-filter-refund').click();
    await page.getByTestId('timeline-filter-event').click();
  });

  it('merges two customers, redirects the merged record and unmerges it', async () => {
    const { items } = await getJson<{ items: Customer[] }>('/api/customers?pageSize=50');
    const [winner, loser] = items.filter((c) => !c.memberNo && c.email) as [Customer, Customer];
    await page.goto(`${server.url}/customers/${winner.id}`);
    await page.getByTestId('merge-with').click();
    await page.getByTestId('merge-modal').locator('.ant-select').click();
    // An exact email finds just this customer (names can repeat).
    await page.keyboard.type(loser.email ?? loser.displayName);
    await page.locator('.ant-select-item-option').first().click();
    await page.getByTestId('merge-submit').click();
    await page.getByTestId('merge-modal').waitFor({ state: 'detached' });

    await page.goto(`${server.url}/customers/${loser.id}`);
    await page.getByTestId('merged-notice').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/customers/${winner.id}`);

    await page.getByTestId('tab-merges').click();
    // The demo's re-resolution merged channel records into the winner already: undo the merge made here.
    type Merges = { merges: { id: string; loserId: string; undoneAt: string | null }[] };
    const merge = (await getJson<Merges>(`/api/customers/${winner.id}/profile`)).merges.find((m) => m.loserId === loser.id);
    const unmerge = page.getByTestId(`unmerge-${merge?.id}`);
    await unmerge.click();
    const confirm = page.getByTestId('unmerge-confirm');
    await confirm.waitFor(SLOW);
    await confirm.click();
    // The dialog closes once the undo request has answered.
    await confirm.waitFor({ state: 'detached', ...SLOW });
    await expect
      .poll(async () => (await getJson<Merges>(`/api/customers/${winner.id}/profile`)).merges.find((m) => m.id === merge?.id)?.undoneAt, SLOW)
      .toBeTruthy();
    await page.getByTestId(`merge-undone-${merge?.id}`).waitFor(SLOW);
    expect(await unmerge.count()).toBe(0);
  });

  it('edits and saves the identity rules', async () => {
    await clickNav(page, 'identity');
    await page.getByTestId('identity-rules-form').waitFor();
    await page.getByTestId('rules-quarantine').fill('5');
    await page.getByTestId('rules-save').click();
    await expect
      .poll(async () => (await getJson<{ rules: { quarantineAfterCustomers: number } }>('/api/identity/rules')).rules.quarantineAfterCustomers)
      .toBe(5);
  });
});
