// "Seen" from the team's side: a teammate read a conversation, so the visitor's messenger learns
// the team has seen their messages up to now, and the other teammates' streams hear who read it.

import { teamConversationRow } from './conversations';
import { recordRealtime } from './realtime-outbox';
import { recordTeamEvent } from './team-outbox';
import type { RunTransaction } from './transaction';

export interface TeamSeenStore {
  /**
   * A teammate read the conversation at `now`: `team_seen_at` moves to `now` (and the person's
   * stream gets a `seen` event) when the person wrote something since the team last read it; the
   * team stream gets a `read` event either way. Returns the conversation's `team_seen_at`.
   */
  markSeenByTeam(appId: string, conversationId: string, teammateId: string, now: number): Promise<number | null>;
}

export function teamSeenStore(transaction: RunTransaction): TeamSeenStore {
  return {
    markSeenByTeam: (appId, conversationId, teammateId, now) =>
      transaction(async (trx, publish) => {
        const conversation = await teamConversationRow(trx, appId, conversationId);
        const seenBefore = conversation.team_seen_at === null ? null : Number(conversation.team_seen_at);
        let seenAt = seenBefore;
        const unseen = await trx
          .selectFrom('messages')
          .select('seq')
          .where('conversation_id', '=', conversation.id)
          .where('author', '=', 'person')
          .$if(seenBefore !== null, (query) => query.where('created_at', '>', seenBefore!))
          .limit(1)
          .executeTakeFirst();
        // Never backwards: a clock that stepped back does not unsee what was seen.
        if (unseen && (seenBefore === null || now > seenBefore)) {
          seenAt = now;
          await trx.updateTable('conversations').set({ team_seen_at: now }).where('id', '=', conversation.id).execute();
          await recordRealtime(
            trx,
            publish,
            appId,
            conversation.person_id,
            { type: 'seen', conversation_id: conversation.id, seen_at: now },
            now,
          );
        }
        await recordTeamEvent(
          trx,
          publish,
          appId,
          { type: 'read', conversation_id: conversation.id, reader: 'teammate', teammate_id: teammateId, read_at: now },
          now,
        );
        return seenAt;
      }),
  };
}
