// A team stream whose client stops reading is paced, then dropped past the buffer limit, as the
// visitor's is (event-stream.ts); it resumes with its Last-Event-ID and misses nothing.
import http from 'node:http';
import type { Socket } from 'node:net';
import { createSseParser } from '@confab/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot, call, messenger, startTestServer, TEAM_TOKEN, type TestServer, team } from './server-harness';

const LIMIT = 64 * 1024;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { streamBufferLimit: LIMIT, streamStallMs: 300 });
});
afterAll(() => server.stop());

/** The team stream on a connection of its own; `paused` reads nothing until resumed. */
function openTeam(lastEventId: string | undefined, paused: boolean) {
  return new Promise<{ response: http.IncomingMessage; ids: string[]; lastEventId?: string; ended: Promise<void> }>(
    (resolve, reject) => {
      const request = http.get(
        new URL(`${server.url}${team()}/stream`),
        {
          agent: false,
          headers: { authorization: `Bearer ${TEAM_TOKEN}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
        },
        (response) => {
          if (paused) response.pause();
          const parser = createSseParser();
          const stream = {
            response,
            ids: [] as string[],
            lastEventId,
            ended: new Promise<void>((done) => {
              response.on('end', () => done());
              response.on('close', () => done());
            }),
          };
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            for (const message of parser.feed(chunk)) {
              stream.lastEventId = message.lastEventId;
              const event = JSON.parse(message.data) as { type: string; message?: { id: string; author: string } };
              if (event.type === 'message' && event.message?.author === 'team') stream.ids.push(event.message.id);
            }
          });
          response.on('error', () => {});
          resolve(stream);
        },
      );
      request.on('error', reject);
    },
  );
}

describe('a team stream client that stops reading', () => {
  it('is disconnected past the buffer limit, then resumes with Last-Event-ID and misses nothing', async () => {
    const visitor = await boot(server);
    const started = await call(server, 'POST', `${messenger()}/conversations`, {
      token: visitor.session.token,
      body: { body: 'Hello', client_id: 'stall-1' },
    });
    const conversationId = started.body.conversation.id as string;
    const accepted = new Promise<Socket>((resolve) => server.app.server.once('connection', resolve));
    const first = await openTeam(undefined, true);
    let dropped = false;
    (await accepted).once('close', () => (dropped = true));

    const body = 'x'.repeat(9_000);
    const sent: string[] = [];
    for (let i = 0; i < 3_000 && !dropped; i++) {
      const answer = await call(server, 'POST', `${team()}/conversations/${conversationId}/reply`, {
        token: TEAM_TOKEN,
        body: { body: `${i} ${body}` },
      });
      expect(answer.status).toBe(200);
      sent.push(answer.body.id as string);
    }
    expect(dropped, 'the server dropped the team stream that stopped reading').toBe(true);

    first.response.resume();
    await first.ended;
    expect(first.ids.length).toBeLessThan(sent.length);
    expect(first.ids).toEqual(sent.slice(0, first.ids.length));

    const second = await openTeam(first.lastEventId, false);
    await expect.poll(() => second.ids.length, { timeout: 20_000 }).toBe(sent.length - first.ids.length);
    second.response.destroy();
    expect([...first.ids, ...second.ids]).toEqual(sent);
  }, 60_000);
});
