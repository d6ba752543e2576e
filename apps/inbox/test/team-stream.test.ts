// The team stream module (src/api/team-stream.ts) against the real server's stream: one
// connection per app however many subscribe, every event parsed and handed to each listener,
// the connection closed when the last holder closes it, or when the session ends.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openTeamStream, type TeamStreamEvent, useEventSourceFactory } from '../src/api/team-stream';
import { session } from '../src/session.svelte';
import { waitFor } from './dom';
import { NodeEventSource, openedUrls } from './node-event-source';
import { addTeammate, cookieOf, inboxServer, nodeFetch, openPage, visitorWrites } from './real-server';

const sources: NodeEventSource[] = [];
let cookie = '';

beforeAll(async () => {
  const ada = await addTeammate({ role: 'admin', name: 'Ada Stream' });
  cookie = await cookieOf(ada);
  openPage('/inbox/');
  useEventSourceFactory((path) => {
    const source = new NodeEventSource(`${inboxServer().url}${path}`, cookie);
    sources.push(source);
    return source as unknown as EventSource;
  });
});
afterEach(() => {
  openedUrls.length = 0;
});

describe('openTeamStream', () => {
  it('shares one connection per app between subscribers and hands each the parsed events', async () => {
    const first = openTeamStream('stream-app');
    const second = openTeamStream('stream-app');
    expect(openedUrls).toEqual(['/api/v1/apps/stream-app/stream'].map((path) => `${inboxServer().url}${path}`));
    await waitFor(() => first.connected && second.connected, 'the connection');

    const seenByFirst: TeamStreamEvent[] = [];
    const seenBySecond: TeamStreamEvent[] = [];
    first.subscribe((event) => seenByFirst.push(event));
    second.subscribe((event) => seenBySecond.push(event));

    const { conversationId, token } = await visitorWrites('stream-app', 'Hello from the stream test');
    await waitFor(() => seenByFirst.some((event) => event.type === 'message'), 'the message event');
    const message = seenByFirst.find((event) => event.type === 'message');
    expect(message).toMatchObject({ type: 'message', conversation_id: conversationId });
    expect(seenByFirst.map((event) => event.type)).toEqual(['conversation.created', 'message']);

    // Typing arrives through the same connection.
    const typed = await nodeFetch(
      `${inboxServer().url}/messenger/v1/apps/stream-app/conversations/${conversationId}/typing`,
      { method: 'POST', headers: { authorization: `Bearer ${token}` } },
    );
    expect(typed.status).toBe(204);
    await waitFor(() => seenBySecond.some((event) => event.type === 'typing'), 'the typing event');
    expect(seenBySecond.map((event) => event.type)).toEqual(['conversation.created', 'message', 'typing']);

    // The first holder leaves: the connection stays for the second.
    first.close();
    expect(first.connected).toBe(false);
    expect(second.connected).toBe(true);
    expect(sources.at(-1)!.readyState).toBe(1);
    second.close();
    expect(sources.at(-1)!.readyState).toBe(2);

    // Opened again later: a new connection.
    const third = openTeamStream('stream-app');
    expect(openedUrls).toHaveLength(2);
    third.close();
  });

  it('never delivers an event of another app, nor to a listener that unsubscribed', async () => {
    const mine = openTeamStream('app-one');
    const other = openTeamStream('app-two');
    await waitFor(() => mine.connected && other.connected, 'both connections');
    const seen: TeamStreamEvent[] = [];
    const unsubscribed: TeamStreamEvent[] = [];
    mine.subscribe((event) => seen.push(event));
    const stop = mine.subscribe((event) => unsubscribed.push(event));
    stop();
    await visitorWrites('app-two', 'For app two');
    const { conversationId } = await visitorWrites('app-one', 'For app one');
    await waitFor(() => seen.some((event) => event.type === 'message'), 'app one’s message');
    expect(
      seen.every((event) =>
        'conversation_id' in event
          ? event.conversation_id === conversationId
          : event.conversation.id === conversationId,
      ),
    ).toBe(true);
    expect(unsubscribed).toEqual([]);
    mine.close();
    other.close();
  });

  it('closes every stream when the session ends', async () => {
    session.teammate = {
      id: 'x',
      email: 'x@example.com',
      name: 'X',
      role: 'admin',
      apps: ['*'],
      has_password: true,
      created_at: 0,
      updated_at: 0,
    };
    session.status = 'signed-in';
    const stream = openTeamStream('closing-app');
    await waitFor(() => stream.connected, 'the connection');
    session.signedOut();
    expect(stream.connected).toBe(false);
    expect(sources.at(-1)!.readyState).toBe(2);
  });
});
