// The server's storage: every read and write the routes need, as one interface, composed of one
// part per concern. Written once with Kysely so SQLite (embedded) and PostgreSQL (scale-out) run
// the same queries. Each write is one transaction (transaction.ts), or on SQLite shares one with
// the writes that arrive beside it (group-commit.ts).
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { type ConversationStore, conversationStore } from './conversations';
import { type EventStore, eventStore } from './events';
import { groupCommitRunner } from './group-commit';
import { type PeopleStore, peopleStore } from './people';
import { type RealtimeOutbox, realtimeOutbox } from './realtime-outbox';
import { type SavedReplyStore, savedReplyStore } from './saved-replies';
import { type SearchStore, searchStore } from './search';
import { type SessionStore, sessionStore } from './sessions';
import { type TeamOutbox, teamOutbox } from './team-outbox';
import { type TeamQueries, teamQueries } from './team-queries';
import { type TeamWrites, teamWrites } from './team-writes';
import { type TeammateStore, teammateStore } from './teammates';
import { type PublishHook, type StoreOptions, transactionRunner } from './transaction';
import { type TypingStore, typingStore } from './typing';

export { DEFAULT_MAX_BATCH } from './group-commit';
export { CUSTOM_ATTRIBUTES_MAX } from './people';
export type {
  Contact,
  EmailTrust,
  Note,
  PageView,
  SavedReply,
  SessionRecord,
  StoredEventView,
  TeamAuthor,
  TeamConversation,
  ThreadEntry,
} from './rows';
export { hashToken } from './rows';
export type { SearchCursor, SearchMatch, SearchPage, SearchResult } from './search';
export type { ConversationFilter, ConversationKey, ThreadKey } from './team-queries';
export type { StateChange } from './team-writes';
export type {
  ApiToken,
  NewTeammate,
  OneTimeSecret,
  Teammate,
  TeammateChanges,
  TeammateSession,
  TeammateStore,
} from './teammates';
export { ALL_APPS, reaches, SERVICE_TEAMMATE_ID, TEAMMATE_SESSION_MAX_MS } from './teammates';
export type { GroupCommitOptions, PublishHook, StoreOptions, TeamPublishHook } from './transaction';

export interface Store
  extends PeopleStore,
    SessionStore,
    EventStore,
    ConversationStore,
    RealtimeOutbox,
    TeamQueries,
    TeamOutbox,
    TypingStore,
    TeamWrites,
    SavedReplyStore,
    SearchStore,
    TeammateStore {
  /** Quick liveness probe of the database. */
  ping(): Promise<void>;
}

export function createStore(db: Kysely<Database>, onPublish: PublishHook, options: StoreOptions = {}): Store {
  const transaction = options.groupCommit
    ? groupCommitRunner(db, onPublish, options)
    : transactionRunner(db, onPublish, options);
  return {
    ...peopleStore(transaction),
    ...sessionStore(db, transaction),
    ...eventStore(transaction),
    ...conversationStore(db, transaction),
    ...realtimeOutbox(db),
    ...teamQueries(db),
    ...teamOutbox(db),
    ...typingStore(db),
    ...teamWrites(db, transaction),
    ...savedReplyStore(db),
    ...searchStore(db, transaction),
    ...teammateStore(db, transaction),
    async ping() {
      await db.selectFrom('people').select('id').limit(1).execute();
    },
  };
}
