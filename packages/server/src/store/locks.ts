// What a write locks before it decides on what it read. PostgreSQL runs writes side by side under
// READ COMMITTED: a write that reads a row, decides, then writes must first lock the row its
// decision hangs on, or it decides on what another write is changing. SQLite runs one write at a
// time, so there is nothing to lock there, and FOR UPDATE is not its SQL: each lock here is a
// no-op on SQLite.
//
// Every write takes its locks in one order, so no two writes wait for each other in a circle
// (PostgreSQL would abort one of them): an identity's keys (lockKeys), then sessions
// (sessions.ts: one, currentSession; or, for a lead's login, all of the lead's in token order,
// lockLeadSessions), then a conversation, then its person (conversations.ts,
// lockUnreadOf). A lead's login (people.ts, identify) locks the user it joins after the lead's
// sessions and before the lead's conversations and the lead: no write holds one of those and
// waits for that user.
import { type Kysely, PostgresAdapter, type SelectQueryBuilder, sql } from 'kysely';
import type { Database } from '../db/schema';
import type { Db } from './rows';

// biome-ignore lint/suspicious/noExplicitAny: migration 0010 indexes on its untyped handle too (search.ts).
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * - `update`: the row is read to be changed or deleted (a second such read waits for this write).
 * - `noKeyUpdate`: as `update`, for a change that leaves the row's key alone: an insert that
 *   references the row (its foreign key) does not wait for it.
 * - `share`: the row must not change until this write commits; other `share` reads go on.
 */
export type RowLock = 'update' | 'noKeyUpdate' | 'share';

/** `query` taking `lock` on the rows it reads, on PostgreSQL. */
// biome-ignore lint/suspicious/noExplicitAny: any select of the schema.
export function locking<Q extends SelectQueryBuilder<Database, any, any>>(trx: Db, query: Q, lock: RowLock): Q {
  if (!isPostgres(trx)) return query;
  if (lock === 'update') return query.forUpdate() as Q;
  if (lock === 'noKeyUpdate') return query.forNoKeyUpdate() as Q;
  return query.forShare() as Q;
}

/** The advisory locks' first key: PostgreSQL keeps two-key locks apart from one-key ones, whatever their values. */
const KEY_LOCKS = 7_263_002;

/**
 * Locks names that no row holds yet (an identity about to be made, say) until the write commits:
 * two writes naming one of them run one after the other. In a fixed order, so two writes that
 * lock several never wait for each other in a circle. A hash collision only makes two unrelated
 * names wait for each other.
 */
export async function lockKeys(trx: Db, keys: string[]): Promise<void> {
  if (!isPostgres(trx)) return;
  for (const key of [...new Set(keys)].sort()) {
    await sql`SELECT pg_advisory_xact_lock(${KEY_LOCKS}, hashtext(${key}))`.execute(trx);
  }
}
