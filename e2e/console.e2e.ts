import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, switchToEnglish } from './browser.ts';
import { clickNav } from './nav.ts';
import { type DemoServer, startDemoServer } from './server.ts';

const PORT = Number(process.env.GUANXI_E2E_PORT ?? 4350);
const SCREENSHOT = path.resolve(import.meta.dirname, '..', 'docs', 'screenshot-customers.png');

describe('console journeys', () => {
  let server: DemoServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startDemoServer({ port: PORT, pgPort: PORT + 10_000, customers: 400 });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    // The demo must shut down cleanly on SIGTERM (embedded PostgreSQL stopped, exit code 0).
    const code = await server?.stop();
    expect(code).toBe(0);
  });

  const newPage = async (locale = 'zh-CN'): Promise<Page> => {
    const context = await browser.newContext({ locale, viewport: { width: 1440, height: 900 } });
    return context.newPage();
  };

  const signIn = async (page: Page, email: string, password: string) => {
    await page.goto(server.url);
    await page.getByTestId('login-email').fill(email);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('logout').waitFor();
  };

  it('shows a clear error for a wrong password', async () => {
    const page = await newPage('en-US');
    await page.goto(server.url);
    await page.getByTestId('login-email').fill(server.email);
    await page.getByTestId('login-password').fill('definitely-wrong');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toMatch(/wrong|incorrect/i);
    await page.context().close();
  });

  it('signs in, switches language (kept after reload), searches and opens a customer', async () => {
    const page = await newPage('zh-CN');
    await signIn(page, server.email, server.password);

    // Chinese by default for a zh-CN browser.
    await expect.poll(() => page.getByTestId('nav-customers').textContent()).toContain('客户');
    await page.getByTestId('lang-en').click();
    await expect.poll(() => page.getByTestId('nav-customers').textContent()).toContain('Customers');
    await page.reload();
    await expect.poll(() => page.getByTestId('nav-customers').textContent()).toContain('Customers');

    await page.getByTestId('nav-customers').click();
    const firstLink = page.getByTestId('customer-link').first();
    await firstLink.waitFor();
    const rowsBefore = await page.getByTestId('customer-link').count();
    expect(rowsBefore).toBeGreaterThan(5);

    // Search by the surname of the first customer shown.
    const firstName = (await firstLink.textContent())?.trim() ?? '';
    const term = /^[\u3400-\u9fff]/.test(firstName) ? firstName.slice(0, 1) : (firstName.split(' ')[0] ?? firstName);
    await page.getByTestId('customer-search').fill(term);
    await page.getByTestId('customer-search').press('Enter');
    await expect.poll(() => page.url()).toContain('q=');
    // Every row shown must match once the table has reloaded.
    await expect
      .poll(async () => {
        const names = await page.getByTestId('customer-link').allTextContents();
        return names.length > 0 && names.every((n) => n.toLowerCase().includes(term.toLowerCase()));
      })
      .toBe(true);

    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.getByTestId('customer-search').fill('');
    await page.getByTestId('customer-search').press('Enter');
    await page.getByTestId('customer-link').first().waitFor();
    await page.locator('.ant-spin-spinning').waitFor({ state: 'detached' });
    await page.screenshot({ path: SCREENSHOT });

    await page.getByTestId('customer-link').first().click();
    await expect.poll(() => page.getByTestId('customer-detail-name').textContent()).toBeTruthy();
    await expect.poll(() => page.locator('body').textContent()).toMatch(/Orders|Identifiers/);
    expect(page.url()).toMatch(/\/customers\/cus_[0-9a-f]{28}$/);

    // Back to Chinese.
    await page.getByTestId('lang-zh-CN').click();
    await expect.poll(() => page.getByTestId('nav-customers').textContent()).toContain('客户');
    await page.context().close();
  });

  it('shows an analyst only what the role allows, with personal data masked', async () => {
    const page = await newPage('en-US');
    const domain = server.email.split('@')[1];
    await signIn(page, `analyst@${domain}`, server.password);
    await page.getByTestId('nav-customers').waitFor();
    expect(await page.getByTestId('nav-users').count()).toBe(0);
    expect(await page.getByTestId('nav-audit').count()).toBe(0);
    expect(await page.getByTestId('nav-api-keys').count()).toBe(0);
    await page.getByTestId('nav-customers').click();
    await page.getByTestId('customer-masked').first().waitFor();
    const text = (await page.locator('main, .ant-layout-content').first().textContent()) ?? '';
    expect(text).toMatch(/\*\*\*\*/);
    await page.context().close();
  });

  it('creates a write key for a source the admin picks, and lists the key with its source', async () => {
    const page = await newPage('en-US');
    await signIn(page, server.email, server.password);
    await switchToEnglish(page);
    await clickNav(page, 'api-keys');
    await page.getByTestId('api-key-create').click();
    await page.getByTestId('api-key-name').fill('E2E store tills');
    // The demo's channels are sources; pick the store POS one.
    await page.locator('.ant-modal').getByRole('combobox').fill('demo-p');
    await page.getByTestId('api-key-source-option-demo-pos').click();
    await page.locator('.ant-modal-footer .ant-btn-primary').first().click();
    await expect.poll(() => page.getByTestId('api-key-secret').inputValue()).toMatch(/^gxk_/);
    await page.getByTestId('api-key-secret-done').click();
    await expect.poll(() => page.getByTestId('api-key-source-demo-pos').first().textContent()).toContain('Demo: store POS');
    const keys = (await page.evaluate(async () => (await fetch('/api/api-keys')).json())) as { items: { name: string; sourceId: string | null }[] };
    expect(keys.items.find((k) => k.name === 'E2E store tills')?.sourceId).toBe('demo-pos');
    await page.context().close();
  });

  it('lets an admin read and verify the audit log', async () => {
    const page = await newPage('en-US');
    await signIn(page, server.email, server.password);
    // The admin's saved language (中文, from the journey above) wins over the browser's; switch explicitly.
    await switchToEnglish(page);
    // Opened by address: the journey is about the audit log, not the menu (menu reachability is nav-pages.test.ts's).
    await page.goto(`${server.url}/audit`);
    await expect.poll(() => page.locator('body').textContent()).toContain('Sign-in');
    await page.getByTestId('audit-verify').click();
    await expect.poll(() => page.getByTestId('audit-verify-result').textContent()).toMatch(/intact|verified|OK/i);
    await page.context().close();
  });
});
