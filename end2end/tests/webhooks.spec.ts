import { expect, test, Locator, Page } from '@playwright/test';
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { hydrated, login, MERCHANT, screenshot } from './helpers';

// The Webhooks settings page, driven as a merchant would, against a real receiver: a small
// HTTP server started here on a free loopback port (the e2e server allows private targets,
// see start-server.sh). The receiver checks every signature with the secret the page showed.

interface Hit {
  event: string;
  signature: string;
  body: string;
}

interface TestReceiver {
  url: string;
  hits: Hit[];
  answer(status: number): void;
  close(): Promise<void>;
}

async function startReceiver(): Promise<TestReceiver> {
  const hits: Hit[] = [];
  let status = 200;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({
        event: String(req.headers['dropdock-event'] ?? ''),
        signature: String(req.headers['dropdock-signature'] ?? ''),
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end(status < 300 ? 'thanks' : 'receiver is down');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/dropdock/webhooks`,
    hits,
    answer: (s) => { status = s; },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What a merchant's receiver does: HMAC-SHA256 of "t.body" with the secret, constant-time compare. */
function signatureValid(secret: string, header: string, body: string): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isFinite(t) || Math.abs(Date.now() / 1000 - t) > 300 || !parts.v1) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const deliveryRows = (page: Page) => page.locator('table.deliveries tr[data-delivery-id]');

async function openWebhooks(page: Page) {
  await page.goto('/orders');
  await hydrated(page);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Webhooks' }).click();
  await page.waitForURL('**/settings/webhooks');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();
}

test('add an endpoint, see its secret once, send a test, watch it succeed, fail and re-send', async ({ page }) => {
  const receiver = await startReceiver();
  try {
    await login(page, MERCHANT);
    await openWebhooks(page);

    // Add Endpoint: the form checks the URL in the browser first.
    await page.getByRole('button', { name: 'Add Endpoint' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add Endpoint' });
    await dialog.getByLabel('Endpoint URL').fill('ftp://example.com/hook');
    await dialog.locator('[data-submit]').click();
    await expect(dialog.locator('[data-field="url"]')).toHaveText('The URL must start with https:// or http://');
    await dialog.getByLabel('Endpoint URL').fill(receiver.url);
    await dialog.getByLabel('Description').fill('Playwright receiver');
    await dialog.getByRole('button', { name: 'Clear' }).click();
    await dialog.locator('[data-submit]').click();
    await expect(dialog.locator('[data-field="event_types"]')).toHaveText('Choose at least one event');
    await dialog.getByRole('button', { name: 'Select all' }).click();
    await expect(dialog.getByRole('checkbox', { name: /order\.shipped/ })).toBeChecked();
    // Once Add was pressed, the rules run again on every change: the put-right error goes.
    await expect(dialog.locator('[data-field="event_types"]')).toHaveCount(0);
    await page.screenshot({ path: '../target/e2e-screens/webhooks-add-desktop.png' });
    await dialog.locator('[data-submit]').click();

    // The signing secret, this once.
    const secretField = dialog.locator('[data-secret]');
    await expect(secretField).toHaveValue(/^whsec_[0-9a-f]{64}$/);
    const secret = await secretField.inputValue();
    await expect(dialog.getByText('this is the only time the secret is shown', { exact: false })).toBeVisible();
    await page.screenshot({ path: '../target/e2e-screens/webhooks-secret-desktop.png' });
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect(dialog).toBeHidden();

    const endpoint = page.locator(`table.endpoints tr[data-url="${receiver.url}"]`);
    await expect(endpoint).toContainText('Playwright receiver');
    await expect(endpoint.locator('.tag')).toHaveCount(7);
    await page.reload();
    await hydrated(page);
    expect(await page.content(), 'the secret is never shown again').not.toContain(secret);

    // Send test → the receiver gets a signed ping, the log shows 200.
    await endpoint.getByRole('button', { name: 'Send test' }).click();
    await expect(page.locator('[data-flash="ok"]')).toContainText('Test event queued');
    const ping = page.locator('table.deliveries tr[data-event="ping"]').first();
    await expect(ping).toHaveAttribute('data-status', 'succeeded', { timeout: 15_000 });
    await expect(ping.locator('td[data-label="Response"]')).toHaveText('200');
    await expect(ping.locator('td[data-label="Attempts"]')).toHaveText('1');
    // Only pings count: orders of earlier tests may still be getting labels (order.label_ready).
    const pings = () => receiver.hits.filter((h) => h.event === 'ping');
    expect(pings()).toHaveLength(1);
    expect(signatureValid(secret, pings()[0].signature, pings()[0].body)).toBe(true);
    expect(signatureValid('whsec_wrong', pings()[0].signature, pings()[0].body)).toBe(false);

    // The receiver breaks; Re-send → one more POST, answered 500: Failed with the code.
    receiver.answer(500);
    await ping.getByRole('button', { name: 'Re-send' }).click();
    await expect(ping).toHaveAttribute('data-status', 'failed', { timeout: 15_000 });
    await expect(ping.locator('td[data-label="Response"]')).toHaveText('500');
    await expect(ping.locator('td[data-label="Attempts"]')).toHaveText('2');
    expect(pings()).toHaveLength(2);
    expect(signatureValid(secret, pings()[1].signature, pings()[1].body)).toBe(true);

    // Details: the exact body sent, the answer, every attempt.
    await ping.getByRole('button', { name: 'Details' }).click();
    const detail = page.locator(`tr.delivery-detail[data-detail-for="${await ping.getAttribute('data-delivery-id')}"]`);
    await expect(detail.locator('[data-request-body]')).toContainText('"type": "ping"');
    await expect(detail.locator('[data-response]')).toHaveText('receiver is down');
    await expect(detail.locator('li[data-attempt]')).toHaveCount(2);
    await expect(detail).toContainText('HTTP 500');
    await screenshot(page, 'webhooks-desktop');
    const sideways = await page.locator('table.deliveries').evaluate((t) => t.parentElement!.scrollWidth - t.parentElement!.clientWidth);
    expect(sideways, 'the delivery log scrolls sideways on a desktop screen').toBeLessThanOrEqual(0);

    // Edit: only shipped orders from now on.
    await endpoint.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Endpoint' });
    await edit.getByRole('button', { name: 'Clear' }).click();
    await edit.getByRole('checkbox', { name: /order\.shipped/ }).check();
    await edit.getByRole('button', { name: 'Save' }).click();
    await expect(edit).toBeHidden();
    await expect(endpoint.locator('.tag')).toHaveText(['order.shipped']);
  } finally {
    await receiver.close();
  }
});

test('webhooks at phone size: endpoints and deliveries stack, nothing sticks out', async ({ browser }) => {
  const receiver = await startReceiver();
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await phone.newPage();
  try {
    await login(page, MERCHANT);
    await page.goto('/settings/webhooks');
    await hydrated(page);
    await page.getByRole('button', { name: 'Add Endpoint' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add Endpoint' });
    await dialog.getByLabel('Endpoint URL').fill(receiver.url + '/phone');
    await dialog.locator('[data-submit]').click();
    await expect(dialog.locator('[data-secret]')).toHaveValue(/^whsec_/);
    await page.screenshot({ path: '../target/e2e-screens/webhooks-secret-phone.png' });
    await dialog.getByRole('button', { name: 'Done' }).click();
    const endpoint: Locator = page.locator(`table.endpoints tr[data-url="${receiver.url}/phone"]`);
    await endpoint.getByRole('button', { name: 'Send test' }).click();
    const row = deliveryRows(page).filter({ hasText: '/phone' }).first();
    await expect(row).toHaveAttribute('data-status', 'succeeded', { timeout: 15_000 });
    await row.getByRole('button', { name: 'Details' }).click();
    await expect(page.locator('tr.delivery-detail [data-request-body]').first()).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, 'page body wider than the phone').toBeLessThanOrEqual(0);
    const box = await row.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    await screenshot(page, 'webhooks-phone');
  } finally {
    await phone.close();
    await receiver.close();
  }
});
