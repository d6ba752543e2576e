// The team's lists with 10,000 conversations and 100,000 messages, over HTTP on loopback, each
// figure beside a plain primary-key lookup measured in the same run, on the same server, through
// the same client:
//
// - the conversation list's first page, and a deep page (its cursor points 9,000 conversations in);
// - the first page filtered as an inbox is (`?state=open&assignee=unassigned`);
// - a long thread's first page and a deep page of it (2,000 messages and notes);
// - baseline: GET /contacts/:id, one row by its primary key.
//
// The seed goes straight into the database (migrated first); then each request is sent `rounds`
// times one after another (a closed loop of one: the latency of the query, not of a queue). The
// query plans of the list queries are printed for each engine (EXPLAIN QUERY PLAN / EXPLAIN).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
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
import { CompiledQuery, type Kysely, sql } from 'kysely';
import { type PostgresServer, startPostgres } from '../../packages/server/test/postgres-server';
import { format, ms, percentile } from './shared';

const OPTIONS = {
  conversations: { env: 'BENCH_CONVERSATIONS', fallback: 10_000, help: 'conversations seeded' },
  messages: { env: 'BENCH_MESSAGES', fallback: 100_000, help: 'messages seeded (spread over the conversations)' },
  'long-thread': { env: 'BENCH_LONG_THREAD', fallback: 2_000, help: 'messages and notes of the one long thread' },
  rounds: { env: 'BENCH_ROUNDS', fallback: 300, help: 'measured requests per figure' },
} as const;
type OptionName = keyof typeof OPTIONS;
const DEPLOYMENT_KINDS = ['sqlite', 'postgres'] as const;
type DeploymentKind = (typeof DEPLOYMENT_KINDS)[number];

function readOptions(): { counts: Record<OptionName, number>; deployments: DeploymentKind[] } {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: {
      ...Object.fromEntries(Object.keys(OPTIONS).map((name) => [name, { type: 'string' as const }])),
      deployments: { type: 'string' as const },
      help: { type: 'boolean' as const },
    },
  });
  if (values.help) {
    console.log('pnpm --filter @confab/bench run server-team-lists -- [options]');
    for (const [name, option] of Object.entries(OPTIONS))
      console.log(`  --${name} <n>  ${option.env}  ${option.help} (default ${format(option.fallback)})`);
    console.log(`  --deployments <list>  BENCH_DEPLOYMENTS  of ${DEPLOYMENT_KINDS.join(', ')} (default all)`);
    process.exit(0);
  }
  const counts = {} as Record<OptionName, number>;
  for (const [name, option] of Object.entries(OPTIONS) as [OptionName, (typeof OPTIONS)[OptionName]][]) {
    const raw = (values as Record<string, string | undefined>)[name] ?? process.env[option.env];
    const value = raw === undefined ? option.fallback : Number(raw);
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} takes a positive integer; got ${raw}`);
    counts[name] = value;
  }
  const deployments = (values.deployments ?? process.env.BENCH_DEPLOYMENTS ?? DEPLOYMENT_KINDS.join(','))
    .split(',')
    .map((d) => d.trim());
  for (const d of deployments)
    if (!(DEPLOYMENT_KINDS as readonly string[]).includes(d)) throw new Error(`--deployments: unknown ${d}`);
  return { counts, deployments: deployments as DeploymentKind[] };
}

const { counts: COUNTS, deployments: DEPLOYMENTS } = readOptions();
const APP_ID = 'bench';
const TEAM_TOKEN = 'bench-team-token-0123456789abcdef';
const PAGE = 50;
const BATCH = 500;
const STATES = ['open', 'open', 'open', 'snoozed', 'closed', 'closed'] as const;
const ASSIGNEES = [null, null, 'teammate-a', 'teammate-b', 'teammate-c'] as const;

const cursorOf = (key: (string | number)[]) => Buffer.from(JSON.stringify(key)).toString('base64url');

async function insertInBatches<T>(rows: T[], insert: (batch: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += BATCH) await insert(rows.slice(i, i + BATCH));
}

interface Seeded {
  contactId: string;
  deepConversationKey: { activity_at: number; id: string };
  deepConversationCursor: string;
  longThreadId: string;
  deepThreadCursor: string;
}

/** 10,000 conversations, each with a contact, 100,000 messages over them, one long thread. */
async function seed(db: Kysely<Database>): Promise<Seeded> {
  const start = Date.UTC(2026, 0, 1);
  const people = [];
  const conversations = [];
  for (let i = 0; i < COUNTS.conversations; i++) {
    const personId = `person-${i}`;
    people.push({
      id: personId,
      app_id: APP_ID,
      role: 'lead' as const,
      visitor_id: `visitor-${i}`,
      user_id: null,
      email: null,
      name: `Visitor ${i}`,
      attributes: '{}',
      device_hash: null,
      created_at: start + i,
      updated_at: start + i,
    });
    const state = STATES[i % STATES.length]!;
    conversations.push({
      id: `conversation-${String(i).padStart(6, '0')}`,
      app_id: APP_ID,
      person_id: personId,
      state,
      created_at: start + i,
      updated_at: start + i * 60_000,
      person_unread: 0,
      start_client_id: null,
      // Far in the future: the bench measures lists, not the wake.
      snoozed_until: state === 'snoozed' ? Date.UTC(2100, 0, 1) : null,
      assignee_id: ASSIGNEES[i % ASSIGNEES.length]!,
      assigned_by: null,
      assigned_at: null,
      state_changed_by: null,
      state_changed_at: null,
      activity_at: start + i * 60_000,
    });
  }
  await insertInBatches(people, (batch) => db.insertInto('people').values(batch).execute());
  await insertInBatches(conversations, (batch) => db.insertInto('conversations').values(batch).execute());

  const longThread = conversations[0]!;
  const messages = [];
  const spread = COUNTS.messages - COUNTS['long-thread'];
  for (let i = 0; i < spread; i++) {
    const conversation = conversations[i % conversations.length]!;
    messages.push({
      id: `message-${i}`,
      conversation_id: conversation.id,
      author: i % 2 === 0 ? ('person' as const) : ('team' as const),
      author_id: i % 2 === 0 ? null : 'teammate-a',
      author_name: i % 2 === 0 ? null : 'Ada',
      author_avatar_url: null,
      body: `Message ${i} about order ${i * 7}`,
      created_at: conversation.created_at + i,
      client_id: null,
    });
  }
  const notes = [];
  for (let i = 0; i < COUNTS['long-thread']; i++) {
    const at = longThread.created_at + 1_000_000 + i;
    if (i % 10 === 9) {
      notes.push({
        id: `note-${i}`,
        app_id: APP_ID,
        conversation_id: longThread.id,
        author_id: 'teammate-a',
        author_name: 'Ada',
        author_avatar_url: null,
        body: `Note ${i}`,
        created_at: at,
      });
    } else {
      messages.push({
        id: `long-${i}`,
        conversation_id: longThread.id,
        author: 'person' as const,
        author_id: null,
        author_name: null,
        author_avatar_url: null,
        body: `Long thread message ${i}`,
        created_at: at,
        client_id: null,
      });
    }
  }
  await insertInBatches(messages, (batch) => db.insertInto('messages').values(batch).execute());
  await insertInBatches(notes, (batch) => db.insertInto('conversation_notes').values(batch).execute());

  // The deep page's cursor: the key of the conversation 9,000 (90 %) into the list.
  const deep = await db
    .selectFrom('conversations')
    .select(['activity_at', 'id'])
    .where('app_id', '=', APP_ID)
    .orderBy('activity_at', 'desc')
    .orderBy('id', 'desc')
    .offset(Math.floor(COUNTS.conversations * 0.9))
    .limit(1)
    .executeTakeFirstOrThrow();
  const deepMessage = await db
    .selectFrom('messages')
    .select(['created_at', 'seq'])
    .where('conversation_id', '=', longThread.id)
    .orderBy('created_at')
    .orderBy('seq')
    .offset(Math.floor(COUNTS['long-thread'] * 0.8))
    .limit(1)
    .executeTakeFirstOrThrow();
  return {
    contactId: people[COUNTS.conversations >> 1]!.id,
    deepConversationKey: { activity_at: Number(deep.activity_at), id: deep.id },
    deepConversationCursor: cursorOf([Number(deep.activity_at), deep.id]),
    longThreadId: longThread.id,
    deepThreadCursor: cursorOf([Number(deepMessage.created_at), 'message', Number(deepMessage.seq)]),
  };
}

/** The plans of the list queries as the store builds them (store/team-queries.ts). */
async function plans(db: Kysely<Database>, kind: DeploymentKind, seeded: Seeded): Promise<string[]> {
  const explain = kind === 'sqlite' ? 'EXPLAIN QUERY PLAN ' : 'EXPLAIN ';
  const list = db.selectFrom('conversations').selectAll().where('app_id', '=', APP_ID);
  const after = (query: typeof list) =>
    query.where((eb) =>
      eb(
        eb.refTuple('activity_at', 'id'),
        '<',
        eb.tuple(seeded.deepConversationKey.activity_at, seeded.deepConversationKey.id),
      ),
    );
  const ordered = (query: typeof list) =>
    query
      .orderBy('activity_at', 'desc')
      .orderBy('id', 'desc')
      .limit(PAGE + 1);
  const queries: [string, CompiledQuery][] = [
    ['list, first page', ordered(list).compile()],
    ['list, deep page', ordered(after(list)).compile()],
    ['list ?state=open', ordered(list.where('state', '=', 'open')).compile()],
    [
      'list ?state=open&assignee=unassigned',
      ordered(list.where('assignee_id', 'is', null).where('state', '=', 'open')).compile(),
    ],
    ['list ?assignee=<id>, deep', ordered(after(list.where('assignee_id', '=', 'teammate-a'))).compile()],
    [
      'thread page (messages)',
      db
        .selectFrom('messages')
        .selectAll()
        .where('conversation_id', '=', seeded.longThreadId)
        .where((eb) => eb(eb.refTuple('created_at', 'seq'), '>', eb.tuple(0, 0)))
        .orderBy('created_at')
        .orderBy('seq')
        .limit(PAGE + 1)
        .compile(),
    ],
    [
      'thread page (notes)',
      db
        .selectFrom('conversation_notes')
        .selectAll()
        .where('conversation_id', '=', seeded.longThreadId)
        .where('created_at', '>=', 0)
        .orderBy('created_at')
        .orderBy('seq')
        .limit(PAGE + 1)
        .compile(),
    ],
    [
      'snoozes due (read before every list)',
      db
        .selectFrom('conversations')
        .select(['id', 'app_id'])
        .where('state', '=', 'snoozed')
        .where('snoozed_until', '<=', Date.now())
        .where('app_id', '=', APP_ID)
        .limit(200)
        .compile(),
    ],
  ];
  const lines: string[] = [];
  if (kind === 'postgres') await sql`ANALYZE`.execute(db);
  for (const [name, compiled] of queries) {
    const result = await db.executeQuery<Record<string, unknown>>(
      CompiledQuery.raw(explain + compiled.sql, [...compiled.parameters]),
    );
    const plan = result.rows.map((row) => String(kind === 'sqlite' ? row.detail : row['QUERY PLAN']));
    lines.push(`  ${name}:`, ...plan.map((line) => `    ${line}`));
  }
  return lines;
}

async function startOn(db: string): Promise<RunningServer> {
  const parsed = parseConfig(
    [
      ...['--port', '0', '--host', '127.0.0.1', '--db', db, '--team-token', TEAM_TOKEN],
      ...['--rate-limit-ip', '1000000', '--rate-limit-session', '1000000', '--team-name', 'Bench'],
    ],
    {},
  );
  if (parsed === 'help') throw new Error('parseConfig answered help');
  const config: ServerConfig = parsed;
  return startServer(config, { logger: false });
}

interface Figure {
  name: string;
  p50: number;
  p99: number;
}

async function measure(server: RunningServer, name: string, path: string): Promise<Figure> {
  const get = async () => {
    const response = await fetch(`${server.url}/api/v1/apps/${APP_ID}${path}`, {
      headers: { authorization: `Bearer ${TEAM_TOKEN}` },
    });
    const body = await response.text();
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${body}`);
  };
  for (let i = 0; i < 20; i++) await get();
  const times: number[] = [];
  for (let i = 0; i < COUNTS.rounds; i++) {
    const start = performance.now();
    await get();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { name, p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function run(kind: DeploymentKind, postgres: () => Promise<PostgresServer>, cleanups: (() => unknown)[]) {
  let dbName: string;
  let open: () => { db: Kysely<Database>; close: () => Promise<void> };
  if (kind === 'sqlite') {
    const folder = mkdtempSync(join(tmpdir(), 'confab-bench-team-lists-'));
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    dbName = join(folder, 'confab.sqlite');
    open = () => openSqlite(dbName);
  } else {
    const server = await postgres();
    const name = `confab_bench_${randomBytes(6).toString('hex')}`;
    const admin = openPostgres(server.url, { max: 1 });
    await sql.raw(`CREATE DATABASE ${name}`).execute(admin.db);
    await admin.close();
    const url = new URL(server.url);
    url.pathname = `/${name}`;
    dbName = url.toString();
    open = () => openPostgres(dbName, { max: 2 });
  }
  const setup = open();
  const seedStart = performance.now();
  await migrate(setup.db, kind);
  const seeded = await seed(setup.db);
  const seedTime = performance.now() - seedStart;
  const planLines = await plans(setup.db, kind, seeded);
  await setup.close();

  const server = await startOn(dbName);
  cleanups.push(() => server.close());
  const figures = [
    await measure(server, 'baseline: GET /contacts/:id (primary key)', `/contacts/${seeded.contactId}`),
    await measure(server, `conversations, first page (${PAGE})`, `/conversations?limit=${PAGE}`),
    await measure(
      server,
      `conversations, deep page (90 % in)`,
      `/conversations?limit=${PAGE}&cursor=${seeded.deepConversationCursor}`,
    ),
    await measure(
      server,
      'conversations ?state=open&assignee=unassigned',
      `/conversations?state=open&assignee=unassigned&limit=${PAGE}`,
    ),
    await measure(server, `long thread, first page (${PAGE})`, `/conversations/${seeded.longThreadId}?limit=${PAGE}`),
    await measure(
      server,
      'long thread, deep page (80 % in)',
      `/conversations/${seeded.longThreadId}?limit=${PAGE}&cursor=${seeded.deepThreadCursor}`,
    ),
  ];
  await server.close();
  cleanups.pop();

  const base = figures[0]!;
  console.log('');
  console.log(
    `${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'}: ${format(COUNTS.conversations)} conversations, ${format(COUNTS.messages)} messages and notes (seeded in ${format(seedTime / 1000, 1)} s); ${format(COUNTS.rounds)} requests per figure, one at a time`,
  );
  for (const f of figures) {
    const ratio = f === base ? '' : ` (${format(f.p50 / base.p50, 2)}× / ${format(f.p99 / base.p99, 2)}× the baseline)`;
    console.log(`  ${f.name.padEnd(48)} p50 ${ms(f.p50)}, p99 ${ms(f.p99)}${ratio}`);
  }
  console.log('query plans:');
  for (const line of planLines) console.log(line);
}

async function main() {
  console.log(`team lists (node ${process.version}, ${availableParallelism()} cores)`);
  const cleanups: (() => unknown)[] = [];
  let postgres: PostgresServer | undefined;
  const startedPostgres = async () => {
    // Durable defaults, as the server bench runs it.
    postgres ??= await startPostgres({ durable: true });
    return postgres;
  };
  try {
    for (const kind of DEPLOYMENTS) await run(kind, startedPostgres, cleanups);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
    postgres?.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
