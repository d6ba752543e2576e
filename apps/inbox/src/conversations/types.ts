// The server's shapes the conversations screen reads (types only: nothing of the server is bundled).
import type {
  Message,
  Note,
  SavedReply,
  TeamConversation,
  TeamEvent,
  TeamTypingEvent,
  ThreadEntry,
} from '@confab/server';

export type { Message, Note, SavedReply, TeamConversation, TeamEvent, TeamTypingEvent, ThreadEntry };

/** Whatever the team stream delivers: a stored event (with its id) or a typing notice. */
export type TeamStreamEvent = TeamEvent | TeamTypingEvent;

export type ConversationState = TeamConversation['state'];

/** One answer of GET /search (the search's own shape: API.md "Search"). */
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
