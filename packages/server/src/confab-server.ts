// A running Confab server: database opened and migrated, HTTP listening, graceful close.
import { isAbsolute, posix, relative, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql, type Kysely, type Transaction } from 'kysely';
import { buildServer, type ServerOptions } from './app';
import type { ServerConfig } from './config';
import { migrate } from './db/migrations';
import type { Database } from './db/schema';
import { isPostgresUrl, openPostgres } from './db/postgres';
import { openSqlite } from './db/sqlite';
import { announceInTransaction, createPostgresRealtimeHub } from './postgres-realtime';
import { postgresRateLimiters, type RateLimiters } from './rate-limits';
import { createLocalRealtimeHub, type RealtimeHub } from './realtime';
import { createStore, type Store, type StoreOptions } from './store';

/** A folder of files served as they are (a demo's pages, the widget's built script). */
export interface StaticRoot {
  /** The folder (absolute, or relative to the working directory); one that does not exist yet
   *  serves nothing until it does, then its files without a restart. */
  root: string;
  /** URL path the folder is served under; `/` by default. */
  prefix?: string;
  /**
   * Cache-Control of its files; `no-cache` by default: the browser keeps a copy but revalidates
   * it (ETag, Last-Modified) on every use, so a rebuilt script or an edited page shows on reload.
   */
  cacheControl?: string;
  /**
   * Only these files of the folder are served (paths inside it, e.g. `['confab.js']`), each at its
   * own path under the prefix, ahead of other folders there; nothing else of the folder answers.
   * A build folder holds more than its script (source maps, other bundles, type declarations):
   * list what the pages need. Without it, the whole folder is served.
   */
  files?: string[];
}

export interface StartOptions {
  /** Fastify's logger (none by default); the CLI logs warnings and errors to stderr. */
  logger?: ServerOptions['logger'];
  /** Folders to serve beside the API; they never answer a path of the API (see API_PATHS). */
  staticRoots?: StaticRoot[];
  /** Bytes one session's streams may have waiting, together, before they wait for their clients to read them (default 1 MB). */
  streamBufferLimit?: number;
  /** How long a client may take to read them before it is disconnected (default 10 s). */
  streamStallMs?: number;
  /** Routes of the embedding app, added before the server listens (the demo's stand-in for a site's backend). */
  routes?: (app: FastifyInstance) => void | Promise<void>;
}

/** Paths the API owns: a file never answers under them, even where no API route matches. */
const API_PATHS = ['/messenger/', '/api/', '/health'];

function isApiPath(request: FastifyRequest): boolean {
  let path: string;
  try {
    // Decoded, as the file lookup decodes it: `/%61pi/…` is `/api/…`.
    path = decodeURIComponent(request.url.split('?')[0] ?? '');
  } catch {
    return true; // malformed escapes: no file
  }
  return isApiPathname(path);
}

function isApiPathname(path: string): boolean {
  return API_PATHS.some((owned) => path === owned.replace(/\/$/, '') || path.startsWith(owned.endsWith('/') ? owned : `${owned}/`));
}

/**
 * Serves the folders with @fastify/static. Folders under one prefix share a registration (one
 * wildcard route), looked up in the given order; the API's own routes always win the match.
 */
async function serveStatic(app: FastifyInstance, roots: StaticRoot[]): Promise<void> {
  const byPrefix = new Map<string, StaticRoot[]>();
  for (const root of roots) {
    const prefix = root.prefix ?? '/';
    if (!prefix.startsWith('/')) throw new Error(`static prefix must start with /, got ${JSON.stringify(prefix)}`);
    if (root.files) await serveFiles(app, root, prefix, root.files);
    else byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), root]);
  }
  for (const [prefix, group] of byPrefix) {
    const folders = group.map((g) => ({ root: resolve(g.root), cacheControl: g.cacheControl ?? 'no-cache' }));
    await app.register(fastifyStatic, {
      root: folders.map((f) => f.root),
      prefix,
      decorateReply: false,
      suppressWarning: true,
      dotfiles: 'ignore',
      index: 'index.html',
      cacheControl: false,
      allowedPath: (_path, _root, request) => !isApiPath(request),
      setHeaders: (reply, file) => setFileHeaders(reply, file, folders.find((f) => isInside(f.root, file))?.cacheControl),
    });
  }
}

function setFileHeaders(reply: FastifyReply, file: string, cacheControl: string | undefined) {
  // RFC 9239: JavaScript is text/javascript (the mime table still says application/...).
  if (/\.m?js$/.test(file)) reply.header('content-type', 'text/javascript; charset=utf-8');
  reply.header('cache-control', cacheControl ?? 'no-cache');
  reply.header('x-content-type-options', 'nosniff');
}

/** A folder's listed files, each on a route of its own: a path not listed never reaches the folder. */
async function serveFiles(app: FastifyInstance, root: StaticRoot, prefix: string, files: string[]): Promise<void> {
  const urls = files.map((file) => {
    const normalized = posix.normalize(file);
    if (file === '' || normalized !== file || file.startsWith('/') || file.startsWith('..') || file.split('/').some((part) => part.startsWith('.'))) {
      throw new Error(`a static file must be a plain path inside its folder (no leading /, no . or .. segments, no dotfiles), got ${JSON.stringify(file)}`);
    }
    const url = posix.join(prefix, file);
    if (isApiPathname(url)) throw new Error(`static file ${JSON.stringify(url)} would shadow the API`);
    return { file, url };
  });
  // A scope of its own: the plugin's reply.sendFile is decorated once per folder.
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root: resolve(root.root),
      serve: false,
      decorateReply: true,
      suppressWarning: true,
      dotfiles: 'ignore',
      cacheControl: false,
      setHeaders: (reply, file) => setFileHeaders(reply, file, root.cacheControl),
    });
    for (const { file, url } of urls) scope.get(url, (_request, reply) => reply.sendFile(file));
  });
}

function isInside(folder: string, file: string): boolean {
  const path = relative(folder, file);
  return path !== '' && !path.startsWith('..') && !isAbsolute(path);
}

/** Any number fixed for Confab: the advisory lock every process's write transactions take (StoreOptions). */
const WRITE_LOCK = 7_263_001;
const serializeWrites = async (trx: Transaction<Database>) => {
  await sql`SELECT pg_advisory_xact_lock(${WRITE_LOCK})`.execute(trx);
};

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  /** http://host:port */
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  // SQLite for one process; PostgreSQL (a postgres:// URL) for several sharing one database,
  // with realtime news over LISTEN/NOTIFY and the rate limits counted in the database.
  let db: Kysely<Database>, closeDb: () => Promise<void>, hub: RealtimeHub, rateLimiters: RateLimiters | undefined;
  let storeOptions: StoreOptions = {};
  // The realtime hub starts before the app and its logger; its warnings go there once it exists.
  let log: FastifyBaseLogger | undefined;
  if (isPostgresUrl(config.db)) {
    const postgres = openPostgres(config.db);
    ({ db, close: closeDb } = postgres);
    try {
      await migrate(db, 'postgres');
      hub = await createPostgresRealtimeHub(postgres.pool, (message, error) => log?.warn(error === undefined ? {} : { err: error }, message));
    } catch (error) {
      await closeDb();
      throw error;
    }
    rateLimiters = postgresRateLimiters(config.rateLimits, postgres.pool);
    storeOptions = { beginWrite: serializeWrites, announce: announceInTransaction };
  } else {
    ({ db, close: closeDb } = openSqlite(config.db));
    await migrate(db, 'sqlite');
    hub = createLocalRealtimeHub();
  }
  const store = createStore(db, (appId, personId) => hub.notify(appId, personId), storeOptions);
  const app = await buildServer({
    store,
    hub,
    ...(rateLimiters ? { rateLimiters } : {}),
    ...(config.secret !== undefined ? { secret: config.secret } : {}),
    teamToken: config.teamToken,
    corsOrigins: config.corsOrigins,
    trustProxy: config.trustProxy,
    rateLimits: config.rateLimits,
    streamCaps: config.streamCaps,
    requestTimeoutMs: config.requestTimeoutMs,
    messengerSettings: { team_name: config.teamName, ...(config.greeting !== undefined ? { greeting: config.greeting } : {}) },
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    ...(options.streamBufferLimit !== undefined ? { streamBufferLimit: options.streamBufferLimit } : {}),
    ...(options.streamStallMs !== undefined ? { streamStallMs: options.streamStallMs } : {}),
  });
  log = app.log;
  try {
    await options.routes?.(app);
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
    close: () =>
      (closing ??= (async () => {
        await app.close();
        await hub.close();
        await closeDb();
      })()),
  };
}
