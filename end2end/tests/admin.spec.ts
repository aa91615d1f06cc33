import { expect, test, Browser, Page } from '@playwright/test';
import { ADMIN, apiRequests, hydrated, login, MERCHANT, PASSWORD, screenshot } from './helpers';

// The platform admin pages, driven as an admin would: users (add, edit role, disable,
// history), channels (a self-pickup channel takes no signature options), and the phone layout.

const NEW_USER = 'e2e.globex@demo.test';
const NEW_PASSWORD = 'globex e2e pass 1';
const DISABLED_MESSAGE = 'This account is disabled; ask your administrator';
const SELF_PICKUP_RULE = 'Self-pickup channels take no signature options';

const userRow = (page: Page, email: string) => page.locator(`tr[data-user-email="${email}"]`);

/** A fresh browser (no cookies) trying to sign in; returns the sign-in page's error text. */
async function signInError(browser: Browser, email: string, password: string): Promise<string> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const error = page.locator('.login-card [role=alert]');
  await expect(error).toBeVisible();
  const text = (await error.textContent()) ?? '';
  await context.close();
  return text;
}

test('an admin adds a Globex user, changes the role, disables the account and reads its history', async ({ page, browser }) => {
  await login(page, ADMIN);
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
  await expect(userRow(page, 'merchant@demo.test').locator('[data-role-badge]')).toHaveText('Merchant admin');
  await expect(userRow(page, 'picker@demo.test')).toContainText('LAX1');

  // The form checks in the browser first: a merchant role without a merchant sends nothing.
  await page.getByRole('button', { name: 'Add user' }).click();
  const add = page.getByRole('dialog', { name: 'Add user' });
  await add.getByLabel('Email').fill(NEW_USER);
  await add.getByLabel('Name').fill('Gail Ex');
  await add.getByLabel('Role').selectOption({ label: 'Merchant user' });
  await add.getByLabel('First password').fill(NEW_PASSWORD);
  await expect(add.locator('fieldset.check-group')).toHaveCount(0);
  const requests = apiRequests(page);
  await add.locator('[data-submit]').click();
  await expect(add.locator('[data-field=merchant]')).toHaveText('Please choose the merchant this user works for');
  expect(requests.filter((r) => r.url().includes('/api/admin/users/save'))).toHaveLength(0);

  await add.getByLabel('Merchant').selectOption({ label: 'Globex Outdoor' });
  // After the first Save the rules run on every change: the error goes once put right.
  await expect(add.locator('[data-field=merchant]')).toHaveCount(0);
  await add.locator('[data-submit]').click();
  await expect(add).toHaveCount(0);
  await expect(page.locator('[data-flash=ok]')).toHaveText(`User ${NEW_USER} added. They can sign in now.`);
  const row = userRow(page, NEW_USER);
  await expect(row.locator('[data-role-badge]')).toHaveText('Merchant user');
  await expect(row).toContainText('Globex Outdoor');
  await expect(row.locator('[data-status]')).toHaveText('Active');

  // Edit the role: the user's access changed, so they are signed out.
  await row.locator('[data-action=edit]').click();
  const edit = page.getByRole('dialog', { name: 'Edit user' });
  await expect(edit.getByLabel('Email')).toHaveValue(NEW_USER);
  await edit.getByLabel('Role').selectOption({ label: 'Merchant admin' });
  await edit.locator('[data-submit]').click();
  await expect(edit).toHaveCount(0);
  await expect(page.locator('[data-flash=ok]')).toContainText('Their access changed, so they were signed out');
  await expect(row.locator('[data-role-badge]')).toHaveText('Merchant admin');
  await screenshot(page, 'admin-users-desktop');

  // Disable, after a confirmation; their sign-in then says so.
  await row.locator('[data-action=disable]').click();
  const confirm = page.getByRole('dialog', { name: 'Disable user' });
  await expect(confirm).toContainText('Gail Ex');
  await confirm.locator('[data-confirm]').click();
  await expect(confirm).toHaveCount(0);
  await expect(row.locator('[data-status]')).toHaveText('Disabled');
  await expect(row.locator('[data-action=enable]')).toBeVisible();
  expect(await signInError(browser, NEW_USER, NEW_PASSWORD)).toBe(DISABLED_MESSAGE);

  // The history: who changed the role, from what to what, and the disabling.
  await row.locator('[data-action=history]').click();
  const history = page.getByRole('dialog', { name: 'User history' });
  const roleChange = history.locator('tr.audit-row', { hasText: 'Updated' }).locator('li', { hasText: 'role' });
  await expect(roleChange.locator('.change-before')).toHaveText('Merchant user');
  await expect(roleChange.locator('.change-after')).toHaveText('Merchant admin');
  await expect(history.locator('tr.audit-row', { hasText: 'Updated' })).toContainText('Ada Admin');
  await expect(history.locator('tr.audit-row', { hasText: 'Disabled' })).toHaveCount(1);
  await expect(history.locator('tr.audit-row').first()).toContainText('Created');
  await screenshot(page, 'admin-user-history-desktop');
  await history.getByRole('button', { name: 'Close' }).last().click();
  await expect(history).toHaveCount(0);

  // An admin cannot disable themself: the button is not offered on their own row.
  await expect(userRow(page, ADMIN).locator('[data-action=edit]')).toBeVisible();
  await expect(userRow(page, ADMIN).locator('[data-action=disable]')).toHaveCount(0);

  // The role filter narrows the table.
  await page.locator('#user-role-filter').selectOption({ label: 'Warehouse picker' });
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/role=warehouse_picker/);
  await expect(page.locator('tr[data-user-email]')).toHaveCount(1);
  await expect(userRow(page, 'picker@demo.test')).toBeVisible();
});

test('a self-pickup channel takes no signature options and shows its badge', async ({ page }) => {
  await login(page, ADMIN);
  // A warehouse of its own, so no merchant page sees the new channel.
  const res = await page.request.post('/api/admin/warehouses/save', {
    data: { id: null, input: { code: 'E2E1', name: 'Browser test DC', country: 'US', address1: '1 Test Way', city: 'Reno', state: 'NV', postal_code: '89501' } },
  });
  expect(res.ok(), await res.text()).toBeTruthy();

  await page.goto('/admin/channels');
  await hydrated(page);
  await expect(page.locator('tr[data-channel="AMZ_A"] [data-self-pickup]')).toBeVisible();
  await expect(page.locator('tr[data-channel="UPS_GND"][data-warehouse="LAX1"] [data-self-pickup]')).toHaveCount(0);

  await page.getByRole('button', { name: 'Add channel' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add channel' });
  await dialog.getByLabel('Warehouse').selectOption({ label: 'E2E1 — Browser test DC' });
  await dialog.getByLabel('Business type').selectOption({ label: 'DS — Dropshipping (B2C)' });
  const adult = dialog.getByLabel('Adult Signature', { exact: true });
  // A carrier code: the options are open.
  await dialog.getByLabel('Code').fill('E2E_PICKUP');
  await expect(adult).toBeEnabled();
  await adult.check();
  await expect(adult).toBeChecked();
  // Ending in _A makes it self-pickup: options off and cleared, the rule and the badge shown.
  await dialog.getByLabel('Code').fill('e2e_pickup_a');
  await expect(adult).toBeDisabled();
  await expect(adult).not.toBeChecked();
  for (const option of ['Direct Signature', 'Indirect Signature', 'No Signature Required']) {
    await expect(dialog.getByLabel(option, { exact: true })).toBeDisabled();
  }
  await expect(dialog.locator('[data-self-pickup-rule]')).toHaveText(SELF_PICKUP_RULE);
  await expect(dialog.locator('label[for=channel-code] [data-self-pickup]')).toBeVisible();
  await dialog.getByLabel('Carrier').fill('Merchant label');
  await dialog.getByLabel('Service type').fill('Self pickup');
  await screenshot(page, 'admin-channel-dialog-desktop');
  await dialog.locator('[data-submit]').click();
  await expect(dialog).toHaveCount(0);
  await expect(page.locator('[data-flash=ok]')).toHaveText('Channel E2E_PICKUP_A added.');
  const row = page.locator('tr[data-channel="E2E_PICKUP_A"]');
  await expect(row.locator('[data-self-pickup]')).toHaveText('Self-pickup');
  await expect(row.locator('[data-signature-options]')).toHaveText('—');
  await expect(row).toContainText('E2E1');
  await screenshot(page, 'admin-channels-desktop');
});

test('merchants, warehouses, business types and SKUs list what is stored; SKUs filter by merchant', async ({ page }) => {
  await login(page, ADMIN);
  await page.getByRole('link', { name: 'Merchants' }).click();
  await expect(page).toHaveURL(/\/admin\/merchants$/);
  await expect(page.locator('tr[data-merchant="Acme Home Goods"]')).toContainText('LAX1');
  await expect(page.locator('tr[data-merchant="Acme Home Goods"]')).toContainText('NJ1');
  await expect(page.locator('tr[data-merchant="Globex Outdoor"] .chip')).toHaveText(['LAX1']);
  await screenshot(page, 'admin-merchants-desktop');
  await page.locator('tr[data-merchant="Globex Outdoor"] [data-action=edit]').click();
  const edit = page.getByRole('dialog', { name: 'Edit merchant' });
  await expect(edit.getByLabel('Name')).toHaveValue('Globex Outdoor');
  await expect(edit.locator('input[type=checkbox]:checked')).toHaveCount(1);
  await screenshot(page, 'admin-merchant-dialog-desktop');
  await edit.getByRole('button', { name: 'Cancel' }).click();

  await page.getByRole('link', { name: 'Warehouses' }).click();
  await expect(page.locator('tr[data-warehouse="LAX1"]')).toContainText('2000 E Carson St, Carson CA 90810');
  await screenshot(page, 'admin-warehouses-desktop');
  await page.getByRole('link', { name: 'Business Types' }).click();
  await expect(page.locator('tr[data-business-type="WS"]')).toContainText('B2B');
  await screenshot(page, 'admin-business-types-desktop');

  await page.getByRole('link', { name: 'SKUs' }).click();
  await hydrated(page);
  await expect(page.locator('tr[data-sku="MUG-CER-11"]')).toHaveCount(2);
  await page.locator('#sku-merchant-filter').selectOption({ label: 'Globex Outdoor' });
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/merchant=\d+/);
  await expect(page.locator('tr[data-sku]')).toHaveCount(2);
  await expect(page.locator('tr[data-sku="TNT-2P"]')).toContainText('2300 g');
  await screenshot(page, 'admin-skus-desktop');
  // A new SKU for Globex can only go where Globex may ship from.
  await page.getByRole('button', { name: 'Add SKU' }).click();
  const add = page.getByRole('dialog', { name: 'Add SKU' });
  await expect(add.getByLabel('Merchant')).toHaveValue(/\d+/);
  await expect(add.locator('#sku-warehouse option')).toHaveText(['Choose a warehouse', 'LAX1 — Los Angeles, CA']);
  await add.getByLabel('Warehouse').selectOption({ label: 'LAX1 — Los Angeles, CA' });
  await add.getByLabel('SKU code').fill('TNT-2P');
  await add.getByLabel('Product name').fill('Two-person Tent, again');
  await add.getByLabel('Barcode').fill('0860000000017');
  await add.getByLabel('Weight (grams)').fill('heavy');
  await add.locator('[data-submit]').click();
  await expect(add.locator('[data-field=weight_grams]')).toHaveText('Weight: a whole number of grams from 1 to 70000');
  await add.getByLabel('Weight (grams)').fill('2300');
  await expect(add.locator('[data-field=weight_grams]')).toHaveCount(0);
  await add.locator('[data-submit]').click();
  // The duplicate code is found by the server and shown on the field.
  await expect(add.locator('[data-field=code]')).toHaveText('This code is already used');
  await screenshot(page, 'admin-sku-dialog-desktop');
  await add.getByLabel('SKU code').fill('TNT-3P');
  await add.locator('[data-submit]').click();
  await expect(add).toHaveCount(0);
  await expect(page.locator('tr[data-sku="TNT-3P"]')).toContainText('Globex Outdoor');
});

test('on a phone the users table becomes cards and dialogs fill the screen', async ({ browser }) => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await phone.newPage();
  await login(page, ADMIN);
  const row = userRow(page, 'picker@demo.test');
  await expect(row).toBeVisible();
  // Stacked: the header row is hidden and each cell carries its label.
  await expect(page.locator('table.admin-users thead')).toBeHidden();
  await expect(row.locator('td[data-label=Role]')).toBeVisible();
  const fits = async () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
  expect(await fits(), 'the users page scrolls sideways on a phone').toBe(true);
  const box = await row.boundingBox();
  expect(box && box.width <= 390).toBeTruthy();
  await screenshot(page, 'admin-users-phone');
  await page.screenshot({ path: '../target/e2e-screens/admin-users-phone-top.png' });

  await row.locator('[data-action=reset-password]').click();
  const dialog = page.getByRole('dialog', { name: 'Reset password' });
  await expect(dialog).toBeVisible();
  await dialog.locator('#reset-password').fill('short');
  await dialog.locator('[data-submit]').click();
  await expect(dialog.locator('[data-field=new_password]')).toContainText('at least 10');
  const dialogBox = await dialog.boundingBox();
  expect(dialogBox && dialogBox.width >= 380).toBeTruthy();
  await screenshot(page, 'admin-reset-password-phone');
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  await page.getByRole('button', { name: 'Add user' }).click();
  const add = page.getByRole('dialog', { name: 'Add user' });
  await add.getByLabel('Role').selectOption({ label: 'Warehouse lead' });
  await expect(add.getByText('NJ1')).toBeVisible();
  expect(await fits(), 'the add-user dialog scrolls sideways on a phone').toBe(true);
  await screenshot(page, 'admin-add-user-phone');
  await add.getByRole('button', { name: 'Cancel' }).click();

  for (const path of ['/admin/channels', '/admin/skus', '/admin/warehouses', '/admin/merchants', '/admin/business-types']) {
    await page.goto(path);
    await hydrated(page);
    await expect(page.locator('table.stack-phone tbody tr').first()).toBeVisible();
    expect(await fits(), `${path} scrolls sideways on a phone`).toBe(true);
    await page.screenshot({ path: `../target/e2e-screens/admin-${path.split('/').pop()}-phone-top.png` });
  }
  await page.goto('/admin/channels');
  await hydrated(page);
  await screenshot(page, 'admin-channels-phone');
  await phone.close();
});

test('merchant and warehouse staff are kept out of the admin pages', async ({ browser }) => {
  // Not clerk@: accounts.spec changes that password.
  for (const [email, home] of [[MERCHANT, '/orders'], ['picker@demo.test', '/floor']]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto('/login');
    await hydrated(page);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`**${home}`);
    await page.goto('/admin/users');
    await expect(page).toHaveURL(new RegExp(`${home}$`));
    await context.close();
  }
});
