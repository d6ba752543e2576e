// `confab-server`: the command line. Config from flags and environment (config.ts: a bad flag or
// value is one line and exit code 2), the widget served from its build, graceful SIGTERM/SIGINT;
// `migrate` and `backup` are maintenance commands (admin-commands.ts).
import { runAdminCommand } from './admin-commands';
import { ConfigError, parseConfig, USAGE } from './config';
import { builtInboxFolder } from './inbox-files';
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
  const adminCommand = runAdminCommand(process.argv.slice(2), process.env);
  if (adminCommand) {
    process.exitCode = await adminCommand;
    return;
  }
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
  const widget = widgetFile();
  // Loaded once the configuration holds: --help and a bad flag answer without loading the server.
  const [{ startServer }, { commandLineLogger }, { closeOnSignals }] = await Promise.all([
    import('./start-server'),
    import('./logging'),
    import('./shutdown'),
  ]);
  // JSON lines on stderr (logging.ts): one per request at info, failures at warn and error.
  const server = await startServer(config, {
    logger: commandLineLogger(config.logLevel ?? 'info'),
    clientApps: { ...(widget !== undefined ? { widget } : {}), inbox: builtInboxFolder() },
  });
  console.log(`confab-server listening on ${server.url} (database ${config.db})`);
  const served = server.clientApps.widget;
  if (served) {
    console.log(`widget script ${server.url}${served.path} (for Intercom's snippet)`);
    console.log(
      `pinned widget script ${server.url}${served.hashedPath} integrity ${served.integrity} (crossorigin="anonymous")`,
    );
  }
  console.log(`inbox ${server.url}/inbox`);
  if (config.teamTokenGenerated)
    console.log(`team API token for this run: ${config.teamToken} (set --team-token or CONFAB_TEAM_TOKEN to keep one)`);
  closeOnSignals(() => server.close());
}

main().catch((error) => {
  console.error(`confab-server: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
