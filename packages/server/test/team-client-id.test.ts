// A team reply or note sent again after a lost answer, on SQLite and PostgreSQL: with the same
// client_id it is answered with what was stored and written once, with one event on each stream.
// The key is per conversation and per author, so no teammate, visitor or other app reaches
// another's message through a client_id they guessed or saw.
import { createSseParser, readSseStream } from '@confab/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot, call, messenger, startTestServer, type TestServer, team, withDatabase } from './server-harness';
import { addTeammate, type TestTeammate } from './teammates-harness';

let server: TestServer;
let ann: TestTeammate;
let bob: TestTeammate;
beforeAll(async () => {
  server = await startTestServer();
  ann = await addTeammate(server, { role: 'agent', name: 'Ann' });
  bob = await addTeammate(server, { role: 'agent', name: 'Bob' });
});
afterAll(() => server.stop());

let started = 0;
async function startConversation(appId = 'acme') {
  const visitor = await boot(server, { app_id: appId });
  started++;
  const clientId = `visitor-start-${started}`;
  const answer = await call(server, 'POST', `${messenger(appId)}/conversations`, {
    token: visitor.session.token,
    body: { body: 'Hello', client_id: clientId },
  });
  expect(answer.status).toBe(200);
  return { visitor, id: answer.body.conversation.id as string, visitorClientId: clientId };
}

const reply = (token: string, id: string, body: object, appId = 'acme') =>
  call(server, 'POST', `${team(appId)}/conversations/${id}/reply`, { token, body });
const note = (token: string, id: string, body: object, appId = 'acme') =>
  call(server, 'POST', `${team(appId)}/conversations/${id}/notes`, { token, body });

/** What the database holds of a conversation: its messages and notes, and the events about it. */
async function stored(id: string, personId: string) {
  return withDatabase(server, async (db) => {
    const messages = await db
      .selectFrom('messages')
      .select(['id', 'author', 'author_id', 'body'])
      .where('conversation_id', '=', id)
      .orderBy('seq')
      .execute();
    const notes = await db
      .selectFrom('conversation_notes')
      .select(['id', 'author_id', 'body'])
      .where('conversation_id', '=', id)
      .orderBy('seq')
      .execute();
    const teamEvents = (await db.selectFrom('team_events').select('payload').orderBy('id').execute())
      .map((row) => JSON.parse(row.payload))
      .filter((event) => event.conversation_id === id || event.conversation?.id === id)
      .map((event) => event.type as string);
    const visitorEvents = (
      await db.selectFrom('realtime_events').select('payload').where('person_id', '=', personId).execute()
    ).length;
    return { messages, notes, teamEvents, visitorEvents };
  });
}

/** The bodies of the message events on the visitor's stream, replayed from its start up to `last`. */
async function visitorStreamMessages(token: string, last: string): Promise<string[]> {
  const controller = new AbortController();
  const response = await fetch(`${server.url}${messenger()}/stream`, {
    headers: { authorization: `Bearer ${token}`, 'last-event-id': '0' },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  const bodies: string[] = [];
  await readSseStream(response.body!, createSseParser(), (message) => {
    if (message.event === 'ping' || message.data === '') return;
    const event = JSON.parse(message.data);
    if (event.type !== 'message') return;
    bodies.push(event.message.body);
    if (event.message.body === last) controller.abort();
  }).catch((error: unknown) => {
    if (!controller.signal.aborted) throw error;
  });
  return bodies;
}

describe('a retried reply', () => {
  it('is answered with the reply already stored: written once, one event on the visitor stream and on the team stream', async () => {
    const { visitor, id } = await startConversation();
    const first = await reply(ann.token, id, { body: 'On it', client_id: 'r-1' });
    expect(first.status).toBe(200);
    const before = await stored(id, visitor.person.id);
    const again = await reply(ann.token, id, { body: 'On it', client_id: 'r-1' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(first.body).toMatchObject({ author: 'team', author_name: 'Ann', body: 'On it' });
    // The team's key is the team's: it is never shown to the visitor.
    expect(first.body.client_id).toBeUndefined();
    expect(await stored(id, visitor.person.id)).toEqual(before);
    expect(before.messages.map((m) => m.body)).toEqual(['Hello', 'On it']);
    expect(before.teamEvents.filter((type) => type === 'message')).toHaveLength(2);

    await reply(ann.token, id, { body: 'Anything else?' });
    expect(await visitorStreamMessages(visitor.session.token, 'Anything else?')).toEqual([
      'Hello',
      'On it',
      'Anything else?',
    ]);
    const thread = await call(server, 'GET', `${messenger()}/conversations/${id}`, { token: visitor.session.token });
    expect(thread.body.messages.map((m: { body: string }) => m.body)).toEqual(['Hello', 'On it', 'Anything else?']);
    expect(thread.body.conversation.unread_count).toBe(2);
  });

  it('sent twice at once is stored once, both answered with it', async () => {
    const { visitor, id } = await startConversation();
    const [one, two] = await Promise.all([
      reply(ann.token, id, { body: 'Twice at once', client_id: 'r-race' }),
      reply(ann.token, id, { body: 'Twice at once', client_id: 'r-race' }),
    ]);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect(one.body.id).toBe(two.body.id);
    expect((await stored(id, visitor.person.id)).messages.map((m) => m.body)).toEqual(['Hello', 'Twice at once']);
  });

  it('with other words under the same client_id is a 409 naming client_id, and writes nothing', async () => {
    const { visitor, id } = await startConversation();
    await reply(ann.token, id, { body: 'First words', client_id: 'r-2' });
    const before = await stored(id, visitor.person.id);
    const changed = await reply(ann.token, id, { body: 'Other words', client_id: 'r-2' });
    expect(changed.status).toBe(409);
    expect(changed.body.error).toMatchObject({ status: 409, field: 'body.client_id' });
    expect(changed.body.error.message).toMatch(/client_id/);
    expect(JSON.stringify(changed.body)).not.toContain('First words');
    expect(await stored(id, visitor.person.id)).toEqual(before);
  });

  it('without a client_id is written each time, as before', async () => {
    const { visitor, id } = await startConversation();
    await reply(ann.token, id, { body: 'Same' });
    await reply(ann.token, id, { body: 'Same' });
    expect((await stored(id, visitor.person.id)).messages.map((m) => m.body)).toEqual(['Hello', 'Same', 'Same']);
  });
});

describe('the team stream', () => {
  it("names a team reply's teammate and a reply's or note's client_id, so the sender's inbox knows a send whose answer it lost has landed; the visitor's stream never does", async () => {
    const { visitor, id } = await startConversation();
    await reply(ann.token, id, { body: 'Landed', client_id: 'r-landed' });
    await note(ann.token, id, { body: 'Noted', client_id: 'n-landed' });
    await reply(bob.token, id, { body: 'Without one' });
    const events = await withDatabase(server, async (db) =>
      (await db.selectFrom('team_events').select('payload').orderBy('id').execute())
        .map((row) => JSON.parse(row.payload))
        .filter((event) => event.conversation_id === id && (event.type === 'message' || event.type === 'note')),
    );
    expect(events.map((event) => [event.type, event.teammate_id, event.client_id])).toEqual([
      ['message', undefined, undefined],
      ['message', ann.id, 'r-landed'],
      ['note', undefined, 'n-landed'],
      ['message', bob.id, undefined],
    ]);
    const visitorEvents = await withDatabase(server, (db) =>
      db.selectFrom('realtime_events').select('payload').where('person_id', '=', visitor.person.id).execute(),
    );
    expect(visitorEvents.length).toBeGreaterThan(0);
    expect(JSON.stringify(visitorEvents)).not.toContain('r-landed');
    expect(JSON.stringify(visitorEvents)).not.toContain('teammate_id');
  });
});

describe('a retried note', () => {
  it('is answered with the note already stored: written once, one event on the team stream', async () => {
    const { visitor, id } = await startConversation();
    const first = await note(ann.token, id, { body: 'Refund approved', client_id: 'n-1' });
    expect(first.status).toBe(200);
    const before = await stored(id, visitor.person.id);
    const again = await note(ann.token, id, { body: 'Refund approved', client_id: 'n-1' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(first.body.client_id).toBeUndefined();
    expect(await stored(id, visitor.person.id)).toEqual(before);
    expect(before.notes.map((n) => n.body)).toEqual(['Refund approved']);
    expect(before.teamEvents.filter((type) => type === 'note')).toHaveLength(1);
  });

  it('with other words under the same client_id is a 409 naming client_id, and writes nothing', async () => {
    const { visitor, id } = await startConversation();
    await note(ann.token, id, { body: 'Call them', client_id: 'n-2' });
    const before = await stored(id, visitor.person.id);
    const changed = await note(ann.token, id, { body: 'Do not call', client_id: 'n-2' });
    expect(changed.status).toBe(409);
    expect(changed.body.error.field).toBe('body.client_id');
    expect(await stored(id, visitor.person.id)).toEqual(before);
  });

  it('and a reply have client_ids of their own: the same one on both writes each', async () => {
    const { visitor, id } = await startConversation();
    expect((await note(ann.token, id, { body: 'Both', client_id: 'shared' })).status).toBe(200);
    expect((await reply(ann.token, id, { body: 'Both', client_id: 'shared' })).status).toBe(200);
    const after = await stored(id, visitor.person.id);
    expect(after.notes.map((n) => n.body)).toEqual(['Both']);
    expect(after.messages.map((m) => m.body)).toEqual(['Hello', 'Both']);
  });
});

describe('a malformed client_id', () => {
  it('is a 400 naming client_id on both endpoints, and nothing is written', async () => {
    const { visitor, id } = await startConversation();
    const before = await stored(id, visitor.person.id);
    for (const client_id of ['', 'x'.repeat(129), 42, null]) {
      for (const send of [reply, note]) {
        const answer = await send(ann.token, id, { body: 'Hi', client_id });
        expect(answer.status).toBe(400);
        expect(answer.body.error.field).toBe('body.client_id');
      }
    }
    expect(await stored(id, visitor.person.id)).toEqual(before);
  });
});

describe("someone else's client_id", () => {
  it("another teammate's on the same conversation writes their own reply and note, never hands back the first's", async () => {
    const { visitor, id } = await startConversation();
    const anns = await reply(ann.token, id, { body: 'Ann here', client_id: 'guessed' });
    const annsNote = await note(ann.token, id, { body: 'Ann note', client_id: 'guessed' });
    const bobs = await reply(bob.token, id, { body: 'Ann here', client_id: 'guessed' });
    const bobsNote = await note(bob.token, id, { body: 'Bob note', client_id: 'guessed' });
    expect([bobs.status, bobsNote.status]).toEqual([200, 200]);
    expect(bobs.body.id).not.toBe(anns.body.id);
    expect(bobs.body).toMatchObject({ author_name: 'Bob', body: 'Ann here' });
    expect(bobsNote.body.id).not.toBe(annsNote.body.id);
    expect(bobsNote.body).toMatchObject({ author_id: bob.id, body: 'Bob note' });
    expect(JSON.stringify([bobs.body, bobsNote.body])).not.toContain('Ann note');
    const after = await stored(id, visitor.person.id);
    expect(after.messages.map((m) => [m.author_id, m.body])).toEqual([
      [null, 'Hello'],
      [ann.id, 'Ann here'],
      [bob.id, 'Ann here'],
    ]);
    expect(after.notes.map((n) => [n.author_id, n.body])).toEqual([
      [ann.id, 'Ann note'],
      [bob.id, 'Bob note'],
    ]);
    // Each retries their own and gets their own back.
    expect((await reply(bob.token, id, { body: 'Ann here', client_id: 'guessed' })).body.id).toBe(bobs.body.id);
    expect((await reply(ann.token, id, { body: 'Ann here', client_id: 'guessed' })).body.id).toBe(anns.body.id);
  });

  it('the same teammate on another conversation writes a new reply there', async () => {
    const first = await startConversation();
    const second = await startConversation();
    const one = await reply(ann.token, first.id, { body: 'Same words', client_id: 'per-conversation' });
    const two = await reply(ann.token, second.id, { body: 'Same words', client_id: 'per-conversation' });
    expect(two.status).toBe(200);
    expect(two.body.id).not.toBe(one.body.id);
    expect(two.body.conversation_id).toBe(second.id);
    expect((await stored(second.id, second.visitor.person.id)).messages.map((m) => m.body)).toEqual([
      'Hello',
      'Same words',
    ]);
  });

  it("the visitor's client_id names only the visitor's message, the team's only the team's", async () => {
    const { visitor, id, visitorClientId } = await startConversation();
    const teams = await reply(ann.token, id, { body: 'Team words', client_id: visitorClientId });
    expect(teams.status).toBe(200);
    expect(teams.body).toMatchObject({ author: 'team', body: 'Team words' });
    const visitors = await call(server, 'POST', `${messenger()}/conversations/${id}/messages`, {
      token: visitor.session.token,
      body: { body: 'Visitor words', client_id: 'team-made' },
    });
    await reply(ann.token, id, { body: 'Another', client_id: 'team-made' });
    expect(visitors.body).toMatchObject({ author: 'person', body: 'Visitor words' });
    expect((await stored(id, visitor.person.id)).messages.map((m) => [m.author, m.body])).toEqual([
      ['person', 'Hello'],
      ['team', 'Team words'],
      ['person', 'Visitor words'],
      ['team', 'Another'],
    ]);
  });

  it("a teammate of another app reaches nothing of this app's conversation through its path or its client_id", async () => {
    const { visitor, id } = await startConversation();
    await reply(ann.token, id, { body: 'Private', client_id: 'other-app' });
    const outsider = await addTeammate(server, { role: 'agent', name: 'Olga', apps: ['globex'] });
    const before = await stored(id, visitor.person.id);
    const viaOwnApp = await reply(outsider.token, id, { body: 'Private', client_id: 'other-app' }, 'globex');
    const viaOwnAppNote = await note(outsider.token, id, { body: 'Private', client_id: 'other-app' }, 'globex');
    const viaTheirApp = await reply(outsider.token, id, { body: 'Private', client_id: 'other-app' });
    expect([viaOwnApp.status, viaOwnAppNote.status]).toEqual([404, 404]);
    expect(viaTheirApp.status).toBe(403);
    expect(JSON.stringify([viaOwnApp.body, viaOwnAppNote.body, viaTheirApp.body])).not.toContain('Private');
    expect(await stored(id, visitor.person.id)).toEqual(before);
  });
});
