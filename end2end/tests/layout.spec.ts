// Every page, as each role sees it, at a desktop and a phone width: nothing scrolls sideways,
// neither the page nor a table inside it (a table that does hides its last columns, which on
// the order list were the row actions).
import { expect } from '@playwright/test';
import { ADMIN, MERCHANT, WAREHOUSE, hydrated, login, test } from './helpers';

const PAGES: Record<string, string[]> = {
  [MERCHANT]: ['/orders', '/orders/new', '/orders/1', '/platform-orders', '/stores', '/sync-log', '/sku-mappings',
    '/settings/webhooks', '/settings/api-tokens', '/account'],
  [WAREHOUSE]: ['/floor', '/floor/waves', '/floor/pack', '/floor/ship', '/floor/stock'],
  [ADMIN]: ['/admin/users', '/admin/merchants', '/admin/warehouses', '/admin/business-types', '/admin/channels', '/admin/skus'],
};

for (const [width, height] of [[1440, 900], [390, 844]]) {
  for (const [user, paths] of Object.entries(PAGES)) {
    test(`${user.split('@')[0]} pages at ${width} px: nothing scrolls sideways`, async ({ browser }) => {
      const context = await browser.newContext({ viewport: { width, height }, baseURL: test.info().project.use.baseURL });
      const page = await context.newPage();
      await login(page, user);
      const wide: string[] = [];
      for (const path of paths) {
        await page.goto(path);
        await hydrated(page);
        await page.waitForLoadState('networkidle');
        const found = await page.evaluate(() => {
          const out: string[] = [];
          const body = document.documentElement.scrollWidth - window.innerWidth;
          if (body > 0) out.push(`page ${body}px`);
          for (const el of document.querySelectorAll('.table-wrap')) {
            const over = el.scrollWidth - el.clientWidth;
            if (over > 1) out.push(`${el.querySelector('table')?.className ?? 'table'} ${over}px`);
          }
          return out;
        });
        wide.push(...found.map((f) => `${path}: ${f}`));
      }
      expect(wide, 'wider than the screen').toEqual([]);
      await context.close();
    });
  }
}
