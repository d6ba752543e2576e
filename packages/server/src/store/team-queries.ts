// What the team reads: contacts, their events and pages, conversations with who they are with and
// their threads (messages and notes). Lists page by keyset on the columns their indexes end in.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { NotFoundError } from '../domain-errors';
import { teamConversationRow, teamSummary } from './conversations';
import {
  type Contact,
  type Paged,
  type PageView,
  type StoredEventView,
  type TeamConversation,
  type ThreadEntry,
  toContact,
  toMessage,
  toNote,
} from './rows';

export interface ConversationFilter {
  state?: 'open' | 'snoozed' | 'closed';
  /** A teammate's id, or null for the unassigned; absent: anyone's. */
  assignee?: string | null;
}

/** Where a conversation list resumes: the last item's activity_at and id (newest first). */
export interface ConversationKey {
  activity_at: number;
  id: string;
}

/** Where a thread resumes: the last entry's time, kind (messages first at equal times) and seq. */
export interface ThreadKey {
  created_at: number;
  kind: 'message' | 'note';
  seq: number;
}

export interface TeamQueries {
  /** The ids of the apps that hold at least one contact, in order. */
  appsWithContacts(): Promise<string[]>;
  findContacts(appId: string, by: { user_id?: string; email?: string; visitor_id?: string }): Promise<Contact[]>;
  getContact(appId: string, contactId: string): Promise<Contact>;
  contactEvents(appId: string, contactId: string): Promise<StoredEventView[]>;
  contactPageViews(appId: string, contactId: string): Promise<PageView[]>;
  teamConversations(
    appId: string,
    filter: ConversationFilter,
    page: { after?: ConversationKey; limit: number },
    teammateId: string,
  ): Promise<Paged<TeamConversation, ConversationKey>>;
  /** A conversation and a page of its thread: messages and notes interleaved by time, oldest first. */
  teamConversation(
    appId: string,
    conversationId: string,
    page: { after?: ThreadKey; limit: number },
    teammateId: string,
  ): Promise<{ conversation: TeamConversation } & Paged<ThreadEntry, ThreadKey>>;
}

/** A page of an app's conversation list: newest activity first, from after `after` (an index search, see migration 0009). */
export function conversationPageQuery(
  db: Kysely<Database>,
  appId: string,
  filter: ConversationFilter,
  after: ConversationKey | undefined,
  limit: number,
) {
  let query = db.selectFrom('conversations').selectAll().where('app_id', '=', appId);
  if (filter.assignee !== undefined)
    query = query.where('assignee_id', filter.assignee === null ? 'is' : '=', filter.assignee);
  if (filter.state) query = query.where('state', '=', filter.state);
  if (after) {
    query = query.where((eb) => eb(eb.refTuple('activity_at', 'id'), '<', eb.tuple(after.activity_at, after.id)));
  }
  return query.orderBy('activity_at', 'desc').orderBy('id', 'desc').limit(limit);
}

/**
 * A page of a thread, one query per table, each in (created_at, seq) order from where the page
 * resumes (at equal times messages come before notes); the caller merges the two and keeps a page.
 */
export function threadPageQueries(
  db: Kysely<Database>,
  conversationId: string,
  after: ThreadKey | undefined,
  limit: number,
) {
  let messages = db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId);
  let notes = db.selectFrom('conversation_notes').selectAll().where('conversation_id', '=', conversationId);
  if (after) {
    messages =
      after.kind === 'message'
        ? messages.where((eb) => eb(eb.refTuple('created_at', 'seq'), '>', eb.tuple(after.created_at, after.seq)))
        : messages.where('created_at', '>', after.created_at);
    notes =
      after.kind === 'note'
        ? notes.where((eb) => eb(eb.refTuple('created_at', 'seq'), '>', eb.tuple(after.created_at, after.seq)))
        : notes.where('created_at', '>=', after.created_at);
  }
  return {
    messages: messages.orderBy('created_at').orderBy('seq').limit(limit),
    notes: notes.orderBy('created_at').orderBy('seq').limit(limit),
  };
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
    async appsWithContacts() {
      // DISTINCT over the (app_id, email) index: one step per app, not per contact.
      const rows = await db.selectFrom('people').select('app_id').distinct().orderBy('app_id').execute();
      return rows.map((row) => row.app_id);
    },

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

    async teamConversations(appId, filter, { after, limit }, teammateId) {
      const rows = await conversationPageQuery(db, appId, filter, after, limit + 1).execute();
      const page = rows.slice(0, limit);
      const items = await teamSummary(db, page, teammateId);
      const last = page[page.length - 1];
      return {
        items,
        ...(rows.length > limit && last ? { next: { activity_at: Number(last.activity_at), id: last.id } } : {}),
      };
    },

    async teamConversation(appId, conversationId, { after, limit }, teammateId) {
      const row = await teamConversationRow(db, appId, conversationId);
      const [conversation] = await teamSummary(db, [row], teammateId);
      const { messages, notes } = threadPageQueries(db, row.id, after, limit + 1);
      const [messageRows, noteRows] = await Promise.all([messages.execute(), notes.execute()]);
      const keyed = [
        ...messageRows.map((m) => ({
          key: { created_at: Number(m.created_at), kind: 'message' as const, seq: Number(m.seq) },
          entry: { kind: 'message' as const, ...toMessage(m) },
        })),
        ...noteRows.map((n) => ({
          key: { created_at: Number(n.created_at), kind: 'note' as const, seq: Number(n.seq) },
          entry: { kind: 'note' as const, ...toNote(n) },
        })),
      ].sort(
        (a, b) =>
          a.key.created_at - b.key.created_at ||
          (a.key.kind === b.key.kind ? 0 : a.key.kind === 'message' ? -1 : 1) ||
          a.key.seq - b.key.seq,
      );
      const page = keyed.slice(0, limit);
      const last = page[page.length - 1];
      return {
        conversation: conversation!,
        items: page.map((k) => k.entry),
        ...(keyed.length > limit && last ? { next: last.key } : {}),
      };
    },
  };
}
