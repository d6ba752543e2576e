// The one place each team write announces itself on the team stream. The realtime part owns the
// stream (store/team-outbox.ts recordTeamEvent, the event types in team-events.ts); until that is
// merged, this records nothing, and wiring it is a change to this file alone.
import type { Message } from '@confab/core/protocol';
import type { Db, Note, TeamConversation } from './rows';
import type { Publish } from './transaction';

/** The shapes of team-events.ts's TeamEventBody (realtime's), restated until it is merged. */
export type TeamWriteEvent =
  | { type: 'conversation.created'; conversation: TeamConversation }
  | { type: 'message'; conversation_id: string; message: Message }
  | { type: 'note'; conversation_id: string; note: Note }
  /** `teammate_id`: who changed it; absent when a visitor's message reopened it or its snooze ended. */
  | {
      type: 'state';
      conversation_id: string;
      state: 'open' | 'snoozed' | 'closed';
      snoozed_until?: number | null;
      teammate_id?: string;
    }
  | { type: 'assignment'; conversation_id: string; assignee_id: string | null; teammate_id?: string }
  | { type: 'read'; conversation_id: string; reader: 'teammate'; teammate_id: string; read_at: number };

export async function recordTeamWrite(
  _trx: Db,
  _publish: Publish,
  _appId: string,
  _event: TeamWriteEvent,
  _now: number,
): Promise<void> {
  // recordTeamEvent(trx, publish, appId, event, now) once store/team-outbox.ts is on main.
}
