// What an idle realtime stream costs the Confab server, and what 10,000 of them cost the streams
// that are in use: RSS per idle stream with 10,000 streams open on one process, and reply →
// arrival for 100 active clients among them. Against a bare node:http server holding the same
// number of SSE responses open (bare-sse-server.ts), measured the same way in the same run.
//
// Each server runs as a process of its own, freshly started (so its RSS is its own, and the
// bench's 10,000 client sockets do not count against its file descriptors); one after the other,
// each with its own 10,000 streams, from this process. Confab on SQLite (a file in a temporary
// folder), one session per stream, as browsers would hold them. RSS per stream is the growth of
// the server's RSS from before the streams to after them, divided by their number.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { BootRequest, BootResponse, StartConversationResponse } from '@confab/core/protocol';
import { TEAM_TOKEN } from '../../packages/server/test/server-harness';
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
  streams: { env: 'BENCH_IDLE_STREAMS', fallback: 10_000, help: 'idle streams held open on each server' },
  active: { env: 'BENCH_ACTIVE_CLIENTS', fallback: 100, help: 'clients among them that are sent replies' },
  rounds: { env: 'BENCH_ROUNDS', fallback: 5, help: 'measured rounds of one reply per active client' },
  concurrency: { env: 'BENCH_CONCURRENCY', fallback: 10, help: 'replies in flight' },
} as const;
type OptionName = keyof typeof OPTIONS;

function readOptions(): Record<OptionName, number> {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: {
      ...Object.fromEntries(Object.keys(OPTIONS).map((name) => [name, { type: 'string' as const }])),
      help: { type: 'boolean' as const },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log('bench/server idle-streams options (flag or environment variable):');
    for (const line of countsHelp(OPTIONS)) console.log(line);
    process.exit(0);
  }
  const result = readCounts(OPTIONS, values);
  if (result.active > result.streams) throw new Error('--active must not exceed --streams');
  return result;
}

const options = readOptions();
const STREAMS = options.streams;
const ACTIVE = options.active;
const APP_ID = 'bench';
const SETUP_CONCURRENCY = 100;
/** Time for the server to settle (timers armed, buffers released) before its RSS is read. */
const SETTLE_MS = 3_000;
const ARRIVAL_TIMEOUT_MS = 15_000;

const require = createRequire(import.meta.url);
const tsxLoader = pathToFileURL(require.resolve('tsx')).href;
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Resident set size of a process, in bytes (Linux: /proc). */
function rss(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

const megabytes = (bytes: number) => `${format(bytes / 1024 / 1024, 1)} MB`;
const kilobytes = (bytes: number) => `${format(bytes / 1024, 1)} KB`;

interface Server {
  name: string;
  url: URL;
  pid: number;
  /** Sends `body` to stream `index`; resolves with the HTTP status. */
  send(index: number, body: string): Promise<number>;
  streamPath(index: number): string;
  streamHeaders(index: number): Record<string, string>;
  close(): Promise<void>;
}

interface Figures {
  name: string;
  before: number;
  after: number;
  perStream: number;
  opened: number;
  p50: number;
  p99: number;
  lost: number;
  endedEarly: number;
}

function startBareProcess(children: ChildProcess[]): Promise<{ url: URL; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', tsxLoader, join(import.meta.dirname, 'bare-sse-server.ts')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve({ url: new URL(match[1]!), child });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`the bare server exited (${code}): ${output}`)));
  });
}

const children: ChildProcess[] = [];
const folders: string[] = [];

async function confabServer(): Promise<Server> {
  const folder = mkdtempSync(join(tmpdir(), 'confab-bench-idle-'));
  folders.push(folder);
  const db = join(folder, 'confab.sqlite');
  const messenger = `/messenger/v1/apps/${APP_ID}`;
  const visitors: Array<{ token: string; conversationId: string }> = new Array(STREAMS);
  // The sessions are made by one process, the streams held by a fresh one on the same database:
  // its RSS before the streams is a server's that just started, as the baseline's is, not one
  // carrying the heap 10,000 boots left behind. server-process.ts lifts the rate limits and the
  // address's stream cap: every client here is 127.0.0.1.
  const setup = await startServerProcess(db, children);
  const setupUrl = new URL(setup.url);
  const setupAgent = new http.Agent({ keepAlive: true, maxSockets: SETUP_CONCURRENCY });
  const booted = await timed(() =>
    pool(STREAMS, SETUP_CONCURRENCY, async (i) => {
      const request: BootRequest = {
        app_id: APP_ID,
        visitor_id: `idle-visitor-${i}`,
        device_id: `idle-device-${i}`,
        identity: {},
        attributes: {},
      };
      visitors[i] = {
        token: (await postJson<BootResponse>(setupAgent, setupUrl, `${messenger}/boot`, request)).session.token,
        conversationId: '',
      };
    }),
  );
  await pool(ACTIVE, SETUP_CONCURRENCY, async (i) => {
    const answer = await postJson<StartConversationResponse>(
      setupAgent,
      setupUrl,
      `${messenger}/conversations`,
      { body: 'Hello', client_id: `idle-start-${i}` },
      {
        authorization: `Bearer ${visitors[i]!.token}`,
      },
    );
    visitors[i]!.conversationId = answer.conversation.id;
  });
  setupAgent.destroy();
  await setup.kill();
  console.log(
    `  Confab: ${format(STREAMS)} sessions booted in ${seconds(booted.elapsed)}, ${ACTIVE} conversations started`,
  );

  const started = await startServerProcess(db, children);
  const url = new URL(started.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: SETUP_CONCURRENCY });
  return {
    name: 'Confab (SQLite)',
    url,
    pid: started.child.pid!,
    send: async (i, body) =>
      (
        await post(
          agent,
          url,
          `/api/v1/apps/${APP_ID}/conversations/${visitors[i]!.conversationId}/reply`,
          JSON.stringify({ body }),
          { authorization: `Bearer ${TEAM_TOKEN}` },
        )
      ).status,
    streamPath: () => `${messenger}/stream`,
    streamHeaders: (i) => ({ authorization: `Bearer ${visitors[i]!.token}` }),
    close: async () => {
      agent.destroy();
      await started.kill();
    },
  };
}

async function bareServer(): Promise<Server> {
  const { url, child } = await startBareProcess(children);
  const agent = new http.Agent({ keepAlive: true, maxSockets: SETUP_CONCURRENCY });
  return {
    name: 'bare node:http',
    url,
    pid: child.pid!,
    send: async (i, body) => (await post(agent, url, `/send/${i}`, JSON.stringify({ body }))).status,
    streamPath: (i) => `/stream/${i}`,
    streamHeaders: () => ({}),
    close: async () => {
      agent.destroy();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Replies on their way, by body. */
const pending = new Map<string, (at: number) => void>();

async function measure(server: Server): Promise<Figures> {
  await sleep(SETTLE_MS);
  const before = rss(server.pid);
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const streams: OpenStream[] = new Array(STREAMS);
  const opened = await timed(() =>
    pool(STREAMS, SETUP_CONCURRENCY, async (i) => {
      streams[i] = await openStream(agent, server.url, server.streamPath(i), server.streamHeaders(i), (body, at) =>
        pending.get(body)?.(at),
      );
    }),
  );
  await sleep(SETTLE_MS);
  const after = rss(server.pid);

  // Reply → arrival for the first ACTIVE clients, while every stream stays open.
  const latencies: number[] = [];
  let lost = 0;
  for (let round = 0; round <= options.rounds; round++) {
    await pool(ACTIVE, options.concurrency, async (i) => {
      const body = `${round}:${i}:${randomBytes(6).toString('hex')}`;
      let timer: NodeJS.Timeout | undefined;
      const arrival = new Promise<number | undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), ARRIVAL_TIMEOUT_MS);
        pending.set(body, resolve);
      });
      const sentAt = performance.now();
      const status = await server.send(i, body).catch(() => 0);
      const at = status === 200 ? await arrival : undefined;
      clearTimeout(timer);
      pending.delete(body);
      if (round === 0) return; // warm-up
      if (at === undefined) lost++;
      else latencies.push(at - sentAt);
    });
  }
  latencies.sort((a, b) => a - b);
  const endedEarly = streams.filter((s) => s.endedEarly).length;
  for (const stream of streams) stream.close();
  agent.destroy();
  const figures: Figures = {
    name: server.name,
    before,
    after,
    perStream: (after - before) / STREAMS,
    opened: opened.elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    lost,
    endedEarly,
  };
  console.log(
    `  ${server.name}: RSS ${megabytes(before)} → ${megabytes(after)} with ${format(STREAMS)} streams (opened in ${seconds(opened.elapsed)}): ` +
      `${kilobytes(figures.perStream)} per stream; reply → arrival p50 ${ms(figures.p50)}, p99 ${ms(figures.p99)} ` +
      `(n=${latencies.length}${lost ? `, LOST ${lost}` : ''}); streams ended early: ${endedEarly}`,
  );
  return figures;
}

async function run() {
  console.log(
    `idle streams: ${format(STREAMS)} per server, ${ACTIVE} of them active, ${options.rounds} measured rounds of one reply each (${options.concurrency} in flight), ` +
      `node ${process.version}`,
  );
  const results: Figures[] = [];
  for (const start of [confabServer, bareServer]) {
    const server = await start();
    try {
      results.push(await measure(server));
    } finally {
      await server.close();
    }
  }
  const [confab, bare] = results as [Figures, Figures];
  console.log('');
  console.log('| | RSS per idle stream | reply → arrival p50 | p99 |');
  console.log('|---|---|---|---|');
  console.log(`| bare node:http (baseline) | ${kilobytes(bare.perStream)} | ${ms(bare.p50)} | ${ms(bare.p99)} |`);
  console.log(
    `| Confab, SQLite | ${kilobytes(confab.perStream)} (**${format(confab.perStream / bare.perStream, 1)}x**) | ${ms(confab.p50)} (${format(confab.p50 / bare.p50, 1)}x) | ${ms(confab.p99)} (**${format(confab.p99 / bare.p99, 1)}x**) |`,
  );
}

try {
  await run();
} finally {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
}
