// `make bench` part 3: measures the release bundle and prints every figure of this run in one
// table next to the goal it is judged against; writes target/bench/results.json.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const root = new URL('../../', import.meta.url).pathname;
const pkg = `${root}target/site/pkg/`;
const read = (f) => readFileSync(pkg + f);
const gz = (b) => gzipSync(b, { level: 9 }).length;
const br = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const json = (f) => (existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : null);

const wasm = read('dropdock.wasm');
const js = read('dropdock.js');
const css = read('dropdock.css');
const bundle = {
  wasm_raw: wasm.length, wasm_gzip: gz(wasm), wasm_brotli: br(wasm),
  js_raw: js.length, js_gzip: gz(js), css_gzip: gz(css),
};
const orders = json(`${root}target/bench/orders.json`) ?? [];
const pageload = json(`${root}target/bench/pageload.json`) ?? [];
const labels = json(`${root}target/bench/labels.json`) ?? [];
const platform = json(`${root}target/bench/platform.json`) ?? [];

const rows = [];
const row = (what, figure, goal, ok) => rows.push({ what, figure, goal, verdict: ok === null ? '' : ok ? 'ok' : 'OVER' });
row('WASM (release) gzip', kb(bundle.wasm_gzip), '≤ 250 KB gzip (whole app)', bundle.wasm_gzip + bundle.js_gzip <= 250 * 1024);
row('WASM (release) brotli', kb(bundle.wasm_brotli), '', null);
row('WASM raw / JS glue gzip', `${kb(bundle.wasm_raw)} / ${kb(bundle.js_gzip)}`, '', null);
row('CSS gzip', kb(bundle.css_gzip), '', null);
for (const b of orders) {
  row(`${b.backend}: generate ${b.rows} orders`, `${b.generate_s.toFixed(1)} s`, '', null);
  for (const l of b.list) {
    row(`${b.backend}: list ${l.scenario}`, `p50 ${l.p50_ms.toFixed(1)} / p95 ${l.p95_ms.toFixed(1)} / p99 ${l.p99_ms.toFixed(1)} ms`, 'p95 ≤ 50 ms', l.p95_ms <= 50);
  }
  const c = b.create;
  row(`${b.backend}: create over HTTP (${c.clients} clients)`, `${c.http_per_s.toFixed(0)} orders/s`, `vs raw sqlx loop ${c.raw_per_s.toFixed(0)}/s`, null);
  row(`${b.backend}: create ratio HTTP / raw`, c.ratio.toFixed(2), 'higher is better', null);
}
for (const p of platform) {
  row(`${p.backend}: platform sync ${p.ingest_orders} orders`, `${p.ingest_per_s.toFixed(0)} orders/s`, `vs raw batched INSERT ${p.raw_per_s.toFixed(0)}/s`, null);
  row(`${p.backend}: sync ratio sync / raw`, p.ratio.toFixed(2), '≥ 0.5', p.ratio >= 0.5);
  row(`${p.backend}: batch dispatch ${p.dispatch_orders} orders`, `${p.dispatch_s.toFixed(1)} s (${p.dispatched} ok)`, '', null);
}
for (const l of labels) {
  row(`label worker: ${l.workers} worker(s), ${l.backend}`, `${l.labels_per_s.toFixed(1)} labels/s`, `${l.orders} labels, carrier ${l.carrier_latency_ms} ms/call`, null);
}
for (const p of pageload) {
  row(`page load ${p.path} (390px, 4x CPU)`, `TTI ${p.tti_ms_median} ms, ${kb(p.transferred_bytes)}`, 'median of 5 cold loads', null);
}

const w = [Math.max(...rows.map((r) => r.what.length)), Math.max(...rows.map((r) => r.figure.length)), Math.max(...rows.map((r) => r.goal.length))];
const line = (a, b, c, d) => `| ${a.padEnd(w[0])} | ${b.padEnd(w[1])} | ${c.padEnd(w[2])} | ${d.padEnd(7)} |`;
console.log(line('measure', 'figure', 'judged against', 'verdict'));
console.log(line('-'.repeat(w[0]), '-'.repeat(w[1]), '-'.repeat(w[2]), '-------'));
for (const r of rows) console.log(line(r.what, r.figure, r.goal, r.verdict));

writeFileSync(`${root}target/bench/results.json`, JSON.stringify({ measured_at: new Date().toISOString(), bundle, orders, labels, platform, pageload }, null, 2));
console.log(`\nwritten: target/bench/results.json`);
