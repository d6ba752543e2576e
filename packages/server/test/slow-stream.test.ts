// A stream client that stops reading (a stalled tab, a congested link) must not make the server
// buffer without bound: past the limit the stream waits for the client to read, and a client that
// does not is dropped; once it reconnects with its Last-Event-ID it is replayed from the database,
// a backlog larger than the limit included (the replay is paced by the reader), and misses nothing.
import http from 'node:http';
import type { Socket } from 'node:net';
import { createSseParser } from '@confab/core';
import type { RealtimeEvent } from '@confab/core/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot, call, messenger, startTestServer, TEAM_TOKEN, type TestServer, team } from './server-harness';

const LIMIT = 64 * 1024;
const STALL_MS = 300;
let server: TestServer;
beforeAll(async () => {
  // A small limit and a short patience, so the test needs a few megabytes (the kernel's buffers
  // take most of them) and well under a second of stalling.
  server = await startTestServer({}, { streamBufferLimit: LIMIT, streamStallMs: STALL_MS });
});
afterAll(() => server.stop());

interface RawStream {
  response: http.IncomingMessage;
  /** Team message ids in the order they arrived, and the last event id read. */
  messages: string[];
  lastEventId: string | undefined;
  /** Resolves when the server ends the stream (not when we do). */
  ended: Promise<void>;
}

/** GET /stream on a connection of its own, read through core's SSE parser; `paused` reads nothing yet. */
function openRaw(token: string, lastEventId: string | undefined, paused: boolean): Promise<RawStream> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${server.url}${messenger()}/stream`);
    const request = http.get(
      url,
      {
        agent: false,
        headers: { authorization: `Bearer ${token}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
      },
      (response) => {
        if (paused) response.pause();
        const parser = createSseParser();
        const stream: RawStream = {
          response,
          messages: [],
          lastEventId,
          ended: new Promise((done) => {
            response.on('end', () => done());
            response.on('close', () => done());
          }),
        };
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          for (const message of parser.feed(chunk)) {
            stream.lastEventId = message.lastEventId;
            const event = JSON.parse(message.data) as RealtimeEvent;
            if (event.type === 'message' && event.message.author === 'team') stream.messages.push(event.message.id);
          }
        });
        response.on('error', () => {});
        resolve(stream);
      },
    );
    request.on('error', reject);
  });
}

describe('a stream client that stops reading', () => {
  it('is disconnected past the buffer limit, then resumes with Last-Event-ID and misses nothing', async () => {
    const { session } = await boot(server);
    const started = await call(server, 'POST', `${messenger()}/conversations`, {
      token: session.token,
      body: { body: 'Hello', client_id: 'slow-1' },
    });
    const conversationId = started.body.conversation.id as string;
    // The stream's connection, as the server sees it: the next one it accepts (nothing else is in flight).
    const accepted = new Promise<Socket>((resolve) => server.app.server.once('connection', resolve));
    const first = await openRaw(session.token, undefined, true);
    let dropped = false;
    (await accepted).once('close', () => (dropped = true));

    // Replies of about 9 KB until the server gives up on the stream.
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
    expect(dropped, 'the server dropped the stream that stopped reading').toBe(true);
    expect(sent.length * 9_000, 'it took more than the limit to get there').toBeGreaterThan(LIMIT);

    // The client reads what reached it before the drop: a prefix of the replies, then the end.
    first.response.resume();
    await first.ended;
    expect(first.messages.length).toBeLessThan(sent.length);
    expect(first.messages).toEqual(sent.slice(0, first.messages.length));

    // While it is away, a backlog larger than the limit builds up.
    for (let i = 0; i < 20; i++) {
      const answer = await call(server, 'POST', `${team()}/conversations/${conversationId}/reply`, {
        token: TEAM_TOKEN,
        body: { body: `away ${i} ${body}` },
      });
      sent.push(answer.body.id as string);
    }
    expect((sent.length - first.messages.length) * 9_000).toBeGreaterThan(LIMIT);

    // It reconnects from the last event it read and gets the rest, once each, in order: the replay
    // waits for it to read rather than dropping it again.
    const second = await openRaw(session.token, first.lastEventId, false);
    await expect.poll(() => second.messages.length, { timeout: 20_000 }).toBe(sent.length - first.messages.length);
    second.response.destroy();
    expect([...first.messages, ...second.messages]).toEqual(sent);
  }, 60_000);
});
