import { expect } from '@playwright/test';
import { apiRequests, hydrated, login, MERCHANT, minimalPdf, screenshot, test, WAREHOUSE } from './helpers';

test.describe.configure({ mode: 'serial' });

test('save rules run in the browser, a valid order is saved as Draft', async ({ page }) => {
  await login(page, MERCHANT);
  await page.goto('/orders/new');
  await hydrated(page);
  const requests = apiRequests(page);

  // Nothing chosen: the channel message appears with no request sent.
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Please select a channel')).toBeVisible();
  expect(requests.length).toBe(0);

  // Channel chosen but no SKU.
  await page.getByLabel('Shipping Warehouse').selectOption({ label: 'LAX1 — Los Angeles, CA' });
  await page.getByLabel('Business').selectOption({ label: 'Dropshipping (B2C)' });
  await page.getByLabel('Shipping Channel').selectOption({ label: 'USPS_GA — USPS (Ground Advantage)' });
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Please add SKU')).toBeVisible();
  await expect(page.getByText('Please select a channel')).toHaveCount(0);
  expect(requests.length).toBe(0);

  // Signature options are offered because USPS_GA lists them.
  await expect(page.getByLabel('Signature Service')).toBeVisible();
  await page.getByLabel('Signature Service').selectOption({ label: 'Adult Signature' });

  // Recipient from pasted text.
  await page.getByLabel('Platform Order No.').fill('#E2E-1');
  await page.getByLabel('Paste address').fill('Jane Doe\n500 Market Street Suite 200\nSan Francisco, CA 94105\nUSA\nTel: +1 415 555 0134');
  await page.getByRole('button', { name: 'Parse and Fill' }).click();
  await expect(page.getByLabel('Recipient Name')).toHaveValue('Jane Doe');
  await expect(page.getByLabel('Postal Code')).toHaveValue('94105');
  await expect(page.getByLabel('City')).toHaveValue('San Francisco');

  // Add a SKU of the chosen warehouse.
  await page.getByRole('button', { name: 'Add SKU' }).click();
  await page.getByLabel('Search SKU').fill('mug');
  await page.getByRole('button', { name: 'Add MUG-CER-11' }).click();
  await page.getByLabel('Quantity of MUG-CER-11').fill('2');
  await screenshot(page, 'order-form-desktop');

  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/\/orders\?saved=\d+/);
  await expect(page.getByText('Added successfully')).toBeVisible();
  const row = page.locator('tr', { hasText: '#E2E-1' });
  await expect(row.locator('.badge')).toHaveText('Draft');
  await screenshot(page, 'order-list-desktop');
});

test('Parse and Fill: one paste fills the recipient and the SKU lines', async ({ page }) => {
  await login(page, MERCHANT);
  await page.goto('/orders/new');
  await hydrated(page);
  await page.getByLabel('Shipping Warehouse').selectOption({ label: 'LAX1 — Los Angeles, CA' });
  // Inline labels on one line, then SKU lines in two shapes (one code in lower case) and a
  // code that is no SKU of LAX1.
  await page.getByLabel('Paste address').fill(
    'Name: Jane Doe Tel: +1 415 555 0134 Address: 500 Market St, San Francisco, CA 94105\n2 x MUG-CER-11\ntwl-bth-gry * 3\nNOPE-404 x1',
  );
  await page.getByRole('button', { name: 'Parse and Fill' }).click();
  await expect(page.getByLabel('Recipient Name')).toHaveValue('Jane Doe');
  await expect(page.getByRole('textbox', { name: 'Phone', exact: true })).toHaveValue('+1 415 555 0134');
  await expect(page.getByLabel('Address Line 1')).toHaveValue('500 Market St');
  await expect(page.getByLabel('City')).toHaveValue('San Francisco');
  await expect(page.getByLabel('Postal Code')).toHaveValue('94105');
  await expect(page.getByLabel('Quantity of MUG-CER-11')).toHaveValue('2');
  await expect(page.getByLabel('Quantity of TWL-BTH-GRY')).toHaveValue('3');
  await expect(page.getByText('Added to Products: MUG-CER-11 × 2, TWL-BTH-GRY × 3.')).toBeVisible();
  await expect(page.getByText('Not a SKU of LAX1: NOPE-404.')).toBeVisible();
  await screenshot(page, 'order-form-paste-skus-desktop');
  // Pressing it again sets the same quantities rather than doubling them.
  await page.getByRole('button', { name: 'Parse and Fill' }).click();
  await expect(page.getByLabel('Quantity of MUG-CER-11')).toHaveValue('2');
  await expect(page.locator('table.lines tbody tr')).toHaveCount(2);
});

test('a Draft can be edited; the list shows the change', async ({ page }) => {
  await login(page, MERCHANT);
  const row = page.locator('tr', { hasText: '#E2E-1' });
  await row.getByRole('link', { name: 'Edit' }).click();
  await hydrated(page);
  await expect(page.getByLabel('Recipient Name')).toHaveValue('Jane Doe');
  await expect(page.getByLabel('Signature Service')).toHaveValue('adult');
  await page.getByLabel('Quantity of MUG-CER-11').fill('0');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Quantity must be at least 1')).toBeVisible();
  await page.getByLabel('Quantity of MUG-CER-11').fill('3');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/\/orders\?updated=\d+/);
  await expect(page.getByText('Saved successfully')).toBeVisible();
  await expect(page.locator('tr', { hasText: '#E2E-1' }).locator('td[data-label="Units"]')).toHaveText('3');
});

test('submit, intercept, and intercept refused once the warehouse has waved', async ({ page, browser }) => {
  await login(page, MERCHANT);
  await page.getByRole('searchbox', { name: 'Search orders' }).fill('#E2E-1');
  await page.getByRole('button', { name: 'Search' }).click();
  const row = page.locator('tr', { hasText: '#E2E-1' });
  await row.getByRole('link', { name: 'View' }).click();
  await hydrated(page);
  const badge = page.locator('h1 .badge');
  await expect(badge).toHaveText('Draft');
  await expect(page.getByRole('button', { name: 'Intercept' })).toBeDisabled();

  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(badge).toHaveText('Submitted');
  await expect(page.getByRole('button', { name: 'Submit' })).toBeDisabled();
  await page.getByRole('button', { name: 'Intercept' }).click();
  await expect(badge).toHaveText('Draft');
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(badge).toHaveText('Submitted');
  await expect(page.getByRole('table').last()).toContainText('Intercepted');
  const orderNo = (await page.locator('h1').innerText()).split(/\s/)[0];

  // The warehouse waves it on a phone while the merchant still has the page open.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const floor = await phone.newPage();
  await login(floor, WAREHOUSE);
  await floor.goto('/floor/waves');
  await hydrated(floor);
  const card = floor.locator(`[data-order="${orderNo}"]`);
  await screenshot(floor, 'floor-wave-queue-phone');
  await card.getByRole('button', { name: 'Wave' }).click();
  await expect(floor.getByText(`${orderNo} waved`)).toBeVisible();
  await expect(card).toHaveCount(0);
  await phone.close();

  // The merchant's open page learns about the wave by itself and disables Intercept...
  await expect(badge).toHaveText('Waved');
  await expect(page.getByRole('button', { name: 'Intercept' })).toBeDisabled();
  // ...and the server refuses an intercept that still gets through (stale tab, API client).
  const res = await page.request.post('/api/orders/intercept', { data: { id: Number(orderNo.slice(2)) } });
  expect(res.status()).toBe(409);
  expect((await res.json()).Conflict).toBe('This order can no longer be intercepted: the warehouse has already waved it');
  await screenshot(page, 'order-detail-desktop');
});

test('self-pickup needs a real PDF label and a tracking number', async ({ page }) => {
  await login(page, MERCHANT);
  await page.goto('/orders/new');
  await hydrated(page);
  await page.getByLabel('Shipping Warehouse').selectOption({ label: 'LAX1 — Los Angeles, CA' });
  await page.getByLabel('Business').selectOption({ label: 'Dropshipping (B2C)' });
  await page.getByLabel('Shipping Channel').selectOption({ label: 'AMZ_A — Amazon Shipping (Self pickup (merchant label))' });
  await expect(page.getByLabel('Signature Service')).toHaveCount(0);

  const label = page.getByLabel('Shipping Label');
  await label.setInputFiles({ name: 'label.txt', mimeType: 'text/plain', buffer: Buffer.from('not a label') });
  await expect(page.getByText('The label must be a PDF file (.pdf)')).toBeVisible();

  // Named .pdf but not a PDF: only the server can tell.
  await label.setInputFiles({ name: 'fake.pdf', mimeType: 'application/pdf', buffer: Buffer.from('hello, I am text') });
  await expect(page.getByText('The file is not a valid PDF document')).toBeVisible();

  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Please enter the tracking number')).toBeVisible();
  await expect(page.getByText('Please upload the shipping label (PDF)')).toBeVisible();

  await label.setInputFiles({ name: 'label.pdf', mimeType: 'application/pdf', buffer: minimalPdf() });
  await expect(page.getByText('Uploaded: label.pdf')).toBeVisible();
  await page.getByLabel('Tracking Number').fill('TBA123456789000');
  await page.getByLabel('Recipient Name').fill('Sam Carter');
  await page.getByLabel('Phone').fill('+1 206 555 0100');
  await page.getByLabel('State/Province').fill('WA');
  await page.getByLabel('City').fill('Seattle');
  await page.getByLabel('Address Line 1').fill('400 Broad St');
  await page.getByLabel('Postal Code').fill('98109');
  await page.getByRole('button', { name: 'Add SKU' }).click();
  await page.getByRole('button', { name: 'Add KNF-CHF-8' }).click();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/\/orders\?saved=\d+/);
  await expect(page.getByText('Added successfully')).toBeVisible();
  await expect(page.locator('tr', { hasText: 'TBA123456789000' }).locator('.badge')).toHaveText('Draft');

  // The list finds it by tracking number.
  await page.getByRole('searchbox', { name: 'Search orders' }).fill('TBA123456789000');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.locator('tbody tr')).toHaveCount(1);
});

test('pages at phone size', async ({ browser }) => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await phone.newPage();
  await login(page, MERCHANT);
  await screenshot(page, 'order-list-phone');
  await page.goto('/orders/new');
  await hydrated(page);
  await screenshot(page, 'order-form-phone');
  // Nothing may stick out sideways at phone width on the form.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await phone.close();
});
