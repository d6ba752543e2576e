// The team stream's fan-out: 50 teammates hold the app's team stream (GET /api/v1/apps/:app_id/stream)
// while 1,000 visitors, each with their own stream open, write. Two figures from the same run,
// same server, same open streams, their rounds alternating:
//
// - visitor message → team arrival: a visitor posts a message (POST .../conversations/:id/messages)
//   and it must arrive on all 50 team streams; every arrival is one sample (50 per message), and
//   the last of the 50 is reported too. `concurrency` workers in a closed loop, each waiting for
//   its message's HTTP answer and its 50 arrivals before sending the next.
// - team reply → visitor arrival (bench/server/index.ts's figure): a team reply to one visitor,
//   timed to its arrival on that visitor's stream, with the team streams carrying it as well.
//
// Client and server share one Node process for SQLite and PostgreSQL with one process; with two
// processes the servers run as processes of their own, teammates and visitors spread over both.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createSseParser } from '@confab/core';
import type { BootRequest, BootResponse, StartConversationResponse } from '@confab/core/protocol';
import {
  createStore,
  isPostgresUrl,
  openPostgres,
  openSqlite,
  parseConfig,
  type RunningServer,
  startServer,
} from '@confab/server';
import { sql } from 'kysely';
import { type PostgresServer, startPostgres } from '../../packages/server/test/postgres-server';
import { TEAM_TOKEN as PROCESS_TEAM_TOKEN } from '../../packages/server/test/server-harness';
import { startServerProcess } from '../../packages/server/test/server-process';
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

const OPTIONS = {
  visitors: { env: 'BENCH_VISITORS', fallback: 1_000, help: 'visitors, each with a conversation and a stream open' },
  teammates: { env: 'BENCH_TEAMMATES', fallback: 50, help: 'team streams open on the app' },
  rounds: {
    env: 'BENCH_ROUNDS',
    fallback: 2,
    help: 'measured rounds of one message per visitor, and of one reply per visitor',
  },
  concurrency: { env: 'BENCH_CONCURRENCY', fallback: 50, help: 'writes in flight' },
} as const;
const DEPLOYMENT_KINDS = ['sqlite', 'postgres', 'postgres-2'] as const;
type DeploymentKind = (typeof DEPLOYMENT_KINDS)[number];

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    ...Object.fromEntries(Object.keys(OPTIONS).map((name) => [name, { type: 'string' as const }])),
    deployments: { type: 'string' as const },
    help: { type: 'boolean' as const },
  },
  strict: true,
  allowPositionals: false,
});
if (values.help) {
  console.log('bench/server/team-stream options (flag or environment variable):');
  for (const line of countsHelp(OPTIONS)) console.log(line);
  console.log(
    `  --deployments <list>  BENCH_DEPLOYMENTS  comma-separated, of ${DEPLOYMENT_KINDS.join(', ')} (default sqlite,postgres)`,
  );
  process.exit(0);
}
const options = readCounts(OPTIONS, values);
const DEPLOYMENTS = ((values.deployments as string | undefined) ?? process.env.BENCH_DEPLOYMENTS ?? 'sqlite,postgres')
  .split(',')
  .map((d) => d.trim()) as DeploymentKind[];
if (DEPLOYMENTS.some((d) => !DEPLOYMENT_KINDS.includes(d)))
  throw new Error(`--deployments takes ${DEPLOYMENT_KINDS.join(', ')}; got ${DEPLOYMENTS.join(',')}`);

const VISITORS = options.visitors;
const TEAMMATES = options.teammates;
const ROUNDS = options.rounds;
const CONCURRENCY = options.concurrency;
const APP_ID = 'bench';
const TEAM_TOKEN = `bench-team-token-${randomBytes(12).toString('hex')}`;
const ARRIVAL_TIMEOUT_MS = 20_000;
const SETUP_CONCURRENCY = 50;

// ---------------------------------------------------------------------------------------------
// A team stream client: every `message` event's body, with when it arrived.

function openTeamStream(
  agent: http.Agent,
  base: URL,
  path: string,
  token: string,
  onMessage: (body: string, at: number) => void,
) {
  return new Promise<{ close(): void; readonly endedEarly: boolean }>((resolve, reject) => {
    let closing = false;
    let endedEarly = false;
    let response: IncomingMessage | undefined;
    const parser = createSseParser();
    const request = http.request({
      agent,
      host: base.hostname,
      port: base.port,
      method: 'GET',
      path,
      headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
    });
    request.setNoDelay(true);
    const stream = {
      close() {
        closing = true;
        response?.destroy();
        request.destroy();
      },
      get endedEarly() {
        return endedEarly;
      },
    };
    request.on('error', reject);
    request.on('response', (res) => {
      response = res;
      if (res.statusCode !== 200) {
        reject(new Error(`GET ${path}: ${res.statusCode}`));
        res.resume();
        return;
      }
      res.on('error', () => {});
      res.on('close', () => {
        if (!closing) endedEarly = true;
      });
      let opened = false;
      res.on('data', (chunk: Buffer) => {
        const at = performance.now();
        if (!opened) {
          opened = true;
          resolve(stream);
        }
        for (const message of parser.feed(chunk)) {
          if (message.event !== 'message') continue;
          const event = JSON.parse(message.data) as { message: { body: string } };
          onMessage(event.message.body, at);
        }
      });
    });
    request.end();
  });
}

// ---------------------------------------------------------------------------------------------
// Deployments.

interface Deployment {
  name: string;
  urls: URL[];
  /** The shared --team-token: the replies are sent with it. */
  teamToken: string;
  /** What --db the servers run on: the bench makes its teammates there. */
  db: string;
  close(): Promise<void>;
}

async function startInProcess(db: string): Promise<RunningServer> {
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
    ],
    {},
  );
  if (parsed === 'help') throw new Error('parseConfig answered help');
  return startServer(parsed, { logger: false });
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

const folders: string[] = [];
let postgres: PostgresServer | undefined;

async function deploy(kind: DeploymentKind): Promise<Deployment> {
  if (kind === 'sqlite') {
    const folder = mkdtempSync(join(tmpdir(), 'confab-bench-team-'));
    folders.push(folder);
    const db = join(folder, 'confab.sqlite');
    const server = await startInProcess(db);
    return {
      name: 'SQLite, 1 process',
      urls: [new URL(server.url)],
      teamToken: TEAM_TOKEN,
      db,
      close: () => server.close(),
    };
  }
  // PostgreSQL with its durable defaults (fsync, synchronous commit), as SQLite runs with synchronous=FULL.
  postgres ??= await startPostgres({ durable: true });
  const db = await createPostgresDatabase(postgres.url);
  if (kind === 'postgres') {
    const server = await startInProcess(db);
    return {
      name: 'PostgreSQL, 1 process',
      urls: [new URL(server.url)],
      teamToken: TEAM_TOKEN,
      db,
      close: () => server.close(),
    };
  }
  const children: ChildProcess[] = [];
  const started = await Promise.all([startServerProcess(db, children), startServerProcess(db, children)]);
  return {
    name: 'PostgreSQL, 2 processes',
    urls: started.map((p) => new URL(p.url)),
    teamToken: PROCESS_TEAM_TOKEN,
    db,
    close: async () => {
      await Promise.all(started.map((p) => p.kill()));
    },
  };
}

/** `count` agents of the app, each with an API token of their own, made in the database as an admin's invite would. */
async function makeTeammates(db: string, count: number): Promise<string[]> {
  const opened = isPostgresUrl(db) ? openPostgres(db, { max: 1 }) : openSqlite(db);
  const store = createStore(opened.db, () => {});
  try {
    const tokens: string[] = [];
    for (let t = 0; t < count; t++) {
      const made = await store.createTeammate(
        { email: `bench-teammate-${t}@example.com`, name: `Teammate ${t}`, role: 'agent', apps: [APP_ID] },
        Date.now(),
      );
      if (!made) throw new Error(`teammate ${t} exists already`);
      tokens.push((await store.createApiToken(made.teammate.id, 'bench', [APP_ID], Date.now())).token);
    }
    return tokens;
  } finally {
    await opened.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Rounds.

interface Waiting {
  /** Arrivals still expected. */
  remaining: number;
  sentAt: number;
  arrivals: number[];
  /** Which stream is expected to deliver it: a visitor's index, or -1 for every team stream. */
  stream: number;
  /** The streams that delivered it, so a duplicate is caught. */
  from: Set<number>;
  done: () => void;
}
const waiting = new Map<string, Waiting>();
const strays = { unknown: 0, wrongStream: 0, duplicate: 0 };

function arrived(stream: number, body: string, at: number) {
  const entry = waiting.get(body);
  if (!entry) {
    // A visitor's stream also carries the visitor's own messages, and team streams the replies: not awaited there.
    if (!body.startsWith('v:') && !body.startsWith('r:')) strays.unknown++;
    return;
  }
  if (entry.stream !== stream && !(entry.stream === -1 && stream < 0)) {
    if (!(entry.stream >= 0 && stream < 0)) strays.wrongStream++;
    return;
  }
  if (entry.from.has(stream)) {
    strays.duplicate++;
    return;
  }
  entry.from.add(stream);
  entry.arrivals.push(at - entry.sentAt);
  if (--entry.remaining === 0) {
    waiting.delete(body);
    entry.done();
  }
}

interface RoundResult {
  /** Every arrival's latency. */
  arrivals: number[];
  /** Per write, the latency of its last expected arrival. */
  lastArrivals: number[];
  lost: number;
  failed: number;
  elapsed: number;
  loopDelayP99: number;
}

async function round(
  count: number,
  expected: (i: number) => { stream: number; arrivals: number },
  send: (i: number, body: string) => Promise<number>,
  prefix: string,
): Promise<RoundResult> {
  const result: RoundResult = { arrivals: [], lastArrivals: [], lost: 0, failed: 0, elapsed: 0, loopDelayP99: 0 };
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const start = performance.now();
  await pool(count, CONCURRENCY, async (i) => {
    const body = `${prefix}:${i}:${randomBytes(6).toString('hex')}`;
    const { stream, arrivals } = expected(i);
    let timer: NodeJS.Timeout | undefined;
    let entry: Waiting | undefined;
    const all = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ARRIVAL_TIMEOUT_MS);
      entry = {
        remaining: arrivals,
        sentAt: performance.now(),
        arrivals: [],
        stream,
        from: new Set(),
        done: () => resolve(true),
      };
      waiting.set(body, entry);
    });
    let status = 0;
    try {
      status = await send(i, body);
    } catch {
      status = 0;
    }
    if (status !== 200) {
      result.failed++;
      waiting.delete(body);
      clearTimeout(timer);
      return;
    }
    const complete = await all;
    clearTimeout(timer);
    result.arrivals.push(...entry!.arrivals);
    if (complete) result.lastArrivals.push(Math.max(...entry!.arrivals));
    else {
      waiting.delete(body);
      result.lost += entry!.remaining;
    }
  });
  result.elapsed = performance.now() - start;
  loop.disable();
  result.loopDelayP99 = loop.percentile(99) / 1e6;
  return result;
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
function describe(result: RoundResult, writes: number): string {
  const all = sorted(result.arrivals);
  const last = sorted(result.lastArrivals);
  return (
    `p50 ${ms(percentile(all, 50))}, p99 ${ms(percentile(all, 99))} (n=${format(all.length)}${result.lost ? `, LOST ${result.lost}` : ''}${result.failed ? `, FAILED ${result.failed}` : ''}); ` +
    `last of each p99 ${ms(percentile(last, 99))}; ${format((writes * 1000) / result.elapsed)} writes/s; event-loop delay p99 ${ms(result.loopDelayP99)}`
  );
}

interface Figures {
  name: string;
  team: { p50: number; p99: number; lastP99: number; n: number };
  visitor: { p50: number; p99: number; n: number };
  problems: string[];
}

async function measure(deployment: Deployment): Promise<Figures> {
  const { urls } = deployment;
  const at = (i: number) => urls[i % urls.length]!;
  console.log(`${deployment.name}:`);
  const agents: http.Agent[] = [];
  const agent = () => {
    const made = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1_024 });
    agents.push(made);
    return made;
  };
  const setup = agent();
  const messenger = `/messenger/v1/apps/${APP_ID}`;
  const team = `/api/v1/apps/${APP_ID}`;
  const visitors: Array<{ token: string; conversationId: string }> = new Array(VISITORS);
  const streams: Array<OpenStream | { close(): void; readonly endedEarly: boolean }> = [];
  try {
    const booted = await timed(() =>
      pool(VISITORS, SETUP_CONCURRENCY, async (i) => {
        const request: BootRequest = {
          app_id: APP_ID,
          visitor_id: `bench-visitor-${i}`,
          device_id: `bench-device-${i}`,
          identity: {},
          attributes: {},
        };
        const answer = await postJson<BootResponse>(setup, at(i), `${messenger}/boot`, request);
        const started = await postJson<StartConversationResponse>(
          setup,
          at(i),
          `${messenger}/conversations`,
          { body: 'Hello', client_id: `start-${i}` },
          { authorization: `Bearer ${answer.session.token}` },
        );
        visitors[i] = { token: answer.session.token, conversationId: started.conversation.id };
      }),
    );
    const visitorAgent = agent();
    await pool(VISITORS, SETUP_CONCURRENCY, async (i) => {
      streams.push(
        await openStream(
          visitorAgent,
          at(i),
          `${messenger}/stream`,
          { authorization: `Bearer ${visitors[i]!.token}` },
          (body, when) => arrived(i, body, when),
        ),
      );
    });
    // Each team stream is a teammate of their own, with their own API token.
    const teammateTokens = await makeTeammates(deployment.db, TEAMMATES);
    const teamAgent = agent();
    await pool(TEAMMATES, SETUP_CONCURRENCY, async (t) => {
      streams.push(
        await openTeamStream(teamAgent, at(t), `${team}/stream`, teammateTokens[t]!, (body, when) =>
          arrived(-1 - t, body, when),
        ),
      );
    });
    console.log(
      `  setup: ${format(VISITORS)} visitors booted with a conversation each in ${seconds(booted.elapsed)}; ${format(VISITORS)} visitor streams and ${TEAMMATES} team streams open`,
    );

    const writer = agent();
    const visitorWrite = (r: number) => (i: number, body: string) =>
      post(
        writer,
        at(i + r),
        `${messenger}/conversations/${visitors[i]!.conversationId}/messages`,
        JSON.stringify({ body, client_id: body }),
        {
          authorization: `Bearer ${visitors[i]!.token}`,
        },
      ).then((a) => a.status);
    const teamReply = (r: number) => (i: number, body: string) =>
      post(
        writer,
        at(i + r + 1),
        `${team}/conversations/${visitors[i]!.conversationId}/reply`,
        JSON.stringify({ body }),
        {
          authorization: `Bearer ${deployment.teamToken}`,
        },
      ).then((a) => a.status);

    const teamResults: RoundResult[] = [];
    const visitorResults: RoundResult[] = [];
    for (let r = 0; r <= ROUNDS; r++) {
      const label = r === 0 ? 'warm-up' : `round ${r}`;
      const fanOut = await round(VISITORS, () => ({ stream: -1, arrivals: TEAMMATES }), visitorWrite(r), `v:${r}`);
      console.log(`  ${label.padEnd(8)} visitor message → ${TEAMMATES} team streams  ${describe(fanOut, VISITORS)}`);
      const replies = await round(VISITORS, (i) => ({ stream: i, arrivals: 1 }), teamReply(r), `r:${r}`);
      console.log(`  ${label.padEnd(8)} team reply → visitor stream       ${describe(replies, VISITORS)}`);
      if (r > 0) {
        teamResults.push(fanOut);
        visitorResults.push(replies);
      }
    }
    const teamArrivals = sorted(teamResults.flatMap((r) => r.arrivals));
    const teamLast = sorted(teamResults.flatMap((r) => r.lastArrivals));
    const visitorArrivals = sorted(visitorResults.flatMap((r) => r.arrivals));
    const problems: string[] = [];
    const lost = [...teamResults, ...visitorResults].reduce((n, r) => n + r.lost + r.failed, 0);
    if (lost) problems.push(`${deployment.name}: ${lost} arrivals lost or writes failed`);
    const ended = streams.filter((s) => s.endedEarly).length;
    if (ended) problems.push(`${deployment.name}: ${ended} streams ended early`);
    if (strays.unknown || strays.wrongStream || strays.duplicate)
      problems.push(
        `${deployment.name}: ${strays.unknown} unawaited arrivals, ${strays.wrongStream} on the wrong stream, ${strays.duplicate} twice`,
      );
    return {
      name: deployment.name,
      team: {
        p50: percentile(teamArrivals, 50),
        p99: percentile(teamArrivals, 99),
        lastP99: percentile(teamLast, 99),
        n: teamArrivals.length,
      },
      visitor: {
        p50: percentile(visitorArrivals, 50),
        p99: percentile(visitorArrivals, 99),
        n: visitorArrivals.length,
      },
      problems,
    };
  } finally {
    for (const stream of streams) stream.close();
    for (const made of agents) made.destroy();
  }
}

async function main() {
  console.log(
    `team-stream (${format(VISITORS)} visitors with streams, ${TEAMMATES} team streams, ${ROUNDS} rounds, ${CONCURRENCY} writes in flight; ` +
      `node ${process.version}, ${availableParallelism()} cores; deployments: ${DEPLOYMENTS.join(', ')})`,
  );
  const results: Figures[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  try {
    for (const kind of DEPLOYMENTS) {
      const deployment = await deploy(kind);
      cleanups.push(() => deployment.close());
      results.push(await measure(deployment));
    }
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await postgres?.stop();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  }
  console.log('');
  console.log('summary (each arrival on each team stream is one sample; the visitor stream figure from the same run)');
  for (const r of results) {
    console.log(
      `  ${r.name.padEnd(25)} team stream p50 ${ms(r.team.p50)}, p99 ${ms(r.team.p99)} (last of ${TEAMMATES} p99 ${ms(r.team.lastP99)}, n=${format(r.team.n)}); ` +
        `visitor stream p50 ${ms(r.visitor.p50)}, p99 ${ms(r.visitor.p99)} (n=${format(r.visitor.n)}); team p99 ${format(r.team.p99 / r.visitor.p99, 2)}× visitor`,
    );
  }
  const problems = results.flatMap((r) => r.problems);
  if (problems.length > 0) throw new Error(`the figures are not trustworthy: ${problems.join('; ')}`);
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
