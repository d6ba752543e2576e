// "Seen" from the team's side: when a teammate reads a conversation, the visitor's messenger
// learns the team has seen their messages up to now.

import type { ConversationRow } from '../db/schema';
import { recordRealtime } from './realtime-outbox';
import type { Db } from './rows';
import type { Publish } from './transaction';

/**
 * Moves `team_seen_at` to `now` (and puts a stored `seen` event on the person's stream) when the
 * person wrote something since the team last read the conversation; returns the row as it now is.
 */
export async function recordSeenByTeam(
  trx: Db,
  publish: Publish,
  conversation: ConversationRow,
  now: number,
): Promise<ConversationRow> {
  const seenBefore = conversation.team_seen_at === null ? null : Number(conversation.team_seen_at);
  const unseen = await trx
    .selectFrom('messages')
    .select('seq')
    .where('conversation_id', '=', conversation.id)
    .where('author', '=', 'person')
    .$if(seenBefore !== null, (query) => query.where('created_at', '>', seenBefore!))
    .limit(1)
    .executeTakeFirst();
  // Never backwards: a clock that stepped back does not unsee what was seen.
  if (!unseen || (seenBefore !== null && now <= seenBefore)) return conversation;
  await trx.updateTable('conversations').set({ team_seen_at: now }).where('id', '=', conversation.id).execute();
  await recordRealtime(
    trx,
    publish,
    conversation.app_id,
    conversation.person_id,
    { type: 'seen', conversation_id: conversation.id, seen_at: now },
    now,
  );
  return { ...conversation, team_seen_at: now };
}
