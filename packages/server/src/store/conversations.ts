// Conversations and their messages: what a person starts, posts and reads, and the team's replies
// and closes; every change is a realtime event of the person's.
import { randomUUID } from 'node:crypto';
import type { ConversationSummary, ConversationThread, Message } from '@confab/core/protocol';
import type { Kysely } from 'kysely';
import type { ConversationRow, Database, MessageRow } from '../db/schema';
import { NotFoundError } from '../domain-errors';
import { recordRealtime } from './realtime-outbox';
import { type Db, type SessionRecord, type TeamConversation, toMessage } from './rows';
import { currentSession } from './sessions';
import { recordTeamEvent } from './team-outbox';
import type { Publish, RunTransaction } from './transaction';

export async function unreadOf(trx: Db, personId: string): Promise<number> {
  const row = await trx
    .selectFrom('conversations')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('person_unread'), eb.lit(0)).as('total'))
    .where('person_id', '=', personId)
    .executeTakeFirst();
  return Number(row?.total ?? 0);
}

async function lastMessages(trx: Db, conversationIds: string[]): Promise<Map<string, Message>> {
  if (conversationIds.length === 0) return new Map();
  const rows = await trx
    .selectFrom('messages')
    .selectAll()
    .where('seq', 'in', (eb) =>
      eb
        .selectFrom('messages')
        .select((e) => e.fn.max('seq').as('seq'))
        .where('conversation_id', 'in', conversationIds)
        .groupBy('conversation_id'),
    )
    .execute();
  return new Map(rows.map((row) => [row.conversation_id, toMessage(row)]));
}

function toSummary(row: ConversationRow, last: Message | undefined): ConversationSummary {
  return {
    id: row.id,
    state: row.state,
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
    unread_count: Number(row.person_unread),
    ...(row.team_seen_at !== null ? { team_seen_at: Number(row.team_seen_at) } : {}),
    ...(last ? { last_message: last } : {}),
  };
}

async function summaries(trx: Db, rows: ConversationRow[]): Promise<ConversationSummary[]> {
  const last = await lastMessages(
    trx,
    rows.map((row) => row.id),
  );
  return rows.map((row) => toSummary(row, last.get(row.id)));
}

export async function conversationsOf(trx: Db, personId: string): Promise<ConversationSummary[]> {
  const rows = await trx
    .selectFrom('conversations')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('updated_at', 'desc')
    .orderBy('id')
    .execute();
  return summaries(trx, rows);
}

async function ownConversation(trx: Db, session: SessionRecord, conversationId: string): Promise<ConversationRow> {
  const row = await trx.selectFrom('conversations').selectAll().where('id', '=', conversationId).executeTakeFirst();
  // Someone else's conversation is indistinguishable from none at all.
  if (!row || row.person_id !== session.person_id) throw new NotFoundError(`conversation ${conversationId}`);
  return row;
}

export async function teamConversationRow(trx: Db, appId: string, conversationId: string): Promise<ConversationRow> {
  const row = await trx
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', conversationId)
    .where('app_id', '=', appId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`conversation ${conversationId}`);
  return row;
}

/** Conversations as the team sees them: with who they are with. */
export async function teamSummary(trx: Db, rows: ConversationRow[]): Promise<TeamConversation[]> {
  const list = await summaries(trx, rows);
  const personIds = [...new Set(rows.map((row) => row.person_id))];
  const people =
    personIds.length === 0 ? [] : await trx.selectFrom('people').selectAll().where('id', 'in', personIds).execute();
  const byId = new Map(people.map((p) => [p.id, p]));
  return list.map((summary, index) => {
    const person = byId.get(rows[index]!.person_id);
    return {
      ...summary,
      contact: {
        id: rows[index]!.person_id,
        role: person?.role ?? 'lead',
        ...(person?.name ? { name: person.name } : {}),
        ...(person?.email ? { email: person.email } : {}),
        ...(person?.user_id ? { user_id: person.user_id } : {}),
      },
    };
  });
}

async function addMessage(
  trx: Db,
  publish: Publish,
  conversation: ConversationRow,
  author: Message['author'],
  body: string,
  clientId: string | null,
  authorName: string | null,
  now: number,
): Promise<Message> {
  const row: MessageRow = {
    seq: 0,
    id: randomUUID(),
    conversation_id: conversation.id,
    author,
    author_name: authorName,
    body,
    created_at: now,
    client_id: clientId,
  };
  const { seq: _seq, ...values } = row;
  await trx.insertInto('messages').values(values).execute();
  await trx
    .updateTable('conversations')
    // Any new message reopens a closed conversation: a visitor writing again is waiting for an
    // answer, and the team's "open" list is where it is seen (as in Intercom and Chatwoot).
    .set((eb) => ({
      updated_at: now,
      state: 'open' as const,
      ...(author === 'team' ? { person_unread: eb('person_unread', '+', 1) } : {}),
    }))
    .where('id', '=', conversation.id)
    .execute();
  const message = toMessage(row);
  const updated = await trx
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', conversation.id)
    .executeTakeFirstOrThrow();
  const unread = await unreadOf(trx, conversation.person_id);
  await recordRealtime(
    trx,
    publish,
    conversation.app_id,
    conversation.person_id,
    { type: 'message', message, conversation: toSummary(updated, message), unread_count: unread },
    now,
  );
  await recordTeamEvent(
    trx,
    publish,
    conversation.app_id,
    { type: 'message', conversation_id: conversation.id, message },
    now,
  );
  return message;
}

export interface ConversationStore {
  listConversations(session: SessionRecord): Promise<ConversationSummary[]>;
  getConversation(session: SessionRecord, conversationId: string): Promise<ConversationThread>;
  startConversation(
    session: SessionRecord,
    body: string,
    clientId: string,
    now: number,
  ): Promise<{ conversation: ConversationSummary; message: Message }>;
  postMessage(
    session: SessionRecord,
    conversationId: string,
    body: string,
    clientId: string,
    now: number,
  ): Promise<Message>;
  markRead(session: SessionRecord, conversationId: string, now: number): Promise<number>;
  reply(appId: string, conversationId: string, body: string, authorName: string, now: number): Promise<Message>;
  close(appId: string, conversationId: string, now: number): Promise<TeamConversation>;
}

export function conversationStore(db: Kysely<Database>, transaction: RunTransaction): ConversationStore {
  return {
    // Reads: the session was read as the request arrived, with no body to wait for since.
    listConversations: (session) => conversationsOf(db, session.person_id),

    async getConversation(session, conversationId) {
      const row = await ownConversation(db, session, conversationId);
      const messages = await db
        .selectFrom('messages')
        .selectAll()
        .where('conversation_id', '=', row.id)
        .orderBy('seq')
        .execute();
      const list = messages.map(toMessage);
      return { conversation: toSummary(row, list[list.length - 1]), messages: list };
    },

    startConversation: (asked, body, clientId, now) =>
      transaction(async (trx, publish) => {
        const session = await currentSession(trx, asked, now);
        // A retried start (same client id) returns the conversation it already made. Only starts
        // count: a later message elsewhere may reuse the id without hijacking a new conversation.
        const earlier = await trx
          .selectFrom('conversations')
          .selectAll()
          .where('person_id', '=', session.person_id)
          .where('start_client_id', '=', clientId)
          .orderBy('created_at')
          .executeTakeFirst();
        if (earlier) {
          const first = await trx
            .selectFrom('messages')
            .selectAll()
            .where('conversation_id', '=', earlier.id)
            .orderBy('seq')
            .executeTakeFirstOrThrow();
          const [summary] = await summaries(trx, [earlier]);
          return { conversation: summary!, message: toMessage(first) };
        }
        const row: ConversationRow = {
          id: randomUUID(),
          app_id: session.app_id,
          person_id: session.person_id,
          state: 'open',
          created_at: now,
          updated_at: now,
          person_unread: 0,
          start_client_id: clientId,
          team_seen_at: null,
        };
        await trx.insertInto('conversations').values(row).execute();
        const [created] = await teamSummary(trx, [row]);
        await recordTeamEvent(trx, publish, row.app_id, { type: 'conversation.created', conversation: created! }, now);
        const message = await addMessage(trx, publish, row, 'person', body, clientId, null, now);
        const stored = await trx
          .selectFrom('conversations')
          .selectAll()
          .where('id', '=', row.id)
          .executeTakeFirstOrThrow();
        return { conversation: toSummary(stored, message), message };
      }),

    postMessage: (asked, conversationId, body, clientId, now) =>
      transaction(async (trx, publish) => {
        const session = await currentSession(trx, asked, now);
        const conversation = await ownConversation(trx, session, conversationId);
        const earlier = await trx
          .selectFrom('messages')
          .selectAll()
          .where('conversation_id', '=', conversation.id)
          .where('client_id', '=', clientId)
          .executeTakeFirst();
        if (earlier) return toMessage(earlier);
        return addMessage(trx, publish, conversation, 'person', body, clientId, null, now);
      }),

    markRead: (asked, conversationId, now) =>
      transaction(async (trx, publish) => {
        const session = await currentSession(trx, asked, now);
        const conversation = await ownConversation(trx, session, conversationId);
        if (Number(conversation.person_unread) > 0) {
          await trx.updateTable('conversations').set({ person_unread: 0 }).where('id', '=', conversation.id).execute();
          const unread = await unreadOf(trx, session.person_id);
          await recordRealtime(
            trx,
            publish,
            session.app_id,
            session.person_id,
            { type: 'unread', unread_count: unread },
            now,
          );
          const seen = { type: 'read', conversation_id: conversation.id, reader: 'person', read_at: now } as const;
          await recordTeamEvent(trx, publish, session.app_id, seen, now);
          return unread;
        }
        return unreadOf(trx, session.person_id);
      }),

    reply: (appId, conversationId, body, authorName, now) =>
      transaction(async (trx, publish) => {
        const conversation = await teamConversationRow(trx, appId, conversationId);
        return addMessage(trx, publish, conversation, 'team', body, null, authorName, now);
      }),

    close: (appId, conversationId, now) =>
      transaction(async (trx, publish) => {
        const conversation = await teamConversationRow(trx, appId, conversationId);
        // Already closed: nothing changes, so nothing is written or announced.
        if (conversation.state === 'closed') return (await teamSummary(trx, [conversation]))[0]!;
        await trx
          .updateTable('conversations')
          .set({ state: 'closed', updated_at: now })
          .where('id', '=', conversation.id)
          .execute();
        const updated = await trx
          .selectFrom('conversations')
          .selectAll()
          .where('id', '=', conversation.id)
          .executeTakeFirstOrThrow();
        const [summary] = await teamSummary(trx, [updated]);
        const { contact: _contact, ...plain } = summary!;
        await recordRealtime(
          trx,
          publish,
          appId,
          conversation.person_id,
          { type: 'conversation', conversation: plain },
          now,
        );
        await recordTeamEvent(
          trx,
          publish,
          appId,
          { type: 'state', conversation_id: conversation.id, state: 'closed' },
          now,
        );
        return summary!;
      }),
  };
}
