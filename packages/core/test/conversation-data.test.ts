import { describe, expect, it } from 'vitest';
import {
  appendMessage,
  mergeLoadedThread,
  realtimeChanges,
  upsertConversation,
} from '../src/machine/conversation-data';
import type { ThreadMessage } from '../src/machine/messenger.types';
import type { ConversationSummary, Message } from '../src/protocol/wire';

const conversation = (id: string, updated_at: number, unread_count = 0): ConversationSummary => ({
  id,
  state: 'open',
  created_at: 0,
  updated_at,
  unread_count,
});
const message = (id: string, fields: Partial<Message> = {}): Message => ({
  id,
  conversation_id: 'c1',
  author: 'team',
  body: id,
  created_at: 0,
  ...fields,
});
const inThread = (m: Message, status: ThreadMessage['status'] = 'sent'): ThreadMessage => ({ ...m, status });

describe('upsertConversation', () => {
  it('replaces the older copy of a conversation and puts it in its place by date', () => {
    const list = [conversation('a', 5), conversation('b', 3)];
    const updated = upsertConversation(list, conversation('b', 9, 2));
    expect(updated).toEqual([conversation('b', 9, 2), conversation('a', 5)]);
  });
  it('adds a conversation it did not have', () => {
    expect(upsertConversation([conversation('a', 5)], conversation('b', 1)).map((c) => c.id)).toEqual(['a', 'b']);
  });
});

describe('appendMessage', () => {
  it('adds a new message as sent', () => {
    expect(appendMessage([], message('m1'))).toEqual([inThread(message('m1'))]);
  });
  it('puts the server copy in place of the one shown while sending (same client id), keeping the order', () => {
    const pending = inThread(message('tmp', { author: 'person', client_id: 'tmp' }), 'sending');
    const later = inThread(message('m2'));
    const sent = message('m9', { author: 'person', client_id: 'tmp' });
    expect(appendMessage([pending, later], sent)).toEqual([inThread(sent), later]);
  });
  it('does not add a message twice', () => {
    expect(appendMessage([inThread(message('m1'))], message('m1'))).toHaveLength(1);
  });
});

describe('mergeLoadedThread', () => {
  const loaded = { conversation: conversation('c1', 7, 3), messages: [message('m1'), message('m2')], unread_count: 4 };

  it('keeps what arrived or is being sent while the thread loaded, after what the server sent', () => {
    const live = inThread(message('m3'));
    const sending = inThread(message('tmp', { author: 'person', client_id: 'tmp' }), 'sending');
    const dup = inThread(message('m2'));
    const merged = mergeLoadedThread(
      {
        thread: { conversationId: 'c1', messages: [dup, live, sending], loading: true },
        conversations: [],
        unreadCount: 9,
      },
      loaded,
    );
    expect(merged.thread).toEqual({
      conversationId: 'c1',
      messages: [inThread(message('m1')), inThread(message('m2')), live, sending],
      loading: false,
    });
  });
  it("drops another thread's messages", () => {
    const other = inThread(message('x', { conversation_id: 'c2' }));
    const merged = mergeLoadedThread(
      { thread: { conversationId: 'c2', messages: [other], loading: false }, conversations: [], unreadCount: 0 },
      loaded,
    );
    expect(merged.thread!.messages.map((m) => m.id)).toEqual(['m1', 'm2']);
  });
  it("marks the conversation read and takes the server's count when marking succeeded", () => {
    const merged = mergeLoadedThread(
      { thread: null, conversations: [conversation('c1', 1, 3)], unreadCount: 9 },
      loaded,
    );
    expect(merged.conversations).toEqual([conversation('c1', 7, 0)]);
    expect(merged.unreadCount).toBe(4);
  });
  it('keeps the counts as they were when marking failed (-1)', () => {
    const merged = mergeLoadedThread(
      { thread: null, conversations: [], unreadCount: 9 },
      { ...loaded, unread_count: -1 },
    );
    expect(merged.conversations).toEqual([conversation('c1', 7, 3)]);
    expect(merged.unreadCount).toBe(9);
  });
});

describe('realtimeChanges', () => {
  const thread = { conversationId: 'c1', messages: [inThread(message('m1'))], loading: false };
  const news = {
    id: 'e1',
    type: 'message' as const,
    message: message('m2'),
    conversation: conversation('c1', 8, 1),
    unread_count: 5,
  };

  it('a team reply in the thread on screen is read at once', () => {
    const changes = realtimeChanges({ thread, conversations: [], teamTyping: null }, news, true, 0);
    expect(changes.thread!.messages.map((m) => m.id)).toEqual(['m1', 'm2']);
    expect(changes.conversations).toEqual([conversation('c1', 8, 0)]);
    expect(changes.unreadCount).toBe(4);
  });
  it('off screen it counts as unread, and the thread kept for return still gets it', () => {
    const changes = realtimeChanges({ thread, conversations: [], teamTyping: null }, news, false, 0);
    expect(changes.thread!.messages).toHaveLength(2);
    expect(changes.conversations).toEqual([conversation('c1', 8, 1)]);
    expect(changes.unreadCount).toBe(5);
  });
  it('news of another conversation leaves the thread as it is', () => {
    const changes = realtimeChanges(
      { thread, conversations: [], teamTyping: null },
      { ...news, conversation: conversation('c2', 8, 1) },
      true,
      0,
    );
    expect(changes.thread).toBe(thread);
    expect(changes.unreadCount).toBe(5);
  });
  it('takes unread counts and conversation updates, and ignores kinds it does not know', () => {
    expect(
      realtimeChanges(
        { thread, conversations: [], teamTyping: null },
        { id: 'e', type: 'unread', unread_count: -2 },
        false,
        0,
      ),
    ).toEqual({ unreadCount: 0 });
    expect(
      realtimeChanges(
        { thread, conversations: [], teamTyping: null },
        { id: 'e', type: 'conversation', conversation: conversation('c9', 1) },
        false,
        0,
      ),
    ).toEqual({
      conversations: [conversation('c9', 1)],
    });
    const unknown = JSON.parse('{"id":"e","type":"poll"}') as Parameters<typeof realtimeChanges>[1];
    expect(realtimeChanges({ thread, conversations: [], teamTyping: null }, unknown, false, 0)).toEqual({});
  });
});

describe('realtimeChanges: seen and typing', () => {
  const thread = { conversationId: 'c1', messages: [], loading: false };
  const context = { thread, conversations: [{ ...conversation('c1', 8), team_seen_at: 50 }], teamTyping: null };

  it('"seen" only moves forward, and only for a conversation the person has', () => {
    const seen = (seen_at: unknown, conversation_id = 'c1') =>
      realtimeChanges(context, { id: 'e', type: 'seen', conversation_id, seen_at } as never, false, 0);
    expect(seen(70).conversations).toEqual([{ ...conversation('c1', 8), team_seen_at: 70 }]);
    expect(seen(40), 'an older read arriving late').toEqual({});
    expect(seen(90, 'c-not-mine')).toEqual({});
    expect(seen('90'), 'not a time').toEqual({});
  });

  it('a teammate typing is kept with its end; their message in that conversation ends it, another teammate’s does not', () => {
    const typing = { type: 'typing' as const, conversation_id: 'c1', author_name: 'Sam' };
    const { teamTyping } = realtimeChanges(context, typing, true, 1_000);
    expect(teamTyping).toEqual({ conversationId: 'c1', name: 'Sam', until: 6_000 });
    const typingContext = { ...context, teamTyping: teamTyping! };
    const reply = (author_name: string, conversation_id = 'c1') => ({
      id: 'e2',
      type: 'message' as const,
      message: message('m9', { author_name, conversation_id }),
      conversation: conversation(conversation_id, 9),
      unread_count: 0,
    });
    expect(realtimeChanges(typingContext, reply('Sam'), true, 2_000).teamTyping).toBeNull();
    expect(realtimeChanges(typingContext, reply('Ada'), true, 2_000).teamTyping).toEqual(teamTyping);
    expect(realtimeChanges(typingContext, reply('Sam', 'c2'), true, 2_000).teamTyping).toEqual(teamTyping);
    expect(realtimeChanges(context, { ...typing, author_name: 7 } as never, true, 0), 'no name').toEqual({});
  });
});
