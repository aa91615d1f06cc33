import { expect, test, Page } from '@playwright/test';
import { hydrated, PASSWORD, screenshot } from './helpers';

// Roles as users meet them: what each one sees, their own account page, and sign-in throttling.

const CLERK = 'clerk@demo.test';
const PICKER = 'picker@demo.test';

async function signIn(page: Page, email: string, password: string) {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('a merchant user sees stores but cannot connect or switch them', async ({ page }) => {
  await signIn(page, CLERK, PASSWORD);
  await page.waitForURL('**/orders');
  await page.goto('/stores');
  await hydrated(page);
  const row = page.locator('tr[data-store="Acme Demo Store"]');
  await expect(row).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add Store' })).toHaveCount(0);
  await expect(row.getByRole('switch')).toBeDisabled();
  await expect(row.locator('[data-action="test"]')).toBeDisabled();
  // Manual sync is day-to-day work: allowed.
  await expect(row.locator('[data-action="sync"]')).toBeEnabled();
  // The floor is not theirs: the server sends them back to their own pages.
  await page.goto('/floor');
  await page.waitForURL('**/orders');
});

test('a picker picks but does not create waves or adjust stock', async ({ page }) => {
  await signIn(page, PICKER, PASSWORD);
  await page.waitForURL('**/floor');
  await page.goto('/floor/waves');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Open waves' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'New wave' })).toHaveCount(0);
  await page.goto('/floor/stock');
  await hydrated(page);
  await page.locator('.stock-row').first().click();
  await expect(page.getByRole('heading', { name: 'Movements' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save adjustment' })).toHaveCount(0);
  await expect(page.locator('.manifest-row').filter({ hasText: 'on hand 0 → ' }).first()).toBeVisible();
});

test('your account: change password with checks, then sign out everywhere', async ({ browser }) => {
  const laptop = await browser.newContext();
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await laptop.newPage();
  const other = await phone.newPage();
  await signIn(other, CLERK, PASSWORD);
  await other.waitForURL('**/orders');
  await signIn(page, CLERK, PASSWORD);
  await page.waitForURL('**/orders');

  await page.getByRole('link', { name: 'Carl Ortiz' }).click();
  await page.waitForURL('**/account');
  await hydrated(page);
  await expect(page.locator('[data-role="merchant_user"]')).toHaveText('Merchant user');

  // Checked in the browser first: too short, and the two new passwords differ.
  await page.getByLabel('Current password').fill(PASSWORD);
  await page.getByLabel('New password', { exact: true }).fill('short');
  await page.getByLabel('New password again').fill('different');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.locator('[data-field="new_password"]')).toHaveText('Use at least 10 characters');
  await expect(page.locator('[data-field="repeat_password"]')).toHaveText('The two new passwords differ');

  // The server checks the current password.
  const fresh = 'orange kettle 42';
  await page.getByLabel('Current password').fill('not my password');
  await page.getByLabel('New password', { exact: true }).fill(fresh);
  await page.getByLabel('New password again').fill(fresh);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.locator('[data-field="current_password"]')).toHaveText('The current password is not right');

  await page.getByLabel('Current password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status')).toContainText('Password changed');
  await screenshot(page, 'account-desktop');

  // The phone's session ended with the change.
  await other.goto('/orders');
  await other.waitForURL('**/login');

  // The new password works; then sign out everywhere ends this session too.
  await signIn(other, CLERK, fresh);
  await other.waitForURL('**/orders');
  await other.goto('/account');
  await hydrated(other);
  await screenshot(other, 'account-phone');
  const overflow = await other.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'account page wider than the phone').toBeLessThanOrEqual(0);
  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await page.waitForURL('**/login');
  await other.goto('/orders');
  await other.waitForURL('**/login');
  await laptop.close();
  await phone.close();
});

test('too many wrong passwords lock the account with a clear message', async ({ page }) => {
  const email = 'nj@demo.test';
  for (let i = 0; i < 5; i++) {
    await signIn(page, email, `wrong-${i}`);
    await expect(page.getByRole('alert')).toHaveText('Email or password is incorrect');
  }
  // Now even the right password is refused until the lock lifts.
  await signIn(page, email, PASSWORD);
  await expect(page.getByRole('alert')).toContainText('Too many failed sign-ins for this account');
  await expect(page.getByRole('alert')).toContainText('15 minutes');
  await screenshot(page, 'login-locked');
  expect(new URL(page.url()).pathname).toBe('/login');
});
