// The server's storage: every read and write the routes need, as one interface, composed of one
// part per concern. Written once with Kysely so SQLite (embedded) and PostgreSQL (scale-out) run
// the same queries. Each write is one transaction (transaction.ts).
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { conversationStore, type ConversationStore } from './conversations';
import { eventStore, type EventStore } from './events';
import { peopleStore, type PeopleStore } from './people';
import { realtimeOutbox, type RealtimeOutbox } from './realtime-outbox';
import { sessionStore, type SessionStore } from './sessions';
import { teamQueries, type TeamQueries } from './team-queries';
import { transactionRunner, type PublishHook, type StoreOptions } from './transaction';

export { CUSTOM_ATTRIBUTES_MAX } from './people';
export { hashToken } from './rows';
export type { Contact, EmailTrust, PageView, SessionRecord, StoredEventView, TeamConversation } from './rows';
export type { PublishHook, StoreOptions } from './transaction';

export interface Store extends PeopleStore, SessionStore, EventStore, ConversationStore, RealtimeOutbox, TeamQueries {
  /** Quick liveness probe of the database. */
  ping(): Promise<void>;
}

export function createStore(db: Kysely<Database>, onPublish: PublishHook, options: StoreOptions = {}): Store {
  const transaction = transactionRunner(db, onPublish, options);
  return {
    ...peopleStore(transaction),
    ...sessionStore(db, transaction),
    ...eventStore(transaction),
    ...conversationStore(db, transaction),
    ...realtimeOutbox(db),
    ...teamQueries(db),
    async ping() {
      await db.selectFrom('people').select('id').limit(1).execute();
    },
  };
}
