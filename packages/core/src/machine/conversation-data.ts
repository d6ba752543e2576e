import type { ConversationSummary, ConversationThread, EphemeralEvent, Message, RealtimeEvent } from '../protocol/wire';
import type { MessengerContext, ThreadMessage } from './messenger.types';

/** A teammate typing is shown this long after their last typing event (they repeat it while typing). */
export const TEAM_TYPING_SHOWN_MS = 5_000;
/** The person's typing goes to the server at most this often, while they type. */
export const TYPING_SENT_EVERY_MS = 3_000;

/** The list with `summary` in place of its older copy (or added), newest first. */
export function upsertConversation(list: ConversationSummary[], summary: ConversationSummary): ConversationSummary[] {
  const rest = list.filter((c) => c.id !== summary.id);
  return [summary, ...rest].sort((a, b) => b.updated_at - a.updated_at);
}

/** A message the server has: it takes the place of the copy shown while it was sent (same client id), or is added. */
export function appendMessage(messages: ThreadMessage[], message: Message): ThreadMessage[] {
  const known = messages.findIndex(
    (m) => m.id === message.id || (message.client_id !== undefined && m.id === message.client_id),
  );
  const sent: ThreadMessage = { ...message, status: 'sent' };
  if (known === -1) return [...messages, sent];
  return messages.map((m, i) => (i === known ? sent : m));
}

/** A thread as loaded, with `unread_count` the server's count after marking it read (-1: marking failed). */
export type LoadedThread = ConversationThread & { unread_count: number };

/** What a loaded thread changes: the thread, its place in the list, and the unread count. */
export function mergeLoadedThread(
  context: Pick<MessengerContext, 'thread' | 'conversations' | 'unreadCount'>,
  loaded: LoadedThread,
): Pick<MessengerContext, 'thread' | 'conversations' | 'unreadCount'> {
  const fetched: ThreadMessage[] = loaded.messages.map((m) => ({ ...m, status: 'sent' as const }));
  // What arrived live while the thread was loading (or is still being sent)
  // is newer than the answer: kept after it, never dropped.
  const kept = context.thread?.conversationId === loaded.conversation.id ? context.thread.messages : [];
  const messages = [...fetched];
  for (const m of kept) {
    if (!messages.some((x) => x.id === m.id || (x.client_id !== undefined && x.client_id === m.id))) messages.push(m);
  }
  return {
    thread: { conversationId: loaded.conversation.id, messages, loading: false },
    conversations: upsertConversation(context.conversations, {
      ...loaded.conversation,
      unread_count: loaded.unread_count < 0 ? loaded.conversation.unread_count : 0,
    }),
    unreadCount: loaded.unread_count < 0 ? context.unreadCount : loaded.unread_count,
  };
}

/**
 * What a realtime event changes. `onScreen`: the panel shows this conversation's thread, so a team
 * reply in it never counts as unread.
 */
export function realtimeChanges(
  context: Pick<MessengerContext, 'thread' | 'conversations' | 'teamTyping'>,
  realtime: RealtimeEvent | EphemeralEvent,
  onScreen: boolean,
  now: number,
): Partial<MessengerContext> {
  if (realtime.type === 'typing') {
    const { conversation_id: conversationId, author_name: name } = realtime;
    return typeof conversationId === 'string' && typeof name === 'string'
      ? { teamTyping: { conversationId, name, until: now + TEAM_TYPING_SHOWN_MS } }
      : {};
  }
  if (realtime.type === 'seen') {
    // Only ever later: an event that arrives after a fresher summary does not take "seen" back.
    const seen = context.conversations.find((c) => c.id === realtime.conversation_id);
    return seen && typeof realtime.seen_at === 'number' && !(seen.team_seen_at! >= realtime.seen_at)
      ? { conversations: upsertConversation(context.conversations, { ...seen, team_seen_at: realtime.seen_at }) }
      : {};
  }
  if (realtime.type === 'unread')
    return typeof realtime.unread_count === 'number' ? { unreadCount: Math.max(0, realtime.unread_count) } : {};
  if (realtime.type === 'conversation') {
    return realtime.conversation
      ? { conversations: upsertConversation(context.conversations, realtime.conversation) }
      : {};
  }
  // A kind of news this version does not know (a newer server's): ignored, not taken for a message.
  if (realtime.type !== 'message' || !realtime.message || !realtime.conversation) return {};
  const { message } = realtime;
  const inThread = context.thread !== null && context.thread.conversationId === realtime.conversation.id;
  const thread = inThread
    ? { ...context.thread!, messages: appendMessage(context.thread!.messages, message) }
    : context.thread;
  const readNow = inThread && onScreen;
  return {
    // Their message is what they were typing: the indicator goes with its arrival.
    teamTyping:
      message.author === 'team' &&
      context.teamTyping?.conversationId === message.conversation_id &&
      context.teamTyping.name === message.author_name
        ? null
        : context.teamTyping,
    conversations: upsertConversation(
      context.conversations,
      readNow ? { ...realtime.conversation, unread_count: 0 } : realtime.conversation,
    ),
    unreadCount: Math.max(
      0,
      readNow ? realtime.unread_count - realtime.conversation.unread_count : realtime.unread_count,
    ),
    thread,
  };
}
