// Benchmark: time from navigation to the map's first `idle` in real headless
// Chromium (Debian's /usr/bin/chromium, driven by playwright-core; no browser
// download). Run by `cgbench web` (make bench-web), which starts the servers;
// by hand:
//
//   node e2e/bench-idle.mjs --url http://127.0.0.1:8080 --runs 10 --warmup 1
//
// Each visit opens a fresh browser context (empty HTTP cache) in one browser
// and loads the page at the default view. The time is taken inside the page:
// performance.now() (milliseconds since navigation start) when
// document.body.dataset.mapState turns 'idle' or 'error', seen by a
// MutationObserver installed before any page script runs. Node-side overhead
// is not part of it.
//
// Prints one JSON object per line on stdout: {"kind":"visit",...} per visit
// and, with --trace FILE, {"kind":"trace",...} (busy time per thread and the
// main thread's biggest event kinds before idle, from a Chromium trace of one
// more visit, written to FILE). Progress goes to stderr.
//
// Written as plain JavaScript (not *.e2e.ts) so that Node 20 runs it as is and
// the browser test suite does not pick it up.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

import { chromium } from 'playwright-core';

import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';

const { values: opt } = parseArgs({
  options: {
    url: { type: 'string' },
    runs: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '1' },
    viewport: { type: 'string', default: '1280x800' },
    dpr: { type: 'string', default: '1' },
    mobile: { type: 'boolean', default: false },
    trace: { type: 'string' },
    timeout: { type: 'string', default: '60000' },
    chromium: { type: 'string', default: CHROMIUM_PATH },
  },
});
if (!opt.url) {
  console.error('usage: node e2e/bench-idle.mjs --url http://127.0.0.1:PORT [--runs 10] [--warmup 1] [--viewport 1280x800] [--dpr 1] [--mobile] [--trace FILE]');
  process.exit(2);
}
const baseUrl = opt.url;
const origin = new URL(baseUrl).origin;
const [width, height] = opt.viewport.split('x').map(Number);
const runs = Number(opt.runs);
const warmup = Number(opt.warmup);
const timeout = Number(opt.timeout);
if (!(width > 0 && height > 0 && runs >= 0 && warmup >= 0 && timeout > 0)) {
  console.error('bad --viewport, --runs, --warmup or --timeout');
  process.exit(2);
}

// Runs in the page before its scripts: notes performance.now() when the map
// state attribute first becomes idle or error.
function watchMapState() {
  const seen = (window.__cgBench = { state: '', at: 0 });
  const check = () => {
    const s = document.body?.dataset.mapState;
    if (!seen.state && (s === 'idle' || s === 'error')) {
      seen.state = s;
      seen.at = performance.now();
    }
  };
  new MutationObserver(check).observe(document, {
    subtree: true,
    attributes: true,
    attributeFilter: ['data-map-state'],
  });
}

/** What a same-origin request is, from its path. */
function kindOf(url) {
  const u = new URL(url);
  if (u.origin !== origin) return 'outside';
  const p = u.pathname;
  if (p === '/' || p.endsWith('.html')) return 'html';
  if (/\.(m?js)$/.test(p)) return 'js';
  if (p.endsWith('.css')) return 'css';
  if (p === '/style.json') return 'style';
  if (/^\/tiles\/[^/]+\/\d+\/\d+\/\d+/.test(p)) return 'tile';
  if (/^\/tiles\/[^/]+$/.test(p)) return 'tilejson';
  return 'other';
}

/**
 * One visit in a fresh context. Returns the in-page time to idle and every
 * request's kind, bytes and start/end on the page's clock (ms since
 * navigation start), from Playwright's network events, which also see the
 * map worker's tile requests.
 */
async function visit(browser, { traceTo } = {}) {
  const context = await browser.newContext({
    viewport: { width, height },
    deviceScaleFactor: Number(opt.dpr),
    isMobile: opt.mobile,
    hasTouch: opt.mobile,
  });
  try {
    await context.addInitScript(watchMapState);
    const page = await context.newPage();
    const finished = [];
    const errors = [];
    page.on('requestfinished', (req) => finished.push(req));
    const aborted = [];
    page.on('requestfailed', (req) => {
      // The app may cancel a request it no longer needs (an AbortController); that is no failure.
      const why = req.failure()?.errorText ?? '';
      (why === 'net::ERR_ABORTED' ? aborted : errors).push(`${req.url()}: ${why}`);
    });
    page.on('pageerror', (err) => errors.push(String(err)));
    if (traceTo) {
      await browser.startTracing(page, {
        path: traceTo,
        categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'loading', 'v8', 'gpu'],
      });
    }
    await page.goto(baseUrl);
    await page.waitForFunction(() => window.__cgBench?.state, undefined, { timeout });
    const page_ = await page.evaluate(() => ({
      ...window.__cgBench,
      timeOrigin: performance.timeOrigin,
      nav: performance.getEntriesByType('navigation')[0]?.toJSON(),
      resources: performance.getEntriesByType('resource').map((e) => [e.name, e.transferSize, e.encodedBodySize]),
    }));
    // Playwright reports no body size for the worker's script (Chromium
    // fetches it outside the page); the page's resource timing has it. The
    // tiles are fetched by the worker, so only Playwright sees those.
    const resourceBody = new Map(page_.resources.filter(([, transfer]) => transfer > 0).map(([name, , body]) => [name, body]));
    const trace = traceTo ? await browser.stopTracing() : undefined;
    const requests = [];
    for (const req of finished) {
      const t = req.timing(); // startTime: epoch ms; the rest: ms after startTime
      const sizes = await req.sizes().catch(() => undefined);
      const response = await req.response();
      requests.push({
        kind: kindOf(req.url()),
        path: new URL(req.url()).pathname,
        status: response?.status() ?? 0,
        start: t.startTime - page_.timeOrigin,
        end: t.startTime + t.responseEnd - page_.timeOrigin,
        ttfb: t.responseStart >= 0 ? t.responseStart - Math.max(t.requestStart, 0) : -1,
        body: sizes?.responseBodySize || resourceBody.get(req.url()) || 0,
        headers: sizes?.responseHeadersSize ?? 0,
      });
    }
    return { state: page_.state, idle: page_.at, nav: page_.nav, requests, errors, aborted, trace };
  } finally {
    await context.close();
  }
}

const round = (x) => Math.round(x * 10) / 10;

/** Totals and phase boundaries of one visit, for the requests that ended before idle. */
function summarise(v) {
  const before = v.requests.filter((r) => r.end <= v.idle + 0.5);
  const of = (kind) => before.filter((r) => r.kind === kind);
  const sum = (rs) => rs.reduce((s, r) => s + r.body + r.headers, 0);
  const first = (rs, f) => (rs.length ? round(Math.min(...rs.map(f))) : -1);
  const last = (rs, f) => (rs.length ? round(Math.max(...rs.map(f))) : -1);
  const js = of('js');
  const tiles = of('tile');
  const bundle = js.filter((r) => !r.path.includes('worker'));
  return {
    kind: 'visit',
    state: v.state,
    idle_ms: round(v.idle),
    requests: before.length,
    bytes: sum(before),
    tiles: tiles.length,
    tile_urls: new Set(tiles.map((r) => r.path)).size, // world copies ask a tile again (a revalidation)
    tile_bytes: sum(tiles),
    js_bytes: sum(js),
    css_bytes: sum(of('css')),
    late_requests: v.requests.length - before.length,
    aborted_requests: v.aborted.length,
    phases: {
      html_end: round(v.nav?.responseEnd ?? -1),
      dom_content_loaded: round(v.nav?.domContentLoadedEventEnd ?? -1),
      bundle_end: last(bundle, (r) => r.end),
      style_start: first(of('style'), (r) => r.start),
      style_end: last(of('style'), (r) => r.end),
      tilejson_start: first(of('tilejson'), (r) => r.start),
      tilejson_end: last(of('tilejson'), (r) => r.end),
      worker_end: last(js.filter((r) => r.path.includes('worker')), (r) => r.end),
      tiles_start: first(tiles, (r) => r.start),
      tiles_end: last(tiles, (r) => r.end),
      tile_ttfb_max: last(tiles, (r) => r.ttfb),
    },
    errors: v.errors,
  };
}

/**
 * Sums a Chromium trace before idle: busy time per thread (the union of its
 * top-level tasks) in the page's renderer process, the GPU process and the
 * browser process, and on the page's main thread the inclusive time of the
 * event kinds that say where it went (they nest, so they do not add up).
 */
function summariseTrace(buf, idle) {
  const events = JSON.parse(buf.toString()).traceEvents ?? [];
  const processes = new Map();
  const threads = new Map();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'process_name') processes.set(e.pid, e.args.name);
    if (e.ph === 'M' && e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args.name);
  }
  // The navigation's start on the trace clock (microseconds): blink's
  // navigationStart mark, else the moment the document was requested.
  const nav =
    events.find((e) => e.name === 'navigationStart' && e.args?.data?.documentLoaderURL?.startsWith(origin)) ??
    events.find((e) => e.name === 'ResourceSendRequest' && e.args?.data?.resourceType === 'Document' && e.args.data.url?.startsWith(origin));
  if (!nav) return { kind: 'trace', idle_ms: round(idle), error: 'no navigation start in the trace' };
  const t0 = nav.ts;
  const end = t0 + idle * 1000;
  // Other renderers (say an extension's or the first about:blank) are not the page's.
  const counted = (pid) => pid === nav.pid || !/renderer/i.test(processes.get(pid) ?? '');
  const spans = new Map(); // pid:tid -> [start, end] of its top-level tasks
  const main = {};
  const KINDS = new Set([
    'ParseHTML', 'EvaluateScript', 'v8.compile', 'v8.compileModule', 'v8.evaluateModule', 'v8.parseOnBackground',
    'FunctionCall', 'FireAnimationFrame', 'UpdateLayoutTree', 'Layout', 'Paint', 'PrePaint', 'Commit',
    'MajorGC', 'MinorGC', 'EventDispatch', 'TimerFire', 'RunMicrotasks',
  ]);
  for (const e of events) {
    if (e.ph !== 'X' || !(e.ts >= t0) || e.ts > end || !counted(e.pid)) continue;
    const id = `${e.pid}:${e.tid}`;
    const thread = threads.get(id) ?? `thread ${e.tid}`;
    const stop = Math.min(e.ts + (e.dur ?? 0), end);
    // DevTools' "Task": one per top-level task.
    if (e.name === 'RunTask' && e.cat === 'disabled-by-default-devtools.timeline') {
      if (!spans.has(id)) spans.set(id, []);
      spans.get(id).push([e.ts, stop]);
    }
    if (e.pid === nav.pid && thread === 'CrRendererMain' && KINDS.has(e.name)) {
      main[e.name] = (main[e.name] ?? 0) + (stop - e.ts) / 1000;
    }
  }
  const busy = {};
  for (const [id, list] of spans) {
    // Nested tasks count once; threads of one name (the thread pools) add up.
    const thread = threads.get(id) ?? `thread ${id.split(':')[1]}`;
    const byStart = list.sort((a, b) => a[0] - b[0]);
    let total = 0;
    let [s, e] = byStart[0];
    for (const [a, b] of byStart.slice(1)) {
      if (a > e) {
        total += e - s;
        [s, e] = [a, b];
      } else e = Math.max(e, b);
    }
    busy[thread] = (busy[thread] ?? 0) + (total + e - s) / 1000;
  }
  const rounded = (o) => Object.fromEntries(Object.entries(o).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, round(v)]));
  return { kind: 'trace', idle_ms: round(idle), start_event: nav.name, busy_ms: rounded(busy), main_ms: rounded(main) };
}

const browser = await chromium.launch({ executablePath: opt.chromium, args: CHROMIUM_ARGS, headless: true });
try {
  const version = browser.version();
  for (let i = 0; i < warmup + runs; i++) {
    const v = await visit(browser);
    const s = { ...summarise(v), warmup: i < warmup, browser: version, viewport: opt.viewport, dpr: Number(opt.dpr) };
    console.log(JSON.stringify(s));
    console.error(`bench-idle: ${baseUrl} ${opt.viewport} visit ${i + 1}/${warmup + runs}${s.warmup ? ' (warm-up)' : ''}: ${s.state} after ${s.idle_ms} ms, ${s.tiles} tiles, ${s.bytes} bytes`);
  }
  if (opt.trace) {
    const v = await visit(browser, { traceTo: opt.trace });
    const s = summariseTrace(v.trace, v.idle);
    await writeFile(opt.trace.replace(/\.json$/, '') + '.summary.json', JSON.stringify(s, null, 2));
    console.log(JSON.stringify(s));
    console.error(`bench-idle: traced visit: ${v.state} after ${round(v.idle)} ms; trace in ${opt.trace}`);
  }
} finally {
  await browser.close();
}
