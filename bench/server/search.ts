// Full-text search over 100,000 messages in 10,000 conversations (with 10,000 contacts), on SQLite
// and PostgreSQL: the latency of GET /api/v1/apps/:app_id/search for several kinds of query, beside
// a plain indexed lookup measured in the same run, interleaved with them: GET
// /conversations/:id (the conversation by its primary key, with its messages).
//
// The corpus is written straight into the database (through the server's migrations and its
// indexer, as a write would index it), then a server in this process answers the requests one at
// a time over loopback, so each figure is a request's latency, not a queue's.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  type Database,
  migrate,
  openPostgres,
  openSqlite,
  parseConfig,
  type RunningServer,
  type ServerConfig,
  startServer,
} from '@confab/server';
import { type Kysely, sql } from 'kysely';
import { indexPendingSearchDocuments } from '../../packages/server/src/store/search';
import { type PostgresServer, startPostgres } from '../../packages/server/test/postgres-server';
import { countsHelp, format, ms, percentile, readCounts, seconds } from './shared';

const OPTIONS = {
  conversations: { env: 'BENCH_CONVERSATIONS', fallback: 10_000, help: 'conversations, one contact each' },
  'messages-per-conversation': {
    env: 'BENCH_MESSAGES_PER_CONVERSATION',
    fallback: 10,
    help: 'messages in each conversation',
  },
  rounds: { env: 'BENCH_ROUNDS', fallback: 200, help: 'measured requests of each kind, per engine' },
} as const;
const ENGINES = ['sqlite', 'postgres'] as const;
type Engine = (typeof ENGINES)[number];

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    ...Object.fromEntries(Object.keys(OPTIONS).map((name) => [name, { type: 'string' as const }])),
    engines: { type: 'string' as const },
    help: { type: 'boolean' as const },
  },
  strict: true,
});
if (values.help) {
  console.log('bench/server/search.ts options (flag or environment variable):');
  for (const line of countsHelp(OPTIONS)) console.log(line);
  console.log(`  --engines <list>  BENCH_ENGINES  comma-separated, of ${ENGINES.join(', ')} (default both)`);
  process.exit(0);
}
const options = readCounts(OPTIONS, values);
const engines = (values.engines ?? process.env.BENCH_ENGINES ?? ENGINES.join(',')).split(',') as Engine[];
if (engines.some((e) => !ENGINES.includes(e))) throw new Error(`--engines takes ${ENGINES.join(', ')}`);
const CONVERSATIONS = options.conversations;
const PER_CONVERSATION = options['messages-per-conversation'];
const ROUNDS = options.rounds;
const WARMUP_ROUNDS = Math.min(20, ROUNDS);
const APP_ID = 'bench';
const TEAM_TOKEN = `bench-team-token-${randomBytes(12).toString('hex')}`;

// ---------------------------------------------------------------------------------------------
// The corpus: words drawn with a Zipf-like skew from a made-up vocabulary (the commonest is in
// about half the messages, most are rare), each conversation's order number once, a contact
// with a name, an email and a user id. Fixed by a seed, the same on both engines.

function sequence(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}
const random = sequence(1);
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'te', 'vo', 'zu', 'pa', 'ri', 'do', 'fe', 'gu', 'ha', 'ji'];
const VOCABULARY = Array.from({ length: 5_000 }, (_, i) => {
  let word = '';
  for (let n = i + 1; n > 0; n = Math.floor(n / SYLLABLES.length)) word += SYLLABLES[n % SYLLABLES.length];
  return word.length < 4 ? `${word}${word}` : word;
});
/** Rank r is drawn with weight 1/(r+1). */
const CUMULATIVE = (() => {
  const weights = VOCABULARY.map((_, r) => 1 / (r + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  let sum = 0;
  return weights.map((w) => (sum += w / total));
})();
function word(): string {
  const x = random();
  let lo = 0;
  let hi = CUMULATIVE.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (CUMULATIVE[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return VOCABULARY[lo]!;
}
const FIRST = ['Ada', 'Zoë', 'Łukasz', 'Björn', 'Amélie', 'Hiro', 'Olu', 'Priya', 'Sven', 'Inès', 'Mateo', 'Yara'];
const LAST = ['Lovelace', 'Ng', 'Nowak', 'Åberg', 'Dubois', 'Tanaka', 'Okafor', 'Patel', 'Larsen', 'García'];

async function fill(db: Kysely<Database>): Promise<{ messages: number; elapsed: number }> {
  const start = performance.now();
  const now = Date.now();
  const batch = 500;
  let messages = 0;
  for (let first = 0; first < CONVERSATIONS; first += batch) {
    const indexes = Array.from({ length: Math.min(batch, CONVERSATIONS - first) }, (_, k) => first + k);
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('people')
        .values(
          indexes.map((i) => {
            const name = `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]}`;
            return {
              id: `person-${i}`,
              app_id: APP_ID,
              role: 'user' as const,
              visitor_id: `visitor-${i}`,
              user_id: `usr-${i}-${(i * 2_654_435_761).toString(36).slice(-4)}`,
              email: `${name.toLowerCase().replace(' ', '.')}.${i}@example.com`,
              name,
              attributes: '{}',
              created_at: now,
              updated_at: now,
            };
          }),
        )
        .execute();
      await trx
        .insertInto('conversations')
        .values(
          indexes.map((i) => ({
            id: `conversation-${i}`,
            app_id: APP_ID,
            person_id: `person-${i}`,
            state: i % 3 === 0 ? ('closed' as const) : ('open' as const),
            created_at: now - (CONVERSATIONS - i) * 60_000,
            updated_at: now - (CONVERSATIONS - i) * 60_000,
            activity_at: now - (CONVERSATIONS - i) * 60_000,
            person_unread: 0,
            start_client_id: null,
          })),
        )
        .execute();
      const rows = indexes.flatMap((i) =>
        Array.from({ length: PER_CONVERSATION }, (_, k) => {
          const length = 5 + Math.floor(random() * 25);
          const words = Array.from({ length }, word);
          if (k === 0) words.splice(Math.floor(random() * length), 0, `order ord-${i}`);
          return {
            id: `message-${i}-${k}`,
            conversation_id: `conversation-${i}`,
            author: k % 2 === 0 ? ('person' as const) : ('team' as const),
            author_name: null,
            body: `${words.join(' ')}.`,
            created_at: now - (CONVERSATIONS - i) * 60_000 + k,
            client_id: null,
          };
        }),
      );
      for (let at = 0; at < rows.length; at += 1_000)
        await trx
          .insertInto('messages')
          .values(rows.slice(at, at + 1_000))
          .execute();
      messages += rows.length;
      // What a write of the server does before it commits (store/transaction.ts).
      await indexPendingSearchDocuments(trx);
    });
  }
  return { messages, elapsed: performance.now() - start };
}

// ---------------------------------------------------------------------------------------------
// The requests.

interface Kind {
  name: string;
  /** The path of the next request of this kind. */
  path(round: number): string;
}

const pick = (n: number) => Math.floor(random() * n);
const search = (q: string, extra = '') => `/api/v1/apps/${APP_ID}/search?q=${encodeURIComponent(q)}${extra}`;
const KINDS: Kind[] = [
  {
    name: 'lookup: GET /conversations/:id (baseline)',
    path: () => `/api/v1/apps/${APP_ID}/conversations/conversation-${pick(CONVERSATIONS)}`,
  },
  { name: 'search: a rare word (1 conversation)', path: () => search(`ord-${pick(CONVERSATIONS)}`) },
  { name: 'search: the commonest word (first page of 20)', path: () => search(VOCABULARY[0]!) },
  { name: 'search: a word of rank 100', path: (r) => search(VOCABULARY[100 + (r % 10)]!) },
  { name: 'search: two common words', path: (r) => search(`${VOCABULARY[1 + (r % 5)]} ${VOCABULARY[10 + (r % 5)]}`) },
  { name: 'search: a 2-letter prefix', path: (r) => search(SYLLABLES[r % SYLLABLES.length]!) },
  { name: "search: a contact's email", path: () => search(`${pick(CONVERSATIONS)}@example.com`) },
  { name: 'search: the commonest word, closed only', path: () => search(VOCABULARY[0]!, '&state=closed') },
  { name: 'search: no match', path: () => search('zzqqxx') },
];

function get(agent: http.Agent, base: URL, path: string): Promise<{ status: number; results: number }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { agent, host: base.hostname, port: base.port, path, headers: { authorization: `Bearer ${TEAM_TOKEN}` } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          resolve({ status: response.statusCode ?? 0, results: body.results?.length ?? 1 });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end();
  });
}

async function measure(server: RunningServer): Promise<Map<string, { times: number[]; results: number[] }>> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const base = new URL(server.url);
  const figures = new Map(KINDS.map((kind) => [kind.name, { times: [] as number[], results: [] as number[] }]));
  try {
    for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
      // Interleaved, so a slow moment of the machine falls on every kind alike.
      for (const kind of KINDS) {
        const path = kind.path(round);
        const start = performance.now();
        const answer = await get(agent, base, path);
        const elapsed = performance.now() - start;
        if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status}`);
        if (round >= WARMUP_ROUNDS) {
          figures.get(kind.name)!.times.push(elapsed);
          figures.get(kind.name)!.results.push(answer.results);
        }
      }
    }
  } finally {
    agent.destroy();
  }
  return figures;
}

async function startOn(db: string): Promise<RunningServer> {
  const parsed = parseConfig(
    ['--port', '0', '--host', '127.0.0.1', '--db', db, '--team-token', TEAM_TOKEN, '--rate-limit-ip', '1000000'],
    {},
  );
  if (parsed === 'help') throw new Error('parseConfig answered help');
  return startServer(parsed as ServerConfig, { logger: false });
}

async function run(engine: Engine, postgres: () => Promise<PostgresServer>) {
  let url: string;
  let cleanUp: () => Promise<void>;
  if (engine === 'sqlite') {
    const folder = mkdtempSync(join(tmpdir(), 'confab-bench-search-'));
    url = join(folder, 'confab.sqlite');
    cleanUp = async () => rmSync(folder, { recursive: true, force: true });
  } else {
    const server = await postgres();
    const name = `confab_bench_${randomBytes(6).toString('hex')}`;
    const admin = openPostgres(server.url, { max: 1 });
    await sql.raw(`CREATE DATABASE ${name}`).execute(admin.db);
    await admin.close();
    const target = new URL(server.url);
    target.pathname = `/${name}`;
    url = target.toString();
    cleanUp = async () => {};
  }
  try {
    const { db, close } = engine === 'sqlite' ? openSqlite(url) : openPostgres(url, { max: 2 });
    let filled: { messages: number; elapsed: number };
    try {
      await migrate(db, engine);
      filled = await fill(db);
      if (engine === 'postgres') await sql`ANALYZE`.execute(db);
    } finally {
      await close();
    }
    console.log(
      `${engine}: ${format(filled.messages)} messages, ${format(CONVERSATIONS)} conversations and contacts written and indexed in ${seconds(filled.elapsed)} (${format((filled.messages * 1000) / filled.elapsed)} messages/s)`,
    );
    const server = await startOn(url);
    try {
      return await measure(server);
    } finally {
      await server.close();
    }
  } finally {
    await cleanUp();
  }
}

async function main() {
  console.log(
    `search (${format(CONVERSATIONS * PER_CONVERSATION)} messages in ${format(CONVERSATIONS)} conversations; ${ROUNDS} requests of each kind after ${WARMUP_ROUNDS} warm-up rounds, one at a time; ` +
      `node ${process.version}, ${availableParallelism()} cores; engines: ${engines.join(', ')})`,
  );
  let postgres: PostgresServer | undefined;
  const startPostgresOnce = async () => {
    // PostgreSQL's durable defaults, as the server bench runs it.
    postgres ??= await startPostgres({ durable: true });
    return postgres;
  };
  try {
    for (const engine of engines) {
      const figures = await run(engine, startPostgresOnce);
      const baseline = figures.get(KINDS[0]!.name)!.times.sort((a, b) => a - b);
      const [b50, b99] = [percentile(baseline, 50), percentile(baseline, 99)];
      console.log(`\n${engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'}:`);
      for (const kind of KINDS) {
        const { times, results } = figures.get(kind.name)!;
        const sorted = [...times].sort((a, b) => a - b);
        const [p50, p99] = [percentile(sorted, 50), percentile(sorted, 99)];
        const found = [...results].sort((a, b) => a - b);
        console.log(
          `  ${kind.name.padEnd(48)} p50 ${ms(p50).padStart(9)} (${format(p50 / b50, 1)}x)  p99 ${ms(p99).padStart(9)} (${format(p99 / b99, 1)}x)  results/page p50 ${percentile(found, 50)}`,
        );
      }
    }
  } finally {
    postgres?.stop();
  }
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
