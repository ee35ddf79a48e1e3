import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.ts';
import { clickNav } from './nav.ts';
import { type DemoServer, startDemoServer } from './server.ts';

const PORT = Number(process.env.GUANXI_E2E_PORT ?? 4350) + 41;

// The machine may be busy; a model run goes through the job worker (polled every 2 s).
const SLOW = { timeout: 60_000, interval: 1000 };

describe('customer models: CLV, value × potential, churn risk', () => {
  let server: DemoServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // The demo scores its company at start (a demo step).
    server = await startDemoServer({ port: PORT, pgPort: PORT + 10_000, customers: 400 });
    browser = await launchBrowser();
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    await page.goto(server.url);
    await page.getByTestId('login-email').fill(server.email);
    await page.getByTestId('login-password').fill(server.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('logout').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    expect(await server?.stop()).toBe(0);
  });

  it('shows fit diagnostics, re-runs CLV on demand, saves scoring settings, finds high-potential customers and explains churn risk on the 360° page', async () => {
    expect(server.output()).toContain('scoring: CLV, value × potential and churn risk: done');

    // Models page (Chinese by default): parameters, holdout summary and AUC from the demo's runs.
    await clickNav(page, 'models');
    await expect.poll(() => page.getByTestId('nav-models').textContent()).toContain('模型');
    await page.getByTestId('clv-parameters').waitFor();
    expect(await page.getByTestId('clv-parameters').textContent()).toMatch(/BG\/NBD r\s*0\.\d{3}/);
    expect(await page.getByTestId('holdout-summary').textContent()).toMatch(/预测/);
    expect(Number(await page.getByTestId('churn-auc').locator('.ant-statistic-content-value').textContent())).toBeGreaterThan(0.5);

    // Run now: queued, then the worker finishes it and the page shows the new run.
    const lastClvRun = () =>
      page.evaluate(async () => ((await (await fetch('/api/intelligence/models')).json()) as { clv: { lastSuccess: { id: string } } }).clv.lastSuccess.id);
    const before = await lastClvRun();
    await page.getByTestId('run-now-clv').click();
    await expect.poll(lastClvRun, SLOW).not.toBe(before);
    await expect.poll(() => page.getByTestId('run-status-clv').textContent(), SLOW).toContain('成功');

    // Scoring settings: a bad time zone is refused under its field; a valid change is saved for the next run.
    const settingsApi = () =>
      page.evaluate(
        async () => ((await (await fetch('/api/intelligence/scoring/settings')).json()) as { settings: { clv: { annualDiscountRate: number } } }).settings,
      );
    await page.getByTestId('scoring-timeZone').fill('Mars/Olympus');
    await page.getByTestId('scoring-settings-save').click();
    await expect.poll(() => page.getByTestId('scoring-settings').locator('.ant-form-item-explain-error').first().textContent(), SLOW).toMatch(/IANA/);
    expect((await settingsApi()).clv.annualDiscountRate).toBe(0.1);
    await page.getByTestId('scoring-timeZone').fill('Asia/Shanghai');
    await page.getByTestId('scoring-clv-annualDiscountRate').fill('12');
    await page.getByTestId('scoring-settings-save').click();
    await expect.poll(async () => (await settingsApi()).clv.annualDiscountRate, SLOW).toBe(0.12);

    // Value × potential: the "high potential – mid spend" quadrant lists customers.
    await page.getByTestId('lang-en').click();
    await clickNav(page, 'value-potential');
    await page.getByTestId('quadrant-high_potential_mid_spend').click();
    await expect.poll(() => page.getByTestId('value-potential-table').locator('tbody tr.ant-table-row').count(), SLOW).toBeGreaterThan(0);

    // Churn risk: sorted by risk × value, each row explained in words; open the first customer.
    await clickNav(page, 'churn-risk');
    const firstLink = page.getByTestId('churn-customer-link').first();
    await firstLink.waitFor(SLOW);
    expect(await page.getByTestId('churn-factors').first().textContent()).toMatch(/risk/);
    await firstLink.click();
    await page.getByTestId('customer-scores').waitFor(SLOW);
    expect(await page.getByTestId('score-clv').textContent()).toMatch(/¥/);
    expect(await page.getByTestId('score-churn-risk').textContent()).toMatch(/%/);
    expect(await page.getByTestId('customer-scores').getByTestId('churn-factors').textContent()).toMatch(/(raises|lowers) the risk/);
  });
});
