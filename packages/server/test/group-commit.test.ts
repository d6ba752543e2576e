// Group commit on SQLite (store/group-commit.ts): writes that arrive together share one
// transaction and one disk sync; each is acknowledged, and its news published, only after that
// commit; one that fails is rolled back alone while its neighbours commit.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSseParser, readSseStream } from '@confab/core';
import type { BootRequest } from '@confab/core/protocol';
import SQLite from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../src/db/migrations';
import type { Database } from '../src/db/schema';
import { openSqlite } from '../src/db/sqlite';
import { LimitError, NotFoundError } from '../src/domain-errors';
import { createStore, DEFAULT_MAX_BATCH, type Store, type TeamAuthor } from '../src/store';
import { groupCommitRunner } from '../src/store/group-commit';
import { BACKEND } from './backend';
import { boot, call, messenger, startTestServer, TEAM_TOKEN, type TestServer, team } from './server-harness';

const NOW = Date.UTC(2026, 11, 4);

interface Bed {
  store: Store;
  /** The store's connection. */
  db: Kysely<Database>;
  /** A connection of its own: it sees only what was committed. */
  reader: SQLite.Database;
  /** What each commit made durable, in order (GroupCommitOptions.onCommit). */
  commits: number[];
  /** The news the store published, and what the reader saw committed when it heard it. */
  news: { personId: string; committedMessages: number }[];
  close(): Promise<void>;
}

async function openBed(): Promise<Bed> {
  const folder = mkdtempSync(join(tmpdir(), 'confab-group-commit-'));
  const file = join(folder, 'confab.sqlite');
  const { db, close } = openSqlite(file);
  await migrate(db, 'sqlite');
  const reader = new SQLite(file, { readonly: true });
  const commits: number[] = [];
  const news: Bed['news'] = [];
  const countMessages = reader.prepare<[string], { n: number }>(
    `SELECT count(*) AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.person_id = ?`,
  );
  const store = createStore(
    db,
    (_appId, personId) => news.push({ personId, committedMessages: countMessages.get(personId)!.n }),
    { groupCommit: { onCommit: (writes) => commits.push(writes) } },
  );
  return {
    store,
    db,
    reader,
    commits,
    news,
    async close() {
      reader.close();
      await close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

let visitors = 0;
function bootRequest(overrides: Partial<BootRequest> = {}): BootRequest {
  visitors++;
  return {
    app_id: 'acme',
    visitor_id: `v-${visitors}`,
    device_id: `d-${visitors}`,
    identity: {},
    attributes: {},
    ...overrides,
  };
}

/** A visitor with a conversation started, one write after another. */
async function visitorWithConversation(store: Store) {
  const booted = await store.boot(bootRequest(), NOW);
  const session = (await store.session('acme', booted.token, NOW))!;
  const { conversation } = await store.startConversation(session, 'Hello', `start-${booted.person.id}`, NOW);
  return { personId: booted.person.id, session, conversationId: conversation.id };
}

const customAttributes = (from: number) =>
  Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`attribute_${from + i}`, i]));

describe.skipIf(BACKEND !== 'sqlite')('group commit (SQLite)', () => {
  let bed: Bed;
  let author: TeamAuthor;
  beforeEach(async () => {
    bed = await openBed();
    author = await bed.store.serviceTeammate('Acme Support', NOW);
  });
  afterEach(() => bed.close());

  it('200 replies made at once all land in a few shared commits, each acknowledged and announced after its commit', async () => {
    const visitorsOf: Awaited<ReturnType<typeof visitorWithConversation>>[] = [];
    for (let i = 0; i < 20; i++) visitorsOf.push(await visitorWithConversation(bed.store));
    bed.commits.length = 0;
    bed.news.length = 0;

    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        bed.store.reply('acme', visitorsOf[i % 20]!.conversationId, `reply ${i}`, author, NOW + i, `reply-${i}`),
      ),
    );

    expect(new Set(replies.map((reply) => (typeof reply === 'string' ? reply : reply.id))).size).toBe(200);
    // Queued in one turn of the event loop: the queue empties in as few commits as its bound allows.
    expect(bed.commits).toEqual([DEFAULT_MAX_BATCH, 200 - DEFAULT_MAX_BATCH]);
    const stored = bed.reader
      .prepare(`SELECT count(*) AS n FROM messages WHERE author = 'team' AND body LIKE 'reply %'`)
      .get() as { n: number };
    expect(stored.n).toBe(200);
    // Every reply's news, and each heard only once its commit was there for another connection to read.
    expect(bed.news).toHaveLength(200);
    // Reply i is to visitor i % 20: by the first commit, visitor j had those of the first batch.
    const repliesBy = (end: number, j: number) => Math.ceil((end - j) / 20);
    for (const [i, heard] of bed.news.entries()) {
      expect(heard.personId).toBe(visitorsOf[i % 20]!.personId);
      expect(heard.committedMessages).toBe(1 + repliesBy(i < DEFAULT_MAX_BATCH ? DEFAULT_MAX_BATCH : 200, i % 20));
    }
  });

  it('a write that fails is rolled back alone, announces nothing, and its neighbours in the batch commit', async () => {
    const others = [await visitorWithConversation(bed.store), await visitorWithConversation(bed.store)];
    // A lead with 200 custom attributes and two sessions (the second boot of the same browser).
    const lead = await bed.store.boot(bootRequest({ visitor_id: 'lead', device_id: 'lead-device' }), NOW);
    const leadSession = (await bed.store.session('acme', lead.token, NOW))!;
    for (const from of [0, 100])
      await bed.store.update(leadSession, { attributes: { custom_attributes: customAttributes(from) } }, NOW);
    const second = await bed.store.boot(bootRequest({ visitor_id: 'lead', device_id: 'lead-device' }), NOW);
    expect(second.person.id).toBe(lead.person.id);
    bed.commits.length = 0;
    bed.news.length = 0;

    const settled = await Promise.allSettled([
      bed.store.reply('acme', others[0]!.conversationId, 'before', author, NOW),
      // Writes first (the lead's other session ends, the lead becomes the user), then passes the cap.
      bed.store.update(
        leadSession,
        { identity: { user_id: 'user-1' }, attributes: { custom_attributes: customAttributes(200) } },
        NOW,
      ),
      bed.store.reply('acme', 'no-such-conversation', 'lost', author, NOW),
      bed.store.reply('acme', others[1]!.conversationId, 'after', author, NOW),
    ]);

    expect(settled.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toBeInstanceOf(LimitError);
    expect((settled[2] as PromiseRejectedResult).reason).toBeInstanceOf(NotFoundError);
    expect(bed.commits).toEqual([2]);
    // The lead is as it was: still a lead, its second session alive, its attributes unchanged.
    const person = bed.reader
      .prepare(`SELECT role, user_id, attributes FROM people WHERE id = ?`)
      .get(lead.person.id) as {
      role: string;
      user_id: string | null;
      attributes: string;
    };
    expect([person.role, person.user_id]).toEqual(['lead', null]);
    expect(Object.keys(JSON.parse(person.attributes).custom_attributes)).toHaveLength(200);
    expect(await bed.store.session('acme', second.token, NOW)).not.toBeNull();
    // News for the two replies that committed, none for the lead.
    expect(bed.news.map((heard) => heard.personId)).toEqual([others[0]!.personId, others[1]!.personId]);
    const bodies = bed.reader
      .prepare(`SELECT body FROM messages WHERE author = 'team' ORDER BY seq`)
      .all()
      .map((row) => (row as { body: string }).body);
    expect(bodies).toEqual(['before', 'after']);
    // Both indexed for search in the same commit, nothing left pending.
    const indexed = bed.reader
      .prepare(
        `SELECT terms FROM search_documents WHERE kind = 'message' AND terms IN ('before', 'after') ORDER BY terms`,
      )
      .all();
    expect(indexed).toEqual([{ terms: 'after' }, { terms: 'before' }]);
    expect(bed.reader.prepare(`SELECT count(*) AS n FROM search_pending`).get()).toEqual({ n: 0 });
  });

  it('a commit that fails fails every write of its batch: nothing written, nothing announced', async () => {
    const heard: string[] = [];
    const transaction = groupCommitRunner(bed.db, (_appId, personId) => heard.push(personId), {
      onTeamPublish: (appId) => heard.push(appId),
      groupCommit: { onCommit: (writes) => bed.commits.push(writes) },
    });
    bed.commits.length = 0;
    const settled = await Promise.allSettled([
      transaction(async (trx, publish) => {
        await trx.insertInto('team_events').values({ app_id: 'acme', payload: '{}', created_at: NOW }).execute();
        publish.team('acme');
        return 'fine on its own';
      }),
      transaction(async (trx) => {
        // A message of a conversation that does not exist, its foreign key checked only at COMMIT.
        await sql`PRAGMA defer_foreign_keys = ON`.execute(trx);
        await trx
          .insertInto('messages')
          .values({ id: 'orphan', conversation_id: 'no-such-conversation', author: 'team', body: 'x', created_at: NOW })
          .execute();
        return 'fails at commit';
      }),
    ]);

    expect(settled.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    for (const outcome of settled) expect(String((outcome as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(bed.commits).toEqual([]);
    expect(heard).toEqual([]);
    expect(bed.reader.prepare(`SELECT count(*) AS n FROM team_events`).get()).toEqual({ n: 0 });
    expect(bed.reader.prepare(`SELECT count(*) AS n FROM messages`).get()).toEqual({ n: 0 });
    // The connection is usable again: the next write commits.
    expect(await transaction(async () => 'next')).toBe('next');
    expect(bed.commits).toEqual([1]);
  });
});

describe.skipIf(BACKEND !== 'sqlite')('group commit through the HTTP server (SQLite)', () => {
  const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ metricsToken: METRICS_TOKEN });
  });
  afterEach(() => server.stop());

  /** A request on `agent`'s connections (a GET without a body); its status once answered. */
  function post(agent: http.Agent, path: string, body?: object): Promise<number> {
    return new Promise((resolve, reject) => {
      const request = http.request(
        `${server.url}${path}`,
        {
          agent,
          method: body === undefined ? 'GET' : 'POST',
          headers: { authorization: `Bearer ${TEAM_TOKEN}`, 'content-type': 'application/json' },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode!));
        },
      );
      request.on('error', reject);
      request.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  async function metric(series: string): Promise<number> {
    const text = (await call(server, 'GET', '/metrics', { token: METRICS_TOKEN })).body as string;
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? 0 : Number(line.slice(series.length + 1));
  }

  it('200 concurrent replies are each answered, reach their streams, and share commits', async () => {
    const conversations: { token: string; id: string }[] = [];
    for (let i = 0; i < 10; i++) {
      const visitor = await boot(server);
      const started = await call(server, 'POST', `${messenger()}/conversations`, {
        token: visitor.session.token,
        body: { body: 'Hello', client_id: `start-${i}` },
      });
      conversations.push({ token: visitor.session.token, id: started.body.conversation.id as string });
    }
    const controller = new AbortController();
    const arrived = new Map<string, string[]>();
    const streams = await Promise.all(
      conversations.map(async ({ token, id }) => {
        const response = await fetch(`${server.url}${messenger()}/stream`, {
          headers: { authorization: `Bearer ${token}` },
          signal: controller.signal,
        });
        expect(response.status).toBe(200);
        arrived.set(id, []);
        // In an object: an async function returning the promise itself would wait for the stream's end.
        const done = readSseStream(response.body!, createSseParser(), (message) => {
          if (message.event === 'ping' || message.data === '') return;
          const event = JSON.parse(message.data);
          if (event.type === 'message' && event.message.author === 'team') arrived.get(id)!.push(event.message.body);
        }).catch((error: unknown) => {
          if (!controller.signal.aborted) throw error;
        });
        return { done };
      }),
    );
    const [commitsBefore, writesBefore] = [
      await metric('confab_commit_writes_count'),
      await metric('confab_commit_writes_sum'),
    ];
    const timedBefore = await metric('confab_write_duration_seconds_count{outcome="committed"}');
    // Sent over connections already open, as a busy inbox's are: the 200 arrive together.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 200 });
    await Promise.all(Array.from({ length: 200 }, () => post(agent, '/healthz')));
    const statuses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        post(agent, `${team()}/conversations/${conversations[i % 10]!.id}/reply`, { body: `reply ${i}` }),
      ),
    );
    agent.destroy();
    expect(statuses).toEqual(Array(200).fill(200));
    await expect
      .poll(() => [...arrived.values()].reduce((sum, bodies) => sum + bodies.length, 0), { timeout: 10_000 })
      .toBe(200);
    for (const [i, { id }] of conversations.entries())
      expect(arrived.get(id)!.sort()).toEqual(Array.from({ length: 20 }, (_, k) => `reply ${i + 10 * k}`).sort());
    controller.abort();
    await Promise.all(streams.map((stream) => stream.done));

    // Each write timed once; the 200 (and the service teammate made by the first) in fewer commits than writes.
    const writes = (await metric('confab_commit_writes_sum')) - writesBefore;
    const commits = (await metric('confab_commit_writes_count')) - commitsBefore;
    expect(writes).toBeGreaterThanOrEqual(200);
    expect((await metric('confab_write_duration_seconds_count{outcome="committed"}')) - timedBefore).toBe(writes);
    expect(commits).toBeLessThan(writes);
  });
});
