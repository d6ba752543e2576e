// Requests the server refuses for their form rather than their content: one whose body trickles
// in (408 once the request timeout passes, while a stream, however long, is never cut by it), a
// path segment longer than any parameter may be (414), a JSON body in another charset (415).
import http from 'node:http';
import { connect } from 'node:net';
import { createSseParser } from '@confab/core';
import type { RealtimeEvent } from '@confab/core/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  boot,
  bootRequest,
  call,
  messenger,
  startTestServer,
  TEAM_TOKEN,
  type TestServer,
  team,
} from './server-harness';

const REQUEST_TIMEOUT_MS = 1_000;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ requestTimeoutMs: REQUEST_TIMEOUT_MS });
});
afterAll(() => server.stop());

/** Sends a request's head, then its body a byte at a time every 200 ms; resolves with what the server answered. */
function trickle(path: string, body: string): Promise<{ answer: string; bytesSent: number }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let answer = '';
    let bytesSent = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
      );
      timer = setInterval(() => {
        if (bytesSent < body.length && !socket.destroyed) socket.write(body[bytesSent++]!);
      }, 200);
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, bytesSent });
    });
    socket.on('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
  });
}

describe('the request timeout', () => {
  it('answers 408 to a body that trickles in and closes the connection, while an open stream carries on', async () => {
    const visitor = await boot(server);
    const started = await call(server, 'POST', `${messenger()}/conversations`, {
      token: visitor.session.token,
      body: { body: 'Hello', client_id: 'timeout-1' },
    });
    const bodies: string[] = [];
    const stream = http.get(
      `${server.url}${messenger()}/stream`,
      { agent: false, headers: { authorization: `Bearer ${visitor.session.token}` } },
      (response) => {
        const parser = createSseParser();
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          for (const message of parser.feed(chunk)) {
            const event = JSON.parse(message.data) as RealtimeEvent;
            if (event.type === 'message' && event.message.author === 'team') bodies.push(event.message.body);
          }
        });
        response.on('error', () => {});
      },
    );
    stream.on('error', () => {});
    try {
      const body = JSON.stringify(bootRequest());
      const { answer, bytesSent } = await trickle(`${messenger()}/boot`, body);
      expect(bytesSent).toBeLessThan(body.length);
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer).toContain('the request did not arrive in time');

      // The stream was open all along, longer than the timeout, and still delivers.
      await call(server, 'POST', `${team()}/conversations/${started.body.conversation.id}/reply`, {
        token: TEAM_TOKEN,
        body: { body: 'after the timeout' },
      });
      await expect.poll(() => bodies).toEqual(['after the timeout']);
    } finally {
      stream.destroy();
    }
  }, 30_000);
});

describe('a path segment too long for any parameter', () => {
  it('is a 414 wherever it is, as API.md says, not a 404', async () => {
    const long = 'a'.repeat(300);
    for (const path of [
      `/messenger/v1/apps/${long}/conversations`,
      `${messenger()}/conversations/${long}`,
      `${messenger()}/${long}`,
      `/${long}`,
    ]) {
      const answer = await call(server, 'GET', path);
      expect(answer.status, path).toBe(414);
      expect(answer.body.error, path).toMatchObject({
        status: 414,
        field: 'url',
        message: expect.stringContaining('256 characters'),
      });
    }
    // 256 is still a parameter: its own answer, not a 414.
    const { session } = await boot(server);
    expect(
      (await call(server, 'GET', `${messenger()}/conversations/${'a'.repeat(256)}`, { token: session.token })).status,
    ).toBe(400);
  });
});

describe('a JSON body in another charset', () => {
  it('is a 415 naming the charset; UTF-8 (any spelling) is read', async () => {
    const body = bootRequest();
    for (const charset of ['utf-16', 'UTF-16LE', 'iso-8859-1', '"latin1"']) {
      const answer = await call(server, 'POST', `${messenger()}/boot`, {
        body,
        headers: { 'content-type': `application/json; charset=${charset}` },
      });
      expect(answer.status, charset).toBe(415);
      expect(answer.body.error, charset).toMatchObject({
        code: 'unsupported_media_type',
        message: expect.stringContaining('UTF-8'),
      });
    }
    for (const charset of ['utf-8', 'UTF-8', 'utf8', '"utf-8"']) {
      const answer = await call(server, 'POST', `${messenger()}/boot`, {
        body: bootRequest(),
        headers: { 'content-type': `application/json; charset=${charset}` },
      });
      expect(answer.status, charset).toBe(200);
    }
  });

  it('the beacon too: text/plain in another charset is a 415', async () => {
    const { session } = await boot(server);
    const raw = JSON.stringify({
      session_token: session.token,
      events: [{ id: 'beacon-charset-1', name: 'left', created_at: Date.now() }],
    });
    const refused = await call(server, 'POST', `${messenger()}/events/beacon`, {
      raw,
      headers: { 'content-type': 'text/plain; charset=utf-16' },
    });
    expect(refused.status).toBe(415);
    const accepted = await call(server, 'POST', `${messenger()}/events/beacon`, {
      raw,
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
    });
    expect(accepted.status).toBe(204);
  });
});
