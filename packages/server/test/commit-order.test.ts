// PostgreSQL's writes commit in any order: a transaction that took realtime event id 10 may commit
// after one that took id 11 was already streamed. Every stream still carries every event of its
// person (or app) exactly once, in the (transaction, id) order it resumes from
// (src/store/stream-position.ts): an event behind an older running transaction is held until that
// one ends, however the streams are spread over processes and cut. The older transactions here
// are the test's own, on a connection of its own, kept open while the servers commit later ones.
// (On SQLite, one writer commits ids in order: skipped.)
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REALTIME_CHANNEL, TEAM_CHANNEL } from '../src/postgres-realtime';
import { BACKEND } from './backend';
import { boot, call, messenger, startTestServer, TEAM_TOKEN, type TestServer, team } from './server-harness';
import { processTestBed, type ServerProcess, startServerProcess } from './server-process';
import { openRawStream, type RawStream, received } from './sse-blocks';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const teamHeaders = { authorization: `Bearer ${TEAM_TOKEN}` };

/** A transaction of the test's own that writes outbox rows as the server does, and commits when told. */
async function openWriter(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  const ids: string[] = [];
  return {
    /** A realtime event of the person (the client ignores an unread count it cannot place: any payload will do). */
    async realtime(personId: string, count: number) {
      const { rows } = await client.query(
        `INSERT INTO realtime_events (app_id, person_id, payload, created_at) VALUES ('acme', $1, $2, 0) RETURNING id`,
        [personId, JSON.stringify({ type: 'unread', unread_count: count })],
      );
      ids.push(String(rows[0].id));
      return String(rows[0].id);
    },
    async teamEvent(readAt: number) {
      const { rows } = await client.query(
        `INSERT INTO team_events (app_id, payload, created_at) VALUES ('acme', $1, 0) RETURNING id`,
        [JSON.stringify({ type: 'read', conversation_id: 'none', read_at: readAt, reader: 'person' })],
      );
      return String(rows[0].id);
    },
    /** Commits; with `announce`, its news goes out at commit as the server's does. */
    async commit(announce?: { personId: string }) {
      if (announce) {
        await client.query('SELECT pg_notify($1, $2)', [REALTIME_CHANNEL, JSON.stringify(['acme', announce.personId])]);
        await client.query('SELECT pg_notify($1, $2)', [TEAM_CHANNEL, 'acme']);
      }
      await client.query('COMMIT');
      await client.end();
    },
  };
}

describe.skipIf(BACKEND !== 'postgres')('commits out of id order', () => {
  let server: TestServer;
  beforeAll(async () => {
    if (BACKEND === 'postgres') server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('an event behind an older running transaction is held until that commits, then both come once, the older first', async () => {
    const visitor = await boot(server);
    const started = await call(server, 'POST', `${messenger()}/conversations`, {
      token: visitor.session.token,
      body: { body: 'Hello', client_id: 'c1' },
    });
    const conversationId = started.body.conversation.id as string;
    const auth = { authorization: `Bearer ${visitor.session.token}` };
    const visitorStream = await openRawStream(`${server.url}${messenger()}/stream`, auth);
    const teamStream = await openRawStream(`${server.url}${team()}/stream`, teamHeaders);
    const streams = [visitorStream, teamStream];
    try {
      // The older transaction takes the smaller ids and stays open...
      const older = await openWriter(server.config.db);
      const olderRealtime = await older.realtime(visitor.person.id, 99);
      const olderTeam = await older.teamEvent(99);
      // ...while a reply takes larger ones and commits: it is announced, read, and held.
      const reply = await call(server, 'POST', `${team()}/conversations/${conversationId}/reply`, {
        token: TEAM_TOKEN,
        body: { body: 'newer' },
      });
      expect(reply.status).toBe(200);
      // The older one commits with no news of its own: the held reply is what makes the streams look again.
      await older.commit();

      const labels = (stream: RawStream) =>
        stream.blocks.map((block) => (block.event === 'message' ? block.data.message.body : block.event));
      await expect.poll(() => labels(visitorStream), { timeout: 10_000 }).toEqual(['Hello', 'unread', 'newer']);
      const [, olderBlock, newerBlock] = visitorStream.blocks;
      expect(olderBlock!.id).toBe(olderRealtime);
      expect(Number(newerBlock!.id)).toBeGreaterThan(Number(olderRealtime));
      await expect.poll(() => labels(teamStream), { timeout: 10_000 }).toEqual(['read', 'newer']);
      expect(teamStream.blocks[0]!.id).toBe(olderTeam);

      // Resumed after either, a stream carries what follows it in that order, and nothing before.
      const afterOlder = await openRawStream(`${server.url}${messenger()}/stream`, {
        ...auth,
        'last-event-id': olderRealtime,
      });
      const afterNewer = await openRawStream(`${server.url}${messenger()}/stream`, {
        ...auth,
        'last-event-id': newerBlock!.id!,
      });
      streams.push(afterOlder, afterNewer);
      await received(afterOlder, 1);
      // One more event shows what each stream carries next: exactly it, nothing repeated before it.
      const last = await call(server, 'POST', `${team()}/conversations/${conversationId}/reply`, {
        token: TEAM_TOKEN,
        body: { body: 'last' },
      });
      expect(last.status).toBe(200);
      await expect.poll(() => labels(afterNewer), { timeout: 10_000 }).toEqual(['last']);
      await expect.poll(() => labels(afterOlder), { timeout: 10_000 }).toEqual(['newer', 'last']);
      await expect.poll(() => labels(visitorStream), { timeout: 10_000 }).toEqual(['Hello', 'unread', 'newer', 'last']);
      await expect.poll(() => labels(teamStream), { timeout: 10_000 }).toEqual(['read', 'newer', 'last']);
    } finally {
      for (const stream of streams) stream.close();
    }
  });
});

const bed = processTestBed('commit-order');

/**
 * A client of one stream that is cut every `cutEvery` events and resumes with its Last-Event-ID,
 * each time on the next of `servers`: the stored events it handled, by id, in order.
 */
function follow(servers: ServerProcess[], path: string, headers: Record<string, string>, cutEvery?: number) {
  const ids: string[] = [];
  let stopped = false;
  let lastId = '0';
  const running = (async () => {
    for (let turn = 0; !stopped; turn++) {
      const stream: RawStream = await openRawStream(`${servers[turn % servers.length]!.url}${path}`, {
        ...headers,
        'last-event-id': lastId,
      });
      expect(stream.status).toBe(200);
      let handled = 0;
      let taken = 0;
      while (!stopped && (cutEvery === undefined || taken < cutEvery)) {
        for (; handled < stream.blocks.length; handled++) {
          const id = stream.blocks[handled]!.id;
          if (id === undefined) continue;
          ids.push(id);
          lastId = id;
          taken++;
        }
        await sleep(5);
      }
      stream.close();
    }
  })();
  return {
    ids,
    async stop() {
      stopped = true;
      await running;
    },
  };
}

describe.skipIf(BACKEND !== 'postgres')('commits out of id order on two processes', () => {
  it('every stream, on either process and cut on the way, carries each event of its person or app once, in its order', async () => {
    const [a, b] = await Promise.all([
      startServerProcess(bed.database.db, bed.children),
      startServerProcess(bed.database.db, bed.children),
    ]);
    const servers = [a, b];
    const visitors = await Promise.all(
      Array.from({ length: 4 }, async (_, v) => {
        const home = servers[v % 2]!;
        const booted = await boot(home);
        const started = await call(home, 'POST', `${messenger()}/conversations`, {
          token: booted.session.token,
          body: { body: `visitor ${v}`, client_id: `v${v}` },
        });
        expect(started.status).toBe(200);
        return { booted, conversationId: started.body.conversation.id as string };
      }),
    );
    // Each visitor: a stream on each process, one of them cut every 7 events; the team: one stream
    // on each process and one cut every 11, from the first event on.
    const followers = visitors.flatMap(({ booted }, v) => {
      const auth = { authorization: `Bearer ${booted.session.token}` };
      const path = `${messenger()}/stream`;
      return [
        { personId: booted.person.id, follower: follow([servers[v % 2]!], path, auth) },
        { personId: booted.person.id, follower: follow([servers[(v + 1) % 2]!, servers[v % 2]!], path, auth, 7) },
      ];
    });
    const teamFollowers = [
      follow([a], `${team()}/stream`, teamHeaders),
      follow([b], `${team()}/stream`, teamHeaders),
      follow([b, a], `${team()}/stream`, teamHeaders, 11),
    ];

    // 300 writes, 20 at a time across both processes: team replies and the visitors' own messages.
    let next = 0;
    const writes = Array.from({ length: 20 }, async () => {
      for (let n = next++; n < 300; n = next++) {
        const through = servers[n % 2]!;
        const { booted, conversationId } = visitors[n % visitors.length]!;
        const answer =
          n % 3 === 0
            ? await call(through, 'POST', `${messenger()}/conversations/${conversationId}/messages`, {
                token: booted.session.token,
                body: { body: `message ${n}`, client_id: `m${n}` },
              })
            : await call(through, 'POST', `${team()}/conversations/${conversationId}/reply`, {
                token: TEAM_TOKEN,
                body: { body: `reply ${n}` },
              });
        expect(answer.status).toBe(200);
      }
    });
    // Meanwhile, two connections of the test's own keep taking ids and committing them late, after
    // the servers committed larger ones.
    const late = Array.from({ length: 2 }, async (_, w) => {
      for (let round = 0; round < 8; round++) {
        const writer = await openWriter(bed.database.db);
        const { booted } = visitors[(w + round) % visitors.length]!;
        await writer.realtime(booted.person.id, round);
        await writer.teamEvent(round);
        await sleep(40 + 20 * ((w + round) % 4));
        await writer.commit(round % 2 === 0 ? { personId: booted.person.id } : undefined);
      }
    });
    await Promise.all([...writes, ...late]);

    // Every event in the stream's order: the order a resumed stream goes on from.
    const client = new pg.Client({ connectionString: bed.database.db });
    await client.connect();
    const inOrder = async (where: string, value: string) =>
      (
        await client.query<{ id: string }>(
          `SELECT id::text FROM ${where === 'person_id' ? 'realtime_events' : 'team_events'} WHERE ${where} = $1 ORDER BY tx, id`,
          [value],
        )
      ).rows.map((row) => row.id);
    try {
      for (const { personId, follower } of followers) {
        const expected = await inOrder('person_id', personId);
        await expect.poll(() => follower.ids.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(expected.length);
        await sleep(200);
        await follower.stop();
        expect(follower.ids).toEqual(expected);
      }
      const teamExpected = await inOrder('app_id', 'acme');
      expect(teamExpected.length).toBeGreaterThan(300);
      for (const follower of teamFollowers) {
        await expect.poll(() => follower.ids.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(teamExpected.length);
        await sleep(200);
        await follower.stop();
        expect(follower.ids).toEqual(teamExpected);
      }
      // The order is not the ids': commits did come out of order.
      expect(teamExpected).not.toEqual([...teamExpected].sort((x, y) => Number(x) - Number(y)));
    } finally {
      await client.end();
      await Promise.all([...followers.map(({ follower }) => follower.stop()), ...teamFollowers.map((f) => f.stop())]);
    }
  }, 120_000);
});
