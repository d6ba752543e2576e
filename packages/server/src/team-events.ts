// What the team stream (GET /api/v1/apps/:app_id/stream) carries: the app's stored team events,
// each with the id a client resumes from, and the ephemeral typing event, which is never stored.
import type { Message } from '@confab/core/protocol';
import type { TeamConversation } from './store/rows';

/** A conversation as the team sees it, without the asking teammate's `unread` (a stream has no one asking). */
export type TeamEventConversation = Omit<TeamConversation, 'unread'>;

/** An internal note: teammates only, never on a visitor's stream or in a messenger response. */
export interface TeamEventNote {
  id: string;
  conversation_id: string;
  body: string;
  author_id: string;
  author_name: string;
  author_avatar_url?: string;
  created_at: number;
}

export type ConversationStateName = 'open' | 'snoozed' | 'closed';

/** A stored team event, as written to `team_events` (its id is the row's). */
export type TeamEventBody =
  /** A visitor started a conversation; its first message follows as a `message` event. */
  | { type: 'conversation.created'; conversation: TeamEventConversation }
  /**
   * A message of the person or of the team. A team reply names its teammate (`teammate_id`: their
   * typing line ends) and the `client_id` their request carried, so their inbox knows a send
   * whose answer it lost has landed (neither is ever on a visitor's stream).
   */
  | { type: 'message'; conversation_id: string; message: Message; teammate_id?: string; client_id?: string }
  | { type: 'note'; conversation_id: string; note: TeamEventNote; client_id?: string }
  /**
   * `teammate_id`: who changed it; absent when the change was the visitor's or the clock's (a snooze
   * that woke). `activity_at`: the conversation's activity_at after the change (its time), as on
   * assignments: an answer older than it is older than the change.
   */
  | {
      type: 'state';
      conversation_id: string;
      state: ConversationStateName;
      snoozed_until?: number | null;
      teammate_id?: string;
      activity_at: number;
    }
  | {
      type: 'assignment';
      conversation_id: string;
      assignee_id: string | null;
      teammate_id?: string;
      activity_at: number;
    }
  /**
   * Someone read the conversation up to `read_at` (epoch ms): the visitor (`reader: 'person'`, they
   * saw the team's messages: "seen") or a teammate (`reader: 'teammate'`, with `teammate_id`).
   */
  | { type: 'read'; conversation_id: string; reader: 'person'; read_at: number }
  | { type: 'read'; conversation_id: string; reader: 'teammate'; teammate_id: string; read_at: number };

export type TeamEventType = TeamEventBody['type'];

/** A stored team event as the stream writes it. */
export type TeamEvent = TeamEventBody & { id: string };

/** Someone is typing in a conversation: never stored, written without an id, not replayed on resume. */
export type TeamTypingEvent =
  | { type: 'typing'; conversation_id: string; author: 'person'; person_id: string }
  | {
      type: 'typing';
      conversation_id: string;
      author: 'team';
      teammate_id: string;
      author_name: string;
      author_avatar_url?: string;
    };
