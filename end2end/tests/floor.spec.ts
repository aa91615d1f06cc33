import { expect, Page, APIRequestContext } from '@playwright/test';
import { hydrated, login, MERCHANT, screenshot, test, WAREHOUSE } from './helpers';

// Seeded LAX1 stock (server/src/seed.rs): bins in walking order, EAN barcodes.
const MUG = { code: 'MUG-CER-11', barcode: '0850012345015', bin: 'A-01-1' };
const TOWEL = { code: 'TWL-BTH-GRY', barcode: '0850012345039', bin: 'A-03-1' };
const CANDLE_BARCODE = '0850012345053';

/** Types like a keyboard-wedge scanner: fast keystrokes, then Enter. */
async function scan(page: Page, code: string) {
  const input = page.locator('#scan-input');
  await input.pressSequentially(code, { delay: 5 });
  await input.press('Enter');
}

/** Milliseconds from the Enter of a scan to the feedback banner changing, in the browser. */
async function timedScan(page: Page, code: string): Promise<number> {
  return page.evaluate((value) => new Promise<number>((resolve) => {
    const banner = document.querySelector('[data-feedback]')!;
    const input = document.querySelector<HTMLInputElement>('#scan-input')!;
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    const start = performance.now();
    const seen = new MutationObserver(() => { seen.disconnect(); resolve(performance.now() - start); });
    seen.observe(banner, { attributes: true, childList: true, characterData: true, subtree: true });
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  }), code);
}

/** A merchant order on DHL_EXP (no other browser test uses it): 2 mugs + 1 towel, submitted. */
async function submittedOrder(api: APIRequestContext): Promise<number> {
  const cat = await (await api.post('/api/orders/catalog', { data: {} })).json();
  const lax = cat.warehouses.find((w: any) => w.code === 'LAX1');
  const channel = cat.channels.find((c: any) => c.warehouse_id === lax.id && c.code === 'DHL_EXP');
  const sku = (code: string) => cat.skus.find((s: any) => s.warehouse_id === lax.id && s.code === code).id;
  const draft = {
    warehouse_id: lax.id,
    business_type_id: channel.business_type_id,
    channel_id: channel.id,
    recipient: { name: 'Rosa Diaz', phone: '+1 718 555 0199', country: 'US', state: 'NY', city: 'Brooklyn', address1: '99 Nostrand Ave', postal_code: '11205' },
    lines: [{ sku_id: sku(MUG.code), quantity: 2 }, { sku_id: sku(TOWEL.code), quantity: 1 }],
  };
  const saved = await api.post('/api/orders/save', { data: { id: null, draft } });
  expect(saved.status()).toBe(200);
  const id = await saved.json();
  expect((await api.post('/api/orders/submit', { data: { id } })).status()).toBe(200);
  return id;
}

async function trackingWhenReady(api: APIRequestContext, id: number): Promise<string> {
  let detail: any;
  await expect.poll(async () => {
    detail = await (await api.post('/api/orders/get', { data: { id } })).json();
    return detail.label_status;
  }, { timeout: 30_000 }).toBe('Ready');
  return detail.draft.tracking_no;
}

test('a warehouse user takes a Submitted order to Shipped on a phone, scans queued while offline', async ({ page, browser }) => {
  await login(page, MERCHANT);
  const id = await submittedOrder(page.request);
  const orderNo = `DD${String(id).padStart(8, '0')}`;

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const floor = await phone.newPage();
  await login(floor, WAREHOUSE);
  await expect(floor.locator('.floor-wh')).toHaveText('LAX1');
  await screenshot(floor, 'floor-home-phone');

  // Waves: filter by channel, the preview shows the order, create the wave.
  await floor.getByRole('link', { name: 'Waves', exact: true }).click();
  await hydrated(floor);
  await floor.getByLabel('Channel').selectOption({ label: 'DHL_EXP (DHL Express)' });
  await expect(floor.locator('[data-order]')).toHaveCount(1);
  await expect(floor.locator(`[data-order="${orderNo}"]`)).toBeVisible();
  await screenshot(floor, 'floor-waves-phone');
  await floor.getByRole('button', { name: 'Create wave (1 order)' }).click();
  await floor.waitForURL(/\/floor\/waves\/\d+$/);
  await hydrated(floor);
  const waveId = Number(floor.url().split('/').pop());

  // Pick: judged in the browser from the loaded sheet.
  await expect(floor.getByTestId('pick-count')).toHaveText('0/3 picked');
  const banner = floor.locator('.scan-feedback');
  await scan(floor, MUG.barcode);
  await expect(banner).toHaveText(`Scan the bin first: ${MUG.code} is in bin ${MUG.bin}`);
  await expect(banner).toHaveClass(/err/);
  await scan(floor, MUG.bin);
  await expect(banner).toHaveClass(/ok/);
  const wrongMs = await timedScan(floor, TOWEL.barcode);
  await expect(banner).toHaveText(`Wrong SKU for bin ${MUG.bin}: ${TOWEL.code} belongs in bin ${TOWEL.bin}`);
  await expect(banner).toHaveClass(/err/);
  await screenshot(floor, 'floor-pick-wrong-sku-phone');
  const okMs = await timedScan(floor, MUG.barcode);
  await expect(floor.getByTestId('pick-count')).toHaveText('1/3 picked');
  console.log(`scan-to-feedback: wrong SKU ${wrongMs.toFixed(1)} ms, good scan ${okMs.toFixed(1)} ms`);

  // Wi-Fi drops mid-pick: scans still count on screen and wait in the queue.
  await expect(floor.locator('.syncing-banner')).toHaveCount(0);
  await phone.setOffline(true);
  await scan(floor, MUG.barcode);
  await expect(floor.getByText('Offline — 1 scan(s) queued')).toBeVisible();
  await scan(floor, TOWEL.bin);
  await scan(floor, TOWEL.barcode);
  await expect(floor.getByText('Offline — 2 scan(s) queued')).toBeVisible();
  await expect(floor.getByTestId('pick-count')).toHaveText('3/3 picked');
  await screenshot(floor, 'floor-pick-offline-phone');
  await phone.setOffline(false);
  await expect(floor.locator('.offline-banner')).toHaveCount(0, { timeout: 15_000 });
  await expect(floor.locator('.syncing-banner')).toHaveCount(0, { timeout: 15_000 });
  // The server applied each queued scan exactly once.
  const sheet = await (await floor.request.post('/api/floor/waves/pick-sheet', { data: { wave: waveId } })).json();
  const picked = Object.fromEntries(sheet.lines.map((l: any) => [l.sku_code, l.picked]));
  expect(picked).toEqual({ [MUG.code]: 2, [TOWEL.code]: 1 });
  await floor.getByRole('button', { name: 'Complete pick' }).click();
  await expect(floor.getByText('Wave complete: 1 order(s) picked')).toBeVisible();

  // Pack: scan the order, verify items (a wrong one is flagged), weigh, label, packed.
  const tracking = await trackingWhenReady(page.request, id);
  await floor.getByRole('link', { name: 'Pack', exact: true }).click();
  await hydrated(floor);
  await scan(floor, orderNo);
  const packCard = floor.locator(`section.pack-order[data-order="${orderNo}"]`);
  await expect(packCard).toBeVisible();
  await scan(floor, CANDLE_BARCODE);
  await expect(banner).toHaveText(`Wrong item: ${CANDLE_BARCODE} is not in this order`);
  await expect(floor.getByRole('button', { name: 'Mark packed' })).toBeDisabled();
  await scan(floor, MUG.barcode);
  await scan(floor, TOWEL.barcode);
  await expect(floor.locator('.pack-problems')).toHaveText(`Missing 1 × ${MUG.code}`);
  await scan(floor, MUG.barcode);
  await expect(banner).toHaveText('All items verified');
  await expect(packCard.getByRole('link', { name: 'Print label' })).toHaveAttribute('href', `/api/floor/orders/${id}/label`);
  await floor.getByLabel('Weight in kg').fill('1.4');
  await screenshot(floor, 'floor-pack-phone');
  await floor.getByRole('button', { name: 'Mark packed' }).click();
  await expect(floor.getByText(`${orderNo} packed`)).toBeVisible();

  // Ship: scan the tracking number at handover; it moves to the manifest.
  await floor.getByRole('link', { name: 'Ship', exact: true }).click();
  await hydrated(floor);
  await expect(floor.locator(`[data-tracking="${tracking}"]`)).toBeVisible();
  await scan(floor, 'NOT-A-PARCEL');
  await expect(banner).toHaveText('NOT-A-PARCEL is not a packed parcel of this warehouse');
  await scan(floor, tracking);
  await expect(banner).toHaveText(`Handed over ${tracking}`);
  await expect(floor.locator('[data-carrier="DHL Express"]')).toContainText(tracking);
  await screenshot(floor, 'floor-ship-phone');

  // Stock page shows the levels at phone size.
  await floor.getByRole('link', { name: 'Stock', exact: true }).click();
  await hydrated(floor);
  await floor.locator(`[data-sku="${MUG.code}"]`).click();
  await expect(floor.getByRole('radio', { name: 'Receive' })).toBeVisible();
  await screenshot(floor, 'floor-stock-phone');
  const overflow = await floor.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await phone.close();

  // The merchant sees Shipped on the order page (hydrated, with the carrier's scans) and in the
  // list, and can no longer intercept.
  await page.goto(`/orders/${id}`);
  await hydrated(page);
  await expect(page.locator('.page-head .badge')).toHaveText('Shipped');
  await expect(page.getByRole('button', { name: 'Intercept' })).toBeDisabled();
  await expect(page.locator('table.tracking')).toContainText('Label created');
  await page.goto('/orders?status=shipped');
  await hydrated(page);
  const row = page.locator('tr', { hasText: orderNo });
  await expect(row.locator('.badge')).toHaveText('Shipped');
  await expect(row.getByRole('button', { name: 'Intercept' })).toHaveCount(0);
  const res = await page.request.post('/api/orders/intercept', { data: { id } });
  expect(res.status()).toBe(409);
});
