// `confab-server`: the command line. Config from flags and environment, graceful SIGTERM/SIGINT;
// `migrate` and `backup` are maintenance commands (admin-commands.ts).
import { runAdminCommand } from './admin-commands';
import { ConfigError, parseConfig, USAGE } from './config';
import { commandLineLogger } from './logging';
import { closeOnSignals } from './shutdown';
import { startServer } from './start-server';

async function main() {
  const adminCommand = runAdminCommand(process.argv.slice(2), process.env);
  if (adminCommand) {
    process.exitCode = await adminCommand;
    return;
  }
  let config;
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
    return;
  }
  // JSON lines on stderr (logging.ts): one per request at info, failures at warn and error.
  const server = await startServer(config, { logger: commandLineLogger(config.logLevel ?? 'info') });
  console.log(`confab-server listening on ${server.url} (database ${config.db})`);
  if (config.teamTokenGenerated) console.log(`team API token for this run: ${config.teamToken} (set --team-token or CONFAB_TEAM_TOKEN to keep one)`);
  closeOnSignals(() => server.close());
}

main().catch((error) => {
  console.error(`confab-server: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
