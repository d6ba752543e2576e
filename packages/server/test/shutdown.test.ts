import { Agent, type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { createHttpTransport } from '@confab/core';
import type { RealtimeEvent } from '@confab/core/protocol';
import { describe, expect, it } from 'vitest';
import { BACKEND, testDatabase } from './backend';
import { boot, call, messenger, TEAM_TOKEN, team } from './server-harness';
import { processTestBed, type ServerProcess, startServerProcess } from './server-process';

const bed = processTestBed('shutdown');
const { children } = bed;

/**
 * A POST whose headers the server has taken (it answered `100 Continue`) and whose body is held
 * back until `finish()`: a write under way, at a moment the test chooses.
 */
function heldWrite(
  url: string,
  path: string,
  token: string,
  body: unknown,
): Promise<{
  finish(): void;
  answer: Promise<{ status: number; body: { id: string; body: string }; connection: string | undefined }>;
}> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req: ClientRequest = httpRequest(`${url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
        expect: '100-continue',
      },
      // Keep-alive, as a browser's: the server, not the client, must close the connection after the answer.
      agent: new Agent({ keepAlive: true }),
    });
    const answer = new Promise<{ status: number; body: { id: string; body: string }; connection: string | undefined }>(
      (done, fail) => {
        req.once('response', (response: IncomingMessage) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () =>
            done({ status: response.statusCode!, body: JSON.parse(text), connection: response.headers.connection }),
          );
        });
        req.once('error', fail);
      },
    );
    req.once('continue', () => resolve({ finish: () => req.end(payload), answer }));
    req.once('error', reject);
    req.flushHeaders();
  });
}

describe('SIGTERM', () => {
  it('ends the open stream with a retry hint, finishes the write under way, refuses new requests, closes the database and exits 0; the write is there after a restart', async () => {
    const first = await startServerProcess(bed.database.db, children);
    const { session } = await boot(first);
    const token = session.token;
    const started = await call(first, 'POST', `${messenger()}/conversations`, {
      token,
      body: { body: 'before the shutdown', client_id: 'c-before' },
    });
    expect(started.status).toBe(200);
    const conversationId = started.body.conversation.id as string;

    // A stream, read to its end; it is open once its first bytes arrived.
    const stream = await fetch(`${first.url}${messenger()}/stream`, { headers: { authorization: `Bearer ${token}` } });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let streamText = decoder.decode((await reader.read()).value);
    const streamEnded = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return streamText;
        streamText += decoder.decode(value);
      }
    })();

    const write = await heldWrite(first.url, `${messenger()}/conversations/${conversationId}/messages`, token, {
      body: 'written during the shutdown',
      client_id: 'c-during',
    });
    first.child.kill('SIGTERM');

    // The stream ends, its last words a retry hint (core waits at least that long, then resumes with Last-Event-ID).
    const streamed = await streamEnded;
    expect(streamed).toMatch(/\nretry: \d+\n: this server is shutting down[^\n]*\n\n$/);
    const retryMs = Number(/retry: (\d+)/.exec(streamed)![1]);
    expect(retryMs).toBeGreaterThanOrEqual(1_000);
    expect(retryMs).toBeLessThan(5_000);

    // Nothing new is taken: a new request is refused (connection refused, or a 503 while it closes).
    const late = await fetch(`${first.url}/healthz`).then(
      (response) => response.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(late);

    // The write under way is finished and acknowledged, on a connection the server then closes.
    write.finish();
    const answer = await write.answer;
    expect(answer.status).toBe(200);
    expect(answer.body.body).toBe('written during the shutdown');
    expect(answer.connection).toBe('close');

    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(first.output()).toMatch(/SIGTERM, closing/);
    expect(first.output()).toMatch(/confab-server: closed/);

    const second = await startServerProcess(bed.database.db, children);
    const thread = await call(second, 'GET', `${messenger()}/conversations/${conversationId}`, { token });
    expect(thread.body.messages.map((m: { id: string; body: string }) => m.body)).toEqual([
      'before the shutdown',
      'written during the shutdown',
    ]);
    expect(thread.body.messages.map((m: { id: string }) => m.id)).toContain(answer.body.id);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  }, 60_000);

  it.skipIf(BACKEND !== 'postgres')(
    "a client of the process that stops resumes on another with its Last-Event-ID (core's transport) and misses nothing",
    async () => {
      const own = await testDatabase(bed.folder);
      try {
        const [a, b] = await Promise.all([startServerProcess(own.db, children), startServerProcess(own.db, children)]);
        const alive = new Set<ServerProcess>([a, b]);
        const { session } = await boot(a);
        const started = await call(a, 'POST', `${messenger()}/conversations`, {
          token: session.token,
          body: { body: 'hello', client_id: 'c1' },
        });
        const conversationId = started.body.conversation.id as string;
        // The load balancer's part: the client's server is A while A lives, then B.
        const transport = createHttpTransport({
          apiBase: () => (alive.has(a) ? a.url : b.url),
          reconnect: { baseMs: 50, maxMs: 200 },
        });
        const received: string[] = [];
        const stop = transport.subscribe(session, {
          onEvent: (event: RealtimeEvent) => {
            if (event.type === 'message' && event.message.author === 'team') received.push(event.message.body);
          },
        });
        try {
          const reply = async (body: string) =>
            expect(
              (
                await call(b, 'POST', `${team()}/conversations/${conversationId}/reply`, {
                  token: TEAM_TOKEN,
                  body: { body },
                })
              ).status,
            ).toBe(200);
          await reply('first, while A serves the stream');
          await expect.poll(() => received, { timeout: 15_000 }).toEqual(['first, while A serves the stream']);

          alive.delete(a);
          a.child.kill('SIGTERM');
          expect((await a.exited).code).toBe(0);
          // Resumed from its Last-Event-ID: the second reply comes, the first does not come again.
          await reply('second, A gone');
          await expect
            .poll(() => received, { timeout: 15_000 })
            .toEqual(['first, while A serves the stream', 'second, A gone']);
        } finally {
          stop();
          b.child.kill('SIGTERM');
          await b.exited;
        }
      } finally {
        await own.drop();
      }
    },
    60_000,
  );
});
