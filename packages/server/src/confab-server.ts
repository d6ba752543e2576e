// A running Confab server: database opened and migrated, HTTP listening, graceful close.
import type { FastifyInstance } from 'fastify';
import { buildServer } from './app';
import type { ServerConfig } from './config';
import { migrate } from './db/migrations';
import { openSqlite } from './db/sqlite';
import { createLocalRealtimeHub } from './realtime';
import { createStore, type Store } from './store';

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  /** http://host:port */
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: ServerConfig, options: { logger?: boolean } = {}): Promise<RunningServer> {
  const { db, close: closeDb } = openSqlite(config.db);
  await migrate(db, 'sqlite');
  const hub = createLocalRealtimeHub();
  const store = createStore(db, (appId, personId) => hub.notify(appId, personId));
  const app = await buildServer({
    store,
    hub,
    ...(config.secret !== undefined ? { secret: config.secret } : {}),
    teamToken: config.teamToken,
    corsOrigins: config.corsOrigins,
    trustProxy: config.trustProxy,
    rateLimits: config.rateLimits,
    messengerSettings: { team_name: config.teamName, ...(config.greeting !== undefined ? { greeting: config.greeting } : {}) },
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await closeDb();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  let closing: Promise<void> | undefined;
  return {
    app,
    store,
    url: `http://${host}:${port}`,
    close: () =>
      (closing ??= (async () => {
        await app.close();
        await hub.close();
        await closeDb();
      })()),
  };
}
