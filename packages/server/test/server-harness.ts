import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BootRequest, BootResponse } from '@confab/core/protocol';
import {
  DEFAULT_RATE_LIMITS,
  DEFAULT_STREAM_CAPS,
  type RunningServer,
  type ServerConfig,
  type StartOptions,
  startServer,
} from '../src';
import { isPostgresUrl, openPostgres } from '../src/db/postgres';
import { openSqlite } from '../src/db/sqlite';
import { testDatabase } from './backend';

export const TEAM_TOKEN = 'team-token-for-tests-0123456789';

/** The configuration of a test server on 127.0.0.1 with its SQLite file in `folder`. */
export function testConfig(folder: string, overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    db: join(folder, 'confab.sqlite'),
    secret: undefined,
    teamToken: TEAM_TOKEN,
    teamTokenGenerated: false,
    corsOrigins: ['https://shop.example'],
    rateLimits: {
      ...DEFAULT_RATE_LIMITS,
      perIp: 100_000,
      perSession: 100_000,
      loginPerIp: 100_000,
      loginPerAccount: 100_000,
    },
    teamName: 'Acme Support',
    greeting: undefined,
    trustProxy: false,
    // Every test client is 127.0.0.1: the address's stream cap is lifted as the rate limits are.
    streamCaps: { ...DEFAULT_STREAM_CAPS, perIp: 100_000 },
    requestTimeoutMs: 30_000,
    ...overrides,
  };
}

/** A real Confab server on 127.0.0.1 with a database of its own (see backend.ts) and a fresh folder. */
export async function startTestServer(overrides: Partial<ServerConfig> = {}, options: StartOptions = {}) {
  const folder = mkdtempSync(join(tmpdir(), 'confab-server-test-'));
  const database = await testDatabase(folder);
  const config = testConfig(folder, { db: database.db, ...overrides });
  const server = await startServer(config, options);
  return {
    ...server,
    config,
    folder,
    async stop() {
      await server.close();
      await database.drop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

export type TestServer = Awaited<ReturnType<typeof startTestServer>>;

// biome-ignore lint/suspicious/noExplicitAny: a test reads JSON answers by the shape it expects; the server's schemas are what the tests check, not this type.
export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** One HTTP call as a browser or the team would make it; the body is parsed when it is JSON. */
// biome-ignore lint/suspicious/noExplicitAny: a test reads JSON answers by the shape it expects; the server's schemas are what the tests check, not this type.
export async function call<T = any>(
  server: Pick<RunningServer, 'url'>,
  method: string,
  path: string,
  options: { body?: unknown; raw?: string; token?: string; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
    headers['content-type'] = 'application/json';
  const response = await fetch(`${server.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  let parsed: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('application/json')) parsed = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: parsed as T };
}

export const messenger = (appId = 'acme') => `/messenger/v1/apps/${appId}`;
export const team = (appId = 'acme') => `/api/v1/apps/${appId}`;

let visitors = 0;
export function bootRequest(overrides: Partial<BootRequest> = {}): BootRequest {
  visitors++;
  return {
    app_id: 'acme',
    visitor_id: `visitor-${visitors}-${Date.now()}`,
    device_id: `device-${visitors}`,
    identity: {},
    attributes: {},
    ...overrides,
  };
}

export async function boot(
  server: Pick<RunningServer, 'url'>,
  overrides: Partial<BootRequest> = {},
): Promise<BootResponse> {
  const request = bootRequest(overrides);
  const answer = await call<BootResponse>(server, 'POST', `${messenger(request.app_id)}/boot`, { body: request });
  if (answer.status !== 200) throw new Error(`boot failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Runs `work` on a connection of its own to the test server's database. */
export async function withDatabase<T>(
  server: TestServer,
  work: (db: ReturnType<typeof openSqlite>['db']) => Promise<T>,
): Promise<T> {
  const { db, close } = isPostgresUrl(server.config.db)
    ? openPostgres(server.config.db, { max: 1 })
    : openSqlite(server.config.db);
  try {
    return await work(db);
  } finally {
    await close();
  }
}

/** Row counts of every table, read straight from the database: "nothing was written" is checkable. */
export async function tableCounts(server: TestServer): Promise<Record<string, number>> {
  const { db, close } = isPostgresUrl(server.config.db)
    ? openPostgres(server.config.db, { max: 1 })
    : openSqlite(server.config.db);
  try {
    const counts: Record<string, number> = {};
    for (const table of [
      'people',
      'sessions',
      'events',
      'page_views',
      'conversations',
      'messages',
      'realtime_events',
    ] as const) {
      const row = await db.selectFrom(table).select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      counts[table] = Number(row.n);
    }
    return counts;
  } finally {
    await close();
  }
}
