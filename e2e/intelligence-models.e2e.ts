import { describe, expect, it } from 'vitest';
import { useDemoConsole } from './demo-console.ts';
import { clickNav } from './nav.ts';

// The machine may be busy; a model run goes through the job worker (polled every 2 s).
const SLOW = { timeout: 60_000, interval: 1000 };

describe('customer models: CLV, value × potential, churn risk', () => {
  const demo = useDemoConsole({ portOffset: 41, customers: 400, locale: 'zh-CN' });

  it('shows fit diagnostics, re-runs CLV on demand, saves scoring settings, finds high-potential customers and explains churn risk on the 360° page', async () => {
    expect(demo.server.output()).toContain('scoring: CLV, value × potential and churn risk: done');

    // Models demo.page (Chinese by default): parameters, holdout summary and AUC from the demo's runs.
    await clickNav(demo.page, 'models');
    await expect.poll(() => demo.page.getByTestId('nav-models').textContent()).toContain('模型');
    await demo.page.getByTestId('clv-parameters').waitFor();
    expect(await demo.page.getByTestId('clv-parameters').textContent()).toMatch(/BG\/NBD r\s*0\.\d{3}/);
    expect(await demo.page.getByTestId('holdout-summary').textContent()).toMatch(/预测/);
    expect(Number(await demo.page.getByTestId('churn-auc').locator('.ant-statistic-content-value').textContent())).toBeGreaterThan(0.5);

    // Run now: queued, then the worker finishes it and the demo.page shows the new run.
    const lastClvRun = () =>
      demo.page.evaluate(async () => ((await (await fetch('/api/intelligence/models')).json()) as { clv: { lastSuccess: { id: string } } }).clv.lastSuccess.id);
    const before = await lastClvRun();
    await demo.page.getByTestId('run-now-clv').click();
    await expect.poll(lastClvRun, SLOW).not.toBe(before);
    await expect.poll(() => demo.page.getByTestId('run-status-clv').textContent(), SLOW).toContain('成功');

    // Scoring settings: a bad time zone is refused under its field; a valid change is saved for the next run.
    const settingsApi = () =>
      demo.page.evaluate(
        async () => ((await (await fetch('/api/intelligence/scoring/settings')).json()) as { settings: { clv: { annualDiscountRate: number } } }).settings,
      );
    await demo.page.getByTestId('scoring-timeZone').fill('Mars/Olympus');
    await demo.page.getByTestId('scoring-settings-save').click();
    await expect.poll(() => demo.page.getByTestId('scoring-settings').locator('.ant-form-item-explain-error').first().textContent(), SLOW).toMatch(/IANA/);
    expect((await settingsApi()).clv.annualDiscountRate).toBe(0.1);
    await demo.page.getByTestId('scoring-timeZone').fill('Asia/Shanghai');
    await demo.page.getByTestId('scoring-clv-annualDiscountRate').fill('12');
    await demo.page.getByTestId('scoring-settings-save').click();
    await expect.poll(async () => (await settingsApi()).clv.annualDiscountRate, SLOW).toBe(0.12);

    // Value × potential: the "high potential – mid spend" quadrant lists customers.
    await demo.page.getByTestId('lang-en').click();
    await clickNav(demo.page, 'value-potential');
    await demo.page.getByTestId('quadrant-high_potential_mid_spend').click();
    await expect.poll(() => demo.page.getByTestId('value-potential-table').locator('tbody tr.ant-table-row').count(), SLOW).toBeGreaterThan(0);

    // Churn risk: sorted by risk × value, each row explained in words; open the first customer.
    await clickNav(demo.page, 'churn-risk');
    const firstLink = demo.page.getByTestId('churn-customer-link').first();
    await firstLink.waitFor(SLOW);
    expect(await demo.page.getByTestId('churn-factors').first().textContent()).toMatch(/risk/);
    await firstLink.click();
    await demo.page.getByTestId('customer-scores').waitFor(SLOW);
    expect(await demo.page.getByTestId('score-clv').textContent()).toMatch(/¥/);
    expect(await demo.page.getByTestId('score-churn-risk').textContent()).toMatch(/%/);
    expect(await demo.page.getByTestId('customer-scores').getByTestId('churn-factors').textContent()).toMatch(/(raises|lowers) the risk/);
  });
});
