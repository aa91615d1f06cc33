import { expect, test, Page } from '@playwright/test';
import { hydrated, login, MERCHANT, screenshot } from './helpers';

// Personal API tokens, as a merchant manages them: create one on the page, see it exactly
// once, use it against the REST API, revoke it in the page and see the API refuse it.

async function openTokens(page: Page) {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'API Tokens' }).click();
  await page.waitForURL('**/settings/api-tokens');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'API Tokens' })).toBeVisible();
}

async function createToken(page: Page, name: string, scopes: string[]): Promise<string> {
  const form = page.locator('form.token-form');
  await form.getByLabel('Name').fill(name);
  for (const scope of ['orders:read', 'orders:write', 'platform_orders:read', 'platform_orders:write', 'inventory:read']) {
    await form.locator(`input[data-scope="${scope}"]`).setChecked(scopes.includes(scope));
  }
  await form.getByRole('button', { name: 'Create Token' }).click();
  const box = page.locator('[data-new-token]');
  await expect(box).toBeVisible();
  await expect(box).toContainText('it will not be shown again');
  const token = await box.locator('[data-token-value]').inputValue();
  expect(token).toMatch(/^ddk_[0-9a-f]{64}$/);
  return token;
}

test('a merchant creates an API token, uses it once shown, and revokes it', async ({ page }) => {
  await login(page, MERCHANT);
  await openTokens(page);

  // The form checks its input before sending anything.
  const form = page.locator('form.token-form');
  await form.locator('input[data-scope="orders:read"]').setChecked(false);
  await form.getByRole('button', { name: 'Create Token' }).click();
  await expect(form.locator('[data-field="name"]')).toHaveText('Please name the token (e.g. the system that will use it)');
  await expect(form.locator('[data-field="scopes"]')).toHaveText('Choose at least one permission');
  await form.locator('input[data-scope="orders:read"]').setChecked(true);
  await expect(form.locator('[data-field="scopes"]')).toHaveCount(0);
  await expect(form.locator('[data-field="name"]')).toHaveCount(1);

  const token = await createToken(page, 'ERP integration', ['orders:read', 'inventory:read']);
  await expect(form.getByLabel('Name')).toHaveValue('');
  await expect(form.locator('.field-error'), 'the cleared form starts without errors').toHaveCount(0);
  const hint = token.slice(-4);
  const row = page.locator('tr[data-token-name="ERP integration"]');
  await expect(row).toContainText(`ddk_…${hint}`);
  await expect(row).toContainText('orders:read');
  await expect(row).toContainText('inventory:read');
  await expect(row).not.toContainText('orders:write');
  await expect(row.locator('[data-status]')).toHaveText('Active');
  await screenshot(page, 'api-tokens-created-desktop');

  // Copy button (clipboard where allowed) keeps the box.
  await page.locator('[data-copy-token]').click();
  await expect(page.locator('[data-copy-token]')).toHaveText('Copied');

  // The token works on the REST API, with the scopes it was given.
  const headers = { Authorization: `Bearer ${token}` };
  const ok = await page.request.get('/api/v1/orders', { headers });
  expect(ok.status(), await ok.text()).toBe(200);
  expect(await ok.json()).toHaveProperty('data');
  const noScope = await page.request.get('/api/v1/platform-orders', { headers });
  expect(noScope.status()).toBe(403);
  expect((await noScope.json()).error.message).toContain('platform_orders:read');

  // Shown once: after a reload only the hint is left.
  await page.reload();
  await hydrated(page);
  await expect(page.locator('[data-new-token]')).toHaveCount(0);
  await expect(page.locator('body')).not.toContainText(token);
  await expect(row).toContainText(`ddk_…${hint}`);
  await expect(row).not.toContainText('Never');

  // Revoke (with a confirmation) → the API refuses the token from the next request on.
  await row.getByRole('button', { name: 'Revoke' }).click();
  const dialog = page.getByRole('dialog', { name: 'Revoke Token' });
  await expect(dialog).toContainText('ERP integration');
  await dialog.getByRole('button', { name: 'Revoke' }).click();
  await expect(dialog).toBeHidden();
  await expect(row.locator('[data-status]')).toHaveText('Revoked');
  await expect(row.getByRole('button', { name: 'Revoke' })).toHaveCount(0);
  const refused = await page.request.get('/api/v1/orders', { headers });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe('unauthorized');
  await screenshot(page, 'api-tokens-revoked-desktop');

  // History: who created it and who revoked it, with only the token's last characters.
  await row.getByRole('button', { name: 'History' }).click();
  const history = page.getByRole('dialog', { name: 'Token history' });
  await expect(history.locator('tbody tr')).toHaveCount(2);
  await expect(history.locator('tbody tr').first()).toContainText('Created');
  await expect(history.locator('tbody tr').nth(1)).toContainText('Revoked');
  await expect(history).toContainText('Alice Chen');
  await expect(history).not.toContainText(token.slice(4, 20));
  await screenshot(page, 'api-tokens-history-desktop');
  await history.locator('.dialog-foot').getByRole('button', { name: 'Close' }).click();
  await expect(history).toBeHidden();
});

test('API tokens at phone size: the form, the new token and the list fit', async ({ browser }) => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await phone.newPage();
  await login(page, MERCHANT);
  await page.goto('/settings/api-tokens');
  await hydrated(page);
  await createToken(page, 'Phone test', ['orders:read']);
  await createToken(page, 'Warehouse sync', ['orders:read', 'orders:write', 'inventory:read']);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'page body wider than the phone').toBeLessThanOrEqual(0);
  for (const selector of ['[data-token-value]', '[data-copy-token]', 'form.token-form [data-create-token]', 'tr[data-token-name="Phone test"] [data-action="revoke"]']) {
    const box = await page.locator(selector).first().boundingBox();
    expect(box, selector).not.toBeNull();
    expect(box!.x, selector).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width, selector).toBeLessThanOrEqual(390);
  }
  await screenshot(page, 'api-tokens-phone');
  await phone.close();
});
