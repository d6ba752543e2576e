// Where a stream of stored events stands, and the reads both outboxes (realtime-outbox.ts,
// team-outbox.ts) share. A position is (tx, id): the id of the transaction that wrote the row,
// then the row's id. SQLite has one writer and commits ids in order, so its tx is always 0 and a
// position is the id. PostgreSQL's transactions commit in any order, so a bigserial id may become
// visible after a larger one was read: its rows carry the writing transaction's id (migration
// 0014), and a read returns only rows below its snapshot's xmin (the fence: every transaction
// below it has ended, so no row will ever appear before what the read returned), in (tx, id)
// order. A committed row at or above the fence is held: the stream reads again once the fence
// has passed it (fence-watch.ts).
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';
import { FENCE, fencePassed } from './fence-watch';
import { isPostgres } from './locks';

export interface StreamPosition {
  /** The writing transaction's id (PostgreSQL's xid8); 0 on SQLite and for rows older than migration 0014. */
  tx: number;
  /** The row id: what the client sees as the SSE `id:` and resumes from with Last-Event-ID. */
  id: number;
}

export interface StreamPage<Event> {
  /** Oldest first. */
  events: Event[];
  /** Where the next read starts: after the last event, or where this one started. */
  next: StreamPosition;
  /**
   * Present when committed rows after `next` are not readable yet, because an older transaction
   * is still running: nobody announces them again when it ends. Resolves once they can be read.
   */
  held?: Promise<void>;
}

export type OutboxTable = 'realtime_events' | 'team_events';

/** The rows of one person (or app) after a position, oldest first, as payload and id. */
export async function readOutbox(
  db: Kysely<Database>,
  table: OutboxTable,
  owner: { column: 'person_id' | 'app_id'; value: string },
  after: StreamPosition,
  limit: number,
): Promise<StreamPage<{ id: number; payload: string }>> {
  if (!isPostgres(db)) {
    const { rows } = await sql<{ id: number; payload: string }>`
      SELECT id, payload FROM ${sql.table(table)}
      WHERE ${sql.ref(owner.column)} = ${owner.value} AND id > ${after.id}
      ORDER BY id LIMIT ${limit}`.execute(db);
    const last = rows.at(-1);
    return { events: rows, next: last ? { tx: 0, id: Number(last.id) } : after };
  }
  // The rows above the fence come along in the same index scan: the first of them ends the page and
  // says it is held, so "held?" costs no second query.
  const { rows } = await sql<{ id: number; payload: string; tx: number; final: boolean }>`
    SELECT id, payload, tx::text::bigint AS tx, tx < ${FENCE} AS final FROM ${sql.table(table)}
    WHERE ${sql.ref(owner.column)} = ${owner.value} AND (tx, id) > (${String(after.tx)}::xid8, ${after.id})
    ORDER BY tx, id LIMIT ${limit}`.execute(db);
  const firstHeld = rows.findIndex((row) => !row.final);
  const events = firstHeld === -1 ? rows : rows.slice(0, firstHeld);
  const last = events.at(-1);
  const next = last ? { tx: Number(last.tx), id: Number(last.id) } : after;
  return firstHeld === -1 ? { events, next } : { events, next, held: fencePassed(db, Number(rows[firstHeld]!.tx)) };
}

/**
 * The position of a row, to resume after it; id 0, before every row, is the start of the order;
 * undefined when no such row is there (another database, a reset).
 */
export async function positionOf(
  db: Kysely<Database>,
  table: OutboxTable,
  id: number,
): Promise<StreamPosition | undefined> {
  if (id === 0) return { tx: 0, id: 0 };
  if (!Number.isSafeInteger(id)) return undefined;
  const tx = isPostgres(db) ? sql<number>`tx::text::bigint` : sql<number>`0`;
  const { rows } = await sql<{ tx: number }>`SELECT ${tx} AS tx FROM ${sql.table(table)} WHERE id = ${id}`.execute(db);
  return rows[0] ? { tx: Number(rows[0].tx), id } : undefined;
}

/**
 * Where a stream that starts now starts, so that nothing committed from now on is missed. SQLite:
 * after the newest row. PostgreSQL: before every transaction still running (the fence), so a few
 * rows of transactions that were running and have committed may come again: clients keep an
 * event once by its content's id (a message by its id; a conversation replaces its copy).
 */
export async function streamStart(db: Kysely<Database>, table: OutboxTable): Promise<StreamPosition> {
  if (isPostgres(db)) {
    const { rows } = await sql<{ fence: number }>`SELECT ${FENCE}::text::bigint AS fence`.execute(db);
    return { tx: Number(rows[0]!.fence), id: 0 };
  }
  const { rows } = await sql<{ id: number | null }>`SELECT max(id) AS id FROM ${sql.table(table)}`.execute(db);
  return { tx: 0, id: Number(rows[0]?.id ?? 0) };
}
