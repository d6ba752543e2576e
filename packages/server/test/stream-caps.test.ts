// Caps on open streams: one session holds a few (a newer one ends its oldest), one address holds a
// bounded number (past it, 429 with Retry-After, which core's transport waits out), and the bytes
// a session's streams have waiting for their clients are bounded together, not stream by stream.
import http, { type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createHttpTransport, createSseParser, type TransportError } from '@confab/core';
import type { RealtimeEvent } from '@confab/core/protocol';
import { createSimulatedClock } from '@confab/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot, call, messenger, startTestServer, TEAM_TOKEN, type TestServer, team } from './server-harness';

const PER_SESSION = 2;
const PER_IP = 4;
const BUFFER_LIMIT = 256 * 1024;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(
    { streamCaps: { perSession: PER_SESSION, perIp: PER_IP } },
    { streamBufferLimit: BUFFER_LIMIT, streamStallMs: 2_000 },
  );
});
afterAll(() => server.stop());

interface RawStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Everything read, comments included. */
  text: string;
  /** Team message bodies, as they arrived. */
  bodies: string[];
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  /** The server's side of the connection, and its response: the stream. */
  serverSocket: Socket;
  serverResponse: ServerResponse;
  close(): void;
}

/** GET /stream on a connection of its own; `paused` reads nothing. */
function open(token: string, paused = false): Promise<RawStream> {
  const accepted = new Promise<Socket>((resolve) => server.app.server.once('connection', resolve));
  return new Promise((resolve, reject) => {
    const request = http.get(
      `${server.url}${messenger()}/stream`,
      { agent: false, headers: { authorization: `Bearer ${token}` } },
      (response) => {
        if (paused) response.pause();
        const parser = createSseParser();
        let ended!: () => void;
        const stream: RawStream = {
          status: response.statusCode ?? 0,
          headers: response.headers,
          text: '',
          bodies: [],
          ended: new Promise((done) => (ended = done)),
          serverSocket: undefined as unknown as Socket,
          serverResponse: undefined as unknown as ServerResponse,
          close: () => request.destroy(),
        };
        response.on('end', () => ended());
        response.on('close', () => ended());
        response.on('error', () => {});
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          stream.text += chunk;
          for (const message of parser.feed(chunk)) {
            const event = JSON.parse(message.data) as RealtimeEvent;
            if (event.type === 'message' && event.message.author === 'team') stream.bodies.push(event.message.body);
          }
        });
        void accepted.then((socket) => {
          stream.serverSocket = socket;
          stream.serverResponse = (socket as Socket & { _httpMessage: ServerResponse })._httpMessage;
          resolve(stream);
        });
      },
    );
    request.on('error', reject);
  });
}

async function conversationOf(token: string): Promise<string> {
  const started = await call(server, 'POST', `${messenger()}/conversations`, {
    token,
    body: { body: 'Hello', client_id: `c-${Math.random()}` },
  });
  return started.body.conversation.id as string;
}

const reply = (conversationId: string, body: string) =>
  call(server, 'POST', `${team()}/conversations/${conversationId}/reply`, { token: TEAM_TOKEN, body: { body } });

describe('open streams per session', () => {
  it('a stream past the cap ends the oldest of its session with a comment saying why; the newer ones carry on', async () => {
    const { session } = await boot(server);
    const conversationId = await conversationOf(session.token);
    const oldest = await open(session.token);
    const middle = await open(session.token);
    const newest = await open(session.token);
    try {
      expect(newest.status).toBe(200);
      await oldest.ended;
      expect(oldest.text).toMatch(/this session has 2 streams open, the most it may \(--max-streams-per-session\)/);
      await reply(conversationId, 'still here');
      await expect.poll(() => [middle.bodies, newest.bodies]).toEqual([['still here'], ['still here']]);
      expect(oldest.bodies).toEqual([]);
    } finally {
      for (const stream of [oldest, middle, newest]) stream.close();
    }
  });

  it('an attacker opening many streams of one session holds no more than the cap', async () => {
    const { session } = await boot(server);
    const streams: RawStream[] = [];
    try {
      for (let i = 0; i < 20; i++) streams.push(await open(session.token));
      expect(streams.map((s) => s.status)).toEqual(streams.map(() => 200));
      await Promise.all(streams.slice(0, -PER_SESSION).map((s) => s.ended));
      // The server's side: only the newest two responses are still open.
      expect(streams.filter((s) => !s.serverResponse.writableEnded).length).toBe(PER_SESSION);
    } finally {
      for (const stream of streams) stream.close();
    }
  });
});

describe('open streams per address', () => {
  it('past the cap a new stream is a 429 with Retry-After naming the cap; once one closes, one more opens', async () => {
    const sessions = await Promise.all(Array.from({ length: PER_IP + 1 }, () => boot(server)));
    const streams: RawStream[] = [];
    try {
      for (const { session } of sessions.slice(0, PER_IP)) streams.push(await open(session.token));
      const refused = await call(server, 'GET', `${messenger()}/stream`, { token: sessions[PER_IP]!.session.token });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('30');
      expect(refused.body.error).toMatchObject({
        code: 'rate_limited',
        message: expect.stringContaining('4 realtime streams open, the most it may (--max-streams-per-ip)'),
      });

      streams.shift()!.close();
      await expect
        .poll(async () => {
          const next = await open(sessions[PER_IP]!.session.token);
          if (next.status === 200) streams.push(next);
          else next.close();
          return next.status;
        })
        .toBe(200);
    } finally {
      for (const stream of streams) stream.close();
    }
  });

  it("core's transport backs off a refused stream for the server's Retry-After, then asks again", async () => {
    const sessions = await Promise.all(Array.from({ length: PER_IP + 1 }, () => boot(server)));
    const streams: RawStream[] = [];
    const clock = createSimulatedClock(Date.now());
    let asked = 0;
    const countingFetch: typeof fetch = (input, init) => {
      if (String(input).endsWith('/stream')) asked++;
      return fetch(input, init);
    };
    const transport = createHttpTransport({ apiBase: server.url, fetch: countingFetch, clock, random: () => 0 });
    const errors: TransportError[] = [];
    let unsubscribe = () => {};
    try {
      for (const { session } of sessions.slice(0, PER_IP)) streams.push(await open(session.token));
      unsubscribe = transport.subscribe(sessions[PER_IP]!.session, {
        onEvent: () => {},
        onError: (error) => errors.push(error),
      });
      await expect.poll(() => errors.length).toBe(1);
      expect(errors[0]).toMatchObject({ status: 429, retryable: true, retryAfterMs: 30_000 });
      await clock.advance(29_000);
      expect(asked).toBe(1);
      await clock.advance(2_000);
      await expect.poll(() => asked).toBe(2);
    } finally {
      unsubscribe();
      for (const stream of streams) stream.close();
    }
  });
});

describe("a session's stream buffers", () => {
  it('are bounded together: streams of one session that stop reading hold about the limit between them, not the limit each', async () => {
    const { session } = await boot(server);
    const conversationId = await conversationOf(session.token);
    const [first, second] = [await open(session.token, true), await open(session.token, true)];
    // The server's responses: what each has written that its client has not taken yet.
    const responses = [first.serverResponse, second.serverResponse];
    let most = 0;
    const sample = () =>
      (most = Math.max(
        most,
        responses.reduce((bytes, r) => bytes + (r.destroyed ? 0 : r.writableLength), 0),
      ));
    const sampler = setInterval(sample, 1);
    try {
      const body = 'x'.repeat(9_000);
      for (let i = 0; i < 3_000 && !(first.serverSocket.destroyed && second.serverSocket.destroyed); i++) {
        expect((await reply(conversationId, `${i} ${body}`)).status).toBe(200);
        sample();
      }
      expect(
        first.serverSocket.destroyed && second.serverSocket.destroyed,
        'both streams were dropped for not reading',
      ).toBe(true);
      expect(most, 'the streams did fill up').toBeGreaterThan(BUFFER_LIMIT / 2);
      // Each may pass the session's limit by one event and the socket's own buffer (16 KB) before it waits.
      expect(most).toBeLessThan(BUFFER_LIMIT + 2 * (16 * 1024 + 10_000));
    } finally {
      clearInterval(sampler);
      first.close();
      second.close();
    }
  }, 60_000);
});
