import { describe, expect, it } from 'vitest';
import { useDemoConsole } from './demo-console.ts';
import { clickNav } from './nav.ts';

type Customer = { id: string; displayName: string; email: string | null; memberNo: string | null; orderCount: number };

// The machine may be busy; the console's own requests are quick but rendering can lag.
const SLOW = { timeout: 15_000 };

describe('360° customer view and identity', () => {
  const demo = useDemoConsole({ portOffset: 4, customers: 300 });
  const { getJson } = demo;

  it('shows identity KPIs on the dashboard', async () => {
    await demo.page.getByTestId('nav-dashboard').click();
    await expect.poll(() => demo.page.getByTestId('kpi-link-rate').textContent(), SLOW).toMatch(/\d+\.\d%/);
    expect(await demo.page.getByTestId('kpi-duplicate-rate').textContent()).toMatch(/\d+\.\d%/);
    // The figures are a stored measurement; an admin asks for a new one, which the worker takes.
    const first = await getJson<{ measuredAt: string }>('/api/identity/metrics');
    await expect.poll(() => demo.page.getByTestId('identity-measured-at').textContent(), SLOW).toMatch(/^Measured \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    await demo.page.getByTestId('identity-measure').click();
    await expect
      .poll(async () => {
        const m = await getJson<{ measuredAt: string; pending: boolean }>('/api/identity/metrics');
        return !m.pending && m.measuredAt > first.measuredAt;
      }, SLOW)
      .toBe(true);
  });

  it('names anonymous visitors "Anonymous visitor · <short id>" instead of leaving their name blank', async () => {
    // Visitors who never signed in are known by their anonymous id only; blank names sort first.
    const { items } = await getJson<{ items: Customer[] }>('/api/customers?pageSize=1&sort=displayName&order=asc');
    const visitor = items[0] as Customer;
    expect(visitor.displayName).toBe('');
    await demo.page.goto(`${demo.server.url}/customers/${visitor.id}`);
    const label = new RegExp(`^(匿名访客|Anonymous visitor) · ${visitor.id.slice(-6)}$`);
    await expect.poll(() => demo.page.getByTestId('customer-detail-name').textContent(), SLOW).toMatch(label);
  });

  it('pages through the timeline as it scrolls and filters it by kind', async () => {
    const { items } = await getJson<{ items: Customer[] }>('/api/customers?pageSize=1&sort=orderCount&order=desc');
    const top = items[0] as Customer;
    expect(top.orderCount).toBeGreaterThan(50);
    await demo.page.goto(`${demo.server.url}/customers/${top.id}`);
    await demo.page.getByTestId('golden-record').waitFor();
    await demo.page.getByTestId('tab-timeline').click();
    await expect.poll(() => demo.page.getByTestId('timeline-item').count(), SLOW).toBe(50);
    await demo.page.getByTestId('timeline-sentinel').scrollIntoViewIfNeeded();
    await expect.poll(() => demo.page.getByTestId('timeline-item').count(), SLOW).toBeGreaterThan(50);

    // Demo customers have orders, some refunds and browsing events; without refunds and events only orders remain.
    await demo.page.getByTestId('timeline-filter-refund').click();
    await demo.page.getByTestId('timeline-filter-event').click();
    await expect
      .poll(() => demo.page.getByTestId('timeline-item').evaluateAll((rows) => [...new Set(rows.map((r) => r.getAttribute('data-kind')))]), SLOW)
      .toEqual(['order']);
    await demo.page.getByTestId('timeline-filter-refund').click();
    await demo.page.getByTestId('timeline-filter-event').click();
  });

  it('merges two customers, redirects the merged record and unmerges it', async () => {
    const { items } = await getJson<{ items: Customer[] }>('/api/customers?pageSize=50');
    const [winner, loser] = items.filter((c) => !c.memberNo && c.email) as [Customer, Customer];
    await demo.page.goto(`${demo.server.url}/customers/${winner.id}`);
    await demo.page.getByTestId('merge-with').click();
    await demo.page.getByTestId('merge-modal').locator('.ant-select').click();
    // An exact email finds just this customer (names can repeat).
    await demo.page.keyboard.type(loser.email ?? loser.displayName);
    await demo.page.locator('.ant-select-item-option').first().click();
    await demo.page.getByTestId('merge-submit').click();
    await demo.page.getByTestId('merge-modal').waitFor({ state: 'detached' });

    await demo.page.goto(`${demo.server.url}/customers/${loser.id}`);
    await demo.page.getByTestId('merged-notice').waitFor();
    expect(new URL(demo.page.url()).pathname).toBe(`/customers/${winner.id}`);

    await demo.page.getByTestId('tab-merges').click();
    // The demo's re-resolution merged channel records into the winner already: undo the merge made here.
    type Merges = { merges: { id: string; loserId: string; undoneAt: string | null }[] };
    const merge = (await getJson<Merges>(`/api/customers/${winner.id}/profile`)).merges.find((m) => m.loserId === loser.id);
    const unmerge = demo.page.getByTestId(`unmerge-${merge?.id}`);
    await unmerge.click();
    const confirm = demo.page.getByTestId('unmerge-confirm');
    await confirm.waitFor(SLOW);
    await confirm.click();
    // The dialog closes once the undo request has answered.
    await confirm.waitFor({ state: 'detached', ...SLOW });
    await expect
      .poll(async () => (await getJson<Merges>(`/api/customers/${winner.id}/profile`)).merges.find((m) => m.id === merge?.id)?.undoneAt, SLOW)
      .toBeTruthy();
    await demo.page.getByTestId(`merge-undone-${merge?.id}`).waitFor(SLOW);
    expect(await unmerge.count()).toBe(0);
  });

  it('shows the history of the rates and edits and saves the identity rules', async () => {
    await clickNav(demo.page, 'identity');
    await demo.page.getByTestId('identity-rules-form').waitFor();
    // The demo measured before and after merging its cross-channel duplicates: the chart has both.
    const { items } = await getJson<{ items: { duplicateRate: number }[] }>('/api/identity/metrics/history');
    expect(items[0]?.duplicateRate).toBeGreaterThan(0.4);
    await demo.page.getByTestId('identity-history').locator('canvas').waitFor();
    await demo.page.getByTestId('rules-quarantine').fill('5');
    await demo.page.getByTestId('rules-save').click();
    await expect
      .poll(async () => (await getJson<{ rules: { quarantineAfterCustomers: number } }>('/api/identity/rules')).rules.quarantineAfterCustomers)
      .toBe(5);
  });
});
