import type { Page } from 'playwright-core';

/** Clicks a side-menu entry (`nav-<key>`), unfolding its section first when the section is folded. */
export const clickNav = async (page: Page, key: string): Promise<void> => {
  await page.locator('.ant-menu [data-testid^="nav-"]').first().waitFor();
  const entry = page.getByTestId(`nav-${key}`);
  if (!(await entry.isVisible())) await page.locator(`[data-nav-pages~="${key}"]`).click();
  await entry.click();
};
