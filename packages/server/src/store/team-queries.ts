// What the team reads: contacts, their events and pages, conversations with who they are with.
import type { Message } from '@confab/core/protocol';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { NotFoundError } from '../domain-errors';
import { teamConversationRow, teamSummary } from './conversations';
import { type Contact, type PageView, type StoredEventView, type TeamConversation, toContact, toMessage } from './rows';

export interface TeamQueries {
  findContacts(appId: string, by: { user_id?: string; email?: string; visitor_id?: string }): Promise<Contact[]>;
  getContact(appId: string, contactId: string): Promise<Contact>;
  contactEvents(appId: string, contactId: string): Promise<StoredEventView[]>;
  contactPageViews(appId: string, contactId: string): Promise<PageView[]>;
  teamConversations(appId: string, state?: 'open' | 'closed'): Promise<TeamConversation[]>;
  teamConversation(
    appId: string,
    conversationId: string,
  ): Promise<{ conversation: TeamConversation; messages: Message[] }>;
}

export function teamQueries(db: Kysely<Database>): TeamQueries {
  async function getContact(appId: string, contactId: string): Promise<Contact> {
    const row = await db
      .selectFrom('people')
      .selectAll()
      .where('id', '=', contactId)
      .where('app_id', '=', appId)
      .executeTakeFirst();
    if (!row) throw new NotFoundError(`contact ${contactId}`);
    return toContact(row);
  }

  return {
    async findContacts(appId, by) {
      let query = db.selectFrom('people').selectAll().where('app_id', '=', appId);
      if (by.user_id !== undefined) query = query.where('user_id', '=', by.user_id);
      if (by.email !== undefined) query = query.where('email', '=', by.email);
      if (by.visitor_id !== undefined) query = query.where('visitor_id', '=', by.visitor_id);
      const rows = await query.orderBy('created_at').limit(100).execute();
      return rows.map(toContact);
    },

    getContact,

    async contactEvents(appId, contactId) {
      await getContact(appId, contactId);
      const rows = await db
        .selectFrom('events')
        .selectAll()
        .where('person_id', '=', contactId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map((row) => ({
        id: row.id,
        name: row.name,
        ...(row.metadata !== null ? { metadata: JSON.parse(row.metadata) as StoredEventView['metadata'] } : {}),
        created_at: Number(row.created_at),
        received_at: Number(row.received_at),
      }));
    },

    async contactPageViews(appId, contactId) {
      await getContact(appId, contactId);
      const rows = await db
        .selectFrom('page_views')
        .selectAll()
        .where('person_id', '=', contactId)
        .orderBy('id')
        .execute();
      return rows.map((row) => ({
        url: row.url,
        ...(row.title !== null ? { title: row.title } : {}),
        created_at: Number(row.created_at),
      }));
    },

    async teamConversations(appId, state) {
      let query = db.selectFrom('conversations').selectAll().where('app_id', '=', appId);
      if (state) query = query.where('state', '=', state);
      const rows = await query.orderBy('updated_at', 'desc').orderBy('id').limit(200).execute();
      return teamSummary(db, rows);
    },

    async teamConversation(appId, conversationId) {
      const row = await teamConversationRow(db, appId, conversationId);
      const [conversation] = await teamSummary(db, [row]);
      const messages = await db
        .selectFrom('messages')
        .selectAll()
        .where('conversation_id', '=', row.id)
        .orderBy('seq')
        .execute();
      return { conversation: conversation!, messages: messages.map(toMessage) };
    },
  };
}
