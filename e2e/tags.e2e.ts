import { describe, expect, it } from 'vitest';
import { useDemoConsole } from './demo-console.ts';
import { clickNav } from './nav.ts';

const SLOW = { timeout: 15_000 };

type Tag = { id: string; name: string; kind: string; customers: number; archivedAt: string | null };

describe('tags and recommendations', () => {
  const demo = useDemoConsole({ portOffset: 17, customers: 300 });
  const { getJson } = demo;

  it('builds a rule tag, runs it, and manages tags and next products on the 360° page', async () => {
    // The demo start evaluated the preset tags.
    const presets = (await getJson<{ items: Tag[] }>('/api/tags')).items;
    expect(presets.find((t) => t.name === '本月活跃')?.customers).toBeGreaterThan(0);

    await clickNav(demo.page, 'tags');
    await demo.page.getByTestId('tag-row-高价值客户').waitFor(SLOW);
    await demo.page.getByTestId('tag-create').click();
    await demo.page.getByTestId('tag-name').fill('E2E repeat buyers');
    // The new rule starts as "orders at least 2"; make it 3 and preview the count.
    await demo.page.locator('input[data-testid="rule-value-0"], [data-testid="rule-value-0"] input').first().fill('3');
    await demo.page.getByTestId('tag-preview').click();
    await expect.poll(() => demo.page.getByTestId('tag-preview-count').textContent(), SLOW).toMatch(/\d+ customers match now/);
    await demo.page.getByTestId('tag-save').click();
    await demo.page.getByTestId('tag-row-E2E repeat buyers').waitFor(SLOW);
    await demo.page.getByTestId('tag-run-E2E repeat buyers').click();
    await expect
      .poll(async () => (await getJson<{ items: Tag[] }>('/api/tags')).items.find((t) => t.name === 'E2E repeat buyers')?.customers ?? 0, SLOW)
      .toBeGreaterThan(0);

    // Its customers, and from there one customer's 360° demo.page.
    await demo.page.goto(`${demo.server.url}/tags`);
    await demo.page.getByTestId('tag-customers-E2E repeat buyers').click();
    await demo.page.getByTestId('tag-customers').locator('a').first().click();
    await demo.page.getByTestId('tab-tags').click();
    await demo.page.getByTestId('customer-tag-E2E repeat buyers').waitFor(SLOW);

    // A manual tag, added by hand, appears with the history entry.
    await demo.page.getByTestId('customer-tag-add').click();
    await demo.page.getByTestId('customer-tag-select').click();
    await demo.page.locator('.ant-select-item-option', { hasText: 'VIP 关怀' }).click();
    await demo.page.getByTestId('customer-tag-add-submit').click();
    await demo.page.getByTestId('customer-tag-VIP 关怀').waitFor(SLOW);
    await expect.poll(() => demo.page.getByTestId('customer-tag-history').textContent(), SLOW).toContain('VIP 关怀');

    // Next products: personalised for a buyer.
    await expect.poll(() => demo.page.getByTestId('customer-recommendations-mode').getAttribute('data-mode'), SLOW).toBe('personalised');
    expect(await demo.page.getByTestId('customer-recommendations').locator('.ant-list-item').count()).toBe(10);
  });

  it('shows the model against most-popular and the emergency stop switches every list to most-popular', async () => {
    await clickNav(demo.page, 'recommendations');
    await expect.poll(() => demo.page.getByTestId('recommendations-hit-rate').textContent(), SLOW).toMatch(/\d+\.\d%/);
    await demo.page.getByTestId('recommendations-switch').click();
    await demo.page.getByTestId('recommendations-switch-reason').fill('E2E: regulator inquiry');
    await demo.page.getByTestId('recommendations-switch-confirm').click();
    await demo.page.getByTestId('recommendations-stopped').waitFor(SLOW);
    expect(await demo.page.getByTestId('recommendations-history').textContent()).toContain('E2E: regulator inquiry');

    const { items } = await getJson<{ items: { id: string }[] }>('/api/customers?pageSize=1&sort=orderCount&order=desc');
    await demo.page.goto(`${demo.server.url}/customers/${items[0]?.id}?tab=tags`);
    await expect.poll(() => demo.page.getByTestId('customer-recommendations-mode').getAttribute('data-mode'), SLOW).toBe('popular');

    // Back on: personalised again.
    await demo.page.goto(`${demo.server.url}/recommendations`);
    await demo.page.getByTestId('recommendations-switch').click();
    await demo.page.getByTestId('recommendations-switch-reason').fill('E2E: resolved');
    await demo.page.getByTestId('recommendations-switch-confirm').click();
    await demo.page.getByTestId('recommendations-running').waitFor(SLOW);
  });

  it('archives a tag (off the list and out of new assignments) and restores it, each after a confirmation', async () => {
    const archivedAt = async () => (await getJson<{ items: Tag[] }>('/api/tags')).items.find((t) => t.name === 'VIP 关怀')?.archivedAt ?? null;
    await clickNav(demo.page, 'tags');
    await demo.page.getByTestId('tag-archive-VIP 关怀').click();
    await demo.page.getByTestId('tag-confirm-ok').click();
    await expect.poll(archivedAt, SLOW).not.toBeNull();
    await demo.page.getByTestId('tag-row-VIP 关怀').waitFor({ state: 'detached', ...SLOW });

    await demo.page.getByTestId('tags-show-archived').click();
    await demo.page.getByTestId('tag-restore-VIP 关怀').click();
    await demo.page.getByTestId('tag-confirm-ok').click();
    await expect.poll(archivedAt, SLOW).toBeNull();
    await demo.page.locator('[data-testid="tag-row-VIP 关怀"][data-archived="false"]').waitFor(SLOW);
  });
});
