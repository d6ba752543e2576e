// Tracked events: stored once per person and id.
import type { TrackedEvent } from '@confab/core/protocol';
import type { CompiledQuery, Transaction } from 'kysely';
import type { Database } from '../db/schema';
import type { SessionRecord } from './rows';
import { currentSession } from './sessions';
import type { RunTransaction } from './transaction';

export interface EventStore {
  trackEvents(session: SessionRecord, events: TrackedEvent[], now: number): Promise<string[]>;
}

const COLUMNS = ['app_id', 'id', 'person_id', 'name', 'metadata', 'created_at', 'received_at'] as const;

interface PreparedInsert {
  query: CompiledQuery;
  /** For each parameter of the query: the row and the column (an index of COLUMNS) it takes. */
  slots: [row: number, column: number][];
}

/**
 * The insert of `rows` events, compiled by Kysely with a marker in each place, so where each
 * row's value goes is read from the compiled query rather than assumed. Kysely building a
 * hundred-row insert anew cost about as much as SQLite running it.
 */
function prepareInsert(trx: Transaction<Database>, rows: number): PreparedInsert {
  const marked = Array.from({ length: rows }, (_, row) =>
    Object.fromEntries(COLUMNS.map((column, index) => [column, `${row}:${index}`])),
  ) as never[];
  // Deduplicated per person (migration 0007's unique key): another person's event with the
  // same id is theirs, not this one; a retry, or an id repeated in a batch, is stored once.
  const query = trx
    .insertInto('events')
    .values(marked)
    .onConflict((oc) => oc.columns(['person_id', 'id']).doNothing())
    .compile();
  const slots = query.parameters.map((marker) => String(marker).split(':').map(Number) as [number, number]);
  return { query, slots };
}

export function eventStore(transaction: RunTransaction): EventStore {
  // By row count: a request carries at most EVENTS_PER_REQUEST_MAX (schemas.ts).
  const inserts = new Map<number, PreparedInsert>();
  return {
    trackEvents: (asked, events, now) =>
      transaction(async (trx) => {
        const session = await currentSession(trx, asked, now, 'share');
        let insert = inserts.get(events.length);
        if (!insert) {
          insert = prepareInsert(trx, events.length);
          inserts.set(events.length, insert);
        }
        const rows = events.map((event) => [
          session.app_id,
          event.id,
          session.person_id,
          event.name,
          event.metadata ? JSON.stringify(event.metadata) : null,
          event.created_at,
          now,
        ]);
        await trx.executeQuery({
          ...insert.query,
          parameters: insert.slots.map(([row, column]) => rows[row]![column]),
        });
        return events.map((event) => event.id);
      }),
  };
}
