// The realtime outbox: events written in the transaction that causes them, read by the streams.
import type { RealtimeEvent } from '@confab/core/protocol';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Db, RealtimeEventBody } from './rows';
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
  /** Realtime events of a person after an id, oldest first. */
  realtimeAfter(personId: string, afterId: number, limit: number): Promise<RealtimeEvent[]>;
  /** The newest realtime event id of a person, or of the whole database without one (0 when none). */
  latestRealtimeId(personId?: string): Promise<number>;
}

export function realtimeOutbox(db: Kysely<Database>): RealtimeOutbox {
  return {
    async realtimeAfter(personId, afterId, limit) {
      const rows = await db
        .selectFrom('realtime_events')
        .selectAll()
        .where('person_id', '=', personId)
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(
        (row) => ({ ...(JSON.parse(row.payload) as RealtimeEventBody), id: String(row.id) }) as RealtimeEvent,
      );
    },

    async latestRealtimeId(personId) {
      let query = db.selectFrom('realtime_events').select((eb) => eb.fn.max('id').as('id'));
      if (personId !== undefined) query = query.where('person_id', '=', personId);
      const row = await query.executeTakeFirst();
      return Number(row?.id ?? 0);
    },
  };
}
