// `make bench` part 3: measures the release bundle and prints every figure of this run in one
// table next to the goal it is judged against; writes target/bench/results.json.
import { readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const root = new URL('../../', import.meta.url).pathname;
const pkg = `${root}target/site/pkg/`;
const read = (f) => readFileSync(pkg + f);
const gz = (b) => gzipSync(b, { level: 9 }).length;
const br = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const json = (f) => (existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : null);

// With `--split` the WASM is a main module plus chunks; __wasm_split_manifest.json names, per
// lazy route, every chunk that route needs. Each file is fetched (and compressed) on its own,
// so sizes are summed per file.
const sizes = (files) => files.reduce((t, f) => {
  const b = read(f);
  return { files: t.files + 1, raw: t.raw + b.length, gzip: t.gzip + gz(b), brotli: t.brotli + br(b) };
}, { files: 0, raw: 0, gzip: 0, brotli: 0 });
const manifest = json(`${pkg}__wasm_split_manifest.json`) ?? {};
// Split name (`__{route type in snake case}_view_{hash}`) -> the page it serves; floor pages
// belong to the warehouse app, every other page to the merchant app.
const ROUTES = {
  home: '/', order_list: '/orders', order_create: '/orders/new', order_edit: '/orders/:id/edit',
  order_detail: '/orders/:id', platform_orders: '/platform-orders', stores: '/stores', sync_log: '/sync-log',
  sku_mappings: '/sku-mappings', floor: '/floor', waves: '/floor/waves', pick: '/floor/waves/:id',
  pack: '/floor/pack', ship: '/floor/ship', stock: '/floor/stock',
};
const routeOf = (split) => {
  const name = split.match(/^__(.+)_route_view_\d+$/)?.[1] ?? split;
  return { name, path: ROUTES[name] ?? split, merchant: !(ROUTES[name] ?? '').startsWith('/floor') };
};
const splitJs = readdirSync(pkg).filter((f) => f.startsWith('__wasm_split.') && f.endsWith('.js'));
const jsFiles = ['dropdock.js', ...splitJs];
const js = sizes(jsFiles);
const main = sizes(['dropdock.wasm']);
const routes = Object.entries(manifest).map(([split, chunks]) => {
  const chunkFiles = chunks.map((c) => `${c}.wasm`);
  const { name, path, merchant } = routeOf(split);
  const lazy = sizes(chunkFiles);
  // A first visit: main module, JS glue and this page's chunks (the server preloads them).
  const first = sizes(['dropdock.wasm', ...jsFiles, ...chunkFiles]);
  return { route: name, path, merchant, chunks: chunkFiles.length, lazy, first_visit: first, chunk_files: chunkFiles };
}).sort((a, b) => a.path.localeCompare(b.path));
// Everything a merchant can ever download: main, JS and the union of the merchant pages' chunks.
const union = (rs) => [...new Set(rs.flatMap((r) => r.chunk_files))];
const merchantApp = sizes(['dropdock.wasm', ...jsFiles, ...union(routes.filter((r) => r.merchant))]);
const everything = sizes(['dropdock.wasm', ...jsFiles, ...union(routes)]);
const bundle = {
  split: routes.length > 0, main_wasm: main, js, merchant_app: merchantApp, everything,
  routes: routes.map(({ chunk_files, ...r }) => r), css_gzip: gz(read('dropdock.css')),
};
const orders = json(`${root}target/bench/orders.json`) ?? [];
const pageload = json(`${root}target/bench/pageload.json`) ?? [];
const labels = json(`${root}target/bench/labels.json`) ?? [];
const platform = json(`${root}target/bench/platform.json`) ?? [];

const rows = [];
// Every row names what it is judged against; rows the issue sets no goal for say so (verdict info).
const row = (what, figure, goal, ok) => rows.push({ what, figure, goal, verdict: ok === null ? 'info' : ok ? 'ok' : 'FAIL' });
const GOAL = 250 * 1024;
const goal = '≤ 250 KB gzip';
const info = 'info (no goal)';
const sz = (s) => `${kb(s.gzip)} gzip / ${kb(s.brotli)} br`;
row(`WASM+JS whole merchant app (${bundle.split ? 'main + all merchant chunks' : 'one module + JS glue'})`, `${sz(merchantApp)}, ${merchantApp.files} files`, `${goal} (whole merchant app)`, merchantApp.gzip <= GOAL);
if (bundle.split) {
  const largest = routes.filter((r) => r.merchant).reduce((a, b) => (b.first_visit.gzip > a.first_visit.gzip ? b : a));
  row(`WASM+JS first visit, largest merchant page (${largest.path})`, `${sz(largest.first_visit)}, ${largest.first_visit.files} files`, `${goal} (one page's download)`, largest.first_visit.gzip <= GOAL);
  for (const r of routes) {
    row(`  first visit ${r.path} (main + ${r.chunks} chunks)`, sz(r.first_visit),
      r.merchant ? `${goal} (one page's download)` : info + ', warehouse page', r.merchant ? r.first_visit.gzip <= GOAL : null);
  }
  row('WASM+JS everything (merchant + warehouse pages)', `${sz(everything)}, ${everything.files} files`, info, null);
}
row(`WASM ${bundle.split ? 'main module' : 'module'} (release, wasm-opt -Oz)`, `${sz(main)}, ${kb(main.raw)} raw`, info, null);
row(`JS glue (${jsFiles.join(', ')})`, sz(js), info, null);
row('CSS', `${kb(bundle.css_gzip)} gzip`, info, null);
for (const b of orders) {
  row(`${b.backend}: generate ${b.rows} orders`, `${b.generate_s.toFixed(1)} s`, 'info (no goal): set-up time', null);
  for (const l of b.list) {
    row(`${b.backend}: list ${l.scenario}`, `p50 ${l.p50_ms.toFixed(1)} / p95 ${l.p95_ms.toFixed(1)} / p99 ${l.p99_ms.toFixed(1)} ms`, 'p95 ≤ 50 ms', l.p95_ms <= 50);
  }
  const c = b.create;
  row(`${b.backend}: create over HTTP (${c.clients} clients)`, `${c.http_per_s.toFixed(0)} orders/s`, `info (no goal): vs raw sqlx loop ${c.raw_per_s.toFixed(0)}/s`, null);
  row(`${b.backend}: create ratio HTTP / raw`, c.ratio.toFixed(2), 'info (no goal): higher is better', null);
}
for (const p of platform) {
  row(`${p.backend}: platform sync ${p.ingest_orders} orders`, `${p.ingest_per_s.toFixed(0)} orders/s`, `info: vs raw batched INSERT ${p.raw_per_s.toFixed(0)}/s into the real tables`, null);
  if (p.raw_indexed_copies_per_s) row(`${p.backend}:   raw INSERT into copies with the indexes, no foreign keys`, `${p.raw_indexed_copies_per_s.toFixed(0)} orders/s`, `info: sync ratio against it ${p.ratio_indexed_copies.toFixed(2)}`, null);
  if (p.raw_unindexed_per_s) row(`${p.backend}:   raw INSERT into bare copies`, `${p.raw_unindexed_per_s.toFixed(0)} orders/s`, `info: sync ratio against it ${p.ratio_unindexed.toFixed(2)}`, null);
  if (p.fetch_per_s) row(`${p.backend}:   of which fetch + parse only`, `${p.fetch_per_s.toFixed(0)} orders/s`, 'info: the sync cannot be faster than this', null);
  row(`${p.backend}: sync ratio sync / raw`, p.ratio.toFixed(2), '≥ 0.5', p.ratio >= 0.5);
  if (p.update_per_s) row(`${p.backend}: re-sync of ${p.update_orders} changed orders`, `${p.update_per_s.toFixed(0)} orders/s`, 'info (no goal): auto sync\'s steady state', null);
  row(`${p.backend}: batch dispatch ${p.dispatch_orders} orders`, `${p.dispatch_s.toFixed(1)} s (${p.dispatched} ok)`, 'info (no goal)', null);
}
for (const l of labels) {
  row(`label worker: ${l.workers} worker(s), ${l.backend}`, `${l.labels_per_s.toFixed(1)} labels/s`, `info (no goal): ${l.orders} labels, carrier ${l.carrier_latency_ms} ms/call`, null);
}
for (const p of pageload) {
  row(`page load ${p.path} (390px, 4x CPU)`, `TTI ${p.tti_ms_median} ms, ${kb(p.transferred_bytes)}`, 'info (no goal): median of 5 cold loads', null);
}

const w = [Math.max(...rows.map((r) => r.what.length)), Math.max(...rows.map((r) => r.figure.length)), Math.max(...rows.map((r) => r.goal.length))];
const line = (a, b, c, d) => `| ${a.padEnd(w[0])} | ${b.padEnd(w[1])} | ${c.padEnd(w[2])} | ${d.padEnd(7)} |`;
console.log(line('measure', 'figure', 'judged against', 'verdict'));
console.log(line('-'.repeat(w[0]), '-'.repeat(w[1]), '-'.repeat(w[2]), '-------'));
for (const r of rows) console.log(line(r.what, r.figure, r.goal, r.verdict));
const judged = rows.filter((r) => r.verdict !== 'info');
const failed = judged.filter((r) => r.verdict !== 'ok');
console.log(`\n${judged.length - failed.length} of ${judged.length} goals met${failed.length ? `; not met: ${failed.map((r) => r.what.trim()).join(', ')}` : ''}`);

writeFileSync(`${root}target/bench/results.json`, JSON.stringify({ measured_at: new Date().toISOString(), table: rows, bundle, orders, labels, platform, pageload }, null, 2));
console.log(`\nwritten: target/bench/results.json`);
