import { describe, expect, it } from 'vitest';
import { useDemoConsole } from './demo-console.ts';

const SLOW = { timeout: 15_000 };

type MemberDetail = { member: { memberNo: string } | null; balances: { member: number } };

describe('loyalty console', () => {
  const demo = useDemoConsole({ portOffset: 23, customers: 300 });
  const { getJson } = demo;

  it('shows the demo programme, reconciles it, grants points to a member and redeems a benefit for a coupon code', async () => {
    await demo.page.getByTestId('nav-loyalty').click();
    await demo.page.getByTestId('loyalty-overview').waitFor(SLOW);
    await expect.poll(async () => Number((await demo.page.getByTestId('loyalty-outstanding').textContent())?.replace(/[^\d]/g, '')), SLOW).toBeGreaterThan(0);
    await demo.page.getByTestId('loyalty-reconcile').click();
    await demo.page.getByTestId('loyalty-reconcile-ok').waitFor(SLOW);

    // A demo member: grant 5,000 points by hand from the member tab.
    const { items } = await getJson<{ items: { id: string }[] }>('/api/customers?pageSize=1&sort=orderCount&order=desc');
    const id = (items[0] as { id: string }).id;
    const before = await getJson<MemberDetail>(`/api/loyalty/members/${id}`);
    expect(before.member?.memberNo).toMatch(/^M\d+/);
    await demo.page.getByTestId('loyalty-tab-members').click();
    await demo.page.getByTestId('loyalty-member-search').locator('input').fill(id);
    await demo.page.getByTestId('loyalty-member-search').locator('input').press('Enter');
    await demo.page.getByTestId('loyalty-member').waitFor(SLOW);
    await demo.page.getByTestId('loyalty-adjust').click();
    await demo.page.getByTestId('points-input').fill('5000');
    await demo.page.getByTestId('points-reason').fill('Service recovery');
    await demo.page.getByRole('button', { name: 'OK' }).click();
    await expect.poll(async () => (await getJson<MemberDetail>(`/api/loyalty/members/${id}`)).balances.member, SLOW).toBe(before.balances.member + 5000);

    // Redeem the demo coupon benefit for that member: a code comes back, the stock goes down by one.
    await demo.page.getByTestId('loyalty-tab-benefits').click();
    const benefits = await getJson<{ items: { id: string; pointsPrice: number; stockLeft: number; minTier: string | null }[] }>('/api/loyalty/benefits');
    const coupon = benefits.items.find((b) => b.pointsPrice === 300 && !b.minTier) as { id: string; stockLeft: number };
    await demo.page.getByTestId(`redeem-${coupon.id}`).click();
    await demo.page.getByTestId('redeem-customer').fill(id);
    await demo.page.getByRole('button', { name: 'OK' }).click();
    await expect.poll(() => demo.page.getByTestId('coupon-code').textContent(), SLOW).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const after = await getJson<{ items: { id: string; stockLeft: number }[] }>('/api/loyalty/benefits');
    expect(after.items.find((b) => b.id === coupon.id)?.stockLeft).toBe(coupon.stockLeft - 1);

    // Withdraw that benefit in its edit form: the catalogue says so and it can no longer be redeemed.
    // (`exact`: the redeem dialog's own button, still "loading OK" while it closes, must not match.)
    await demo.page.getByRole('button', { name: 'OK', exact: true }).click();
    await demo.page.getByTestId('coupon-code').waitFor({ state: 'hidden', ...SLOW });
    await demo.page.getByTestId(`benefit-edit-${coupon.id}`).click();
    await demo.page.getByTestId('benefit-active').click();
    await demo.page.getByRole('button', { name: 'OK', exact: true }).click();
    await expect
      .poll(
        async () => (await getJson<{ items: { id: string; active: boolean }[] }>('/api/loyalty/benefits')).items.find((b) => b.id === coupon.id)?.active,
        SLOW,
      )
      .toBe(false);
    await expect.poll(() => demo.page.getByTestId(`redeem-${coupon.id}`).isDisabled(), SLOW).toBe(true);
  }, 120_000);
});
