// The server's shapes the conversations screen reads (types only: nothing of the server is bundled).
import type { TeamConversation, TeamEvent, TeamTypingEvent } from '@confab/server';

export type { TeamConversation, TeamEvent, TeamTypingEvent };

/** Whatever the team stream delivers: a stored event (with its id) or a typing notice. */
export type TeamStreamEvent = TeamEvent | TeamTypingEvent;

export type Message = Extract<TeamEvent, { type: 'message' }>['message'];
export type Note = Extract<TeamEvent, { type: 'note' }>['note'];
export type ConversationState = TeamConversation['state'];

/** One entry of the team's thread: a message or an internal note, oldest first. */
export type ThreadEntry = ({ kind: 'message' } & Message) | ({ kind: 'note' } & Note);

export interface SavedReply {
  id: string;
  title: string;
  body: string;
}

export interface SearchResult {
  conversation: TeamConversation;
  match: {
    kind: 'message' | 'note' | 'contact';
    id?: string;
    field: string;
    text: string;
    highlights: Array<[number, number]>;
  };
}

/** A teammate as the inbox shows them beside a conversation: the assignee, an author. */
export interface TeammateSummary {
  id: string;
  name: string;
  avatar_url?: string;
}
