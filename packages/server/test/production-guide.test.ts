// docs/production.md, run: every shell command of the guide, in order, on this machine (guide-session.ts),
// with checks that each step did what the guide says. The SQLite walk-through runs in the `server`
// project, the PostgreSQL one in `server-postgres`; together they run every shell block, which
// the last test checks, so a command added to the guide is a command run here.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startServer, USAGE } from '../src';
import { BACKEND } from './backend';
import {
  fencedBlocks,
  type GuideBlock,
  GuideSession,
  type RunningGuideServer,
  repoRoot,
  shellCommands,
} from './guide-session';
import { boot, call, messenger, TEAM_TOKEN, team, testConfig } from './server-harness';

const guide = readFileSync(join(repoRoot, 'docs', 'production.md'), 'utf8');
const blocks = fencedBlocks(guide);
const shellBlocks = blocks.filter((block) => block.language === 'sh');
const blocksUnder = (language: string, ...headings: string[]) =>
  blocks.filter(
    (block) => block.language === language && headings.every((heading, i) => block.headings[i] === heading),
  );

/** The PostgreSQL walk-through's sections; every other shell block belongs to the SQLite one. */
const POSTGRES_SECTIONS = [['Several processes on PostgreSQL'], ['Backups', 'PostgreSQL']];
const isPostgresBlock = (block: GuideBlock) =>
  POSTGRES_SECTIONS.some((path) => path.every((heading, i) => block.headings[i] === heading));

/** Not run here, and why: each is someone else's test's to run. */
const NOT_RUN = new Map([
  ['pnpm install && pnpm build', 'the build of every package: the build test runs it and starts the built bin'],
]);

const folders: string[] = [];
const sessions: GuideSession[] = [];
afterAll(async () => {
  for (const session of sessions) await session.close();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function newSession(options: Omit<ConstructorParameters<typeof GuideSession>[0], 'folder'> = {}) {
  const folder = mkdtempSync(join(tmpdir(), 'confab-guide-'));
  folders.push(folder);
  const session = new GuideSession({ folder, ...options });
  sessions.push(session);
  return session;
}

/** Every shell block run by either walk-through, by its text. */
const ran = new Set<string>();

/** Runs a block's commands: systemctl on the guide's unit, servers started, anything else through bash. */
async function runBlock(session: GuideSession, block: GuideBlock): Promise<string[]> {
  ran.add(block.text);
  const outputs: string[] = [];
  for (const command of shellCommands(block.text)) {
    if (NOT_RUN.has(command)) continue;
    const systemctl =
      /^sudo systemctl (daemon-reload|enable --now confab|start confab|stop confab|restart confab)$/.exec(command);
    if (systemctl) {
      const action = systemctl[1]!;
      if (action === 'daemon-reload') continue;
      if (action === 'stop confab' || action === 'restart confab') expect(await session.stop('8787')).toBe(0);
      if (action !== 'stop confab') await session.startService();
      continue;
    }
    if (/^(\w+=\S+ )*confab-server(?! (migrate|backup)\b)(?!.*--help)/.test(command)) {
      await session.start(command);
      continue;
    }
    outputs.push((await session.run(command)).stdout);
  }
  return outputs;
}

function onlyBlock(language: string, ...headings: string[]): GuideBlock {
  const found = blocksUnder(language, ...headings);
  expect(
    found.map((block) => block.headings),
    `one ${language} block under ${headings.join(' › ')}`,
  ).toHaveLength(1);
  return found[0]!;
}

const serverOf = (running: RunningGuideServer) => ({ url: running.url });

describe('docs/production.md', () => {
  it('names only flags and environment variables confab-server has, and only metrics it serves', async () => {
    const flags = new Set(
      [...guide.matchAll(/`(--[a-z][a-z-]+)/g), ...guide.matchAll(/confab-server[^\n]*?(--[a-z][a-z-]+)/g)].map(
        (m) => m[1]!,
      ),
    );
    for (const line of shellBlocks
      .flatMap((block) => shellCommands(block.text))
      .filter((l) => l.includes('confab-server '))) {
      for (const flag of line.matchAll(/\s(--[a-z][a-z-]+)/g)) flags.add(flag[1]!);
    }
    expect(flags.size).toBeGreaterThan(3);
    for (const flag of flags)
      expect({ flag, known: new RegExp(`(^|\\s)${flag}(\\s|$)`, 'm').test(USAGE) }).toEqual({ flag, known: true });
    for (const variable of new Set([...guide.matchAll(/\b(CONFAB_[A-Z_]+|DATABASE_URL)\b/g)].map((m) => m[1]!))) {
      expect({ variable, known: USAGE.includes(variable) }).toEqual({ variable, known: true });
    }
  });

  it.skipIf(BACKEND !== 'sqlite')(
    'one machine with SQLite: configuration, the systemd unit, the team answering, health and metrics, a backup and its restore, an upgrade',
    async () => {
      const session = newSession();

      // Build and start: the link to the command line.
      await runBlock(session, onlyBlock('sh', 'Build and start'));

      // Configuration: the file of secrets, each 64 hex digits.
      await runBlock(session, onlyBlock('sh', 'One machine with SQLite', 'Configuration'));
      const envFile = readFileSync(session.rewrite('/etc/confab/confab.env'), 'utf8');
      for (const key of ['CONFAB_SECRET', 'CONFAB_TEAM_TOKEN', 'CONFAB_METRICS_TOKEN'])
        expect(envFile).toMatch(new RegExp(`^${key}=[0-9a-f]{64}$`, 'm'));

      // The unit: systemd's own check finds nothing wrong in it; then the service starts and is ready.
      const unitPath = session.installUnit(onlyBlock('ini', 'One machine with SQLite', 'The service (systemd)').text);
      if (existsSync('/usr/bin/systemd-analyze') && existsSync('/usr/bin/node')) {
        const verified = execFileSync('systemd-analyze', ['verify', unitPath], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        expect(verified).toBe('');
      }
      const [ready] = await runBlock(session, onlyBlock('sh', 'One machine with SQLite', 'The service (systemd)'));
      expect(JSON.parse(ready!)).toEqual({ status: 'ready' });

      // The proxy: SSE passed on as it comes, long reads, the visitor's address and request id forwarded.
      const nginx = onlyBlock('nginx', 'One machine with SQLite', 'TLS and the reverse proxy (nginx)').text;
      for (const directive of [
        'proxy_buffering off;',
        'proxy_read_timeout 1h;',
        'proxy_http_version 1.1;',
        'X-Forwarded-For $proxy_add_x_forwarded_for;',
        'X-Request-Id $request_id;',
        'server 127.0.0.1:8787;',
      ]) {
        expect(nginx).toContain(directive);
      }
      expect(envFile).toMatch(/^CONFAB_TRUST_PROXY=127\.0\.0\.1$/m);

      // A visitor writes, as the widget would; the team lists the open conversations and answers.
      const service = session.servers.get('8787')!;
      const visitor = await boot(serverOf(service), { app_id: 'shop' });
      const started = await call(service, 'POST', `${messenger('shop')}/conversations`, {
        token: visitor.session.token,
        body: { body: 'Where is my order?', client_id: 'c1' },
      });
      expect(started.status).toBe(200);
      const conversationId = started.body.conversation.id as string;
      session.env.CONVERSATION_ID = conversationId;
      const [, list, reply] = await runBlock(session, onlyBlock('sh', 'One machine with SQLite', 'The team answers'));
      expect(JSON.parse(list!).conversations.map((c: { id: string }) => c.id)).toEqual([conversationId]);
      expect(JSON.parse(reply!)).toMatchObject({ author: 'team', author_name: 'Ada', body: 'Hello! How can we help?' });
      const thread = async (target: RunningGuideServer) =>
        (
          await call(target, 'GET', `${messenger('shop')}/conversations/${conversationId}`, {
            token: visitor.session.token,
          })
        ).body.messages.map((m: { body: string }) => m.body);
      expect(await thread(service)).toEqual(['Where is my order?', 'Hello! How can we help?']);

      // Health and metrics: every metric the table names (but PostgreSQL's own) is served.
      const [live, readiness, metrics] = await runBlock(session, onlyBlock('sh', 'Health, logs and metrics'));
      expect([JSON.parse(live!), JSON.parse(readiness!)]).toEqual([{ status: 'ok' }, { status: 'ready' }]);
      const named = [...guide.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]!);
      expect(named.length).toBeGreaterThan(8);
      for (const metric of named.filter((name) => !name.startsWith('confab_db_pool')))
        expect(metrics).toContain(`# TYPE ${metric} `);
      const scrape = onlyBlock('yaml', 'Health, logs and metrics').text;
      expect(scrape).toMatch(/metrics_path: \/metrics/);
      expect(scrape).toMatch(/authorization:/);

      // A backup while the service runs; a message after it; the restore brings back the backup's state.
      const backupBlocks = blocksUnder('sh', 'Backups', 'SQLite');
      expect(backupBlocks).toHaveLength(2);
      const [, backedUp] = [await runBlock(session, backupBlocks[0]!), await thread(service)];
      expect(backedUp).toEqual(['Where is my order?', 'Hello! How can we help?']);
      await call(service, 'POST', `${messenger('shop')}/conversations/${conversationId}/messages`, {
        token: visitor.session.token,
        body: { body: 'after the backup', client_id: 'c2' },
      });
      expect(await thread(service)).toHaveLength(3);
      const [, , restoredReady] = await runBlock(session, backupBlocks[1]!);
      expect(JSON.parse(restoredReady!)).toEqual({ status: 'ready' });
      expect(await thread(session.servers.get('8787')!)).toEqual(['Where is my order?', 'Hello! How can we help?']);

      // An upgrade: backup, migrate (nothing to apply: same version), restart, ready.
      const [backupLine, migrated, upgradedReady] = await runBlock(session, onlyBlock('sh', 'Upgrading'));
      expect(backupLine).toMatch(/copied to .*before-upgrade\.sqlite/);
      expect(migrated).toBe('confab-server migrate: the database is up to date\n');
      expect(JSON.parse(upgradedReady!)).toEqual({ status: 'ready' });
      expect(await thread(session.servers.get('8787')!)).toEqual(['Where is my order?', 'Hello! How can we help?']);

      expect(await session.stop('8787')).toBe(0);
      for (const block of shellBlocks.filter((b) => !isPostgresBlock(b)))
        expect({ block: block.text, ran: ran.has(block.text) }).toEqual({ block: block.text, ran: true });
    },
    120_000,
  );

  it.skipIf(BACKEND !== 'postgres')(
    'several processes on PostgreSQL: the database made, migrated, two processes serving one conversation, pg_dump and pg_restore',
    async () => {
      const bin = postgresBinaries();
      const adminUrl = inject('postgresUrl');
      const hostPort = new URL(adminUrl).host;
      const admin = async (statement: string) => {
        const client = new pg.Client({ connectionString: adminUrl });
        await client.connect();
        try {
          await client.query(statement);
        } finally {
          await client.end();
        }
      };
      const dropAll = async () => {
        await admin('DROP DATABASE IF EXISTS confab_restored WITH (FORCE)');
        await admin('DROP DATABASE IF EXISTS confab WITH (FORCE)');
        await admin('DROP ROLE IF EXISTS confab');
      };
      await dropAll();
      const metricsToken = 'metrics-token-for-the-guide-0123456789';
      const session = newSession({
        postgres: { hostPort, adminUrl, bin },
        env: { CONFAB_TEAM_TOKEN: TEAM_TOKEN, CONFAB_METRICS_TOKEN: metricsToken },
      });
      try {
        const [made, processes] = blocksUnder('sh', 'Several processes on PostgreSQL');
        await runBlock(session, made!);
        const [, migrated, ...readiness] = await runBlock(session, processes!);
        expect(migrated).toMatch(/^confab-server migrate: applied 0001_initial(, \w+)+\n$/);
        expect(readiness.map((text) => JSON.parse(text))).toEqual([{ status: 'ready' }, { status: 'ready' }]);
        const upstream = onlyBlock('nginx', 'Several processes on PostgreSQL').text;
        expect(upstream).toContain('server 127.0.0.1:8787;');
        expect(upstream).toContain('server 127.0.0.1:8788;');
        expect(upstream).not.toMatch(/ip_hash|sticky|\bhash\b/);

        // One conversation, written through one process and answered through the other.
        const [a, b] = [session.servers.get('8787')!, session.servers.get('8788')!];
        const visitor = await boot(serverOf(a), { app_id: 'shop' });
        const started = await call(a, 'POST', `${messenger('shop')}/conversations`, {
          token: visitor.session.token,
          body: { body: 'Hello from the first process', client_id: 'c1' },
        });
        const conversationId = started.body.conversation.id as string;
        expect(
          (
            await call(b, 'POST', `${team('shop')}/conversations/${conversationId}/reply`, {
              token: TEAM_TOKEN,
              body: { body: 'Answered by the second' },
            })
          ).status,
        ).toBe(200);
        const thread = await call(a, 'GET', `${messenger('shop')}/conversations/${conversationId}`, {
          token: visitor.session.token,
        });
        expect(thread.body.messages.map((m: { body: string }) => m.body)).toEqual([
          'Hello from the first process',
          'Answered by the second',
        ]);
        const metrics = await call(b, 'GET', '/metrics', { token: metricsToken });
        for (const metric of ['confab_db_pool_waiting', 'confab_db_pool_connections'])
          expect(metrics.body).toContain(`# TYPE ${metric} gauge`);

        // pg_dump while both run; pg_restore into a new database; a server on it has the conversation.
        await runBlock(session, onlyBlock('sh', 'Backups', 'PostgreSQL'));
        const restoredUrl = new URL(adminUrl);
        restoredUrl.pathname = '/confab_restored';
        const folder = mkdtempSync(join(tmpdir(), 'confab-guide-restored-'));
        folders.push(folder);
        const restored = await startServer(testConfig(folder, { db: restoredUrl.toString() }));
        try {
          const restoredThread = await call(restored, 'GET', `${messenger('shop')}/conversations/${conversationId}`, {
            token: visitor.session.token,
          });
          expect(restoredThread.body.messages.map((m: { body: string }) => m.body)).toEqual([
            'Hello from the first process',
            'Answered by the second',
          ]);
        } finally {
          await restored.close();
        }
        expect(await session.stop('8787')).toBe(0);
        expect(await session.stop('8788')).toBe(0);
        for (const block of shellBlocks.filter(isPostgresBlock))
          expect({ block: block.text, ran: ran.has(block.text) }).toEqual({ block: block.text, ran: true });
      } finally {
        await session.close();
        await dropAll();
      }
    },
    120_000,
  );
});

/** The folder of Debian's PostgreSQL client programs (psql, pg_dump, pg_restore), the newest. */
function postgresBinaries(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'pg_dump')))
        .sort((x, y) => Number(y) - Number(x))
    : [];
  if (!versions[0]) throw new Error("PostgreSQL's client programs are not installed (psql, pg_dump, pg_restore)");
  return join(root, versions[0], 'bin');
}
