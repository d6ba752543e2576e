// The realtime outbox: events written in the transaction that causes them, read by the streams.
import type { RealtimeEvent } from '@confab/core/protocol';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Db, RealtimeEventBody } from './rows';
import { positionOf, readOutbox, type StreamPage, type StreamPosition } from './stream-position';
import type { Publish } from './transaction';

export async function recordRealtime(
  trx: Db,
  publish: Publish,
  appId: string,
  personId: string,
  event: RealtimeEventBody,
  now: number,
) {
  await trx
    .insertInto('realtime_events')
    .values({ app_id: appId, person_id: personId, payload: JSON.stringify(event), created_at: now })
    .execute();
  publish(appId, personId);
}

export interface RealtimeOutbox {
  /** A person's realtime events after a position, oldest first (store/stream-position.ts). */
  realtimeAfter(personId: string, after: StreamPosition, limit: number): Promise<StreamPage<RealtimeEvent>>;
  /** The position of a realtime event, to resume after it (Last-Event-ID); undefined when there is none by that id. */
  realtimePosition(id: number): Promise<StreamPosition | undefined>;
}

export function realtimeOutbox(db: Kysely<Database>): RealtimeOutbox {
  return {
    async realtimeAfter(personId, after, limit) {
      const page = await readOutbox(db, 'realtime_events', { column: 'person_id', value: personId }, after, limit);
      return {
        ...page,
        events: page.events.map(
          (row) => ({ ...(JSON.parse(row.payload) as RealtimeEventBody), id: String(row.id) }) as RealtimeEvent,
        ),
      };
    },

    realtimePosition: (id) => positionOf(db, 'realtime_events', id),
  };
}
