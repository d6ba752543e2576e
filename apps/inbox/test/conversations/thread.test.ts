// @vitest-environment node
// The thread store against a real server: messages and notes in the server's order, what the
// team's own writes add, the visitor's "seen" and typing, all from the team stream.
import { beforeAll, describe, expect, it } from 'vitest';
import { ConversationThread, TYPING_OVERTAKEN_MS, TYPING_SHOWN_MS } from '../../src/conversations/thread.svelte';
import { addTeammate, addVisitor, openStream, type RealServer, realServer, type Teammate } from './real-server';

let real: RealServer;
let ann: Teammate;
let bob: Teammate;

beforeAll(async () => {
  real = realServer();
  ann = await addTeammate(real, 'admin', 'Ann');
  bob = await addTeammate(real, 'agent', 'Bob');
});

const summary = (thread: ConversationThread) => thread.entries.map((entry) => `${entry.kind}:${entry.body}`);

describe('ConversationThread', () => {
  it('reads every page of a long thread, oldest first', async () => {
    const visitor = await addVisitor(real, 'Talker');
    const id = await visitor.start('message 0');
    for (let index = 1; index < 105; index++) await visitor.write(id, `message ${index}`);
    await ann.api.note(id, 'a note after them');
    const thread = new ConversationThread(ann.api, id, ann.id);
    await thread.load();
    expect(thread.entries).toHaveLength(106);
    expect(thread.entries[0]!.body).toBe('message 0');
    expect(thread.entries.at(-1)).toMatchObject({ kind: 'note', body: 'a note after them', author_name: 'Ann' });
    expect(thread.conversation?.id).toBe(id);
  });

  it('shows live messages and notes once each, seen when the visitor reads, typing while they type', async () => {
    const visitor = await addVisitor(real, 'Live');
    const id = await visitor.start('Hi');
    let clock = Date.now();
    const thread = new ConversationThread(ann.api, id, ann.id, () => clock);
    const stream = await openStream(real, ann.token);
    stream.subscribe((event) => thread.apply(event));
    await thread.load();
    expect(summary(thread)).toEqual(['message:Hi']);
    expect(thread.seenMessageId).toBeUndefined();

    // Ann's reply: added from the POST's answer and again from the stream, shown once.
    const reply = await ann.api.reply(id, 'Hello, Ann here');
    thread.add({ kind: 'message', ...reply });
    const note = await bob.api.note(id, 'VIP customer');
    await stream.next((event) => event.type === 'note' && event.note.id === note.id);
    await stream.next((event) => event.type === 'message' && event.message.id === reply.id);
    expect(summary(thread)).toEqual(['message:Hi', 'message:Hello, Ann here', 'note:VIP customer']);
    expect(thread.entries[2]).toMatchObject({ kind: 'note', author_name: 'Bob' });
    expect(thread.seenMessageId).toBeUndefined();

    await visitor.read(id);
    await stream.next((event) => event.type === 'read' && event.reader === 'person' && event.conversation_id === id);
    expect(thread.seenMessageId).toBe(reply.id);

    await visitor.typing(id);
    await stream.next((event) => event.type === 'typing' && event.conversation_id === id);
    expect(thread.typists.map((typist) => typist.key)).toEqual(['person']);
    clock += TYPING_SHOWN_MS;
    thread.expireTyping();
    expect(thread.typists).toEqual([]);

    await visitor.typing(id);
    await stream.next(
      (event) =>
        event.type === 'typing' &&
        event.conversation_id === id &&
        stream.events.filter((e) => e.type === 'typing').length === 2,
    );
    expect(thread.typists).toHaveLength(1);
    await visitor.write(id, 'Thanks!');
    await stream.next((event) => event.type === 'message' && event.message.body === 'Thanks!');
    expect(thread.typists).toEqual([]);

    // A new reply is not seen until the visitor reads again.
    const second = await ann.api.reply(id, 'Anything else?');
    await stream.next((event) => event.type === 'message' && event.message.id === second.id);
    expect(thread.seenMessageId).toBeUndefined();
    stream.close();
  });

  it("shows another teammate typing by name, never the teammate's own typing", async () => {
    const visitor = await addVisitor(real, 'Quiet');
    const id = await visitor.start('Hello?');
    const annThread = new ConversationThread(ann.api, id, ann.id);
    const bobThread = new ConversationThread(bob.api, id, bob.id);
    const annStream = await openStream(real, ann.token);
    const bobStream = await openStream(real, bob.token);
    annStream.subscribe((event) => annThread.apply(event));
    bobStream.subscribe((event) => bobThread.apply(event));
    await Promise.all([annThread.load(), bobThread.load()]);
    await bob.api.typing(id);
    await annStream.next((event) => event.type === 'typing' && event.conversation_id === id);
    expect(annThread.typists).toMatchObject([{ key: `teammate:${bob.id}`, name: 'Bob' }]);
    // Bob's own stream does not carry his typing back (API.md): nothing to drop, nothing shown.
    expect(bobThread.typists).toEqual([]);
    annStream.close();
    bobStream.close();
  });

  it("drops the visitor's typing line when their message arrives, and a typing notice it overtook does not bring it back", async () => {
    const visitor = await addVisitor(real, 'Racer');
    const id = await visitor.start('First');
    const clock = Date.now();
    let now = clock;
    const thread = new ConversationThread(ann.api, id, ann.id, () => now);
    const stream = await openStream(real, ann.token);
    stream.subscribe((event) => thread.apply(event));
    await thread.load();
    const typingEvents = () => stream.events.filter((event) => event.type === 'typing' && event.conversation_id === id);

    await visitor.typing(id);
    await stream.next(() => typingEvents().length === 1);
    expect(thread.typists.map((typist) => typist.key)).toEqual(['person']);
    await visitor.write(id, 'Second');
    await stream.next((event) => event.type === 'message' && event.message.body === 'Second');
    expect(thread.typists).toEqual([]);

    // The notice sent as they pressed Enter, heard after the message (here sent after it, on the
    // same clock tick): the line stays gone.
    await visitor.typing(id);
    await stream.next(() => typingEvents().length === 2);
    expect(thread.typists).toEqual([]);

    // Typing again later is shown again.
    now = clock + TYPING_OVERTAKEN_MS;
    await visitor.typing(id);
    await stream.next(() => typingEvents().length === 3);
    expect(thread.typists.map((typist) => typist.key)).toEqual(['person']);
    stream.close();
  });

  it.each(['note', 'reply'] as const)("drops a teammate's typing line when their %s arrives", async (kind) => {
    const visitor = await addVisitor(real, kind === 'note' ? 'Noted' : 'Replied');
    const id = await visitor.start('Hello');
    const thread = new ConversationThread(ann.api, id, ann.id);
    const stream = await openStream(real, ann.token);
    stream.subscribe((event) => thread.apply(event));
    await thread.load();
    await bob.api.typing(id);
    await stream.next((event) => event.type === 'typing' && event.conversation_id === id);
    expect(thread.typists.map((typist) => typist.key)).toEqual([`teammate:${bob.id}`]);
    if (kind === 'note') {
      const note = await bob.api.note(id, 'Checked the order');
      await stream.next((event) => event.type === 'note' && event.note.id === note.id);
    } else {
      const reply = await bob.api.reply(id, 'Your order left today');
      await stream.next((event) => event.type === 'message' && event.message.id === reply.id);
    }
    expect(thread.typists).toEqual([]);
    stream.close();
  });

  it("an action's answer older than a change the stream brought changes nothing", async () => {
    const annStream = await openStream(real, ann.token);
    const visitor = await addVisitor(real, 'Late answer');
    const id = await visitor.start('Anyone?');
    const thread = new ConversationThread(ann.api, id, ann.id);
    await thread.load();
    annStream.subscribe((event) => thread.apply(event));
    const annsAnswer = await ann.api.assign(id, ann.id);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await bob.api.setState(id, 'closed');
    await annStream.next((event) => event.type === 'state' && event.conversation_id === id && event.state === 'closed');
    expect(thread.conversation).toMatchObject({ state: 'closed', assignee_id: ann.id });
    thread.update(annsAnswer);
    expect(thread.conversation).toMatchObject({ state: 'closed', assignee_id: ann.id });
    annStream.close();
  });

  it('knows the visitor had seen the last reply when the thread opens', async () => {
    const visitor = await addVisitor(real, 'Seen');
    const id = await visitor.start('Question');
    const reply = await ann.api.reply(id, 'Answer');
    await visitor.read(id);
    const thread = new ConversationThread(bob.api, id, bob.id);
    await thread.load();
    expect(thread.seenMessageId).toBe(reply.id);
  });
});
