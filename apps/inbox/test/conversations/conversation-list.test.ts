// @vitest-environment node
// The list store against a real server: pages by cursor, and the team stream's events moving
// conversations in and out of each teammate's filters as the server would answer them.
import { beforeAll, describe, expect, it } from 'vitest';
import { ConversationList } from '../../src/conversations/conversation-list.svelte';
import type { ListQuery } from '../../src/conversations/conversations-api';
import type { TeamConversation } from '../../src/conversations/types';
import { addTeammate, addVisitor, openStream, type RealServer, realServer, type Teammate } from './real-server';

let real: RealServer;
let ann: Teammate;
let bob: Teammate;

beforeAll(async () => {
  real = realServer();
  ann = await addTeammate(real, 'admin', 'Ann');
  bob = await addTeammate(real, 'agent', 'Bob');
});

const ids = (items: TeamConversation[]) => items.map((item) => item.id);

/** What the server answers for the same filter now: the list must end up showing exactly this. */
async function serverOrder(teammate: Teammate, query: ListQuery): Promise<string[]> {
  const all: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await teammate.api.list(query, cursor, 100);
    all.push(...page.conversations.map((conversation) => conversation.id));
    cursor = page.next_cursor;
  } while (cursor);
  return all;
}

describe('ConversationList', () => {
  it('reads pages by cursor until the last, without repeating a conversation', async () => {
    const visitor = await addVisitor(real, 'Pager');
    for (let index = 0; index < 7; index++) await visitor.start(`page test ${index}`);
    const list = new ConversationList(ann.api, { assignee: 'all' }, ann.id, 3);
    await list.load();
    expect(list.items).toHaveLength(3);
    expect(list.nextCursor).toBeDefined();
    while (list.nextCursor !== undefined) await list.loadMore();
    expect(ids(list.items)).toEqual(await serverOrder(ann, { assignee: 'all' }));
    expect(new Set(ids(list.items)).size).toBe(list.items.length);
  });

  it('follows the team stream: new, assigned, closed and reopened conversations land where the server lists them', async () => {
    const annStream = await openStream(real, ann.token);
    const bobStream = await openStream(real, bob.token);
    const queries: Record<string, ListQuery> = {
      open: { assignee: 'all', state: 'open' },
      unassigned: { assignee: 'unassigned', state: 'open' },
      mine: { assignee: 'mine', state: 'open' },
      closed: { assignee: 'all', state: 'closed' },
    };
    const annLists = Object.fromEntries(
      Object.entries(queries).map(([name, query]) => [name, new ConversationList(ann.api, query, ann.id)]),
    );
    const bobMine = new ConversationList(bob.api, queries.mine!, bob.id);
    await Promise.all([...Object.values(annLists), bobMine].map((list) => list.load()));
    annStream.subscribe((event) => {
      for (const list of Object.values(annLists)) list.apply(event);
    });
    bobStream.subscribe((event) => bobMine.apply(event));
    const settle = () => Promise.all([...Object.values(annLists), bobMine].map((list) => list.settled()));
    const expectServerOrder = async () => {
      await settle();
      for (const [name, list] of Object.entries(annLists))
        expect(ids(list.items), name).toEqual(await serverOrder(ann, queries[name]!));
      expect(ids(bobMine.items)).toEqual(await serverOrder(bob, queries.mine!));
    };

    const visitor = await addVisitor(real, 'Live Visitor');
    const id = await visitor.start('Hello, is anyone there?');
    await annStream.next((event) => event.type === 'message' && event.conversation_id === id);
    await settle();
    expect(annLists.open!.items[0]).toMatchObject({ id, unread: true, contact: { name: 'Live Visitor' } });
    expect(annLists.open!.items[0]!.last_message?.body).toBe('Hello, is anyone there?');
    expect(ids(annLists.unassigned!.items)).toContain(id);
    await expectServerOrder();

    await ann.api.assign(id, ann.id);
    await annStream.next((event) => event.type === 'assignment' && event.conversation_id === id);
    await bobStream.next((event) => event.type === 'assignment' && event.conversation_id === id);
    await settle();
    expect(ids(annLists.mine!.items)).toContain(id);
    expect(ids(annLists.unassigned!.items)).not.toContain(id);
    expect(ids(bobMine.items)).not.toContain(id);
    await expectServerOrder();

    await bob.api.setState(id, 'closed');
    await annStream.next((event) => event.type === 'state' && event.conversation_id === id && event.state === 'closed');
    await settle();
    expect(ids(annLists.open!.items)).not.toContain(id);
    expect(annLists.closed!.items[0]).toMatchObject({ id, state: 'closed', unread: true });
    await expectServerOrder();

    await visitor.write(id, 'Still there?');
    await annStream.next((event) => event.type === 'state' && event.conversation_id === id && event.state === 'open');
    await annStream.next((event) => event.type === 'message' && event.message.body === 'Still there?');
    await settle();
    expect(annLists.open!.items[0]).toMatchObject({ id, state: 'open', unread: true });
    expect(annLists.mine!.items[0]?.last_message?.body).toBe('Still there?');
    expect(ids(annLists.closed!.items)).not.toContain(id);
    await expectServerOrder();

    annStream.close();
    bobStream.close();
  });

  it("an action's answer that arrives after a newer change changes nothing: the list keeps the newer", async () => {
    const annStream = await openStream(real, ann.token);
    const list = new ConversationList(ann.api, { assignee: 'all' }, ann.id);
    await list.load();
    annStream.subscribe((event) => list.apply(event));
    const visitor = await addVisitor(real, 'Racer');
    const id = await visitor.start('Who takes this?');
    await annStream.next((event) => event.type === 'message' && event.conversation_id === id);
    // Ann takes it; her answer is held up on the way back (kept here, put later).
    const annsAnswer = await ann.api.assign(id, ann.id);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Meanwhile Bob closes it, and the stream brings that first.
    await bob.api.setState(id, 'closed');
    await annStream.next((event) => event.type === 'state' && event.conversation_id === id && event.state === 'closed');
    await list.settled();
    expect(list.find(id)).toMatchObject({ state: 'closed', assignee_id: ann.id });
    list.put(annsAnswer);
    expect(list.find(id)).toMatchObject({ state: 'closed', assignee_id: ann.id });
    expect(list.find(id)!.activity_at).toBeGreaterThan(annsAnswer.activity_at);
    annStream.close();
  });

  it('marks a conversation read for the teammate who read or answered it, and only for them', async () => {
    const annStream = await openStream(real, ann.token);
    const bobStream = await openStream(real, bob.token);
    const annList = new ConversationList(ann.api, { assignee: 'all', state: 'open' }, ann.id);
    const bobList = new ConversationList(bob.api, { assignee: 'all', state: 'open' }, bob.id);
    await Promise.all([annList.load(), bobList.load()]);
    annStream.subscribe((event) => annList.apply(event));
    bobStream.subscribe((event) => bobList.apply(event));
    const visitor = await addVisitor(real, 'Reader');
    const id = await visitor.start('Please read me');
    await annStream.next((event) => event.type === 'message' && event.conversation_id === id);
    await bobStream.next((event) => event.type === 'message' && event.conversation_id === id);

    await ann.api.markRead(id);
    await annStream.next((event) => event.type === 'read' && event.conversation_id === id);
    await bobStream.next((event) => event.type === 'read' && event.conversation_id === id);
    expect(annList.find(id)?.unread).toBe(false);
    expect(bobList.find(id)?.unread).toBe(true);
    expect(annList.unreadCount).toBe(annList.items.filter((item) => item.unread).length);

    await bob.api.reply(id, 'On it');
    await bobStream.next((event) => event.type === 'message' && event.message.body === 'On it');
    await annStream.next((event) => event.type === 'message' && event.message.body === 'On it');
    await Promise.all([annList.settled(), bobList.settled()]);
    expect(bobList.find(id)).toMatchObject({ unread: false, last_message: { body: 'On it', author: 'team' } });
    expect(annList.find(id)).toMatchObject({ unread: true, last_message: { body: 'On it' } });
    annStream.close();
    bobStream.close();
  });
});
