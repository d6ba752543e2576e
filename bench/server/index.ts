// The Confab server under 1,000 concurrent stream clients on loopback, each figure beside a
// baseline measured in the same run and process:
//
// - reply → arrival: the time from sending a team reply (POST .../conversations/:id/reply) to the
//   message's arrival on that visitor's SSE stream, against a bare node:http server that holds the
//   same number of SSE responses open and writes a POSTed body to the addressed one. Same client
//   code, same sockets per stream, same concurrency: `concurrency` workers each send one message
//   and wait for both its HTTP answer and its arrival before sending the next (a closed loop, so
//   the figure is the latency under that load, not the length of a growing backlog).
// - events ingested per second: batches of EVENTS_PER_REQUEST_MAX events (as the messenger's
//   transport sends them) through POST /events from several sessions, counted in the database
//   afterwards, against raw better-sqlite3 inserts of the same rows into an equivalent table, one
//   transaction per batch, with the server's durability settings (WAL, synchronous = FULL).
//
// Client, Confab and the baseline share one Node process and event loop, as the figures are
// meant to compare the two servers rather than measure the machine.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  type BootRequest,
  type BootResponse,
  EVENTS_PER_REQUEST_MAX,
  type StartConversationResponse,
  type TrackedEvent,
} from '@confab/core/protocol';
import { openPostgres, parseConfig, type RunningServer, type ServerConfig, startServer } from '@confab/server';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { type PostgresServer, startPostgres } from '../../packages/server/test/postgres-server';
import { TEAM_TOKEN as PROCESS_TOKEN } from '../../packages/server/test/server-harness';
import { startServerProcess } from '../../packages/server/test/server-process';
import { startBareServer } from './bare-sse-server';
import {
  countsHelp,
  format,
  ms,
  type OpenStream,
  openStream,
  percentile,
  pool,
  post,
  postJson,
  readCounts,
  seconds,
  timed,
} from './shared';

// ---------------------------------------------------------------------------------------------
// Options: flags (`pnpm run server -- --clients 200`) or environment variables.

const OPTIONS = {
  clients: { env: 'BENCH_CLIENTS', fallback: 1_000, help: 'concurrent stream clients (visitors)' },
  rounds: { env: 'BENCH_ROUNDS', fallback: 3, help: 'measured rounds of one reply per client, per server' },
  concurrency: { env: 'BENCH_CONCURRENCY', fallback: 50, help: 'replies in flight' },
  'ingest-requests': { env: 'BENCH_INGEST_REQUESTS', fallback: 500, help: 'measured POST /events requests' },
  'ingest-sessions': {
    env: 'BENCH_INGEST_SESSIONS',
    fallback: 10,
    help: 'sessions sending events, one request in flight each',
  },
} as const;

/** sqlite: one process on a file; postgres: one process; postgres-2: two processes on one database. */
const DEPLOYMENT_KINDS = ['sqlite', 'postgres', 'postgres-2'] as const;
type DeploymentKind = (typeof DEPLOYMENT_KINDS)[number];
type OptionName = keyof typeof OPTIONS;

function readOptions(): Record<OptionName, number> {
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  const { values } = parseArgs({
    args,
    options: {
      ...Object.fromEntries(Object.keys(OPTIONS).map((name) => [name, { type: 'string' as const }])),
      deployments: { type: 'string' as const },
      help: { type: 'boolean' as const },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log('bench/server options (flag or environment variable):');
    for (const line of countsHelp(OPTIONS)) console.log(line);
    console.log(
      `  --deployments <list>  BENCH_DEPLOYMENTS  comma-separated, of ${DEPLOYMENT_KINDS.join(', ')} (default all; the first is measured beside the bare baseline)`,
    );
    process.exit(0);
  }
  const deployments = (values.deployments ?? process.env.BENCH_DEPLOYMENTS ?? DEPLOYMENT_KINDS.join(','))
    .split(',')
    .map((d) => d.trim());
  const unknown = deployments.filter((d) => !(DEPLOYMENT_KINDS as readonly string[]).includes(d));
  if (unknown.length > 0 || deployments.length === 0)
    throw new Error(`--deployments takes ${DEPLOYMENT_KINDS.join(', ')}; got ${JSON.stringify(unknown)}`);
  chosenDeployments = deployments as DeploymentKind[];
  const result = readCounts(OPTIONS, values);
  return result;
}

let chosenDeployments: DeploymentKind[] = [...DEPLOYMENT_KINDS];
const options = readOptions();
const DEPLOYMENTS = chosenDeployments;
const PROCESS_TEAM_TOKEN = PROCESS_TOKEN;
const CLIENTS = options.clients;
const ROUNDS = options.rounds;
const CONCURRENCY = options.concurrency;
const INGEST_REQUESTS = options['ingest-requests'];
const INGEST_SESSIONS = options['ingest-sessions'];
const INGEST_WARMUP_REQUESTS = Math.min(50, INGEST_REQUESTS);
const APP_ID = 'bench';
const TEAM_TOKEN = `bench-team-token-${randomBytes(12).toString('hex')}`;
/** How long one message may take to arrive before it counts as lost. */
const ARRIVAL_TIMEOUT_MS = 15_000;
const SETUP_CONCURRENCY = 50;

// ---------------------------------------------------------------------------------------------
// Reply → arrival rounds, the same for both servers.

interface Target {
  name: string;
  /** Sends `body` to client `index`; resolves with the HTTP status. */
  send(index: number, body: string): Promise<number>;
}

interface Pending {
  client: number;
  arrived: (at: number) => void;
}

/** Messages on their way, by body; a stream that receives a body looks it up here. */
const pending = new Map<string, Pending>();
const strays = { unknown: 0, wrongClient: 0 };

function onArrival(client: number, body: string, at: number) {
  const entry = pending.get(body);
  if (!entry) {
    strays.unknown++;
    return;
  }
  if (entry.client !== client) {
    strays.wrongClient++;
    return;
  }
  pending.delete(body);
  entry.arrived(at);
}

interface RoundResult {
  latencies: number[];
  /** Reply request → its HTTP answer. */
  answers: number[];
  failed: Map<number, number>;
  lost: number;
  elapsed: number;
  loopDelayP99: number;
}

async function latencyRound(target: Target, label: string): Promise<RoundResult> {
  const latencies: number[] = [];
  const answers: number[] = [];
  const failed = new Map<number, number>();
  let lost = 0;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const start = performance.now();
  await pool(CLIENTS, CONCURRENCY, async (client) => {
    const body = `${label}:${client}:${randomBytes(6).toString('hex')}`;
    let timer: NodeJS.Timeout | undefined;
    const arrival = new Promise<number | undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ARRIVAL_TIMEOUT_MS);
      pending.set(body, { client, arrived: resolve });
    });
    const sentAt = performance.now();
    let status: number;
    try {
      status = await target.send(client, body);
    } catch {
      status = 0;
    }
    answers.push(performance.now() - sentAt);
    if (status !== 200) {
      failed.set(status, (failed.get(status) ?? 0) + 1);
      pending.delete(body);
      clearTimeout(timer);
      return;
    }
    const at = await arrival;
    clearTimeout(timer);
    if (at === undefined) {
      pending.delete(body);
      lost++;
    } else {
      latencies.push(at - sentAt);
    }
  });
  const elapsed = performance.now() - start;
  loop.disable();
  return { latencies, answers, failed, lost, elapsed, loopDelayP99: loop.percentile(99) / 1e6 };
}

function describeRound(result: RoundResult): string {
  const sorted = [...result.latencies].sort((a, b) => a - b);
  const answers = [...result.answers].sort((a, b) => a - b);
  const failures = [...result.failed].map(([status, n]) => `${n}× HTTP ${status || 'error'}`).join(', ');
  return (
    `p50 ${ms(percentile(sorted, 50))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted[sorted.length - 1] ?? Number.NaN)} ` +
    `(n=${sorted.length}${result.lost ? `, LOST ${result.lost}` : ''}${failures ? `, FAILED ${failures}` : ''}); ` +
    `reply answered p50 ${ms(percentile(answers, 50))}; ${format((result.latencies.length * 1000) / result.elapsed)} msg/s; ` +
    `event-loop delay p99 ${ms(result.loopDelayP99)}`
  );
}

// ---------------------------------------------------------------------------------------------
// Events for the ingest: the same rows go to Confab and to the raw baseline.

function makeBatches(requests: number, prefix: string): TrackedEvent[][] {
  const names = ['page-viewed', 'clicked-cta', 'added-to-cart', 'searched'];
  const now = Date.now();
  return Array.from({ length: requests }, (_, r) =>
    Array.from({ length: EVENTS_PER_REQUEST_MAX }, (_, k) => ({
      id: `${prefix}-${r}-${k}-${randomBytes(4).toString('hex')}`,
      name: names[(r + k) % names.length]!,
      created_at: now - 1_000 + k,
      metadata: { plan: 'pro', price: 42 + k, trial: k % 2 === 0, ref: `campaign-${r % 7}` },
    })),
  );
}

// The `people` and `events` tables as packages/server's migrations leave them (0001, then 0007:
// event ids unique per person).
const BASELINE_SCHEMA = `
  create table "people" ("id" text primary key, "app_id" text not null, "role" text not null, "visitor_id" text not null,
    "user_id" text, "email" text, "name" text, "attributes" text not null, "created_at" bigint not null, "updated_at" bigint not null);
  create table "events" ("app_id" text not null, "id" text not null, "person_id" text not null references "people" ("id"),
    "name" text not null, "metadata" text, "created_at" bigint not null, "received_at" bigint not null);
  create index "events_person" on "events" ("person_id", "created_at");
  create unique index "events_person_id" on "events" ("person_id", "id");
`;

/** Raw better-sqlite3: one transaction per batch, with the server's pragmas (packages/server/src/db/sqlite.ts). */
function rawInsertBaseline(
  file: string,
  warmup: TrackedEvent[][],
  measured: TrackedEvent[][],
  sessions: number,
): { elapsed: number; rows: number } {
  const db = new SQLite(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.exec(BASELINE_SCHEMA);
    const people = Array.from({ length: sessions }, (_, s) => `person-${s}`);
    const addPerson = db.prepare(
      `insert into "people" ("id", "app_id", "role", "visitor_id", "attributes", "created_at", "updated_at") values (?, ?, 'lead', ?, '{}', ?, ?)`,
    );
    for (const id of people) addPerson.run(id, APP_ID, `visitor-${id}`, Date.now(), Date.now());
    const insert = db.prepare(
      `insert into "events" ("app_id", "id", "person_id", "name", "metadata", "created_at", "received_at") values (?, ?, ?, ?, ?, ?, ?) on conflict ("person_id", "id") do nothing`,
    );
    const insertBatch = db.transaction((personId: string, events: TrackedEvent[]) => {
      const receivedAt = Date.now();
      for (const event of events) {
        insert.run(
          APP_ID,
          event.id,
          personId,
          event.name,
          event.metadata ? JSON.stringify(event.metadata) : null,
          event.created_at,
          receivedAt,
        );
      }
    });
    warmup.forEach((events, r) => {
      insertBatch(people[r % sessions]!, events);
    });
    const start = performance.now();
    measured.forEach((events, r) => {
      insertBatch(people[r % sessions]!, events);
    });
    const elapsed = performance.now() - start;
    const rows = (db.prepare('select count(*) as n from "events"').get() as { n: number }).n;
    return { elapsed, rows };
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Deployments: where the Confab servers run and how the bench counts what they stored.

interface Deployment {
  name: string;
  /** One URL per server process; clients are spread over them. */
  urls: URL[];
  teamToken: string;
  /** Events stored for the bench's app. */
  storedEvents(): Promise<number>;
  close(): Promise<void>;
}

async function sqliteDeployment(): Promise<Deployment> {
  const folder = mkdtempSync(join(tmpdir(), 'confab-bench-server-'));
  folders.push(folder);
  const dbFile = join(folder, 'confab.sqlite');
  const server = await startInProcess(dbFile);
  return {
    name: 'SQLite, 1 process',
    urls: [new URL(server.url)],
    teamToken: TEAM_TOKEN,
    async storedEvents() {
      const reader = new SQLite(dbFile, { readonly: true, fileMustExist: true });
      try {
        return (reader.prepare('select count(*) as n from events where app_id = ?').get(APP_ID) as { n: number }).n;
      } finally {
        reader.close();
      }
    },
    close: () => server.close(),
  };
}

async function postgresDeployment(postgres: PostgresServer, processes: 1 | 2): Promise<Deployment> {
  const db = await createPostgresDatabase(postgres.url);
  const count = async () => {
    const { db: reader, close } = openPostgres(db, { max: 1 });
    try {
      const row = await reader
        .selectFrom('events')
        .select(reader.fn.countAll<number>().as('n'))
        .where('app_id', '=', APP_ID)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    } finally {
      await close();
    }
  };
  if (processes === 1) {
    const server = await startInProcess(db);
    return {
      name: 'PostgreSQL, 1 process',
      urls: [new URL(server.url)],
      teamToken: TEAM_TOKEN,
      storedEvents: count,
      close: () => server.close(),
    };
  }
  // Two server processes of their own (the bench's process is the clients' and the baseline's).
  const children: ChildProcess[] = [];
  const started = await Promise.all([startServerProcess(db, children), startServerProcess(db, children)]);
  return {
    name: 'PostgreSQL, 2 processes',
    urls: started.map((p) => new URL(p.url)),
    teamToken: PROCESS_TEAM_TOKEN,
    storedEvents: count,
    close: async () => {
      await Promise.all(started.map((p) => p.kill()));
    },
  };
}

async function startInProcess(db: string): Promise<RunningServer> {
  // The rate limits cannot be switched off: set them to the largest values the config accepts. Every
  // client comes from 127.0.0.1, so the address's stream cap goes too.
  const parsed = parseConfig(
    [
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--db',
      db,
      '--team-token',
      TEAM_TOKEN,
      '--rate-limit-ip',
      '1000000',
      '--rate-limit-session',
      '1000000',
      '--max-streams-per-ip',
      '1000000',
      '--team-name',
      'Bench',
    ],
    {},
  );
  if (parsed === 'help') throw new Error('parseConfig answered help');
  const config: ServerConfig = parsed;
  return startServer(config, { logger: false });
}

async function createPostgresDatabase(serverUrl: string): Promise<string> {
  const name = `confab_bench_${randomBytes(6).toString('hex')}`;
  const { db, close } = openPostgres(serverUrl, { max: 1 });
  try {
    await sql.raw(`CREATE DATABASE ${name}`).execute(db);
  } finally {
    await close();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

// ---------------------------------------------------------------------------------------------
// The run.

const folders: string[] = [];
const streams: OpenStream[] = [];
const agents: http.Agent[] = [];
const cleanups: Array<() => Promise<void> | void> = [];
let bare: Awaited<ReturnType<typeof startBareServer>> | undefined;

function newAgent(): http.Agent {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1_024 });
  agents.push(agent);
  return agent;
}

function closeConnections() {
  for (const stream of streams.splice(0)) stream.close();
  for (const agent of agents.splice(0)) agent.destroy();
}

async function cleanUp() {
  closeConnections();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await bare?.close();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
}

const rate = (n: number, elapsed: number) => `${format((n * 1000) / elapsed)}/s`;
const count = (list: OpenStream[], key: 'ownMessages' | 'otherEvents' | 'endedEarly') =>
  list.reduce((n, s) => n + Number(s[key]), 0);

interface Figures {
  name: string;
  p50: number;
  p99: number;
  n: number;
  lost: number;
  eventsPerSecond: number;
  problems: string[];
}

function merged(results: RoundResult[]) {
  const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const lost = results.reduce((n, r) => n + r.lost + [...r.failed.values()].reduce((a, b) => a + b, 0), 0);
  return { latencies, lost, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/**
 * One deployment measured: visitors boot and open their streams (spread over its processes),
 * reply rounds (each reply sent through a process chosen round-robin, so with two processes half
 * of them are delivered by the other one), then the ingest. With `withBaseline`, the bare server's
 * rounds alternate with these, on streams of the same visitors.
 */
async function measure(
  deployment: Deployment,
  withBaseline: boolean,
): Promise<{ figures: Figures; baseline?: ReturnType<typeof merged> }> {
  const { urls } = deployment;
  const at = (i: number) => urls[i % urls.length]!;
  const label = deployment.name;
  console.log(`${label}:`);
  const setupAgent = newAgent();
  const messenger = `/messenger/v1/apps/${APP_ID}`;
  const visitors: Array<{ token: string; conversationId: string }> = new Array(CLIENTS);
  const booted = await timed(() =>
    pool(CLIENTS, SETUP_CONCURRENCY, async (i) => {
      const request: BootRequest = {
        app_id: APP_ID,
        visitor_id: `bench-visitor-${i}`,
        device_id: `bench-device-${i}`,
        identity: {},
        attributes: {},
        page: { url: 'https://shop.example/' },
      };
      const answer = await postJson<BootResponse>(setupAgent, at(i), `${messenger}/boot`, request);
      visitors[i] = { token: answer.session.token, conversationId: '' };
    }),
  );
  const started = await timed(() =>
    pool(CLIENTS, SETUP_CONCURRENCY, async (i) => {
      const visitor = visitors[i]!;
      const answer = await postJson<StartConversationResponse>(
        setupAgent,
        at(i),
        `${messenger}/conversations`,
        { body: 'Hello, is anyone there?', client_id: `bench-start-${i}` },
        {
          authorization: `Bearer ${visitor.token}`,
        },
      );
      visitor.conversationId = answer.conversation.id;
    }),
  );
  const confabStreamAgent = newAgent();
  const confabStreams: OpenStream[] = [];
  const confabOpened = await timed(() =>
    pool(CLIENTS, SETUP_CONCURRENCY, async (i) => {
      const stream = await openStream(
        confabStreamAgent,
        at(i),
        `${messenger}/stream`,
        { authorization: `Bearer ${visitors[i]!.token}` },
        (body, when) => onArrival(i, body, when),
      );
      streams.push(stream);
      confabStreams.push(stream);
    }),
  );
  const bareStreams: OpenStream[] = [];
  if (withBaseline) {
    const bareStreamAgent = newAgent();
    await pool(CLIENTS, SETUP_CONCURRENCY, async (i) => {
      const stream = await openStream(
        bareStreamAgent,
        bare!.url,
        `/stream/${i}`,
        { authorization: `Bearer ${visitors[i]!.token}` },
        (body, when) => onArrival(i, body, when),
      );
      streams.push(stream);
      bareStreams.push(stream);
    });
  }
  console.log(
    `  setup: ${format(CLIENTS)} boots in ${seconds(booted.elapsed)} (${rate(CLIENTS, booted.elapsed)}), ` +
      `${format(CLIENTS)} conversations started in ${seconds(started.elapsed)} (${rate(CLIENTS, started.elapsed)}), ` +
      `streams open in ${seconds(confabOpened.elapsed)} (${SETUP_CONCURRENCY} in flight)`,
  );

  // Reply → arrival: a warm-up round each, then measured rounds, alternating with the baseline.
  const replyAgent = newAgent();
  const team = `/api/v1/apps/${APP_ID}`;
  let round = 0;
  const confabTarget: Target = {
    name: 'Confab',
    send: async (i, body) =>
      (
        await post(
          replyAgent,
          at(i + round),
          `${team}/conversations/${visitors[i]!.conversationId}/reply`,
          JSON.stringify({ body }),
          {
            authorization: `Bearer ${deployment.teamToken}`,
          },
        )
      ).status,
  };
  const bareTarget: Target = {
    name: 'bare node:http',
    send: async (i, body) =>
      (
        await post(replyAgent, bare!.url, `/send/${i}`, JSON.stringify({ body }), {
          authorization: `Bearer ${TEAM_TOKEN}`,
        })
      ).status,
  };
  const targets = withBaseline ? [confabTarget, bareTarget] : [confabTarget];
  const all = new Map<Target, RoundResult[]>(targets.map((t) => [t, []]));
  for (round = 0; round <= ROUNDS; round++) {
    for (const target of targets) {
      const result = await latencyRound(
        target,
        `${target === confabTarget ? 'c' : 'b'}${round}-${urls.length}-${label.length}`,
      );
      const name = round === 0 ? 'warm-up' : `round ${round}`;
      console.log(`  ${name.padEnd(8)} ${target.name.padEnd(15)} ${describeRound(result)}`);
      if (round > 0) all.get(target)!.push(result);
    }
  }
  console.log(
    `  besides the replies, the Confab streams carried ${count(confabStreams, 'ownMessages')} of the visitors' own messages and ${count(confabStreams, 'otherEvents')} other events; ` +
      `replies that arrived unawaited (late or twice): ${strays.unknown}, on the wrong stream: ${strays.wrongClient}; ` +
      `streams ended early: Confab ${count(confabStreams, 'endedEarly')}${withBaseline ? `, bare ${count(bareStreams, 'endedEarly')}` : ''}`,
  );
  const latency = merged(all.get(confabTarget)!);

  // Ingest: batches through POST /events from several sessions, then counted in the database.
  const ingestSessions: Array<{ token: string; url: URL }> = [];
  await pool(INGEST_SESSIONS, INGEST_SESSIONS, async (s) => {
    const answer = await postJson<BootResponse>(setupAgent, at(s), `${messenger}/boot`, {
      app_id: APP_ID,
      visitor_id: `bench-ingest-${s}`,
      device_id: `bench-ingest-device-${s}`,
      identity: {},
      attributes: {},
    } satisfies BootRequest);
    ingestSessions[s] = { token: answer.session.token, url: at(s) };
  });
  const warmupBatches = makeBatches(INGEST_WARMUP_REQUESTS, 'warm');
  const measuredBatches = makeBatches(INGEST_REQUESTS, 'ev');
  const ingestAgent = newAgent();
  const ingestFailures = new Map<string, number>();
  const sendBatches = (batches: TrackedEvent[][]) => {
    const bodies = batches.map((events) => JSON.stringify({ events }));
    return pool(bodies.length, INGEST_SESSIONS, async (r) => {
      const session = ingestSessions[r % INGEST_SESSIONS]!;
      const answer = await post(ingestAgent, session.url, `${messenger}/events`, bodies[r]!, {
        authorization: `Bearer ${session.token}`,
      });
      const accepted = answer.status === 200 ? (JSON.parse(answer.text) as { accepted: string[] }).accepted.length : 0;
      if (answer.status !== 200 || accepted !== EVENTS_PER_REQUEST_MAX) {
        const key =
          answer.status === 200 ? `200 with ${accepted} accepted` : `${answer.status} ${answer.text.slice(0, 120)}`;
        ingestFailures.set(key, (ingestFailures.get(key) ?? 0) + 1);
      }
    });
  };
  await sendBatches(warmupBatches);
  const ingested = await timed(() => sendBatches(measuredBatches));
  const rows = await deployment.storedEvents();
  const expectedRows = (INGEST_WARMUP_REQUESTS + INGEST_REQUESTS) * EVENTS_PER_REQUEST_MAX;
  const eventsPerSecond = (INGEST_REQUESTS * EVENTS_PER_REQUEST_MAX * 1000) / ingested.elapsed;
  console.log(
    `  ingest: ${format(INGEST_REQUESTS)} requests × ${EVENTS_PER_REQUEST_MAX} events from ${INGEST_SESSIONS} sessions in ${seconds(ingested.elapsed)} ` +
      `(${format(eventsPerSecond)} events/s); ${format(rows)} of ${format(expectedRows)} expected rows in the database` +
      [...ingestFailures].map(([what, n]) => `; FAILED ${n}× ${what}`).join(''),
  );

  const problems: string[] = [];
  if (rows !== expectedRows) problems.push(`${label}: the database holds ${rows} events, ${expectedRows} were sent`);
  if (ingestFailures.size > 0) problems.push(`${label}: some event batches failed`);
  if (latency.lost) problems.push(`${label}: some messages were not delivered`);
  closeConnections();
  return {
    figures: {
      name: label,
      p50: latency.p50,
      p99: latency.p99,
      n: latency.latencies.length,
      lost: latency.lost,
      eventsPerSecond,
      problems,
    },
    ...(withBaseline ? { baseline: merged(all.get(bareTarget)!) } : {}),
  };
}

async function main() {
  console.log(
    `server (${format(CLIENTS)} stream clients on loopback, ${ROUNDS} rounds × ${format(CLIENTS)} replies per server, ${CONCURRENCY} in flight; ` +
      `node ${process.version}, ${availableParallelism()} cores; deployments: ${DEPLOYMENTS.join(', ')})`,
  );
  bare = await startBareServer();

  const results: Figures[] = [];
  let baseline: ReturnType<typeof merged> | undefined;
  let postgres: PostgresServer | undefined;
  for (const [index, kind] of DEPLOYMENTS.entries()) {
    if (kind !== 'sqlite' && !postgres) {
      // PostgreSQL with its durable defaults (fsync, synchronous commit), as SQLite runs with synchronous=FULL.
      postgres = await startPostgres({ durable: true });
      const server = postgres;
      cleanups.push(() => server.stop());
    }
    const deployment =
      kind === 'sqlite' ? await sqliteDeployment() : await postgresDeployment(postgres!, kind === 'postgres' ? 1 : 2);
    cleanups.push(() => deployment.close());
    const measured = await measure(deployment, index === 0);
    results.push(measured.figures);
    baseline ??= measured.baseline;
  }

  // The ingest baseline: raw better-sqlite3 inserts of the same rows.
  const warmupBatches = makeBatches(INGEST_WARMUP_REQUESTS, 'warm');
  const measuredBatches = makeBatches(INGEST_REQUESTS, 'ev');
  const baselineFolder = mkdtempSync(join(tmpdir(), 'confab-bench-sqlite-'));
  folders.push(baselineFolder);
  const raw = rawInsertBaseline(join(baselineFolder, 'raw.sqlite'), warmupBatches, measuredBatches, INGEST_SESSIONS);
  const rawEventsPerSecond = (INGEST_REQUESTS * EVENTS_PER_REQUEST_MAX * 1000) / raw.elapsed;
  const expectedRows = (INGEST_WARMUP_REQUESTS + INGEST_REQUESTS) * EVENTS_PER_REQUEST_MAX;
  console.log(
    `raw better-sqlite3 ingest: ${format(INGEST_REQUESTS * EVENTS_PER_REQUEST_MAX)} events in ${seconds(raw.elapsed)} (${format(rawEventsPerSecond)} events/s; WAL, synchronous=FULL, a transaction per ${EVENTS_PER_REQUEST_MAX})`,
  );

  const ratio = (a: number, b: number) => `${format(a / b, 2)}×`;
  const first = results[0]!;
  console.log('');
  console.log(
    `summary (ratios: against the bare node:http server for latency, raw better-sqlite3 for ingest, and against ${first.name}, all in this run)`,
  );
  if (baseline)
    console.log(
      `  bare node:http            reply→arrival p50 ${ms(baseline.p50)}, p99 ${ms(baseline.p99)} (n=${format(baseline.latencies.length)})`,
    );
  for (const r of results) {
    console.log(
      `  ${r.name.padEnd(25)} reply→arrival p50 ${ms(r.p50)} (${baseline ? ratio(r.p50, baseline.p50) : 'n/a'} bare, ${ratio(r.p50, first.p50)} ${first.name}), ` +
        `p99 ${ms(r.p99)} (${baseline ? ratio(r.p99, baseline.p99) : 'n/a'} bare, ${ratio(r.p99, first.p99)} ${first.name}); ` +
        `ingest ${format(r.eventsPerSecond)} events/s (${ratio(r.eventsPerSecond, rawEventsPerSecond)} raw, ${ratio(r.eventsPerSecond, first.eventsPerSecond)} ${first.name})`,
    );
  }

  const problems = results.flatMap((r) => r.problems);
  if (raw.rows !== expectedRows) problems.push(`the baseline holds ${raw.rows} events, ${expectedRows} were inserted`);
  if (baseline?.lost) problems.push('the baseline did not deliver some messages');
  if (problems.length > 0) throw new Error(`the figures are not trustworthy: ${problems.join('; ')}`);
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
