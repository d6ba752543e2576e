// The team outbox: an app's team events, written in the transaction that causes them and
// announced to its team streams once it commits (as realtime-outbox.ts does for a person).
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { TeamEvent, TeamEventBody } from '../team-events';
import type { Db } from './rows';
import type { Publish } from './transaction';

export async function recordTeamEvent(
  trx: Db,
  publish: Publish,
  appId: string,
  event: TeamEventBody,
  now: number,
): Promise<void> {
  await trx
    .insertInto('team_events')
    .values({ app_id: appId, payload: JSON.stringify(event), created_at: now })
    .execute();
  publish.team(appId);
}

export interface TeamOutbox {
  /** An app's team events after an id, oldest first. */
  teamEventsAfter(appId: string, afterId: number, limit: number): Promise<TeamEvent[]>;
  /** The newest team event id of the whole database (0 when none): where a fresh team stream starts. */
  latestTeamEventId(): Promise<number>;
}

export function teamOutbox(db: Kysely<Database>): TeamOutbox {
  return {
    async teamEventsAfter(appId, afterId, limit) {
      const rows = await db
        .selectFrom('team_events')
        .selectAll()
        .where('app_id', '=', appId)
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((row) => ({ ...(JSON.parse(row.payload) as TeamEventBody), id: String(row.id) }) as TeamEvent);
    },

    async latestTeamEventId() {
      const row = await db
        .selectFrom('team_events')
        .select((eb) => eb.fn.max('id').as('id'))
        .executeTakeFirst();
      return Number(row?.id ?? 0);
    },
  };
}
