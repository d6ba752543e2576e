// The team's writes on a conversation beside replies: its state (open, snoozed until a time,
// closed), its assignee, internal notes and each teammate's read time. Each records the teammate
// who made it, moves the conversation's activity_at (the team's clock) and announces itself on the
// team stream; only what the visitor can see (closed or not) reaches the visitor's stream.
// Each locks the conversation before it reads it (conversations.ts, teamConversationRow): two
// writes of one conversation decide one after the other, each on what the other wrote.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ConversationRow, Database } from '../db/schema';
import { lastMessageOf, recordTeamRead, teamConversationRow, teamSummary, toSummary } from './conversations';
import { locking } from './locks';
import { recordRealtime } from './realtime-outbox';
import { type Db, type Note, type TeamAuthor, type TeamConversation, toNote } from './rows';
import { recordTeamEvent } from './team-outbox';
import { recordSeenByTeam } from './team-seen';
import { ALL_APPS } from './teammates';
import type { RunTransaction } from './transaction';

export type StateChange = { state: 'open' } | { state: 'closed' } | { state: 'snoozed'; snoozed_until: number };

/** How many snoozed conversations one sweep wakes at most; the next sweep takes the rest. */
const WAKE_BATCH = 200;

export interface TeamWrites {
  setState(
    appId: string,
    conversationId: string,
    change: StateChange,
    teammateId: string,
    now: number,
  ): Promise<TeamConversation>;
  /**
   * Assigns to a teammate or, with null, unassigns. The assignee must be an active teammate (not
   * the team token's built-in one) who reaches the app, checked in the write's own transaction:
   * `not_assignable` otherwise, and nothing is written.
   */
  assign(
    appId: string,
    conversationId: string,
    assigneeId: string | null,
    teammateId: string,
    now: number,
  ): Promise<TeamConversation | 'not_assignable'>;
  /**
   * With a `clientId`, a retry (same conversation, same author, same client id) answers the note
   * already stored and writes nothing; `client_id_reused` when that stored note has another body.
   */
  addNote(
    appId: string,
    conversationId: string,
    body: string,
    author: TeamAuthor,
    now: number,
    clientId?: string,
  ): Promise<Note | 'client_id_reused'>;
  markTeamRead(appId: string, conversationId: string, teammateId: string, now: number): Promise<TeamConversation>;
  /**
   * Wakes every conversation whose snooze has ended (of one app, or all): state `open`, and a
   * state event on the team stream. Each wake is a conditional update, so when several processes
   * sweep one database, exactly one of them wakes a conversation and announces it. Returns how
   * many it woke.
   */
  wakeSnoozed(now: number, appId?: string): Promise<number>;
}

async function reread(trx: Db, id: string): Promise<ConversationRow> {
  return trx.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/**
 * An active teammate, a person (not the team token's service teammate), who reaches the app; held
 * so until the assignment commits (a deactivation or a change of apps meanwhile waits for it).
 */
async function assignable(trx: Db, appId: string, teammateId: string): Promise<boolean> {
  const query = trx
    .selectFrom('teammates')
    .innerJoin('teammate_apps', 'teammate_apps.teammate_id', 'teammates.id')
    .select('teammates.id')
    .where('teammates.id', '=', teammateId)
    .where('teammates.service', '=', 0)
    .where('teammates.deactivated_at', 'is', null)
    .where('teammate_apps.app_id', 'in', [appId, ALL_APPS]);
  const row = await locking(trx, query, 'share').executeTakeFirst();
  return row !== undefined;
}

async function teamView(trx: Db, row: ConversationRow, teammateId: string): Promise<TeamConversation> {
  return (await teamSummary(trx, [row], teammateId))[0]!;
}

export function teamWrites(db: Kysely<Database>, transaction: RunTransaction): TeamWrites {
  return {
    setState: (appId, conversationId, change, teammateId, now) =>
      transaction(async (trx, publish) => {
        const conversation = await teamConversationRow(trx, appId, conversationId, 'update');
        const snoozedUntil = change.state === 'snoozed' ? change.snoozed_until : null;
        const unchanged =
          conversation.state === change.state &&
          (change.state !== 'snoozed' || Number(conversation.snoozed_until) === change.snoozed_until);
        // Already so: nothing changes, so nothing is written or announced.
        if (unchanged) return teamView(trx, conversation, teammateId);
        // The visitor sees only closed or not: a snooze or its end moves nothing of theirs.
        const visibleChange = (conversation.state === 'closed') !== (change.state === 'closed');
        await trx
          .updateTable('conversations')
          .set({
            state: change.state,
            snoozed_until: snoozedUntil,
            state_changed_by: teammateId,
            state_changed_at: now,
            activity_at: now,
            ...(visibleChange ? { updated_at: now } : {}),
          })
          .where('id', '=', conversation.id)
          .execute();
        const updated = await reread(trx, conversation.id);
        if (visibleChange) {
          await recordRealtime(
            trx,
            publish,
            appId,
            conversation.person_id,
            { type: 'conversation', conversation: toSummary(updated, await lastMessageOf(trx, updated.id)) },
            now,
          );
        }
        await recordTeamEvent(
          trx,
          publish,
          appId,
          {
            type: 'state',
            conversation_id: conversation.id,
            state: change.state,
            snoozed_until: snoozedUntil,
            teammate_id: teammateId,
            activity_at: now,
          },
          now,
        );
        await recordTeamRead(trx, conversation.id, teammateId, now);
        return teamView(trx, updated, teammateId);
      }),

    assign: (appId, conversationId, assigneeId, teammateId, now) =>
      transaction(async (trx, publish) => {
        const conversation = await teamConversationRow(trx, appId, conversationId, 'update');
        if (assigneeId !== null && !(await assignable(trx, appId, assigneeId))) return 'not_assignable' as const;
        if (conversation.assignee_id === assigneeId) return teamView(trx, conversation, teammateId);
        await trx
          .updateTable('conversations')
          .set({ assignee_id: assigneeId, assigned_by: teammateId, assigned_at: now, activity_at: now })
          .where('id', '=', conversation.id)
          .execute();
        await recordTeamEvent(
          trx,
          publish,
          appId,
          {
            type: 'assignment',
            conversation_id: conversation.id,
            assignee_id: assigneeId,
            teammate_id: teammateId,
            activity_at: now,
          },
          now,
        );
        await recordTeamRead(trx, conversation.id, teammateId, now);
        return teamView(trx, await reread(trx, conversation.id), teammateId);
      }),

    addNote: (appId, conversationId, body, author, now, clientId) =>
      transaction(async (trx, publish) => {
        const conversation = await teamConversationRow(trx, appId, conversationId, 'update');
        if (clientId !== undefined) {
          // Keyed by author too: another teammate's client id never names this one's note.
          const earlier = await trx
            .selectFrom('conversation_notes')
            .selectAll()
            .where('conversation_id', '=', conversation.id)
            .where('author_id', '=', author.id)
            .where('client_id', '=', clientId)
            .executeTakeFirst();
          if (earlier) return earlier.body === body ? toNote(earlier) : ('client_id_reused' as const);
        }
        const row = {
          id: randomUUID(),
          app_id: appId,
          conversation_id: conversation.id,
          author_id: author.id,
          author_name: author.name,
          author_avatar_url: author.avatar_url ?? null,
          body,
          created_at: now,
          client_id: clientId ?? null,
        };
        await trx.insertInto('conversation_notes').values(row).execute();
        // The team's clock only: updated_at is the visitor's, and a note must leave no trace there.
        await trx.updateTable('conversations').set({ activity_at: now }).where('id', '=', conversation.id).execute();
        const note = toNote({ ...row, seq: 0 });
        await recordTeamEvent(
          trx,
          publish,
          appId,
          {
            type: 'note',
            conversation_id: conversation.id,
            note,
            ...(clientId !== undefined ? { client_id: clientId } : {}),
          },
          now,
        );
        await recordTeamRead(trx, conversation.id, author.id, now);
        return note;
      }),

    markTeamRead: (appId, conversationId, teammateId, now) =>
      transaction(async (trx, publish) => {
        const conversation = await teamConversationRow(trx, appId, conversationId, 'update');
        await recordTeamRead(trx, conversation.id, teammateId, now);
        const seen = await recordSeenByTeam(trx, publish, conversation, now);
        await recordTeamEvent(
          trx,
          publish,
          appId,
          { type: 'read', conversation_id: conversation.id, reader: 'teammate', teammate_id: teammateId, read_at: now },
          now,
        );
        return teamView(trx, seen, teammateId);
      }),

    async wakeSnoozed(now, appId) {
      let query = db
        .selectFrom('conversations')
        .select(['id', 'app_id'])
        .where('state', '=', 'snoozed')
        .where('snoozed_until', '<=', now);
      if (appId !== undefined) query = query.where('app_id', '=', appId);
      // A read first, outside any write: most sweeps find nothing and take no write lock.
      const due = await query.limit(WAKE_BATCH).execute();
      let woken = 0;
      for (const { id, app_id } of due) {
        woken += await transaction(async (trx, publish) => {
          const result = await trx
            .updateTable('conversations')
            .set({
              state: 'open',
              snoozed_until: null,
              state_changed_by: null,
              state_changed_at: now,
              activity_at: now,
            })
            .where('id', '=', id)
            .where('state', '=', 'snoozed')
            .where('snoozed_until', '<=', now)
            .executeTakeFirst();
          // Another process (or a visitor's message) got there first: it announced the change.
          if (Number(result.numUpdatedRows) === 0) return 0;
          await recordTeamEvent(
            trx,
            publish,
            app_id,
            { type: 'state', conversation_id: id, state: 'open', snoozed_until: null, activity_at: now },
            now,
          );
          return 1;
        });
      }
      return woken;
    },
  };
}
