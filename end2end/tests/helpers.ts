import { test as base, expect, Page, Request } from '@playwright/test';

export const MERCHANT = 'merchant@demo.test';
export const WAREHOUSE = 'warehouse@demo.test';
export const ADMIN = 'admin@demo.test';
export const PASSWORD = 'demo1234';

/** Uncaught errors and Rust panics seen in any page the test waited on to hydrate. */
const pageErrors: string[] = [];
const watched = new WeakSet<Page>();

/** Every test fails if a page threw or panicked (a lazy route whose chunk did not load, a
 *  hydration mismatch), even when what the test looked at still came out right. */
export const test = base.extend<{ noPageErrors: void }>({
  noPageErrors: [async ({}, use) => {
    pageErrors.length = 0;
    await use();
    expect(pageErrors, 'errors thrown in the page').toEqual([]);
  }, { auto: true }],
});

/** Waits until the WASM has hydrated the page (frontend sets data-hydrated on <body>). */
export async function hydrated(page: Page) {
  if (!watched.has(page)) {
    watched.add(page);
    page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && m.text().includes('panicked')) pageErrors.push(`${page.url()}: ${m.text()}`);
    });
  }
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1, { timeout: 30_000 });
}

export async function login(page: Page, email: string) {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(email === WAREHOUSE ? '**/floor' : email === ADMIN ? '**/admin/users' : '**/orders');
  await hydrated(page);
}

/** Records every request to the server's API, to prove a step made none. */
export function apiRequests(page: Page): Request[] {
  const seen: Request[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith('/api/')) seen.push(r);
  });
  return seen;
}

/** A small but complete PDF (correct xref offsets), built here so the test owns its input. */
export function minimalPdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 288 432] /Contents 4 0 R /Resources << >> >>',
  ];
  const stream = 'BT /F1 12 Tf 20 400 Td (TEST LABEL) Tj ET';
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  offsets.push(body.length);
  body += `4 0 obj\n<< /Length ${stream.length} >>\nstream\n${stream}\nendstream\nendobj\n`;
  const xref = body.length;
  body += `xref\n0 5\n0000000000 65535 f \n`;
  for (const off of offsets) body += `${String(off).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `../target/e2e-screens/${name}.png`, fullPage: true });
}
