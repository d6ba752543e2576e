// How the conversation list changes: which conversations a filter holds, their order, and what a
// team stream event does to a loaded page. Pure functions; conversation-list.svelte.ts keeps the state.
import type { ListQuery } from './conversations-api';
import type { TeamConversation, TeamStreamEvent } from './types';

export interface ListContext {
  /** The signed-in teammate: "mine" and their own reads. */
  me: string;
  query: ListQuery;
  /** More pages follow the loaded ones: a conversation that sorts after the last loaded one comes with them. */
  hasMore: boolean;
}

export interface ListChange {
  items: TeamConversation[];
  /** A conversation to read again from the server: the event alone does not say where it belongs. */
  refetch?: string;
}

export function matchesQuery(conversation: TeamConversation, query: ListQuery, me: string): boolean {
  if (query.state !== undefined && conversation.state !== query.state) return false;
  if (query.assignee === 'mine') return conversation.assignee_id === me;
  if (query.assignee === 'unassigned') return conversation.assignee_id === null;
  return true;
}

/** The server's order: latest activity first, then id (descending), so ties never flicker. */
export function comesBefore(a: TeamConversation, b: TeamConversation): boolean {
  if (a.activity_at !== b.activity_at) return a.activity_at > b.activity_at;
  return a.id > b.id;
}

/**
 * Whether an answer about a conversation (an action's, a refetch's) may replace what is shown:
 * activity_at moves with every message, note, assignment and state change, so an answer older
 * than what the stream and later answers brought meanwhile would undo a newer change.
 */
export function isCurrent(incoming: TeamConversation, known: TeamConversation | undefined): boolean {
  return known === undefined || incoming.activity_at >= known.activity_at;
}

/** Puts the conversation where it belongs (or takes it out when it no longer matches). */
export function upsert(
  items: TeamConversation[],
  conversation: TeamConversation,
  context: ListContext,
): TeamConversation[] {
  const rest = items.filter((item) => item.id !== conversation.id);
  if (!matchesQuery(conversation, context.query, context.me)) return rest.length === items.length ? items : rest;
  const index = rest.findIndex((item) => comesBefore(conversation, item));
  if (index === -1) {
    // After every loaded row: it belongs here only when the list is complete.
    if (context.hasMore) return rest.length === items.length ? items : rest;
    return [...rest, conversation];
  }
  return [...rest.slice(0, index), conversation, ...rest.slice(index)];
}

/** Appends a further page, skipping what live events already placed. */
export function appendPage(items: TeamConversation[], page: TeamConversation[]): TeamConversation[] {
  const present = new Set(items.map((item) => item.id));
  return [...items, ...page.filter((item) => !present.has(item.id))];
}

function replace(items: TeamConversation[], id: string, change: (c: TeamConversation) => TeamConversation) {
  return items.map((item) => (item.id === id ? change(item) : item));
}

export function applyEvent(items: TeamConversation[], event: TeamStreamEvent, context: ListContext): ListChange {
  switch (event.type) {
    case 'conversation.created':
      return { items: upsert(items, { ...event.conversation, unread: true }, context) };
    case 'message': {
      const { message } = event;
      const current = items.find((item) => item.id === event.conversation_id);
      if (!current) return { items, refetch: event.conversation_id };
      const moved = upsert(
        items,
        {
          ...current,
          last_message: message,
          activity_at: Math.max(current.activity_at, message.created_at),
          updated_at: Math.max(current.updated_at, message.created_at),
          // A visitor's message is news to everyone; a team reply may be the teammate's own, which
          // the server counts as read for them: only the server knows, so ask it.
          unread: message.author === 'person' ? true : current.unread,
        },
        context,
      );
      return message.author === 'person' ? { items: moved } : { items: moved, refetch: event.conversation_id };
    }
    case 'note': {
      const current = items.find((item) => item.id === event.conversation_id);
      if (!current) return { items, refetch: event.conversation_id };
      const activity = Math.max(current.activity_at, event.note.created_at);
      const unread = event.note.author_id === context.me ? current.unread : true;
      return { items: upsert(items, { ...current, activity_at: activity, unread }, context) };
    }
    case 'state':
    case 'assignment': {
      // Shown now, then read again for who made the change and when (assigned_by, state_changed_at).
      const current = items.find((item) => item.id === event.conversation_id);
      if (!current) return { items, refetch: event.conversation_id };
      const changed = withChange(current, event);
      if (!matchesQuery(changed, context.query, context.me)) return { items: upsert(items, changed, context) };
      return { items: replace(items, current.id, () => changed), refetch: event.conversation_id };
    }
    case 'read':
      if (event.reader === 'teammate' && event.teammate_id === context.me)
        return { items: replace(items, event.conversation_id, (item) => ({ ...item, unread: false })) };
      return { items };
    default:
      return { items };
  }
}

/** A conversation as a state or assignment event leaves it (the list's row and the open thread alike). */
export function withChange(
  conversation: TeamConversation,
  event: Extract<TeamStreamEvent, { type: 'state' | 'assignment' }>,
): TeamConversation {
  const moved = { ...conversation, activity_at: Math.max(conversation.activity_at, event.activity_at) };
  return event.type === 'state'
    ? withState(moved, event.state, event.snoozed_until ?? undefined)
    : { ...moved, assignee_id: event.assignee_id };
}

function withState(
  conversation: TeamConversation,
  state: TeamConversation['state'],
  snoozedUntil: number | undefined,
): TeamConversation {
  const { snoozed_until: _previous, ...rest } = conversation;
  return state === 'snoozed' && snoozedUntil !== undefined
    ? { ...rest, state, snoozed_until: snoozedUntil }
    : { ...rest, state };
}
