import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { userHash } from '../src';
import { isPostgresUrl, openPostgres } from '../src/db/postgres';
import { openSqlite } from '../src/db/sqlite';
import { BACKEND } from './backend';
import { boot, call, messenger, TEAM_TOKEN, team } from './server-harness';
import { processTestBed, startServerProcess } from './server-process';

const bed = processTestBed('logging');
const { children } = bed;

interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  req?: { method: string; url: string; route?: string };
  res?: { statusCode: number };
  err?: Record<string, unknown>;
}

/** From now on the database refuses new messages: PostgreSQL's error then quotes the refused row, message text included. */
async function refuseNewMessages(db: string) {
  const { db: kysely, close } = isPostgresUrl(db) ? openPostgres(db, { max: 1 }) : openSqlite(db);
  try {
    if (BACKEND === 'postgres')
      await sql`ALTER TABLE messages ADD CONSTRAINT refuse_new_messages CHECK (false) NOT VALID`.execute(kysely);
    else
      await sql`CREATE TRIGGER refuse_new_messages BEFORE INSERT ON messages BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`.execute(
        kysely,
      );
  } finally {
    await close();
  }
}

describe('logs', () => {
  it('one JSON line per request with its own request id; no token, secret, cookie, query string or message text in any line', async () => {
    const secret = 'identity-secret-never-logged-4242';
    const metricsToken = 'metrics-token-never-logged-4242';
    const server = await startServerProcess(bed.database.db, children, [
      '--secret',
      secret,
      '--metrics-token',
      metricsToken,
      '--log-level',
      'info',
    ]);

    const email = 'carol.never.logged@example.com';
    const { session } = await boot(server, {
      identity: { user_id: 'carol-1', email, user_hash: userHash(secret, 'carol-1') },
    });
    const token = session.token;
    const firstText = 'my card number is 4242 never logged';
    const started = await call(server, 'POST', `${messenger()}/conversations`, {
      token,
      body: { body: firstText, client_id: 'c1' },
      headers: { cookie: 'intercom-session-acme=cookie-never-logged' },
    });
    expect(started.status).toBe(200);
    const conversationId = started.body.conversation.id as string;
    const replyText = 'the reply that is never logged';
    expect(
      (
        await call(server, 'POST', `${team()}/conversations/${conversationId}/reply`, {
          token: TEAM_TOKEN,
          body: { body: replyText },
        })
      ).status,
    ).toBe(200);
    expect(
      (await call(server, 'GET', `${team()}/contacts?email=${encodeURIComponent(email)}`, { token: TEAM_TOKEN }))
        .status,
    ).toBe(200);
    const beacon = await call(server, 'POST', `${messenger()}/events/beacon`, {
      raw: JSON.stringify({ session_token: token, events: [{ id: 'e1', name: 'left', created_at: Date.now() }] }),
      headers: { 'content-type': 'text/plain' },
    });
    expect(beacon.status).toBe(204);
    const wrongToken = 'a-wrong-token-never-logged-4242';
    expect((await call(server, 'GET', `${team()}/conversations`, { token: wrongToken })).status).toBe(401);
    expect((await call(server, 'GET', '/metrics', { token: metricsToken })).status).toBe(200);
    // A request id sent without --trust-proxy is not taken: the server makes its own.
    const forged = await call(server, 'GET', '/healthz', { headers: { 'x-request-id': 'forged-request-id-1234' } });
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    await refuseNewMessages(bed.database.db);
    const failedText = 'the text of a message that failed, never logged';
    const failed = await call(server, 'POST', `${messenger()}/conversations/${conversationId}/messages`, {
      token,
      body: { body: failedText, client_id: 'c2' },
    });
    expect(failed.status).toBe(500);
    const failedRequestId = failed.headers.get('x-request-id');

    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
    const output = server.output();

    for (const kept of [
      token,
      secret,
      metricsToken,
      TEAM_TOKEN,
      wrongToken,
      'cookie-never-logged',
      email,
      encodeURIComponent(email),
      firstText,
      replyText,
      failedText,
    ]) {
      expect({ kept, found: output.includes(kept) }).toEqual({ kept, found: false });
    }

    const lines = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
    const completed = lines.filter((line) => line.msg === 'request completed');
    // boot, start, reply, contacts, beacon, 401, metrics, healthz, the 500.
    expect(completed.map((line) => `${line.req!.method} ${line.req!.url} ${line.res!.statusCode}`)).toEqual([
      'POST /messenger/v1/apps/acme/boot 200',
      'POST /messenger/v1/apps/acme/conversations 200',
      `POST /api/v1/apps/acme/conversations/${conversationId}/reply 200`,
      'GET /api/v1/apps/acme/contacts 200',
      'POST /messenger/v1/apps/acme/events/beacon 204',
      'GET /api/v1/apps/acme/conversations 401',
      'GET /metrics 200',
      'GET /healthz 200',
      `POST /messenger/v1/apps/acme/conversations/${conversationId}/messages 500`,
    ]);
    const ids = completed.map((line) => line.reqId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^[0-9a-f-]{36}$/.test(id ?? ''))).toBe(true);
    expect(completed[1]!.req!.route).toBe('/messenger/v1/apps/:app_id/conversations');

    // The failure is logged with its request's id, the id its answer carried; the error by its message alone.
    const failure = lines.find((line) => line.msg === 'request failed')!;
    expect(failure.reqId).toBe(failedRequestId);
    expect(completed.at(-1)!.reqId).toBe(failedRequestId);
    expect(Object.keys(failure.err!).sort()).toEqual(expect.arrayContaining(['message', 'stack', 'type']));
    expect(Object.keys(failure.err!).every((key) => ['message', 'stack', 'type', 'code'].includes(key))).toBe(true);
  }, 60_000);

  it('behind --trust-proxy, the proxy’s X-Request-Id is the request id (a malformed one is not)', async () => {
    const server = await startServerProcess(bed.database.db, children, [
      '--trust-proxy',
      '127.0.0.1',
      '--log-level',
      'info',
    ]);
    const fromProxy = await call(server, 'GET', '/healthz', { headers: { 'x-request-id': '7f3e2a9c41d84b0e' } });
    expect(fromProxy.headers.get('x-request-id')).toBe('7f3e2a9c41d84b0e');
    const malformed = await call(server, 'GET', '/healthz', { headers: { 'x-request-id': 'has spaces "and quotes"' } });
    expect(malformed.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    server.child.kill('SIGTERM');
    await server.exited;
    expect(server.output()).toMatch(/"reqId":"7f3e2a9c41d84b0e"/);
    expect(server.output()).not.toMatch(/and quotes/);
  }, 60_000);
});
