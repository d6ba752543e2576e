// `pnpm start`: the Confab server on an embedded SQLite file, serving the demo pages and the
// widget, with the URLs to open printed. Ctrl-C (SIGINT) or SIGTERM closes it gracefully.
import { isAbsolute, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '@confab/server';
import { buildPages } from './build-pages';
import { paths, startDemo, WIDGET_BUILD_COMMAND } from './demo';

const USAGE = `pnpm start [-- options]      (in apps/demo: pnpm run start [-- options])

  --port <n>          port to listen on         (PORT or CONFAB_PORT, default 8787; 0 picks a free one)
  --host <addr>       address to listen on      (CONFAB_HOST, default 127.0.0.1)
  --db <path>         SQLite file, kept across restarts  (CONFAB_DB, default .confab/confab.sqlite)
  --team-token <t>    the server's shared team API token for scripts, 16+ characters
                      (CONFAB_TEAM_TOKEN, default: made per run and not shown)
  --widget-dir <dir>  folder holding confab.js  (default packages/dom/dist)
  --help`;

function fail(message: string, code = 2): never {
  console.error(`confab demo: ${message}`);
  process.exit(code);
}

/** A path inside the repository relative to its root, any other as it is. */
function shortPath(file: string): string {
  const inside = relative(paths.repoRoot, file);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : file;
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 8787;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`--port must be an integer from 0 to 65535, got ${JSON.stringify(value)}`);
  return port;
}

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  db: { type: 'string' },
  'team-token': { type: 'string' },
  'widget-dir': { type: 'string' },
  help: { type: 'boolean' },
} as const;

async function main() {
  // `pnpm run start -- --port 9000` hands the script the `--` itself (npm drops it): skip it.
  const args = process.argv.slice(2);
  if (args[0] === '--') args.shift();
  let values: ReturnType<
    typeof parseArgs<{ options: typeof OPTIONS; strict: true; allowPositionals: false }>
  >['values'];
  try {
    ({ values } = parseArgs({
      args,
      options: OPTIONS,
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }

  const port = parsePort(values.port ?? process.env.PORT ?? process.env.CONFAB_PORT);
  const host = values.host ?? process.env.CONFAB_HOST ?? '127.0.0.1';
  const teamToken = values['team-token'] ?? (process.env.CONFAB_TEAM_TOKEN || undefined);
  const db = values.db ?? (process.env.CONFAB_DB || undefined);
  // The Vue and Svelte pages are bundled at each start (a few seconds): they always match the source.
  await buildPages();
  let demo: Awaited<ReturnType<typeof startDemo>>;
  try {
    demo = await startDemo({
      port,
      host,
      ...(db !== undefined ? { db } : {}),
      ...(teamToken !== undefined ? { teamToken } : {}),
      ...(values['widget-dir'] !== undefined ? { widgetDir: values['widget-dir'] } : {}),
    });
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      fail(
        `port ${port} on ${host} is already in use (another demo running?): stop it, or pick another port with --port 9000 or PORT=9000`,
        1,
      );
    }
    throw error;
  }

  const signIn = demo.admin.password
    ? [
        `  Inbox email                  ${demo.admin.email}`,
        `  Inbox password               ${demo.admin.password}${demo.admin.created ? ' (made now, kept in the database folder)' : ''}`,
      ]
    : demo.admin.passwordLink
      ? [
          `  Inbox email                  ${demo.admin.email}`,
          `  Set its password here        ${demo.admin.passwordLink}`,
        ]
      : [`  Inbox admin                  ${demo.admin.email} is deactivated: sign in as another admin`];
  const lines = [
    '',
    'Confab demo running:',
    '',
    `  Site (the visitor's side)    ${demo.siteUrl}`,
    `  The same in a Vue app        ${demo.vueUrl}`,
    `  The same in a Svelte app     ${demo.svelteUrl}`,
    `  The same in a React app      ${demo.reactUrl}`,
    `  Inbox (reply from here)      ${demo.inboxUrl}`,
    ...signIn,
    `  API base                     ${demo.apiBase}`,
    `  Database                     ${demo.db}`,
    '',
    "Open the site and the inbox side by side: write from the site's messenger, answer from the inbox.",
    'Scripts reach the team API with an API token made in the inbox (Settings).',
    'Ctrl-C stops the server; the database is kept.',
    '',
  ];
  console.log(lines.join('\n'));
  if (!demo.widget.built) {
    console.warn(
      [
        `WARNING: ${shortPath(demo.widget.file)} not found: run ${WIDGET_BUILD_COMMAND}`,
        '         (`pnpm start` does it first). Until then the site page loads no messenger; the',
        '         inbox and the API work. No restart needed once it is built.',
        '',
      ].join('\n'),
    );
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.log('confab demo: closing already; exiting now');
      process.exit(1);
    }
    stopping = true;
    console.log(`\nconfab demo: ${signal}, closing`);
    demo.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('confab demo: close failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`confab demo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
