import { expect, Locator, Page } from '@playwright/test';
import { apiRequests, hydrated, login, MERCHANT, screenshot, test } from './helpers';

// The platform-order pages, driven as a merchant would. The orders come from the in-process
// sandbox Shopify store (demo shop acme-demo.myshopify.com), imported by the first auto sync.
// Every test picks the orders it needs from the data at runtime (by status, kind and SKUs) and
// fails with a clear message when the demo shop has none that fit.

const WAREHOUSE_LABEL = 'LAX1 — Los Angeles, CA';
const USPS_LABEL = 'USPS_GA — USPS (Ground Advantage)';
const POSTER = 'ACME-POSTER-A2';
const BATCH_SELF_PICKUP = 'Batch dispatch cannot use a self-pickup channel; dispatch these orders one at a time with their labels';
const notMapped = (sku: string) => `SKU [${sku}] not mapped to a warehouse SKU`;

interface Line {
  line_id: number;
  platform_sku: string;
  title: string;
  quantity: number;
  fulfillable_quantity: number;
  requires_shipping: boolean;
  warehouse_sku: string | null;
  accepted_quantity: number | null;
  reject_reason: string;
}

interface Summary {
  id: number;
  order_no: string;
  kind: 'B2C' | 'B2B';
  status: string;
  exception: string;
}

interface Detail {
  summary: Summary;
  lines: Line[];
  recipient: Record<'name' | 'phone' | 'country' | 'state' | 'city' | 'address1' | 'postal_code', string>;
}

interface AckLine {
  line_id: number;
  platform_sku: string;
  ordered: number;
  warehouse_sku: string | null;
  available: number;
}

async function post<T>(page: Page, path: string, data: unknown): Promise<T> {
  const res = await page.request.post(path, { data });
  expect(res.ok(), `${path} answered ${res.status()}: ${await res.text()}`).toBeTruthy();
  return res.json();
}

/** Every platform order of the merchant with its lines, once the first sync has imported them. */
async function platformOrders(page: Page): Promise<Detail[]> {
  await expect.poll(async () => {
    const tasks = await post<{ status: string; counts: { created: number } }[]>(page, '/api/platform/sync-log', { store_id: null });
    return tasks.some((t) => t.status === 'Done' && t.counts.created > 0);
  }, { message: 'the first auto sync should import the demo shop', timeout: 20_000 }).toBe(true);
  const summaries: Summary[] = [];
  let before: number | null = null;
  do {
    const chunk: { orders: Summary[]; next_before_id: number | null } =
      await post(page, '/api/platform/orders', { query: { kind: null, limit: 200, before_id: before } });
    summaries.push(...chunk.orders);
    before = chunk.next_before_id;
  } while (before !== null);
  return Promise.all(summaries.map((s) => post<Detail>(page, '/api/platform/orders/get', { id: s.id })));
}

/** Lines that ship (a B2C order ships what is still fulfillable). */
const shippable = (d: Detail) => d.lines.filter((l) => l.requires_shipping && l.fulfillable_quantity > 0);
/** Platform SKUs of shippable lines without a warehouse SKU, in line order. */
const unmapped = (d: Detail) => [...new Set(shippable(d).filter((l) => l.warehouse_sku === null).map((l) => l.platform_sku))];
const pendingB2C = (orders: Detail[]) => orders.filter((d) => d.summary.kind === 'B2C' && d.summary.status === 'Pending');
/** Dispatchable as it stands: something to ship and every shippable SKU mapped. */
const fullyMapped = (d: Detail) => shippable(d).length > 0 && unmapped(d).length === 0;
/** The recipient fields a US dispatch needs are all there (one demo customer has no phone). */
const fullAddress = (d: Detail) => (['name', 'phone', 'state', 'city', 'address1', 'postal_code'] as const).every((f) => d.recipient[f].trim() !== '');

function need<T>(value: T | undefined, what: string): T {
  expect(value, `the demo shop should have ${what}`).toBeTruthy();
  return value as T;
}

async function warehouseSkuCodes(page: Page): Promise<Set<string>> {
  const cat = await post<{ warehouses: { id: number; code: string }[]; skus: { code: string; warehouse_id: number }[] }>(page, '/api/orders/catalog', {});
  const lax = need(cat.warehouses.find((w) => w.code === 'LAX1'), 'warehouse LAX1');
  return new Set(cat.skus.filter((s) => s.warehouse_id === lax.id).map((s) => s.code));
}

async function openOrders(page: Page, kind: 'b2c' | 'b2b' = 'b2c') {
  await page.goto(kind === 'b2b' ? '/platform-orders?kind=b2b' : '/platform-orders');
  await hydrated(page);
  await expect(page.locator('tr[data-order-no]').first()).toBeVisible();
}

/** A dialog is fixed to the viewport: a full-page shot would show it small, somewhere down the list. */
async function dialogScreenshot(page: Page, name: string) {
  await page.screenshot({ path: `../target/e2e-screens/${name}.png` });
}

const row = (page: Page, orderNo: string) => page.locator(`tr[data-order-no="${orderNo}"]`);

/** Clicks a row's action button and returns the dialog it opens. */
async function openDialog(page: Page, orderNo: string, action: string, title: string): Promise<Locator> {
  await row(page, orderNo).locator(`[data-action="${action}"]`).click();
  const dialog = page.getByRole('dialog', { name: title });
  await expect(dialog).toBeVisible();
  return dialog;
}

/** Warehouse LAX1 and channel USPS_GA in the dispatch dialog (its form shows once the catalog is in). */
async function chooseLaxUsps(dialog: Locator) {
  await dialog.locator('#dispatch-warehouse').selectOption({ label: WAREHOUSE_LABEL });
  await dialog.locator('#dispatch-channel').selectOption({ label: USPS_LABEL });
}

/** Binds a platform SKU in the dispatch dialog with the SKU picker. */
async function bind(dialog: Locator, platformSku: string, code: string) {
  const line = dialog.locator(`tr[data-platform-sku="${platformSku}"]`);
  await expect(line.locator('[data-not-mapped]')).toHaveText('Not Mapped');
  await line.getByLabel(`Warehouse SKU for ${platformSku}`).fill(code);
  await line.getByRole('button', { name: `Choose ${code}`, exact: true }).click();
  await expect(line.locator(`[data-chosen="${code}"]`)).toBeVisible();
}

test('Order Number Sync from the Stores page: the log shows what it fetched', async ({ page }) => {
  await login(page, MERCHANT);
  const orders = await platformOrders(page);
  // Pending orders have never been written back, so fetching them again changes nothing.
  const pending = orders.filter((d) => d.summary.status === 'Pending').map((d) => d.summary.order_no).sort();
  expect(pending.length, 'the demo shop should have two Pending orders').toBeGreaterThanOrEqual(2);
  const numbers = pending.slice(0, 2);

  await page.goto('/stores');
  await hydrated(page);
  const store = page.locator('tr[data-store-id]', { hasText: 'acme-demo.myshopify.com' });
  await expect(store.getByRole('switch')).toBeChecked();
  await store.locator('[data-action="test"]').click();
  await expect(store.locator('[data-test-result="ok"]')).toContainText('Connected:');
  await screenshot(page, 'platform-stores');

  await store.locator('[data-action="sync"]').click();
  const dialog = page.getByRole('dialog', { name: 'Manual Sync' });
  await expect(dialog).toContainText('acme-demo.myshopify.com');
  await dialog.getByRole('radio', { name: /Order Number Sync/ }).check();
  // Nothing typed: the browser refuses before sending.
  await dialog.locator('[data-submit]').click();
  await expect(dialog.locator('[data-field="order_numbers"]')).toHaveText('Please enter at least one order number');
  await dialog.locator('#sync-numbers').fill(numbers.join(', '));
  await expect(dialog.getByText('2 order number(s)')).toBeVisible();
  await expect(dialog.locator('[data-field="order_numbers"]')).toHaveCount(0);
  await dialog.locator('[data-submit]').click();
  await expect(dialog).toBeHidden();
  const flash = page.locator('[data-flash="ok"]');
  await expect(flash).toContainText('Sync queued');

  await flash.getByRole('link', { name: 'Order Sync Log' }).click();
  await page.waitForURL('**/sync-log');
  await hydrated(page);
  // The log polls while the task is queued or running.
  const task = page.locator('tr[data-task-id]', { hasText: numbers.join(', ') });
  await expect(task).toHaveCount(1);
  await expect(task).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  await expect(task).toContainText('Order Number Sync');
  await expect(task.locator('[data-count="fetched"]')).toHaveText('2');
  await expect(task.locator('[data-count="created"]')).toHaveText('0');
  await expect(task.locator('[data-count="updated"]')).toHaveText('0');
  await expect(task.locator('[data-count="failed"]')).toHaveText('0');
  await expect(page.locator('[data-polling]')).toHaveCount(0);
  await screenshot(page, 'platform-sync-log');
  const sideways = await page.locator('table.sync-log').evaluate((t) => t.parentElement!.scrollWidth - t.parentElement!.clientWidth);
  expect(sideways, 'the sync log scrolls sideways on a desktop screen').toBeLessThanOrEqual(0);

  // On a phone each task is a card: every count is labelled and nothing sticks out.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(task.locator('[data-count="fetched"]')).toBeVisible();
  expect(await task.locator('[data-count="fetched"]').evaluate((td) => getComputedStyle(td, '::before').content)).toBe('"Fetched"');
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), 'page wider than the phone').toBeLessThanOrEqual(0);
  const card = await task.boundingBox();
  expect(card, 'task card').not.toBeNull();
  expect(card!.x + card!.width).toBeLessThanOrEqual(390);
  await screenshot(page, 'platform-sync-log-phone');
});

test('dispatch binds an unmapped SKU; the next order with that SKU needs no binding', async ({ page }) => {
  await login(page, MERCHANT);
  const orders = await platformOrders(page);
  const stocked = await warehouseSkuCodes(page);
  // Pending B2C orders whose only unmapped SKU is one LAX1 stocks, grouped by that SKU.
  const bySku = new Map<string, Detail[]>();
  for (const d of pendingB2C(orders)) {
    const missing = unmapped(d);
    if (missing.length === 1 && stocked.has(missing[0])) bySku.set(missing[0], [...(bySku.get(missing[0]) ?? []), d]);
  }
  const groups = [...bySku.entries()].filter(([, list]) => list.length >= 2).sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  const [sku, list] = need(groups[0], 'two Pending B2C orders whose only unmapped SKU is the same warehouse SKU');
  const [first, second] = list.map((d) => d.summary.order_no);

  await openOrders(page);
  let dialog = await openDialog(page, first, 'dispatch', 'Dispatch to Warehouse');
  await expect(dialog).toContainText(first);
  await chooseLaxUsps(dialog);
  await bind(dialog, sku, sku);
  await dialogScreenshot(page, 'platform-dispatch-dialog');
  await dialog.locator('[data-submit]').click();
  await expect(dialog).toBeHidden();
  const flash = page.locator('[data-flash="ok"]');
  await expect(flash).toContainText(`created for ${first}.`);
  await expect(flash.locator('[data-dropship-order]')).toHaveAttribute('href', /^\/orders\/\d+$/);
  await expect(row(page, first)).toHaveAttribute('data-status', 'processing');
  await expect(row(page, first).locator('.badge')).toHaveText('Processing');
  await expect(row(page, first)).toContainText(WAREHOUSE_LABEL.split(' — ')[1]);

  // The binding became the store's mapping: the second order shows the SKU, no picker.
  dialog = await openDialog(page, second, 'dispatch', 'Dispatch to Warehouse');
  await chooseLaxUsps(dialog);
  const line = dialog.locator(`tr[data-platform-sku="${sku}"]`);
  await expect(line.locator('td').last()).toHaveText(sku);
  await expect(line.locator('[data-not-mapped]')).toHaveCount(0);
  await expect(dialog.getByLabel(`Warehouse SKU for ${sku}`)).toHaveCount(0);
  await expect(dialog.locator('[data-not-mapped]')).toHaveCount(0);
  await dialog.locator('[data-submit]').click();
  await expect(dialog).toBeHidden();
  await expect(flash).toContainText(`created for ${second}.`);
  await expect(row(page, second)).toHaveAttribute('data-status', 'processing');

  await page.goto('/sku-mappings');
  await hydrated(page);
  const mapping = page.locator(`tr[data-mapping-id][data-platform-sku="${sku}"]`);
  await expect(mapping).toHaveCount(1);
  await expect(mapping.locator('[data-warehouse-sku]')).toHaveText(sku);
  await expect(mapping).toContainText('Acme Demo Store');
  await screenshot(page, 'platform-sku-mappings');
});

test('dispatch is refused while a line is left unbound; the order stays Pending', async ({ page }) => {
  await login(page, MERCHANT);
  const orders = await platformOrders(page);
  const stocked = await warehouseSkuCodes(page);
  const posters = pendingB2C(orders).filter((d) => unmapped(d).includes(POSTER));
  // Prefer one without a phone: the dialog then reports the address first, and the SKU once
  // the phone is typed in.
  const order = need(posters.find((d) => !fullAddress(d)) ?? posters[0], `a Pending B2C order with ${POSTER}`);
  const orderNo = order.summary.order_no;

  await openOrders(page);
  const dialog = await openDialog(page, orderNo, 'dispatch', 'Dispatch to Warehouse');
  await chooseLaxUsps(dialog);
  // Everything the warehouse stocks is bound; the poster is no warehouse SKU and stays unbound.
  for (const sku of unmapped(order).filter((s) => s !== POSTER)) {
    expect(stocked.has(sku), `${sku} should be a LAX1 SKU`).toBeTruthy();
    await bind(dialog, sku, sku);
  }
  const poster = dialog.locator(`tr[data-platform-sku="${POSTER}"]`);
  await expect(poster.locator('[data-not-mapped]')).toBeVisible();
  await poster.getByLabel(`Warehouse SKU for ${POSTER}`).fill(POSTER);
  await expect(poster.getByText('No warehouse SKU matches.')).toBeVisible();

  const requests = apiRequests(page);
  const error = dialog.locator('[data-dispatch-error]');
  await dialog.locator('[data-submit]').click();
  if (order.recipient.phone.trim() === '') {
    await expect(error).toHaveText('Recipient address is missing: Phone');
    // Messages follow the edits after the first attempt.
    await dialog.getByLabel('Phone').fill('+1 503 555 0147');
  } else {
    expect(fullAddress(order), `${orderNo} should have a complete address`).toBeTruthy();
  }
  await expect(error).toHaveText(notMapped(POSTER));
  await expect(dialog).toBeVisible();
  // The browser refused before sending.
  expect(requests.filter((r) => r.url().includes('/api/platform/dispatch')).length).toBe(0);

  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(row(page, orderNo)).toHaveAttribute('data-status', 'pending');
  const after = await post<Detail>(page, '/api/platform/orders/get', { id: order.summary.id });
  expect(after.summary.status).toBe('Pending');
  expect(unmapped(after)).toEqual(unmapped(order));
  expect(after.recipient.phone).toBe(order.recipient.phone);
});

test('batch dispatch: progress, a summary, and the one order that cannot go named with its reason', async ({ page }) => {
  await login(page, MERCHANT);
  const orders = await platformOrders(page);
  const candidates = pendingB2C(orders);
  const good = candidates.filter(fullyMapped).slice(0, 19);
  expect(good.length, 'the demo shop should have at least 4 Pending B2C orders with every SKU mapped').toBeGreaterThanOrEqual(4);
  // Batch dispatch cannot edit an address, so the bad order has a complete one.
  const bad = need(candidates.find((d) => unmapped(d).includes(POSTER) && fullAddress(d)), `a Pending B2C order with ${POSTER} and a complete address`);
  const reason = notMapped(POSTER);
  const selected = [...good, bad].map((d) => d.summary.order_no);
  const total = selected.length;

  // Its other unmapped SKUs are mapped first on the SKU Mapping page, so only the poster is left.
  const others = unmapped(bad).filter((s) => s !== POSTER);
  if (others.length > 0) {
    await page.goto('/sku-mappings');
    await hydrated(page);
    const form = page.getByRole('region', { name: 'Add mapping' });
    for (const sku of others) {
      await form.locator('#add-platform-sku').fill(sku);
      await form.locator('#add-warehouse-sku').fill(sku);
      await form.getByRole('button', { name: `Choose ${sku}`, exact: true }).click();
      await expect(form.locator(`[data-chosen="${sku}"]`)).toBeVisible();
      await form.locator('[data-submit]').click();
      await expect(page.locator('[data-flash="ok"]')).toHaveText(`Mapping saved: ${sku} → ${sku}.`);
      await expect(page.locator(`tr[data-platform-sku="${sku}"] [data-warehouse-sku]`)).toHaveText(sku);
      await expect(form.locator('#add-platform-sku')).toHaveValue('');
    }
  }

  await openOrders(page);
  const batchButton = page.locator('[data-action="batch_dispatch"]');
  await expect(batchButton).toBeDisabled();
  for (const no of selected) await page.getByRole('checkbox', { name: `Select ${no}`, exact: true }).check();
  await expect(batchButton).toHaveText(`Batch Dispatch to Warehouse (${total})`);
  await batchButton.click();
  const dialog = page.getByRole('dialog', { name: 'Batch Dispatch to Warehouse' });
  await expect(dialog).toContainText(`${total} order(s) selected:`);
  await expect(dialog.locator('.tag')).toHaveCount(total);

  // A self-pickup channel needs a label per order: refused here, nothing sent.
  const requests = apiRequests(page);
  await dialog.locator('#batch-warehouse').selectOption({ label: WAREHOUSE_LABEL });
  const pickup = dialog.locator('#batch-channel option[data-self-pickup="true"]').first();
  await dialog.locator('#batch-channel').selectOption(need(await pickup.getAttribute('value'), 'a self-pickup channel at LAX1'));
  await expect(dialog.getByText(BATCH_SELF_PICKUP)).toBeVisible();
  await dialog.locator('[data-submit]').click();
  await expect(dialog.locator('[data-field="channel"]')).toHaveText(BATCH_SELF_PICKUP);
  await expect(dialog.locator('li[data-result]')).toHaveCount(0);
  expect(requests.filter((r) => r.url().includes('/api/platform/dispatch-batch')).length).toBe(0);

  await dialog.locator('#batch-channel').selectOption({ label: USPS_LABEL });
  await expect(dialog.getByText(BATCH_SELF_PICKUP)).toHaveCount(0);
  await dialog.locator('[data-submit]').click();
  await expect(dialog.getByRole('progressbar', { name: 'Batch dispatch progress' })).toBeVisible();
  await expect(dialog.locator(`[data-progress="${total}/${total}"]`)).toBeVisible({ timeout: 30_000 });
  await expect(dialog.getByRole('status').filter({ hasText: 'Done' })).toHaveText(`Done — ${total} of ${total} sent.`);
  await expect(dialog.locator('[data-summary]')).toHaveText(`${total - 1} dispatched, 1 failed`);
  await expect(dialog.locator('li[data-result="ok"]')).toHaveCount(total - 1);
  const failed = dialog.locator('li[data-result="failed"]');
  await expect(failed).toHaveCount(1);
  await expect(failed).toHaveAttribute('data-order-no', bad.summary.order_no);
  await expect(failed).toContainText(reason);
  for (const d of good) await expect(dialog.locator(`li[data-result="ok"][data-order-no="${d.summary.order_no}"] a`)).toHaveAttribute('href', /^\/orders\/\d+$/);
  // Dispatched rows left the selection; the failed one is still selected.
  await expect(batchButton).toHaveText('Batch Dispatch to Warehouse (1)');
  await dialogScreenshot(page, 'platform-batch-results');

  await dialog.getByRole('button', { name: 'Close' }).last().click();
  await expect(dialog).toBeHidden();
  for (const d of good) await expect(row(page, d.summary.order_no)).toHaveAttribute('data-status', 'processing');
  const badRow = row(page, bad.summary.order_no);
  await expect(badRow).toHaveAttribute('data-status', 'pending');
  await expect(badRow).toHaveClass(/has-exception/);
  await expect(badRow.locator('[data-exception]')).toHaveText(reason);
});

test('manual ship: empty form refused in place, then the order is Manual Completed', async ({ page }) => {
  await login(page, MERCHANT);
  const orders = await platformOrders(page);
  const pending = pendingB2C(orders);
  // An order the dispatch tests cannot use (unmapped, no poster) if there is one.
  const order = need(
    pending.find((d) => shippable(d).length > 0 && !fullyMapped(d) && !unmapped(d).includes(POSTER)) ?? pending[0],
    'a Pending B2C order',
  ).summary.order_no;

  await openOrders(page);
  const requests = apiRequests(page);
  const dialog = await openDialog(page, order, 'manual_ship', 'Manual Ship');
  await dialog.locator('[data-submit]').click();
  await expect(dialog.locator('[data-field="tracking_no"]')).toHaveText('Please enter the tracking number');
  await expect(dialog.locator('[data-field="channel"]')).toHaveText('Please choose or type the shipping channel');
  expect(requests.filter((r) => r.url().includes('/api/platform/manual-ship')).length).toBe(0);

  await dialog.getByLabel('Tracking Number').fill('1Z999AA10123456784');
  await expect(dialog.locator('[data-field="tracking_no"]')).toHaveCount(0);
  await dialog.getByLabel('Shipping Channel').fill('UPS');
  await dialog.getByLabel('Service Type').fill('Ground');
  await expect(dialog.locator('.field-error')).toHaveCount(0);
  await dialog.locator('[data-submit]').click();
  await expect(dialog).toBeHidden();
  await expect(page.locator('[data-flash="ok"]')).toHaveText(`${order}: shipment written back to the store — now Manual Completed.`);
  await expect(row(page, order)).toHaveAttribute('data-status', 'manual_completed');
  await expect(row(page, order).locator('.badge')).toHaveText('Manual Completed');
  await expect(row(page, order).locator('[data-action="manual_ship"]')).toBeDisabled();
  await expect(row(page, order).locator('[data-action="dispatch"]')).toBeDisabled();
});

test('B2B partial accept needs a reason per short line; Details shows what was accepted', async ({ page }) => {
  await login(page, MERCHANT);
  const orders = await platformOrders(page);
  const cat = await post<{ warehouses: { id: number; code: string }[] }>(page, '/api/orders/catalog', {});
  const lax = need(cat.warehouses.find((w) => w.code === 'LAX1'), 'warehouse LAX1');
  // A Pending B2B order with a mapped line LAX1 can ship more than one unit of.
  let pick: { order: Detail; lines: AckLine[]; line: AckLine } | undefined;
  for (const d of orders.filter((o) => o.summary.kind === 'B2B' && o.summary.status === 'Pending')) {
    const lines = await post<AckLine[]>(page, '/api/platform/ack-lines', { id: d.summary.id, warehouse_id: lax.id });
    const line = lines.find((l) => l.warehouse_sku !== null && l.ordered >= 2 && l.available >= l.ordered);
    if (line) {
      pick = { order: d, lines, line };
      break;
    }
  }
  const { order, lines, line } = need(pick, 'a Pending B2B order with a mapped line in stock at LAX1');
  const orderNo = order.summary.order_no;
  const accepted = line.ordered - 1;

  await openOrders(page, 'b2b');
  await expect(page.locator('a.tab[data-kind="b2b"]')).toHaveAttribute('aria-current', 'page');
  await expect(row(page, orderNo).locator('[data-action="dispatch"]')).toBeDisabled();
  const requests = apiRequests(page);
  const dialog = await openDialog(page, orderNo, 'acknowledge', 'Acknowledge');
  await dialog.locator('#ack-warehouse').selectOption({ label: WAREHOUSE_LABEL });
  await expect(dialog.locator('tr[data-line-id]')).toHaveCount(lines.length);
  const lineRow = dialog.locator(`tr[data-line-id="${line.line_id}"]`);
  await expect(lineRow.locator('[data-available]')).toHaveText(String(line.available));
  await lineRow.getByLabel(`Accepted quantity of ${line.platform_sku}`).fill(String(accepted));

  // No reason for the rejected unit: refused in the dialog, nothing sent.
  await dialog.locator('[data-ack="partial"]').click();
  await expect(lineRow.locator('.field-error')).toHaveText('Please give a reason for the rejected quantity');
  expect(requests.filter((r) => r.url().includes('/api/platform/acknowledge')).length).toBe(0);
  await dialogScreenshot(page, 'platform-ack-dialog');

  // Every short line gets its reason (unmapped lines have nothing in stock, so they are short too).
  const reason = 'Customer agreed to one fewer';
  const reasons = new Map<number, string>();
  for (const l of lines) {
    const short = l.line_id === line.line_id || l.available < l.ordered;
    if (!short) continue;
    const text = l.line_id === line.line_id ? reason : 'Not stocked in this warehouse';
    reasons.set(l.line_id, text);
    await dialog.getByLabel(`Reason for ${l.platform_sku}`).fill(text);
  }
  await expect(dialog.locator('tr[data-line-id] .field-error')).toHaveCount(0);
  await dialog.locator('[data-ack="partial"]').click();
  await expect(dialog).toBeHidden();
  const flash = page.locator('[data-flash="ok"]');
  await expect(flash).toContainText(`${orderNo} acknowledged:`);
  await expect(row(page, orderNo)).toHaveAttribute('data-status', 'acknowledged');
  await expect(row(page, orderNo).locator('.badge')).toHaveText('Acknowledged');
  await expect(row(page, orderNo).locator('[data-action="dispatch"]')).toBeEnabled();

  const details = await openDialog(page, orderNo, 'details', 'Details');
  await details.getByRole('tab', { name: 'Item Details' }).click();
  const item = details.locator(`tr[data-platform-sku="${line.platform_sku}"]`);
  const cells = item.locator('td');
  await expect(cells.nth(5)).toHaveText(String(accepted));
  await expect(cells.nth(6)).toHaveText(reason);
  for (const l of lines.filter((x) => x.line_id !== line.line_id && reasons.has(x.line_id))) {
    await expect(details.locator(`tr[data-platform-sku="${l.platform_sku}"] td`).nth(6)).toHaveText(reasons.get(l.line_id)!);
  }
});

test('Details: five tabs; an unmapped line shows Not Mapped; History shows the refused dispatch', async ({ page }) => {
  await login(page, MERCHANT);
  const orders = await platformOrders(page);
  const order = need(
    pendingB2C(orders).find((d) => fullAddress(d) && unmapped(d).length > 0 && shippable(d).some((l) => l.warehouse_sku !== null)),
    'a Pending B2C order with a full address, a mapped and an unmapped line',
  );
  const orderNo = order.summary.order_no;
  // A dispatch without binding the unmapped SKU is refused, and the refusal is kept on the order.
  const catalog = await post<{ warehouses: { id: number; code: string }[]; channels: { id: number; code: string; warehouse_id: number }[] }>(page, '/api/orders/catalog', {});
  const lax = need(catalog.warehouses.find((w) => w.code === 'LAX1'), 'LAX1');
  const usps = need(catalog.channels.find((c) => c.code === 'USPS_GA' && c.warehouse_id === lax.id), 'USPS_GA at LAX1');
  const refused = await page.request.post('/api/platform/dispatch', {
    data: { id: order.summary.id, request: { warehouse_id: lax.id, channel_id: usps.id, recipient: null, bindings: {}, label: null, tracking_no: '' } },
  });
  expect(refused.status()).toBe(409);

  await openOrders(page);
  await screenshot(page, 'platform-orders-desktop');
  const dialog = await openDialog(page, orderNo, 'details', 'Details');
  await expect(dialog.locator('.dialog-sub')).toHaveText(orderNo);
  const tabs = dialog.getByRole('tab');
  await expect(tabs).toHaveText(['Basic Info', 'Payment Info', 'Recipient Info', 'Item Details', 'History']);
  const panel = dialog.getByRole('tabpanel');
  await expect(dialog.getByRole('tab', { name: 'Basic Info' })).toHaveAttribute('aria-selected', 'true');
  await expect(panel).toContainText(orderNo);
  await expect(panel).toContainText('Pending');
  await expect(panel).toContainText('Acme Demo Store');

  await dialog.getByRole('tab', { name: 'Payment Info' }).click();
  await expect(dialog.getByRole('tab', { name: 'Payment Info' })).toHaveAttribute('aria-selected', 'true');
  await expect(panel).toHaveAttribute('data-tab', 'payment');
  await expect(panel.locator('[data-total]')).toHaveText(/\d/);

  await dialog.getByRole('tab', { name: 'Recipient Info' }).click();
  await expect(panel).toContainText(order.recipient.name);
  await expect(panel).toContainText(order.recipient.city);

  await dialog.getByRole('tab', { name: 'Item Details' }).click();
  for (const l of order.lines) {
    const line = panel.locator(`tr[data-platform-sku="${l.platform_sku}"]`);
    if (l.warehouse_sku === null) await expect(line.locator('[data-not-mapped]')).toHaveText('Not Mapped');
    else await expect(line).toContainText(l.warehouse_sku);
  }

  await dialog.getByRole('tab', { name: 'History' }).click();
  // Refusing again for the same reason changes nothing, so it adds no second entry.
  const entry = panel.locator('tr.audit-row').filter({ hasText: 'Exception' });
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText('Alice Chen');
  await expect(entry.locator('.change-after')).toContainText(notMapped(unmapped(order)[0]));
  await dialogScreenshot(page, 'platform-details-history');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('platform orders at phone size: nothing sticks out, the dispatch dialog fits', async ({ browser }) => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await phone.newPage();
  await login(page, MERCHANT);
  const orders = await platformOrders(page);
  const order = need(pendingB2C(orders).find((d) => unmapped(d).length > 0), 'a Pending B2C order with an unmapped line');
  await openOrders(page);
  await screenshot(page, 'platform-orders-phone');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'page body wider than the phone').toBeLessThanOrEqual(0);

  const dialog = await openDialog(page, order.summary.order_no, 'dispatch', 'Dispatch to Warehouse');
  await dialog.locator('#dispatch-warehouse').selectOption({ label: WAREHOUSE_LABEL });
  const picker = dialog.getByLabel(`Warehouse SKU for ${unmapped(order)[0]}`);
  await expect(picker).toBeVisible();
  // The item lines stack as cards, so the SKU picker is on screen without sideways scrolling.
  const pickerBox = await picker.boundingBox();
  expect(pickerBox, 'picker box').not.toBeNull();
  expect(pickerBox!.x).toBeGreaterThanOrEqual(0);
  expect(pickerBox!.x + pickerBox!.width).toBeLessThanOrEqual(390);
  const box = await dialog.boundingBox();
  expect(box, 'dialog box').not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(390);
  const inner = await dialog.evaluate((el) => el.scrollWidth - el.clientWidth);
  expect(inner, 'dialog content wider than the dialog').toBeLessThanOrEqual(0);
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await dialog.locator('[data-submit]').scrollIntoViewIfNeeded();
  await expect(dialog.locator('[data-submit]')).toBeInViewport();
  await dialogScreenshot(page, 'platform-dispatch-dialog-phone');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await phone.close();
});
