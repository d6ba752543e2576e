// The team outbox: an app's team events, written in the transaction that causes them and
// announced to its team streams once it commits (as realtime-outbox.ts does for a person).
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { TeamEvent, TeamEventBody } from '../team-events';
import type { Db } from './rows';
import { positionOf, readOutbox, type StreamPage, type StreamPosition, streamStart } from './stream-position';
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
  /** An app's team events after a position, oldest first (store/stream-position.ts). */
  teamEventsAfter(appId: string, after: StreamPosition, limit: number): Promise<StreamPage<TeamEvent>>;
  /** The position of a team event, to resume after it (Last-Event-ID); undefined when there is none by that id. */
  teamEventPosition(id: number): Promise<StreamPosition | undefined>;
  /** Where a fresh team stream starts: nothing committed from now on is missed. */
  teamStreamStart(): Promise<StreamPosition>;
}

export function teamOutbox(db: Kysely<Database>): TeamOutbox {
  return {
    async teamEventsAfter(appId, after, limit) {
      const page = await readOutbox(db, 'team_events', { column: 'app_id', value: appId }, after, limit);
      return {
        ...page,
        events: page.events.map(
          (row) => ({ ...(JSON.parse(row.payload) as TeamEventBody), id: String(row.id) }) as TeamEvent,
        ),
      };
    },

    teamEventPosition: (id) => positionOf(db, 'team_events', id),

    teamStreamStart: () => streamStart(db, 'team_events'),
  };
}
