import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { fetchJson, launchBrowser, signedInPage } from './browser.ts';
import { type DemoServer, startDemoServer } from './server.ts';

export type DemoConsole = {
  readonly server: DemoServer;
  /** Signed in as the demo admin. */
  readonly page: Page;
  /** GET through the page's session. */
  getJson: <T>(path: string) => Promise<T>;
};

/**
 * For a describe block: before it, starts `guanxi demo` on its own ports (GUANXI_E2E_PORT + `portOffset`, its
 * PostgreSQL 10,000 above), a browser and a page signed in to the console (English unless `locale` says
 * zh-CN); after it, closes the browser and expects the server to exit cleanly.
 */
export const useDemoConsole = (options: { portOffset: number; customers: number; locale?: 'en-US' | 'zh-CN' }): DemoConsole => {
  const port = Number(process.env.GUANXI_E2E_PORT ?? 4350) + options.portOffset;
  let server: DemoServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;

  beforeAll(async () => {
    server = await startDemoServer({ port, pgPort: port + 10_000, customers: options.customers });
    browser = await launchBrowser();
    page = await signedInPage(browser, server, options.locale);
  });

  afterAll(async () => {
    await browser?.close();
    expect(await server?.stop()).toBe(0);
  });

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the demo console is not started yet (use it inside a test)');
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get page() {
      return started(page);
    },
    getJson: <T>(path: string) => fetchJson<T>(started(page), path),
  };
};
