import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchJson, launchBrowser, signedInPage } from './browser.ts';
import { clickNav } from './nav.ts';
import { type DemoServer, startDemoServer } from './server.ts';

const PORT = Number(process.env.GUANXI_E2E_PORT ?? 4350) + 17;
const SLOW = { timeout: 15_000 };

type Tag = { id: string; name: string; kind: string; customers: number; archivedAt: string | null };

describe('tags and recommendations', () => {
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

  it('builds a rule tag, runs it, and manages tags and next products on the 360° page', async () => {
    // The demo start evaluated the preset tags.
    const presets = (await getJson<{ items: Tag[] }>('/api/tags')).items;
    expect(presets.find((t) => t.name === '本月活跃')?.customers).toBeGreaterThan(0);

    await clickNav(page, 'tags');
    await page.getByTestId('tag-row-高价值客户').waitFor(SLOW);
    await page.getByTestId('tag-create').click();
    await page.getByTestId('tag-name').fill('E2E repeat buyers');
    // The new rule starts as "orders at least 2"; make it 3 and preview the count.
    await page.locator('input[data-testid="rule-value-0"], [data-testid="rule-value-0"] input').first().fill('3');
    await page.getByTestId('tag-preview').click();
    await expect.poll(() => page.getByTestId('tag-preview-count').textContent(), SLOW).toMatch(/\d+ customers match now/);
    await page.getByTestId('tag-save').click();
    await page.getByTestId('tag-row-E2E repeat buyers').waitFor(SLOW);
    await page.getByTestId('tag-run-E2E repeat buyers').click();
    await expect
      .poll(async () => (await getJson<{ items: Tag[] }>('/api/tags')).items.find((t) => t.name === 'E2E repeat buyers')?.customers ?? 0, SLOW)
      .toBeGreaterThan(0);

    // Its customers, and from there one customer's 360° page.
    await page.goto(`${server.url}/tags`);
    await page.getByTestId('tag-customers-E2E repeat buyers').click();
    await page.getByTestId('tag-customers').locator('a').first().click();
    await page.getByTestId('tab-tags').click();
    await page.getByTestId('customer-tag-E2E repeat buyers').waitFor(SLOW);

    // A manual tag, added by hand, appears with the history entry.
    await page.getByTestId('customer-tag-add').click();
    await page.getByTestId('customer-tag-select').click();
    await page.locator('.ant-select-item-option', { hasText: 'VIP 关怀' }).click();
    await page.getByTestId('customer-tag-add-submit').click();
    await page.getByTestId('customer-tag-VIP 关怀').waitFor(SLOW);
    await expect.poll(() => page.getByTestId('customer-tag-history').textContent(), SLOW).toContain('VIP 关怀');

    // Next products: personalised for a buyer.
    await expect.poll(() => page.getByTestId('customer-recommendations-mode').getAttribute('data-mode'), SLOW).toBe('personalised');
    expect(await page.getByTestId('customer-recommendations').locator('.ant-list-item').count()).toBe(10);
  });

  it('shows the model against most-popular and the emergency stop switches every list to most-popular', async () => {
    await clickNav(page, 'recommendations');
    await expect.poll(() => page.getByTestId('recommendations-hit-rate').textContent(), SLOW).toMatch(/\d+\.\d%/);
    await page.getByTestId('recommendations-switch').click();
    await page.getByTestId('recommendations-switch-reason').fill('E2E: regulator inquiry');
    await page.getByTestId('recommendations-switch-confirm').click();
    await page.getByTestId('recommendations-stopped').waitFor(SLOW);
    expect(await page.getByTestId('recommendations-history').textContent()).toContain('E2E: regulator inquiry');

    const { items } = await getJson<{ items: { id: string }[] }>('/api/customers?pageSize=1&sort=orderCount&order=desc');
    await page.goto(`${server.url}/customers/${items[0]?.id}?tab=tags`);
    await expect.poll(() => page.getByTestId('customer-recommendations-mode').getAttribute('data-mode'), SLOW).toBe('popular');

    // Back on: personalised again.
    await page.goto(`${server.url}/recommendations`);
    await page.getByTestId('recommendations-switch').click();
    await page.getByTestId('recommendations-switch-reason').fill('E2E: resolved');
    await page.getByTestId('recommendations-switch-confirm').click();
    await page.getByTestId('recommendations-running').waitFor(SLOW);
  });

  it('archives a tag (off the list and out of new assignments) and restores it, each after a confirmation', async () => {
    const archivedAt = async () => (await getJson<{ items: Tag[] }>('/api/tags')).items.find((t) => t.name === 'VIP 关怀')?.archivedAt ?? null;
    await clickNav(page, 'tags');
    await page.getByTestId('tag-archive-VIP 关怀').click();
    await page.getByTestId('tag-confirm-ok').click();
    await expect.poll(archivedAt, SLOW).not.toBeNull();
    await page.getByTestId('tag-row-VIP 关怀').waitFor({ state: 'detached', ...SLOW });

    await page.getByTestId('tags-show-archived').click();
    await page.getByTestId('tag-restore-VIP 关怀').click();
    await page.getByTestId('tag-confirm-ok').click();
    await expect.poll(archivedAt, SLOW).toBeNull();
    await page.locator('[data-testid="tag-row-VIP 关怀"][data-archived="false"]').waitFor(SLOW);
  });
});
