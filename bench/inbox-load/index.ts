// The inbox's first screen in real Chromium with 10,000 conversations in the database, beside a
// static HTML page showing the same first rows, served by the same server, in the same run.
//
// The database is seeded straight through SQL (seed.ts), a teammate signs in (its session cookie
// goes into each fresh browser context), and both pages load with the same probe (probe.ts):
//
// - navigation → first rows on screen: from navigation start to the first animation frame in which
//   `--rows` of the list's first contact names are text inside the viewport. The inbox's figure is
//   split by its resource timing: the document, its scripts and styles, the list request.
// - the longest task: in a second pass recorded with Chrome's tracing, the longest RunTask on the
//   page's main thread between navigation start and that frame (longest-task.ts); the untraced
//   loads keep the Long Tasks API's entries (> 50 ms only) as a cross-check.
//
// Each load gets a fresh browser context (no cache); the variants alternate.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  builtInboxFolder,
  createStore,
  migrate,
  openSqlite,
  parseConfig,
  type RunningServer,
  startServer,
  type TeamConversation,
} from '@confab/server';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../e2e/test/browser';
import { assetSizes } from './asset-sizes';
import { baselinePage } from './baseline-page';
import { type LongestTask, longestTask, TRACE_CATEGORIES } from './longest-task';
import { type InPage, probeScript, VISIBLE_MARK } from './probe';
import { seedConversations } from './seed';

// ---------------------------------------------------------------------------------------------
// Options

const OPTIONS = {
  conversations: { env: 'BENCH_CONVERSATIONS', fallback: 10_000, min: 1, help: 'conversations seeded' },
  messages: { env: 'BENCH_MESSAGES', fallback: 100_000, min: 1, help: 'messages seeded, spread evenly' },
  loads: { env: 'BENCH_LOADS', fallback: 10, min: 1, help: 'measured loads per variant and pass' },
  warmup: { env: 'BENCH_WARMUP', fallback: 2, min: 0, help: 'unmeasured loads per variant first' },
  rows: { env: 'BENCH_ROWS', fallback: 8, min: 1, help: 'first rows that must be on screen' },
} as const;
type OptionName = keyof typeof OPTIONS;

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    ...Object.fromEntries(Object.keys(OPTIONS).map((name) => [name, { type: 'string' as const }])),
    list: { type: 'string' },
    'until-shell': { type: 'boolean' },
    verbose: { type: 'boolean' },
    help: { type: 'boolean' },
  },
  strict: true,
  allowPositionals: false,
});
if (values.help) {
  console.log('pnpm --filter @confab/bench run inbox-load -- [options]');
  for (const [name, option] of Object.entries(OPTIONS))
    console.log(`  --${name} <n>  ${option.env}  ${option.help} (default ${option.fallback})`);
  console.log("  --list <query>  BENCH_LIST  the list's query the inbox opens with (default 'state=open')");
  console.log("  --until-shell   wait for the shell's first screen (the teammate's name) instead of the rows");
  console.log('  --verbose       one line per load');
  process.exit(0);
}
const COUNTS = {} as Record<OptionName, number>;
for (const [name, option] of Object.entries(OPTIONS) as [OptionName, (typeof OPTIONS)[OptionName]][]) {
  const raw = (values as Record<string, string | undefined>)[name] ?? process.env[option.env];
  const n = raw === undefined || raw === '' ? option.fallback : Number(raw);
  if (!Number.isSafeInteger(n) || n < option.min)
    throw new Error(`--${name} must be an integer >= ${option.min}, got ${JSON.stringify(raw)}`);
  COUNTS[name] = n;
}
/** The first list the inbox shows (its default filter), as the team API's query string. */
const LIST_QUERY = values.list ?? process.env.BENCH_LIST ?? 'state=open';
const VERBOSE = values.verbose === true;
/** Before the list screen exists: the shell's first screen, the signed-in teammate's name on screen. */
const UNTIL_SHELL = values['until-shell'] === true;
const TEAMMATE_NAME = 'Ada Admin';
const SHOWN = UNTIL_SHELL ? "the shell's first screen (the teammate's name)" : 'the first rows on screen';
const APP_ID = 'bench';
const PAGE_SIZE = 50;
const LOAD_TIMEOUT_MS = 30_000;
const VIEWPORT = { width: 1280, height: 800 };

// ---------------------------------------------------------------------------------------------
// The server, its data and the teammate

interface Bench {
  server: RunningServer;
  /** `confab_session=…` of the signed-in teammate. */
  cookie: { name: string; value: string };
  firstRows: TeamConversation[];
  seedSeconds: number;
  /** The server's start, which indexes the seeded rows for search first. */
  serverSeconds: number;
  folder: string;
}

async function call(server: RunningServer, method: string, path: string, body?: unknown, cookie?: string) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json', origin: server.url } : {}),
      ...(cookie ? { cookie } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response;
}

async function prepare(): Promise<Bench> {
  const folder = mkdtempSync(join(tmpdir(), 'confab-bench-inbox-'));
  const dbPath = join(folder, 'confab.sqlite');
  const password = 'bench-password-0123456789';

  // The schema and the two teammates through the store, as the CLI makes them; then the bulk.
  const seedStart = performance.now();
  const setup = openSqlite(dbPath);
  await migrate(setup.db, 'sqlite');
  const store = createStore(setup.db, () => undefined);
  const now = Date.now();
  const me = await store.createTeammate(
    { email: 'ada@bench.example', name: TEAMMATE_NAME, role: 'admin', apps: ['*'] },
    now,
  );
  const colleague = await store.createTeammate(
    { email: 'grace@bench.example', name: 'Grace Agent', role: 'agent', apps: [APP_ID] },
    now,
  );
  if (!me || !colleague) throw new Error('the bench teammates exist already');
  await setup.close();
  const start = now - COUNTS.conversations * 60_000;
  seedConversations(
    dbPath,
    APP_ID,
    { conversations: COUNTS.conversations, messages: COUNTS.messages },
    {
      me: { id: me.teammate.id, name: me.teammate.name },
      colleague: { id: colleague.teammate.id, name: colleague.teammate.name },
    },
    start,
  );
  const seedSeconds = (performance.now() - seedStart) / 1000;

  const baselineFolder = join(folder, 'baseline');
  mkdirSync(baselineFolder);
  const config = parseConfig(
    [
      ...['--port', '0', '--host', '127.0.0.1', '--db', dbPath, '--team-name', 'Bench'],
      ...['--rate-limit-ip', '1000000', '--rate-limit-session', '1000000'],
    ],
    {},
  );
  if (config === 'help') throw new Error('parseConfig answered help');
  const serverStart = performance.now();
  const server = await startServer(config, {
    logger: false,
    clientApps: { inbox: builtInboxFolder() },
    staticRoots: [{ root: baselineFolder, prefix: '/bench-baseline/' }],
  });

  const serverSeconds = (performance.now() - serverStart) / 1000;
  await call(server, 'POST', '/api/v1/auth/password', { token: me.link.token, password });
  const login = await call(server, 'POST', '/api/v1/auth/login', { email: 'ada@bench.example', password });
  const [name, value] = login.headers.getSetCookie()[0]!.split(';')[0]!.split('=') as [string, string];
  const listed = (await (
    await call(
      server,
      'GET',
      `/api/v1/apps/${APP_ID}/conversations?limit=${PAGE_SIZE}${LIST_QUERY ? `&${LIST_QUERY}` : ''}`,
      undefined,
      `${name}=${value}`,
    )
  ).json()) as { conversations: TeamConversation[] };
  if (listed.conversations.length < COUNTS.rows)
    throw new Error(`the list ?${LIST_QUERY} has ${listed.conversations.length} conversations, fewer than --rows`);
  writeFileSync(join(baselineFolder, 'index.html'), baselinePage(listed.conversations, TEAMMATE_NAME));
  return { server, cookie: { name, value }, firstRows: listed.conversations, seedSeconds, serverSeconds, folder };
}

// ---------------------------------------------------------------------------------------------
// One load

type Variant = 'inbox' | 'baseline';
const VARIANTS: Variant[] = ['inbox', 'baseline'];

interface Load {
  variant: Variant;
  /** Navigation start → the frame with the first rows. */
  total: number;
  documentEnd: number;
  assetsEnd: number | null;
  listStart: number | null;
  listEnd: number | null;
  api: InPage['api'];
  /** Longest Long Tasks API entry (> 50 ms) before the rows; 0 if none. */
  longtaskApi: number | null;
  longest?: LongestTask;
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
          () => reject(new Error(`${what}: the first rows were not on screen within ${LOAD_TIMEOUT_MS} ms`)),
          LOAD_TIMEOUT_MS,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function urlOf(bench: Bench, variant: Variant): string {
  return variant === 'inbox' ? `${bench.server.url}/inbox/${APP_ID}` : `${bench.server.url}/bench-baseline/`;
}

async function load(browser: Browser, bench: Bench, variant: Variant, probe: string, traced: boolean): Promise<Load> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  let tracing = false;
  try {
    await context.addCookies([{ ...bench.cookie, url: bench.server.url }]);
    await context.addInitScript({ content: probe });
    // A returning teammate: the inbox remembers their last app, and with it asks for that app's
    // list beside /me (first-page.ts). Same for both variants; the baseline page ignores it.
    await context.addInitScript({
      content: `try { localStorage.setItem('confab.inbox.last-app', ${JSON.stringify(APP_ID)}); } catch {}`,
    });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        note(`${variant}: console.${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => note(`${variant}: uncaught: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) note(`${variant}: ${response.status()} ${new URL(response.url()).pathname}`);
    });
    if (traced) {
      await browser.startTracing(page, { categories: TRACE_CATEGORIES });
      tracing = true;
    }
    await page.goto(urlOf(bench, variant), { waitUntil: 'commit' });
    try {
      await withTimeout(page.evaluate('window.__bench.done'), variant);
    } catch (error) {
      // What the page showed instead: the list's query (--list) may not be the one the inbox opens with.
      const screenshot = join(tmpdir(), `confab-inbox-load-${variant}.png`);
      await page.screenshot({ path: screenshot }).catch(() => undefined);
      throw new Error(`${(error as Error).message}; the page as it was: ${screenshot}`);
    }
    const r = (await page.evaluate('window.__bench.result()')) as InPage;
    const longtasks = r.longtasks?.filter((t) => t.start < r.visible) ?? null;
    const result: Load = {
      variant,
      total: r.visible,
      documentEnd: r.documentEnd,
      assetsEnd: r.assetsEnd,
      listStart: r.listStart,
      listEnd: r.listEnd,
      api: r.api,
      longtaskApi: longtasks === null ? null : Math.max(0, ...longtasks.map((t) => t.duration)),
    };
    if (traced) {
      tracing = false;
      result.longest = longestTask(await browser.stopTracing(), VISIBLE_MARK, r.visible);
    }
    return result;
  } finally {
    if (tracing) await browser.stopTracing().catch(() => undefined);
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Figures

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
/** Nearest-rank percentile. */
const percentile = (xs: number[], p: number) => sorted(xs)[Math.max(0, Math.ceil(p * xs.length) - 1)]!;
const median = (xs: number[]) => percentile(xs, 0.5);
const p90 = (xs: number[]) => percentile(xs, 0.9);
const ms = (n: number) => `${n.toFixed(1)} ms`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(1)}×` : 'n/a');
const of = (loads: Load[], variant: Variant, value: (l: Load) => number | null | undefined) =>
  loads
    .filter((l) => l.variant === variant)
    .map(value)
    .filter((v): v is number => typeof v === 'number');

function verboseLine(pass: string, i: number, l: Load) {
  const parts = [`rows ${ms(l.total)}`, `document ${ms(l.documentEnd)}`];
  if (l.assetsEnd !== null) parts.push(`assets ${ms(l.assetsEnd)}`);
  for (const call of l.api) parts.push(`${call.path} ${ms(call.start)} → ${ms(call.end)}`);
  parts.push(`longtask API ${l.longtaskApi === null ? 'n/a' : ms(l.longtaskApi)}`);
  if (l.longest) parts.push(`longest task ${ms(l.longest.duration)} (${l.longest.what})`);
  console.log(`    ${pass} #${i} ${l.variant.padEnd(8)} ${parts.join(', ')}`);
}

function compare(what: string, inbox: number[], baseline: number[], suffix = '') {
  console.log(
    `  ${what}: inbox median ${ms(median(inbox))} (p90 ${ms(p90(inbox))}), baseline median ${ms(median(baseline))} (p90 ${ms(p90(baseline))}), ratio ${ratio(median(inbox), median(baseline))} (p90 ${ratio(p90(inbox), p90(baseline))})${suffix}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Run

const started = Date.now();
let bench: Bench | undefined;
let browser: Browser | undefined;
try {
  const sizes = assetSizes(builtInboxFolder());
  bench = await prepare();
  browser = await launchChromium();
  const names = bench.firstRows.map((c) => c.contact.name ?? '');
  const probe = UNTIL_SHELL ? probeScript([TEAMMATE_NAME], 1) : probeScript(names, COUNTS.rows);

  const timed: Load[] = [];
  const traced: Load[] = [];
  for (let i = -COUNTS.warmup; i < COUNTS.loads; i++) {
    const order = i % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
    for (const pass of ['timed', 'traced'] as const) {
      for (const variant of order) {
        const result = await load(browser, bench, variant, probe, pass === 'traced');
        if (i < 0) continue;
        if (VERBOSE) verboseLine(pass, i, result);
        (pass === 'timed' ? timed : traced).push(result);
      }
    }
  }

  const total = (v: Variant) => of(timed, v, (l) => l.total);
  const task = (v: Variant) => of(traced, v, (l) => l.longest?.duration);
  const api = (v: Variant) => of(timed, v, (l) => l.longtaskApi);
  const kinds = (variant: Variant) => {
    const counts = new Map<string, number>();
    for (const l of traced.filter((x) => x.variant === variant)) {
      const kind = l.longest!.what.replace(/ [\d.]+ ms$/, '');
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    return [...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([kind, n]) => `${kind} ${n}/${COUNTS.loads}`)
      .join(', ');
  };

  console.log(
    `inbox-load (${browser.version()} headless, node ${process.version}, ${availableParallelism()} cores; ${COUNTS.loads} loads per variant untraced and ${COUNTS.loads} traced after ${COUNTS.warmup} warm-up rounds; alternating; a fresh context each; viewport ${VIEWPORT.width}×${VIEWPORT.height})`,
  );
  console.log(
    `  data: ${COUNTS.conversations.toLocaleString('en-US')} conversations with their contacts, ${COUNTS.messages.toLocaleString('en-US')} messages, seeded in ${bench.seedSeconds.toFixed(1)} s (the server then started in ${bench.serverSeconds.toFixed(1)} s, indexing them for search); the first list ?${LIST_QUERY}; ${UNTIL_SHELL ? `"first rows" stand in for the shell's first screen: the teammate's name (${TEAMMATE_NAME}) on screen` : `"first rows" = ${COUNTS.rows} of its first contact names on screen (the first: ${bench.firstRows[0]!.contact.name})`}`,
  );
  console.log(
    `  inbox build: JS ${kb(sizes.js.gzip)} gzip (${kb(sizes.js.initialGzip)} loaded up front, ${kb(sizes.js.raw)} min), CSS ${kb(sizes.css.gzip)} gzip (${kb(sizes.css.raw)} min); baseline page ${kb(Buffer.byteLength(baselinePage(bench.firstRows, TEAMMATE_NAME)))} with its CSS`,
  );
  for (const file of sizes.files)
    console.log(`    ${file.path}: ${kb(file.gzip)} gzip${file.initial ? '' : ' (loaded later)'}`);
  compare(`navigation → ${SHOWN}`, total('inbox'), total('baseline'));
  const part = (value: (l: Load) => number | null) => {
    const xs = of(timed, 'inbox', value);
    return xs.length === 0 ? 'n/a' : ms(median(xs));
  };
  console.log(
    `    inbox, median of each part: document arrived ${part((l) => l.documentEnd)}, scripts and styles arrived ${part((l) => l.assetsEnd)}, list request sent ${part((l) => l.listStart)}, answered ${part((l) => l.listEnd)}, ${SHOWN} ${part((l) => l.total)}`,
  );
  // The API calls before the rows, in the order they were sent (medians over the loads that made them).
  const calls = new Map<string, { start: number[]; end: number[] }>();
  for (const l of timed.filter((x) => x.variant === 'inbox'))
    for (const call of l.api) {
      const seen = calls.get(call.path) ?? { start: [], end: [] };
      seen.start.push(call.start);
      seen.end.push(call.end);
      calls.set(call.path, seen);
    }
  const waterfall = [...calls]
    .sort((a, b) => median(a[1].start) - median(b[1].start))
    .map(([path, t]) => `${path} ${ms(median(t.start))} → ${ms(median(t.end))}`);
  if (waterfall.length)
    console.log(`    inbox's API calls before the rows, median sent → answered: ${waterfall.join('; ')}`);
  console.log(`    baseline: document arrived ${ms(median(of(timed, 'baseline', (l) => l.documentEnd)))}`);
  compare(`longest task before ${SHOWN}`, task('inbox'), task('baseline'), '   [traced pass]');
  console.log(`    mostly: inbox ${kinds('inbox')}; baseline ${kinds('baseline')}`);
  const over50 = (xs: number[]) => xs.filter((x) => x > 0).length;
  console.log(
    `    Long Tasks API (> 50 ms, untraced pass): inbox ${over50(api('inbox'))}/${api('inbox').length} loads, median ${ms(median(api('inbox')))} (p90 ${ms(p90(api('inbox')))}); baseline ${over50(api('baseline'))}/${api('baseline').length} loads`,
  );
  console.log(`  page console errors and warnings: ${consoleFindings.size === 0 ? 'none' : ''}`);
  for (const [line, n] of consoleFindings) console.log(`    ${n}× ${line}`);
  console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
} finally {
  await browser?.close();
  await bench?.server.close();
  if (bench) rmSync(bench.folder, { recursive: true, force: true });
}
