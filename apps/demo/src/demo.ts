// The demo as a function: a Confab server that also serves the demo pages and the widget script
// from one origin, so the pages need no api_base and the browser makes no cross-origin call.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtInboxFolder, parseConfig, type RunningServer, type ServerConfig, startServer } from '@confab/server';
import { type DemoAdmin, seedDemoAdmin } from './demo-admin';
import { siteBackend } from './site-backend';

const demoDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where things are by default: this app's pages, the DOM adapter's build, the repository root. */
export const paths = {
  demoDir,
  repoRoot: resolve(demoDir, '../..'),
  /** Where src/build-pages.ts bundles the framework pages (served as /vue/app.js, ...). */
  pagesBuildDir: join(demoDir, 'dist', 'pages'),
  publicDir: join(demoDir, 'public'),
  widgetDir: resolve(demoDir, '../../packages/dom/dist'),
  db: resolve(demoDir, '../../.confab/confab.sqlite'),
};

/** The app id of the demo pages (`window.intercomSettings.app_id`), and so the inbox's app. */
export const DEMO_APP_ID = 'demo';
export const WIDGET_FILE = 'confab.js';
export const WIDGET_BUILD_COMMAND = 'pnpm --filter @confab/dom run build';

export interface DemoOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** The SQLite file; its folder is made if missing. */
  db?: string;
  /** The folder holding the widget's `confab.js` (the DOM adapter's dist). */
  widgetDir?: string;
  /** The folder of the demo pages. */
  publicDir?: string;
  /** The folder of the bundled framework pages (src/build-pages.ts). */
  pagesBuildDir?: string;
  /** The built inbox's folder (served at /inbox); @confab/inbox's build by default. */
  inboxDir?: string;
  /** The server's shared team API token (scripts, tests); made for this run when absent. At least 16 characters. */
  teamToken?: string;
  /** The identity verification secret; made for this run when absent. At least 16 characters. */
  secret?: string;
  logger?: boolean;
}

export interface RunningDemo {
  server: RunningServer;
  config: ServerConfig;
  /** The visitor's side: the plain page with the snippet. */
  siteUrl: string;
  /** The same, as a Vue app with @confab/vue. */
  vueUrl: string;
  /** The same, as a Svelte app with @confab/svelte. */
  svelteUrl: string;
  /** The same, as a React app with @confab/react. */
  reactUrl: string;
  /** The inbox, where the team answers: sign in as `admin`. */
  inboxUrl: string;
  /** The demo's admin (demo-admin.ts): made on the first start, its password kept beside the database. */
  admin: DemoAdmin;
  /** The messenger and team API's origin. */
  apiBase: string;
  db: string;
  teamToken: string;
  teamTokenGenerated: boolean;
  /** The widget script the pages load, and whether it is there (built) right now. */
  widget: { file: string; built: boolean };
  close(): Promise<void>;
}

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const db = resolve(options.db ?? paths.db);
  mkdirSync(dirname(db), { recursive: true });
  const widgetDir = resolve(options.widgetDir ?? paths.widgetDir);
  const publicDir = resolve(options.publicDir ?? paths.publicDir);
  const pagesBuildDir = resolve(options.pagesBuildDir ?? paths.pagesBuildDir);

  // The server's own parser validates and fills the defaults (rate limits, a generated token).
  // The environment is deliberately not read here: the secret is the demo's own, known only to
  // the server and to its stand-in site backend (site-backend.ts), which signs the page's users.
  const secret = options.secret ?? randomBytes(24).toString('base64url');
  // `--flag=value`: a value may start with "-" (a quarter of base64url secrets do), which the
  // parser would otherwise read as a flag.
  const argv = [
    '--port',
    String(options.port ?? 8787),
    '--host',
    options.host ?? '127.0.0.1',
    '--db',
    db,
    '--team-name',
    'Confab demo',
    `--secret=${secret}`,
  ];
  argv.push('--greeting', 'Hi! Send a message here, then answer it from the inbox.');
  if (options.teamToken !== undefined) argv.push(`--team-token=${options.teamToken}`);
  const config = parseConfig(argv, {});
  if (config === 'help') throw new Error('unreachable: --help is never passed');

  const server = await startServer(config, {
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    routes: siteBackend(secret),
    clientApps: { inbox: resolve(options.inboxDir ?? builtInboxFolder()) },
    // The pages, the widget's script (/confab.js from packages/dom/dist, and nothing else of that
    // build: its source maps, module bundles and type declarations), the bundled framework pages
    // (/vue/app.js, /svelte/app.js, /react/app.js).
    staticRoots: [{ root: publicDir }, { root: widgetDir, files: [WIDGET_FILE] }, { root: pagesBuildDir }],
  });
  const widgetFile = join(widgetDir, WIDGET_FILE);
  let admin: DemoAdmin;
  try {
    admin = await seedDemoAdmin(server, join(dirname(db), 'demo-admin.json'));
  } catch (error) {
    await server.close();
    throw error;
  }
  return {
    server,
    config,
    siteUrl: `${server.url}/`,
    vueUrl: `${server.url}/vue.html`,
    svelteUrl: `${server.url}/svelte.html`,
    reactUrl: `${server.url}/react.html`,
    inboxUrl: `${server.url}/inbox/`,
    admin,
    apiBase: server.url,
    db,
    teamToken: config.teamToken,
    teamTokenGenerated: config.teamTokenGenerated,
    widget: { file: widgetFile, built: existsSync(widgetFile) },
    close: () => server.close(),
  };
}
