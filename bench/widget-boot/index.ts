// The widget's boot in real Chromium, beside a baseline of the same page without Confab.
//
// Both pages are identical (the same `window.intercomSettings`, Intercom's standard loader snippet,
// the same probe script in <head>); only the script the snippet loads differs: the built widget
// (packages/dom/dist/confab.js) against a few lines that put a plain <button> into a shadow root on
// the same kind of host element. Each load gets a fresh browser context (no cookies, no cache), the
// variants alternate, and every figure is measured the same way for both:
//
// - script → launcher on screen: from the script's `responseEnd` (PerformanceResourceTiming: the
//   whole script has arrived; it is compiled, if not already streamed, and run right after, so
//   compile and evaluation count) to the first animation frame in which the launcher inside the
//   shadow root has no `hidden` attribute and a non-empty box inside the viewport (an rAF loop in
//   the probe; that frame is the one that paints it). For Confab, the boot request's own resource
//   timing splits the figure: evaluation, then the boot round trip, then the render.
// - the longest task during boot: in a second pass of loads recorded with Chrome's tracing
//   (categories `toplevel,devtools.timeline,blink.user_timing`, as the DevTools Performance panel
//   records them, minus stacks and CPU profile), the longest `RunTask` on the page's renderer main
//   thread that overlaps the window from the script's arrival to the launcher's frame. The untraced
//   loads also keep the Long Tasks API's entries (> 50 ms only) as an in-page cross-check.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../e2e/test/browser';
import { WIDGET_PATH } from '../../e2e/test/build-widget';
import { type Confab, startConfab } from '../../e2e/test/confab';
import { loaderSnippet, type Site, startSite } from '../../e2e/test/site';

// ---------------------------------------------------------------------------------------------
// Options

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    loads: { type: 'string' },
    warmup: { type: 'string' },
    verbose: { type: 'boolean' },
    help: { type: 'boolean' },
  },
  strict: true,
  allowPositionals: false,
});
if (values.help) {
  console.log('bench/widget-boot options:');
  console.log('  --loads <n>   BENCH_LOADS   measured page loads per variant and pass (default 15)');
  console.log('  --warmup <n>  BENCH_WARMUP  unmeasured loads per variant first (default 2)');
  console.log('  --verbose                   one line per load');
  process.exit(0);
}
function count(raw: string | undefined, fallback: number, name: string, min: number): number {
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`--${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
  return n;
}
const LOADS = count(values.loads ?? process.env.BENCH_LOADS, 15, 'loads', 1);
const WARMUP = count(values.warmup ?? process.env.BENCH_WARMUP, 2, 'warmup', 0);
const VERBOSE = values.verbose === true;
const LOAD_TIMEOUT_MS = 20_000;
const TRACE_CATEGORIES = ['toplevel', 'devtools.timeline', 'blink.user_timing'];

// ---------------------------------------------------------------------------------------------
// The pages

type Variant = 'confab' | 'baseline';
const VARIANTS: Variant[] = ['confab', 'baseline'];
/** startSite serves the widget at /confab.js and a page's own script at /site.js: the baseline's. */
const SCRIPT_PATH: Record<Variant, string> = { confab: '/confab.js', baseline: '/site.js' };

/** The baseline: the same "script executed → button on screen" path, with no Confab in it. */
const BASELINE_SCRIPT = `(function () {
  var host = document.createElement('div');
  host.setAttribute('data-confab-host', '');
  var root = host.attachShadow({ mode: 'open' });
  var style = document.createElement('style');
  style.textContent = 'button { position: fixed; bottom: 20px; right: 20px; width: 56px; height: 56px; border-radius: 50%; border: 0; background: #0b5cff; color: #fff; box-shadow: 0 4px 16px rgba(0,0,0,.2); }';
  var button = document.createElement('button');
  button.setAttribute('data-part', 'launcher');
  button.setAttribute('aria-label', 'Chat');
  button.textContent = '?';
  root.append(style, button);
  document.body.append(host);
})();
`;

/**
 * The probe, first script in <head> of both pages: long tasks (buffered), the moments the host
 * element appears and the launcher loses `hidden` (MutationObservers: their callbacks run at the
 * microtask checkpoint after the script, so "mounted" is the end of the script's evaluation), and
 * an rAF loop that resolves `done` in the first frame with the launcher visible on screen.
 */
function probe(scriptPath: string): string {
  return `(function () {
  var b = (window.__bench = { longtasks: [] });
  try {
    new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (e) { b.longtasks.push({ start: e.startTime, duration: e.duration }); });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { b.longtasks = null; }
  function launcher() {
    var host = document.querySelector('[data-confab-host]');
    return host && host.shadowRoot ? host.shadowRoot.querySelector('[data-part="launcher"]') : null;
  }
  var watchingShadow = false;
  var observer = new MutationObserver(function () {
    var now = performance.now();
    var host = document.querySelector('[data-confab-host]');
    if (!host) return;
    if (b.mounted === undefined) b.mounted = now;
    if (host.shadowRoot && !watchingShadow) {
      watchingShadow = true;
      observer.observe(host.shadowRoot, { subtree: true, childList: true, attributes: true, attributeFilter: ['hidden'] });
    }
    var l = launcher();
    if (l && !l.hidden && b.unhidden === undefined) b.unhidden = now;
  });
  observer.observe(document.documentElement, { childList: true, subtree: true });
  var resolve;
  b.done = new Promise(function (r) { resolve = r; });
  function frame() {
    var l = launcher();
    if (l && !l.hidden) {
      var r = l.getBoundingClientRect();
      if (r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth) {
        b.visible = performance.mark('bench:launcher-visible').startTime;
        observer.disconnect();
        resolve();
        return;
      }
    }
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
  b.result = function () {
    var resources = performance.getEntriesByType('resource');
    var script = resources.filter(function (e) { return new URL(e.name).pathname === ${JSON.stringify(scriptPath)}; })[0];
    var boot = resources.filter(function (e) { return /\\/messenger\\/v1\\/apps\\/[^/]+\\/boot$/.test(new URL(e.name).pathname); })[0];
    return {
      scriptStart: script ? script.startTime : null,
      scriptEnd: script ? script.responseEnd : null,
      mounted: b.mounted === undefined ? null : b.mounted,
      unhidden: b.unhidden === undefined ? null : b.unhidden,
      visible: b.visible,
      bootStart: boot ? boot.startTime : null,
      bootEnd: boot ? boot.responseEnd : null,
      longtasks: b.longtasks,
    };
  };
})();`;
}

function pageHtml(variant: Variant, confab: Confab, userId: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme shop</title><link rel="icon" href="data:,">
<script>${probe(SCRIPT_PATH[variant])}</script></head>
<body><h1>Acme shop</h1><p>Products and prices.</p>
<script>
window.intercomSettings = ${JSON.stringify({ app_id: 'acme', api_base: confab.url, user_id: userId })};
${loaderSnippet(SCRIPT_PATH[variant])}
</script></body></html>`;
}

// ---------------------------------------------------------------------------------------------
// One load

interface InPage {
  scriptStart: number | null;
  scriptEnd: number | null;
  mounted: number | null;
  unhidden: number | null;
  visible: number;
  bootStart: number | null;
  bootEnd: number | null;
  longtasks: Array<{ start: number; duration: number }> | null;
}

interface Load {
  variant: Variant;
  /** Script arrived → launcher's frame. */
  total: number;
  /** Script arrived → host element in the DOM (the end of the script's evaluation). */
  evaluated: number | null;
  /** Boot request's start, its round trip (CORS preflight included), relative to the script's arrival. */
  bootSent: number | null;
  bootTrip: number | null;
  /** Boot answered → launcher's frame. */
  afterBoot: number | null;
  /** Longest Long Tasks API entry (> 50 ms) between the script's request and the launcher's frame; 0 if none. */
  longtaskApi: number | null;
  /** Traced loads: the longest RunTask in the window, what it mostly was, and the script's EvaluateScript. */
  longestTask?: number;
  longestTaskWhat?: string;
  evaluateScript?: number;
  /** Traced loads: script arrived → its EvaluateScript begins (delivery to the renderer, finishing the compile, scheduling). */
  evaluateDelay?: number;
}

interface TraceEvent {
  name: string;
  cat?: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { data?: { url?: string } & Record<string, unknown> } & Record<string, unknown>;
}

const consoleFindings = new Map<string, number>();
const note = (line: string) => consoleFindings.set(line, (consoleFindings.get(line) ?? 0) + 1);

async function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${what}: no launcher on screen within ${LOAD_TIMEOUT_MS} ms`)),
          LOAD_TIMEOUT_MS,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function load(
  browser: Browser,
  site: Site,
  confab: Confab,
  variant: Variant,
  id: string,
  traced: boolean,
): Promise<Load> {
  site.page({ html: pageHtml(variant, confab, `bench-${id}`), script: BASELINE_SCRIPT });
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  let tracing = false;
  try {
    const page: Page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        note(`${variant}: console.${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => note(`${variant}: uncaught: ${error.message}`));
    if (traced) {
      await browser.startTracing(page, { categories: TRACE_CATEGORIES });
      tracing = true;
    }
    await page.goto(site.url);
    await withTimeout(page.evaluate('window.__bench.done'), `${variant} load ${id}`);
    const r = (await page.evaluate('window.__bench.result()')) as InPage;
    if (r.scriptStart === null || r.scriptEnd === null)
      throw new Error(`${variant} load ${id}: no resource timing for ${SCRIPT_PATH[variant]}`);
    const scriptEnd = r.scriptEnd;
    const longtasks = r.longtasks?.filter((t) => t.start + t.duration > r.scriptStart! && t.start < r.visible) ?? null;
    const result: Load = {
      variant,
      total: r.visible - scriptEnd,
      evaluated: r.mounted === null ? null : r.mounted - scriptEnd,
      bootSent: r.bootStart === null ? null : r.bootStart - scriptEnd,
      bootTrip: r.bootStart === null || r.bootEnd === null ? null : r.bootEnd - r.bootStart,
      afterBoot: r.bootEnd === null ? null : r.visible - r.bootEnd,
      longtaskApi: longtasks === null ? null : Math.max(0, ...longtasks.map((t) => t.duration)),
    };
    if (variant === 'confab' && r.bootStart === null) note('confab: no resource timing entry for the boot request');
    if (traced) {
      tracing = false;
      const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as
        | { traceEvents: TraceEvent[] }
        | TraceEvent[];
      Object.assign(
        result,
        longestTask(
          Array.isArray(trace) ? trace : trace.traceEvents,
          `${site.url}${SCRIPT_PATH[variant]}`,
          scriptEnd,
          r.visible,
        ),
      );
    }
    return result;
  } finally {
    if (tracing) await browser.stopTracing().catch(() => undefined);
    await context.close();
  }
}

/**
 * The longest RunTask on the renderer main thread that ran the script, overlapping [script
 * arrived, launcher's frame]. Page times become trace times through the probe's own user-timing
 * mark, which the trace records with its timestamp.
 */
function longestTask(events: TraceEvent[], scriptUrl: string, scriptEnd: number, visible: number) {
  const evaluate = events.find((e) => e.name === 'EvaluateScript' && e.args?.data?.url === scriptUrl);
  if (!evaluate) throw new Error(`no EvaluateScript for ${scriptUrl} in the trace`);
  const onMain = (e: TraceEvent) => e.pid === evaluate.pid && e.tid === evaluate.tid;
  const mark = events.find((e) => e.name === 'bench:launcher-visible' && onMain(e));
  if (!mark) throw new Error('no bench:launcher-visible mark in the trace');
  const offset = mark.ts - visible * 1000;
  const from = scriptEnd * 1000 + offset;
  const to = mark.ts;
  let longest: TraceEvent | undefined;
  for (const e of events) {
    if (e.ph !== 'X' || !onMain(e) || (e.name !== 'ThreadControllerImpl::RunTask' && e.name !== 'RunTask')) continue;
    if (e.ts < to && e.ts + (e.dur ?? 0) > from && (e.dur ?? 0) > (longest?.dur ?? -1)) longest = e;
  }
  if (!longest) throw new Error('no RunTask between the script and the launcher in the trace');
  // What the task mostly was: its longest devtools.timeline event.
  const end = longest.ts + longest.dur!;
  let what: TraceEvent | undefined;
  for (const e of events) {
    if (
      e.ph === 'X' &&
      onMain(e) &&
      e.cat?.includes('devtools.timeline') &&
      e.ts >= longest.ts &&
      e.ts + (e.dur ?? 0) <= end &&
      (e.dur ?? 0) > (what?.dur ?? -1)
    )
      what = e;
  }
  const label = what
    ? `${what.name}${what.name === 'EvaluateScript' ? ` ${new URL(String(what.args?.data?.url)).pathname}` : ''} ${(what.dur! / 1000).toFixed(1)} ms`
    : 'no devtools.timeline event';
  return {
    longestTask: longest.dur! / 1000,
    longestTaskWhat: label,
    evaluateScript: evaluate.dur! / 1000,
    evaluateDelay: (evaluate.ts - from) / 1000,
  };
}

// ---------------------------------------------------------------------------------------------
// Figures

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
/** Nearest-rank percentile. */
function percentile(xs: number[], p: number): number {
  const s = sorted(xs);
  return s[Math.max(0, Math.ceil(p * s.length) - 1)]!;
}
const median = (xs: number[]) => percentile(xs, 0.5);
const p90 = (xs: number[]) => percentile(xs, 0.9);
const ms = (n: number) => `${n.toFixed(1)} ms`;
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(1)}×` : 'n/a');
const pick = (loads: Load[], variant: Variant, key: keyof Load) =>
  loads
    .filter((l) => l.variant === variant)
    .map((l) => l[key])
    .filter((v): v is number => typeof v === 'number');

function verboseLine(pass: string, i: number, l: Load) {
  const parts = [
    `total ${ms(l.total)}`,
    l.evaluated !== null ? `mounted +${ms(l.evaluated)}` : '',
    l.bootSent !== null ? `boot sent +${ms(l.bootSent)}` : '',
  ];
  if (l.bootTrip !== null) parts.push(`boot trip ${ms(l.bootTrip)}`, `after boot ${ms(l.afterBoot!)}`);
  parts.push(`longtask API ${l.longtaskApi === null ? 'n/a' : ms(l.longtaskApi)}`);
  if (l.longestTask !== undefined)
    parts.push(
      `longest task ${ms(l.longestTask)} (${l.longestTaskWhat})`,
      `EvaluateScript ${ms(l.evaluateScript!)} from +${ms(l.evaluateDelay!)}`,
    );
  console.log(`    ${pass} #${i} ${l.variant.padEnd(8)} ${parts.filter(Boolean).join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
// Run

const widget = readFileSync(WIDGET_PATH);
const started = Date.now();
let site: Site | undefined;
let confab: Confab | undefined;
let browser: Browser | undefined;
try {
  site = await startSite();
  confab = await startConfab([site.url]);
  browser = await launchChromium();

  // Each round: one load of each variant untraced, then one of each traced; which variant goes
  // first alternates, so neither always follows the other, and both passes see the same machine.
  const timed: Load[] = [];
  const traced: Load[] = [];
  for (let i = -WARMUP; i < LOADS; i++) {
    const order = i % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
    for (const pass of ['timed', 'traced'] as const) {
      for (const variant of order) {
        const result = await load(browser, site, confab, variant, `${pass}-${i}-${variant}`, pass === 'traced');
        if (i < 0) continue;
        if (VERBOSE) verboseLine(pass, i, result);
        (pass === 'timed' ? timed : traced).push(result);
      }
    }
  }

  const total = { confab: pick(timed, 'confab', 'total'), baseline: pick(timed, 'baseline', 'total') };
  const task = { confab: pick(traced, 'confab', 'longestTask'), baseline: pick(traced, 'baseline', 'longestTask') };
  const evaluate = {
    confab: pick(traced, 'confab', 'evaluateScript'),
    baseline: pick(traced, 'baseline', 'evaluateScript'),
  };
  const delay = {
    confab: pick(traced, 'confab', 'evaluateDelay'),
    baseline: pick(traced, 'baseline', 'evaluateDelay'),
  };
  const apiTasks = { confab: pick(timed, 'confab', 'longtaskApi'), baseline: pick(timed, 'baseline', 'longtaskApi') };
  /** What the longest tasks mostly were (their longest devtools.timeline event), with counts. */
  const kinds = (variant: Variant) => {
    const counts = new Map<string, number>();
    for (const l of traced.filter((x) => x.variant === variant)) {
      const kind = l.longestTaskWhat!.replace(/ [\d.]+ ms$/, '');
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    return [...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([kind, n]) => `${kind} ${n}/${LOADS}`)
      .join(', ');
  };
  const over50 = (xs: number[]) => xs.filter((x) => x > 0).length;

  console.log(
    `widget-boot (${browser.version()} headless, ${LOADS} loads per variant untraced and ${LOADS} traced, after ${WARMUP} warm-up rounds; alternating; a fresh context each)`,
  );
  console.log(
    `  confab.js: ${(widget.length / 1024).toFixed(1)} KB min, ${(gzipSync(widget, { level: 9 }).length / 1024).toFixed(1)} KB gzip; baseline script: ${Buffer.byteLength(BASELINE_SCRIPT)} bytes`,
  );
  console.log(
    `  script → launcher on screen: confab median ${ms(median(total.confab))} (p90 ${ms(p90(total.confab))}), baseline median ${ms(median(total.baseline))} (p90 ${ms(p90(total.baseline))}), ratio ${ratio(median(total.confab), median(total.baseline))} (p90 ${ratio(p90(total.confab), p90(total.baseline))})`,
  );
  console.log(
    `    confab, median of each part: script evaluated (widget mounted) +${ms(median(pick(timed, 'confab', 'evaluated')))}, boot request sent +${ms(median(pick(timed, 'confab', 'bootSent')))}, boot round trip ${ms(median(pick(timed, 'confab', 'bootTrip')))} (CORS preflight included), boot answered → launcher frame ${ms(median(pick(timed, 'confab', 'afterBoot')))}`,
  );
  console.log(`    baseline: script evaluated (button mounted) +${ms(median(pick(timed, 'baseline', 'evaluated')))}`);
  console.log(
    `  longest task during boot: confab ${ms(median(task.confab))} (p90 ${ms(p90(task.confab))}), baseline ${ms(median(task.baseline))} (p90 ${ms(p90(task.baseline))}), ratio ${ratio(median(task.confab), median(task.baseline))} (p90 ${ratio(p90(task.confab), p90(task.baseline))})   [traced pass]`,
  );
  console.log(`    mostly: confab ${kinds('confab')}; baseline ${kinds('baseline')}`);
  console.log(
    `    script evaluation (EvaluateScript): confab median ${ms(median(evaluate.confab))} from +${ms(median(delay.confab))} after the script arrived, baseline median ${ms(median(evaluate.baseline))} from +${ms(median(delay.baseline))}`,
  );
  console.log(
    `    Long Tasks API (> 50 ms, untraced pass): confab ${over50(apiTasks.confab)}/${apiTasks.confab.length} loads, median ${ms(median(apiTasks.confab))} (p90 ${ms(p90(apiTasks.confab))}); baseline ${over50(apiTasks.baseline)}/${apiTasks.baseline.length} loads`,
  );
  console.log(`  page console errors and warnings: ${consoleFindings.size === 0 ? 'none' : ''}`);
  for (const [line, n] of consoleFindings) console.log(`    ${n}× ${line}`);
  console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
} finally {
  await browser?.close();
  await confab?.stop();
  await site?.close();
}
