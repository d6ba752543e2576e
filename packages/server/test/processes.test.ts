// Several server processes on one PostgreSQL: a team reply posted to either process reaches every
// client once, whichever process holds its stream; when a process dies (SIGKILL), its clients
// reconnect to the other with their Last-Event-ID and miss nothing. Core's own HTTP transport is
// the client, as a browser would run it. (On SQLite, one file serves one process: skipped.)
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHttpTransport } from '@confab/core';
import type { BootResponse, RealtimeEvent } from '@confab/core/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND, type TestDatabase, testDatabase } from './backend';
import { boot, call, messenger, TEAM_TOKEN, team } from './server-harness';
import { type ServerProcess, startServerProcess } from './server-process';

const folder = mkdtempSync(join(tmpdir(), 'confab-processes-'));
const children: ChildProcess[] = [];
let database: TestDatabase;

beforeAll(async () => {
  if (BACKEND === 'postgres') database = await testDatabase(folder);
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await database?.drop();
  rmSync(folder, { recursive: true, force: true });
});

interface Client {
  session: BootResponse['session'];
  conversationId: string;
  /** Team messages as they arrived, with the process that delivered each. */
  received: Array<{ id: string; body: string }>;
  home: ServerProcess;
  stop(): void;
}

describe.skipIf(BACKEND !== 'postgres')('two server processes, one PostgreSQL', () => {
  it('applies pending migrations once when both start at once, and counts the rate limits across both', async () => {
    // A database of its own, empty: the two processes race to migrate it.
    const own = await testDatabase(folder);
    try {
      const limited = ['--rate-limit-ip', '10'];
      const [a, b] = await Promise.all([
        startServerProcess(own.db, children, limited),
        startServerProcess(own.db, children, limited),
      ]);
      const statuses: number[] = [];
      for (let i = 0; i < 14; i++) statuses.push((await call(i % 2 === 0 ? a : b, 'GET', '/health')).status);
      // Ten requests from this address in the window, whichever process took them; then 429 on both.
      expect(statuses.slice(0, 10).every((s) => s !== 429)).toBe(true);
      expect(statuses.slice(10)).toEqual([429, 429, 429, 429]);
      await Promise.all([a.kill(), b.kill()]);
    } finally {
      await own.drop();
    }
  }, 60_000);

  it('replies posted to either process reach every client once; after a SIGKILL its clients resume on the other and miss nothing', async () => {
    const [a, b] = await Promise.all([
      startServerProcess(database.db, children),
      startServerProcess(database.db, children),
    ]);
    const alive = new Set([a, b]);

    // Six clients, three on each process: boot, start a conversation, open the stream there.
    const clients: Client[] = await Promise.all(
      Array.from({ length: 6 }, async (_, c): Promise<Client> => {
        const home = c % 2 === 0 ? a : b;
        const booted = await boot(home, {});
        const started = await call(home, 'POST', `${messenger()}/conversations`, {
          token: booted.session.token,
          body: { body: `client ${c}`, client_id: `c${c}` },
        });
        const client: Client = {
          session: booted.session,
          conversationId: started.body.conversation.id,
          received: [],
          home,
          stop: () => {},
        };
        // The client's server is its home while that lives, else any process that does (a load balancer's job).
        const transport = createHttpTransport({
          apiBase: () => (alive.has(client.home) ? client.home.url : [...alive][0]!.url),
          reconnect: { baseMs: 50, maxMs: 200 },
        });
        client.stop = transport.subscribe(booted.session, {
          onEvent: (event: RealtimeEvent) => {
            if (event.type === 'message' && event.message.author === 'team')
              client.received.push({ id: event.message.id, body: event.message.body });
          },
        });
        return client;
      }),
    );
    const reply = (through: ServerProcess, client: Client, body: string) =>
      call(through, 'POST', `${team()}/conversations/${client.conversationId}/reply`, {
        token: TEAM_TOKEN,
        body: { body },
      }).then((answer) => {
        expect(answer.status).toBe(200);
        return answer.body.id as string;
      });
    const expected = new Map<Client, string[]>(clients.map((client) => [client, []]));

    try {
      // Round 1: every client gets a reply through A and one through B.
      for (const [i, client] of clients.entries()) {
        expected.get(client)!.push(await reply(a, client, `r1-a-${i}`), await reply(b, client, `r1-b-${i}`));
      }
      for (const client of clients)
        await expect.poll(() => client.received.map((m) => m.id), { timeout: 15_000 }).toEqual(expected.get(client));

      // A dies without warning while replies keep coming through B.
      const writes = (async () => {
        for (let round = 0; round < 5; round++) {
          for (const [i, client] of clients.entries())
            expected.get(client)!.push(await reply(b, client, `r2-${round}-${i}`));
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 30));
      alive.delete(a);
      expect(await a.kill()).toBe('SIGKILL');
      await writes;
      await expect(fetch(`${a.url}/health`)).rejects.toThrow();

      // Every client, those whose stream was on A included, has every reply exactly once, in order.
      for (const client of clients) {
        await expect.poll(() => client.received.map((m) => m.id), { timeout: 20_000 }).toEqual(expected.get(client));
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const client of clients) {
        expect(client.received.map((m) => m.id)).toEqual(expected.get(client));
        expect(new Set(client.received.map((m) => m.id)).size).toBe(client.received.length);
      }
    } finally {
      for (const client of clients) client.stop();
    }
  }, 90_000);
});
