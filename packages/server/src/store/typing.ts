// What a typing indicator needs from the database (a read only: typing is never stored).
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { NotFoundError } from '../domain-errors';

export interface TypingStore {
  /** The person a conversation of the app is with; NotFoundError when the app has no such conversation. */
  conversationPerson(appId: string, conversationId: string): Promise<string>;
}

export function typingStore(db: Kysely<Database>): TypingStore {
  return {
    async conversationPerson(appId, conversationId) {
      const row = await db
        .selectFrom('conversations')
        .select('person_id')
        .where('id', '=', conversationId)
        .where('app_id', '=', appId)
        .executeTakeFirst();
      if (!row) throw new NotFoundError(`conversation ${conversationId}`);
      return row.person_id;
    },
  };
}
