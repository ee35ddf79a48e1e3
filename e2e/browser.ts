import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium, headless, with background networking off (the machine has no internet). */
export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });

/** Clicks English and waits until the console has re-rendered in it (a click before then can be lost). */
export const switchToEnglish = async (page: Page): Promise<void> => {
  await page.getByTestId('lang-en').click();
  await page.locator('[data-testid="lang-en"][aria-pressed="true"]').waitFor();
};

/** A page of a new browser context, signed in to the demo console as its admin, switched to English unless `locale` is zh-CN. */
export const signedInPage = async (
  browser: Browser,
  server: { url: string; email: string; password: string },
  locale: 'en-US' | 'zh-CN' = 'en-US',
): Promise<Page> => {
  const context = await browser.newContext({ locale, viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.getByTestId('login-email').fill(server.email);
  await page.getByTestId('login-password').fill(server.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('logout').waitFor();
  if (locale === 'en-US') await switchToEnglish(page);
  return page;
};

/** GET through the page's own session cookie. */
export const fetchJson = <T>(page: Page, path: string): Promise<T> => page.evaluate(async (p) => (await fetch(p)).json(), path) as Promise<T>;
