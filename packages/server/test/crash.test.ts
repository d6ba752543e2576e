// Durability: a write the server acknowledged is stored. The server runs as its own process and
// is killed with SIGKILL (no shutdown code runs) while clients write; after a restart on the same
// database (SQLite file or PostgreSQL), every acknowledged event and message is there.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabase } from './backend';
import { boot, call, messenger, TEAM_TOKEN, team } from './server-harness';
import { startServerProcess } from './server-process';

const folder = mkdtempSync(join(tmpdir(), 'confab-crash-'));
// A SQLite file in the folder, or a PostgreSQL database of its own (backend.ts).
let database: TestDatabase;
let db: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  database = await testDatabase(folder);
  db = database.db;
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await database?.drop();
  rmSync(folder, { recursive: true, force: true });
});

const startProcess = () => startServerProcess(db, children);

describe('SIGKILL while clients write', () => {
  it('every acknowledged write is there after a restart', async () => {
    const first = await startProcess();
    const clients = await Promise.all(Array.from({ length: 4 }, () => boot(first, {})));
    const acknowledgedEvents = new Map<string, string>(); // event id → person id
    const acknowledgedMessages: Array<{ token: string; conversationId: string; messageId: string }> = [];
    let stop = false;

    const writers = clients.map(async (client, c) => {
      const token = client.session.token;
      const started = await call(first, 'POST', `${messenger()}/conversations`, {
        token,
        body: { body: `client ${c} starts`, client_id: `start-${c}` },
      });
      const conversationId = started.body.conversation.id as string;
      for (let i = 0; !stop; i++) {
        try {
          const events = [0, 1, 2].map((k) => ({ id: `c${c}-e${i}-${k}`, name: 'tick', created_at: Date.now() }));
          const ack = await call(first, 'POST', `${messenger()}/events`, { token, body: { events } });
          if (ack.status === 200) for (const id of ack.body.accepted) acknowledgedEvents.set(id, client.person.id);
          const posted = await call(first, 'POST', `${messenger()}/conversations/${conversationId}/messages`, {
            token,
            body: { body: `m${i}`, client_id: `c${c}-m${i}` },
          });
          if (posted.status === 200) acknowledgedMessages.push({ token, conversationId, messageId: posted.body.id });
        } catch {
          return; // the server is gone: what was acknowledged before is what counts
        }
      }
    });

    // Let writes flow, then kill the process without warning, mid-write.
    while (acknowledgedEvents.size < 150) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await first.kill()).toBe('SIGKILL');
    await Promise.race([Promise.all(writers), new Promise((resolve) => setTimeout(resolve, 5_000))]);
    stop = true;
    // The server really is gone: nothing answers on its address any more.
    await expect(fetch(`${first.url}/health`)).rejects.toThrow();

    const second = await startProcess();
    const health = await call(second, 'GET', '/health');
    expect(health.status).toBe(200);
    const byPerson = new Map<string, Set<string>>();
    for (const client of clients) {
      const stored = await call(second, 'GET', `${team()}/contacts/${client.person.id}/events`, { token: TEAM_TOKEN });
      byPerson.set(client.person.id, new Set(stored.body.events.map((e: { id: string }) => e.id)));
    }
    const missing = [...acknowledgedEvents].filter(([id, person]) => !byPerson.get(person)!.has(id));
    expect(missing).toEqual([]);
    expect(acknowledgedEvents.size).toBeGreaterThanOrEqual(150);

    const threads = new Map<string, Set<string>>();
    for (const { token, conversationId } of acknowledgedMessages) {
      if (threads.has(conversationId)) continue;
      const thread = await call(second, 'GET', `${messenger()}/conversations/${conversationId}`, { token });
      threads.set(conversationId, new Set(thread.body.messages.map((m: { id: string }) => m.id)));
    }
    expect(
      acknowledgedMessages.filter(({ conversationId, messageId }) => !threads.get(conversationId)!.has(messageId)),
    ).toEqual([]);
    expect(acknowledgedMessages.length).toBeGreaterThan(0);
    second.child.kill('SIGTERM');
  }, 90_000);
});
