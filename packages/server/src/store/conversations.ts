// Conversations and their messages: what a person starts, posts and reads, and the team's replies;
// every change the person can see is a realtime event of theirs. The team's other writes (state,
// assignment, notes, reads) are in team-writes.ts.
import { randomUUID } from 'node:crypto';
import type { ConversationSummary, ConversationThread, Message } from '@confab/core/protocol';
import type { Kysely } from 'kysely';
import type { ConversationRow, Database, MessageRow } from '../db/schema';
import { NotFoundError } from '../domain-errors';
import { locking } from './locks';
import { recordRealtime } from './realtime-outbox';
import { type Db, type SessionRecord, type TeamAuthor, type TeamConversation, toMessage } from './rows';
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

/**
 * A person's unread count is a sum over their conversations: a write that changes one of them
 * and announces the sum locks the person (after the conversation, locks.ts), so two such writes
 * on two conversations announce it one after the other, the second with both counted.
 */
async function lockUnreadOf(trx: Db, personId: string): Promise<void> {
  await locking(trx, trx.selectFrom('people').select('id').where('id', '=', personId), 'noKeyUpdate').execute();
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

export async function lastMessageOf(trx: Db, conversationId: string): Promise<Message | undefined> {
  return (await lastMessages(trx, [conversationId])).get(conversationId);
}

/** The visitor's view: a snoozed conversation is open to them (the snooze is the team's business). */
export function toSummary(row: ConversationRow, last: Message | undefined): ConversationSummary {
  return {
    id: row.id,
    state: row.state === 'closed' ? 'closed' : 'open',
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

/**
 * A conversation of the session's person. A write locks it (locks.ts) before it decides on it
 * (a client id stored once, whether a message reopens it, what is unread): a second write of the
 * same conversation waits, then decides on what the first one wrote.
 */
async function ownConversation(
  trx: Db,
  session: SessionRecord,
  conversationId: string,
  lock?: 'update',
): Promise<ConversationRow> {
  const query = trx.selectFrom('conversations').selectAll().where('id', '=', conversationId);
  const row = await (lock ? locking(trx, query, lock) : query).executeTakeFirst();
  // Someone else's conversation is indistinguishable from none at all.
  if (!row || row.person_id !== session.person_id) throw new NotFoundError(`conversation ${conversationId}`);
  return row;
}

/** A conversation of the app; locked as ownConversation locks it when a write will decide on it. */
export async function teamConversationRow(
  trx: Db,
  appId: string,
  conversationId: string,
  lock?: 'update',
): Promise<ConversationRow> {
  const query = trx
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', conversationId)
    .where('app_id', '=', appId);
  const row = await (lock ? locking(trx, query, lock) : query).executeTakeFirst();
  if (!row) throw new NotFoundError(`conversation ${conversationId}`);
  return row;
}

/** Conversations as the team sees them, the asking teammate's read state included: with who they are with. */
/** `teammateId`: whose `unread` to compute; none (a team event, read by every teammate) skips the query. */
export async function teamSummary(
  trx: Db,
  rows: ConversationRow[],
  teammateId: string | undefined,
): Promise<TeamConversation[]> {
  const list = await summaries(trx, rows);
  const ids = rows.map((row) => row.id);
  const personIds = [...new Set(rows.map((row) => row.person_id))];
  const people =
    personIds.length === 0 ? [] : await trx.selectFrom('people').selectAll().where('id', 'in', personIds).execute();
  const reads =
    ids.length === 0 || teammateId === undefined
      ? []
      : await trx
          .selectFrom('conversation_reads')
          .select(['conversation_id', 'read_at'])
          .where('teammate_id', '=', teammateId!)
          .where('conversation_id', 'in', ids)
          .execute();
  const byId = new Map(people.map((p) => [p.id, p]));
  const readAt = new Map(reads.map((r) => [r.conversation_id, Number(r.read_at)]));
  return list.map((summary, index) => {
    const row = rows[index]!;
    const person = byId.get(row.person_id);
    const lastRead = readAt.get(row.id);
    return {
      ...summary,
      state: row.state,
      ...(row.snoozed_until !== null ? { snoozed_until: Number(row.snoozed_until) } : {}),
      assignee_id: row.assignee_id,
      ...(row.assigned_by !== null ? { assigned_by: row.assigned_by } : {}),
      ...(row.assigned_at !== null ? { assigned_at: Number(row.assigned_at) } : {}),
      ...(row.state_changed_by !== null ? { state_changed_by: row.state_changed_by } : {}),
      ...(row.state_changed_at !== null ? { state_changed_at: Number(row.state_changed_at) } : {}),
      activity_at: Number(row.activity_at),
      unread: lastRead === undefined || Number(row.activity_at) > lastRead,
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

/** The teammate has seen the conversation up to `now`: their own writes never leave it unread for them. */
export async function recordTeamRead(trx: Db, conversationId: string, teammateId: string, now: number) {
  await trx
    .insertInto('conversation_reads')
    .values({ conversation_id: conversationId, teammate_id: teammateId, read_at: now })
    .onConflict((oc) => oc.columns(['conversation_id', 'teammate_id']).doUpdateSet({ read_at: now }))
    .execute();
}

async function addMessage(
  trx: Db,
  publish: Publish,
  conversation: ConversationRow,
  /** Each side's client id is its own: a visitor's and a teammate's never name each other's messages. */
  author: { kind: 'person'; clientId: string } | { kind: 'team'; teammate: TeamAuthor; clientId: string | null },
  body: string,
  now: number,
): Promise<Message> {
  const teammate = author.kind === 'team' ? author.teammate : undefined;
  await lockUnreadOf(trx, conversation.person_id);
  const row: MessageRow = {
    seq: 0,
    id: randomUUID(),
    conversation_id: conversation.id,
    author: author.kind,
    author_id: teammate?.id ?? null,
    author_name: teammate?.name ?? null,
    author_avatar_url: teammate?.avatar_url ?? null,
    body,
    created_at: now,
    client_id: author.kind === 'person' ? author.clientId : null,
    team_client_id: author.kind === 'team' ? author.clientId : null,
  };
  const { seq: _seq, ...values } = row;
  await trx.insertInto('messages').values(values).execute();
  // A visitor writing again is waiting for an answer: their message reopens a closed or snoozed
  // conversation, so the team's "open" list is where it is seen (as in Intercom and Chatwoot). A
  // team reply reopens a closed one and leaves a snooze alone (the teammate chose when to look again).
  const reopens = author.kind === 'person' ? conversation.state !== 'open' : conversation.state === 'closed';
  const updated = await trx
    .updateTable('conversations')
    .set((eb) => ({
      updated_at: now,
      activity_at: now,
      ...(reopens
        ? { state: 'open' as const, snoozed_until: null, state_changed_by: teammate?.id ?? null, state_changed_at: now }
        : {}),
      ...(author.kind === 'team' ? { person_unread: eb('person_unread', '+', 1) } : {}),
    }))
    .where('id', '=', conversation.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const message = toMessage(row);
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
    {
      type: 'message',
      conversation_id: conversation.id,
      message,
      ...(teammate ? { teammate_id: teammate.id } : {}),
      ...(author.kind === 'team' && author.clientId !== null ? { client_id: author.clientId } : {}),
    },
    now,
  );
  if (reopens) {
    await recordTeamEvent(
      trx,
      publish,
      conversation.app_id,
      {
        type: 'state',
        conversation_id: conversation.id,
        state: 'open',
        snoozed_until: null,
        ...(teammate ? { teammate_id: teammate.id } : {}),
        activity_at: now,
      },
      now,
    );
  }
  if (teammate) await recordTeamRead(trx, conversation.id, teammate.id, now);
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
  /**
   * A teammate's reply: signed with their name and avatar as they are now. With a `clientId`, a
   * retry (same conversation, same author, same client id) answers the reply already stored and
   * writes nothing; `client_id_reused` when that stored reply has another body.
   */
  reply(
    appId: string,
    conversationId: string,
    body: string,
    author: TeamAuthor,
    now: number,
    clientId?: string,
  ): Promise<Message | 'client_id_reused'>;
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
        // Locked whole: a retried start through the same session waits, then finds this one's.
        const session = await currentSession(trx, asked, now, 'update');
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
          snoozed_until: null,
          assignee_id: null,
          assigned_by: null,
          assigned_at: null,
          state_changed_by: null,
          state_changed_at: null,
          activity_at: now,
        };
        await trx.insertInto('conversations').values(row).execute();
        const [{ unread: _unread, ...created }] = (await teamSummary(trx, [row], undefined)) as [TeamConversation];
        await recordTeamEvent(trx, publish, row.app_id, { type: 'conversation.created', conversation: created }, now);
        const message = await addMessage(trx, publish, row, { kind: 'person', clientId }, body, now);
        const stored = await trx
          .selectFrom('conversations')
          .selectAll()
          .where('id', '=', row.id)
          .executeTakeFirstOrThrow();
        return { conversation: toSummary(stored, message), message };
      }),

    postMessage: (asked, conversationId, body, clientId, now) =>
      transaction(async (trx, publish) => {
        const session = await currentSession(trx, asked, now, 'share');
        const conversation = await ownConversation(trx, session, conversationId, 'update');
        const earlier = await trx
          .selectFrom('messages')
          .selectAll()
          .where('conversation_id', '=', conversation.id)
          .where('client_id', '=', clientId)
          .executeTakeFirst();
        if (earlier) return toMessage(earlier);
        return addMessage(trx, publish, conversation, { kind: 'person', clientId }, body, now);
      }),

    markRead: (asked, conversationId, now) =>
      transaction(async (trx, publish) => {
        const session = await currentSession(trx, asked, now, 'share');
        const conversation = await ownConversation(trx, session, conversationId, 'update');
        if (Number(conversation.person_unread) > 0) {
          await lockUnreadOf(trx, session.person_id);
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

    reply: (appId, conversationId, body, author, now, clientId) =>
      transaction(async (trx, publish) => {
        const conversation = await teamConversationRow(trx, appId, conversationId, 'update');
        if (clientId !== undefined) {
          // Keyed by author too: another teammate's client id never names this one's reply.
          const earlier = await trx
            .selectFrom('messages')
            .selectAll()
            .where('conversation_id', '=', conversation.id)
            .where('author_id', '=', author.id)
            .where('team_client_id', '=', clientId)
            .executeTakeFirst();
          if (earlier) return earlier.body === body ? toMessage(earlier) : ('client_id_reused' as const);
        }
        return addMessage(
          trx,
          publish,
          conversation,
          { kind: 'team', teammate: author, clientId: clientId ?? null },
          body,
          now,
        );
      }),
  };
}
