import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { useDemoConsole } from './demo-console.ts';
import { clickNav } from './nav.ts';

const SLOW = { timeout: 20_000 };

describe('data in: file import and the event debugger', () => {
  const demo = useDemoConsole({ portOffset: 6, customers: 100, locale: 'zh-CN' });

  const api = <T>(method: string, path: string, body?: unknown): Promise<T> =>
    demo.page.evaluate(
      async ([m, p, b]) =>
        (await fetch(p as string, { method: m as string, headers: { 'content-type': 'application/json' }, body: b ? JSON.stringify(b) : undefined })).json(),
      [method, path, body] as const,
    ) as Promise<T>;

  beforeAll(() => {
    // A step that cannot happen fails with its own name instead of the whole test timing out.
    demo.page.setDefaultTimeout(15_000);
  });

  it('imports a GB18030 file with Chinese headers, as Excel in China writes it, and finds the customers', async () => {
    const csv =
      '会员号,姓名,手机,邮箱\r\nE2E001,导入甲,13911110001,jia@e2e.example\r\nE2E002,导入乙,13911110002,yi@e2e.example\r\nE2E003,导入丙,12,bing@e2e.example\r\n';
    await clickNav(demo.page, 'imports');
    await demo.page
      .getByTestId('import-dropzone')
      .locator('input[type=file]')
      .setInputFiles({ name: '会员.csv', mimeType: 'text/csv', buffer: iconv.encode(csv, 'gb18030') });
    await demo.page.getByTestId('import-mapping').waitFor(SLOW);
    expect(await demo.page.getByTestId('import-encoding').textContent()).toMatch(/gb18030/i);
    await demo.page.getByTestId('import-start').click();
    await demo.page.getByTestId('import-summary').waitFor(SLOW);

    // The summary panel shows progress while the file streams in; wait for the finished import.
    await expect
      .poll(
        async () => (await api<{ items: { status: string; rowsTotal: number; rowsStored: number; rowsRejected: number }[] }>('GET', '/api/imports')).items[0],
        SLOW,
      )
      .toMatchObject({ status: 'done', rowsTotal: 3, rowsStored: 2, rowsRejected: 1 });
    const found = await api<{ items: { displayName: string }[] }>('GET', `/api/customers?q=${encodeURIComponent('导入甲')}`);
    expect(found.items.map((c) => c.displayName)).toEqual(['导入甲']);
  });

  it("shows an event sent with a write key in its source's live debugger", async () => {
    const created = await api<{ secret: string; apiKey: { sourceId: string } }>('POST', '/api/api-keys', { name: 'E2E shop' });
    const auth = `Basic ${Buffer.from(`${created.secret}:`).toString('base64')}`;
    const sent = await fetch(`${demo.server.url}/v1/batch`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ batch: [{ type: 'track', event: 'E2E Checkout Started', anonymousId: 'e2e-visitor', messageId: 'e2e-1' }] }),
    });
    expect(sent.status).toBe(200);
    const bad = await fetch(`${demo.server.url}/v1/batch`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ batch: [{ type: 'track', event: 'No Identity' }] }),
    });
    expect(bad.status).toBe(400);

    await clickNav(demo.page, 'sources');
    await demo.page.getByTestId(`source-link-${created.apiKey.sourceId}`).click();
    await expect.poll(() => demo.page.getByTestId('debugger-events').textContent(), SLOW).toContain('E2E Checkout Started');
    await demo.page.getByRole('tab').nth(1).click();
    await expect.poll(() => demo.page.getByTestId('debugger-rejections').textContent(), SLOW).toMatch(/userId|anonymousId/);
  });
});
