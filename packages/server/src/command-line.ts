// `confab-server`: the command line. Config from flags and environment (config.ts: a bad flag or
// value is one line and exit code 2), the widget served from its build, graceful SIGTERM/SIGINT.
import { ConfigError, parseConfig, USAGE } from './config';
import { builtWidgetFile, widgetNames } from './widget';

/** @confab/dom's script, or undefined (with a warning: the API works without it) when it is not built. */
function widgetFile(): string | undefined {
  try {
    return builtWidgetFile();
  } catch (error) {
    console.error(`confab-server: warning: ${(error as Error).message}; /confab.js is not served`);
    return undefined;
  }
}

async function main() {
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`confab-server: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  if (config === 'help') {
    console.log(USAGE);
    let file: string | undefined;
    try {
      file = builtWidgetFile();
    } catch {
      return; // not built: nothing to pin yet
    }
    const { hashedPath, integrity } = widgetNames(file);
    console.log(`\nThe widget built now: ${hashedPath} integrity ${integrity}`);
    return;
  }
  // Failures only (500s, broken streams, a lost database connection), as JSON lines on stderr;
  // requests that succeed are not logged.
  const widget = widgetFile();
  // Loaded once the configuration holds: --help and a bad flag answer without loading the server.
  const { startServer } = await import('./start-server');
  const server = await startServer(config, {
    logger: { level: 'warn', stream: process.stderr },
    ...(widget !== undefined ? { clientApps: { widget } } : {}),
  });
  console.log(`confab-server listening on ${server.url} (database ${config.db})`);
  const served = server.clientApps.widget;
  if (served) {
    console.log(`widget script ${server.url}${served.path} (for Intercom's snippet)`);
    console.log(`pinned widget script ${server.url}${served.hashedPath} integrity ${served.integrity} (crossorigin="anonymous")`);
  }
  if (config.teamTokenGenerated) console.log(`team API token for this run: ${config.teamToken} (set --team-token or CONFAB_TEAM_TOKEN to keep one)`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`confab-server: ${signal}, closing`);
    server.close().then(
      () => process.exit(0),
      (error) => {
        console.error('confab-server: close failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error) => {
  console.error(`confab-server: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
