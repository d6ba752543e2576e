// Starts a Confab server: database opened and migrated, the app built (build-app.ts) and listening;
// and closes it gracefully.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { buildServer } from './build-app';
import { type ClientApps, type ServedClientApps, serveClientApps } from './client-apps';
import type { ServerConfig } from './config';
import type { ServerOptions } from './context';
import { type Dialect, migrate, schemaStatus } from './db/migrations';
import { isPostgresUrl, openPostgres } from './db/postgres';
import type { Database } from './db/schema';
import { openSqlite } from './db/sqlite';
import type { ReadinessCheck } from './health';
import { createMetrics } from './metrics';
import { announceInTransaction, createPostgresRealtimeHub } from './postgres-realtime';
import { postgresRateLimiters, type RateLimiters } from './rate-limits';
import { createLocalRealtimeHub, type RealtimeHub } from './realtime';
import { type StaticRoot, serveStatic } from './static-files';
import { createStore, type Store, type StoreOptions } from './store';

export interface StartOptions {
  /** Fastify's logger (none by default); the CLI logs warnings and errors to stderr. */
  logger?: ServerOptions['logger'];
  /** The browser code to serve from its builds: the widget's script (client-apps.ts). */
  clientApps?: ClientApps;
  /** Folders to serve beside the API; they never answer a path of the API (static-files.ts). */
  staticRoots?: StaticRoot[];
  /** Bytes one session's streams may have waiting, together, before they wait for their clients to read them (default 1 MB). */
  streamBufferLimit?: number;
  /** How long a client may take to read them before it is disconnected (default 10 s). */
  streamStallMs?: number;
  /** Routes of the embedding app, added before the server listens (the demo's stand-in for a site's backend). */
  routes?: (app: FastifyInstance) => void | Promise<void>;
}

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  /** http://host:port */
  url: string;
  /** What StartOptions.clientApps made: the widget's names and integrity. */
  clientApps: ServedClientApps;
  close(): Promise<void>;
}

export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  // SQLite for one process; PostgreSQL (a postgres:// URL) for several sharing one database,
  // with realtime news over LISTEN/NOTIFY and the rate limits counted in the database.
  let db: Kysely<Database>, closeDb: () => Promise<void>, hub: RealtimeHub, rateLimiters: RateLimiters | undefined;
  let storeOptions: StoreOptions = {};
  // Only when someone can read them (--metrics-token): otherwise nothing is counted.
  const metrics = config.metricsToken !== undefined ? createMetrics() : undefined;
  let dialect: Dialect;
  // The realtime hub starts before the app and its logger; its warnings go there once it exists.
  let log: FastifyBaseLogger | undefined;
  if (isPostgresUrl(config.db)) {
    const postgres = openPostgres(config.db);
    ({ db, close: closeDb } = postgres);
    try {
      await migrate(db, 'postgres');
      hub = await createPostgresRealtimeHub(postgres.pool, (message, error) =>
        log?.warn(error === undefined ? {} : { err: error }, message),
      );
    } catch (error) {
      await closeDb();
      throw error;
    }
    rateLimiters = postgresRateLimiters(config.rateLimits, postgres.pool);
    // Writes run side by side and commit in any order; streams read in commit order all the same
    // (store/stream-position.ts).
    storeOptions = { announce: announceInTransaction };
    dialect = 'postgres';
    metrics?.watch(
      'confab_db_pool_waiting',
      'Queries waiting for a PostgreSQL connection of this process',
      () => postgres.pool.waitingCount,
    );
    metrics?.watch(
      'confab_db_pool_connections',
      'PostgreSQL connections this process holds open',
      () => postgres.pool.totalCount,
    );
  } else {
    ({ db, close: closeDb } = openSqlite(config.db));
    // The writes that arrive together share one transaction and its disk sync (store/group-commit.ts).
    storeOptions = { groupCommit: metrics ? { onCommit: (writes) => metrics.observeCommit(writes) } : {} };
    dialect = 'sqlite';
    await migrate(db, 'sqlite');
    hub = createLocalRealtimeHub();
  }
  if (metrics) storeOptions = { ...storeOptions, measureWrite: (write) => metrics.measureWrite(write) };
  const store = createStore(db, (appId, personId) => hub.notify(appId, personId), {
    onTeamPublish: (appId) => hub.notifyTeam(appId),
    ...storeOptions,
  });
  // What a migration left to index (0010 hands over every message, note and contact).
  await store.indexPendingSearch();
  // Ready when the database answers and holds every migration this code needs (one started by an
  // operator's `confab-server migrate` of a newer version, say, makes it unknown: not ready).
  const checkReadiness: ReadinessCheck = async () => {
    const { pending, unknown } = await schemaStatus(db, dialect);
    if (unknown.length > 0) return `the database's schema is newer than this server: migrations ${unknown.join(', ')}`;
    if (pending.length > 0) return `migrations not applied: ${pending.join(', ')}`;
    return undefined;
  };
  const app = await buildServer({
    store,
    hub,
    ...(rateLimiters ? { rateLimiters } : {}),
    ...(config.secret !== undefined ? { secret: config.secret } : {}),
    teamToken: config.teamToken,
    ...(config.publicUrl !== undefined ? { publicUrl: config.publicUrl } : {}),
    corsOrigins: config.corsOrigins,
    trustProxy: config.trustProxy,
    rateLimits: config.rateLimits,
    streamCaps: config.streamCaps,
    requestTimeoutMs: config.requestTimeoutMs,
    checkReadiness,
    ...(metrics ? { metrics } : {}),
    ...(config.metricsToken !== undefined ? { metricsToken: config.metricsToken } : {}),
    messengerSettings: {
      team_name: config.teamName,
      ...(config.greeting !== undefined ? { greeting: config.greeting } : {}),
    },
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    ...(options.streamBufferLimit !== undefined ? { streamBufferLimit: options.streamBufferLimit } : {}),
    ...(options.streamStallMs !== undefined ? { streamStallMs: options.streamStallMs } : {}),
  });
  log = app.log;
  let clientApps: ServedClientApps = {};
  try {
    await options.routes?.(app);
    clientApps = await serveClientApps(app, options.clientApps ?? {});
    if (options.staticRoots?.length) await serveStatic(app, options.staticRoots);
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await hub.close();
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
    clientApps,
    close: () =>
      (closing ??= (async () => {
        await app.close();
        await hub.close();
        await closeDb();
      })()),
  };
}
