// Held events wait here for the fence (stream-position.ts) to pass them. A committed event above
// the fence is held behind an older transaction still running, and nobody announces it again when
// that one ends: something has to look. One watcher per database asks PostgreSQL for the fence,
// a few ms after the first stream waits and then less often (doubling to 100 ms) while it does not
// move, and lets each stream go once the fence has passed its event: however many streams wait,
// and however long a transaction runs, the database answers one small query per tick.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';

const FIRST_LOOK_MS = 4;
const LONGEST_WAIT_MS = 100;

/** The fence: every transaction below the xmin of the statement's snapshot has ended. */
export const FENCE = sql<string>`pg_snapshot_xmin(pg_current_snapshot())`;

interface Watcher {
  waiting: Array<{ tx: number; release: () => void }>;
  timer: NodeJS.Timeout | undefined;
  delay: number;
}

const watchers = new WeakMap<Kysely<Database>, Watcher>();

/** Resolves once every transaction below `tx`, and `tx` itself, has ended. */
export function fencePassed(db: Kysely<Database>, tx: number): Promise<void> {
  let watcher = watchers.get(db);
  if (!watcher) {
    watcher = { waiting: [], timer: undefined, delay: FIRST_LOOK_MS };
    watchers.set(db, watcher);
  }
  const own = watcher;
  return new Promise((release) => {
    own.waiting.push({ tx, release });
    if (!own.timer) schedule(db, own);
  });
}

function schedule(db: Kysely<Database>, watcher: Watcher) {
  watcher.timer = setTimeout(() => void look(db, watcher), watcher.delay);
  // A server closing does not wait for it: its streams are gone.
  watcher.timer.unref();
}

async function look(db: Kysely<Database>, watcher: Watcher) {
  let fence: number;
  try {
    const { rows } = await sql<{ fence: number }>`SELECT ${FENCE}::text::bigint AS fence`.execute(db);
    fence = Number(rows[0]!.fence);
  } catch {
    // The database is gone or closing: the streams read again and meet the error themselves.
    fence = Number.POSITIVE_INFINITY;
  }
  const before = watcher.waiting.length;
  const still = watcher.waiting.filter((waiter) => waiter.tx >= fence);
  for (const waiter of watcher.waiting) if (waiter.tx < fence) waiter.release();
  watcher.waiting = still;
  watcher.delay = still.length < before ? FIRST_LOOK_MS : Math.min(watcher.delay * 2, LONGEST_WAIT_MS);
  watcher.timer = undefined;
  if (still.length > 0) schedule(db, watcher);
  else watcher.delay = FIRST_LOOK_MS;
}
