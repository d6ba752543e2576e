// Tracked events: stored once per person and id.
import type { TrackedEvent } from '@confab/core/protocol';
import type { SessionRecord } from './rows';
import { currentSession } from './sessions';
import type { RunTransaction } from './transaction';

export interface EventStore {
  trackEvents(session: SessionRecord, events: TrackedEvent[], now: number): Promise<string[]>;
}

export function eventStore(transaction: RunTransaction): EventStore {
  return {
    trackEvents: (asked, events, now) =>
      transaction(async (trx) => {
        const session = await currentSession(trx, asked, now, 'share');
        // Deduplicated per person (migration 0007's unique key): another person's event with the
        // same id is theirs, not this one; a retry, or an id repeated in a batch, is stored once.
        await trx
          .insertInto('events')
          .values(
            events.map((event) => ({
              app_id: session.app_id,
              id: event.id,
              person_id: session.person_id,
              name: event.name,
              metadata: event.metadata ? JSON.stringify(event.metadata) : null,
              created_at: event.created_at,
              received_at: now,
            })),
          )
          .onConflict((oc) => oc.columns(['person_id', 'id']).doNothing())
          .execute();
        return events.map((event) => event.id);
      }),
  };
}
