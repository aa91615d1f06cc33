// `make bench` part 2: cold page loads in headless Chromium at a phone viewport with 4x CPU
// throttling (CDP). Time to interactive = navigation start until the WASM has hydrated the page
// (body[data-hydrated]); transferred bytes = sum of encoded response sizes.
// Usage: node bench/pageload.mjs http://127.0.0.1:3200 > ../target/bench/pageload.json
import { chromium } from '@playwright/test';

const base = process.argv[2] ?? 'http://127.0.0.1:3200';
const RUNS = 5;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

async function sessionCookie(email) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password: 'demo1234' }),
  });
  const cookie = res.headers.get('set-cookie') ?? '';
  const [name, value] = cookie.split(';')[0].split('=');
  return { name, value, domain: new URL(base).hostname, path: '/' };
}

async function measure(path, email) {
  const cookie = await sessionCookie(email);
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    // A new context each run: empty cache, like a first visit.
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await context.addCookies([cookie]);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    let bytes = 0;
    cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
    const start = Date.now();
    await page.goto(base + path, { waitUntil: 'commit' });
    await page.waitForSelector('body[data-hydrated="true"]', { timeout: 60_000 });
    const tti = Date.now() - start;
    await page.waitForLoadState('networkidle');
    runs.push({ tti_ms: tti, transferred_bytes: bytes });
    await context.close();
  }
  runs.sort((a, b) => a.tti_ms - b.tti_ms);
  const median = runs[Math.floor(runs.length / 2)];
  return { path, runs: RUNS, tti_ms_median: median.tti_ms, transferred_bytes: median.transferred_bytes };
}

const results = [
  await measure('/orders', 'merchant@demo.test'),
  await measure('/orders/new', 'merchant@demo.test'),
  await measure('/floor', 'warehouse@demo.test'),
  // The seed's wave 1 (one order): the floor pick page.
  await measure('/floor/waves/1', 'warehouse@demo.test'),
];
await browser.close();
console.log(JSON.stringify(results, null, 2));
