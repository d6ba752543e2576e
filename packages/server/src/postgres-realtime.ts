// The realtime hub for several server processes on one PostgreSQL: news of a commit goes out with
// NOTIFY and every process (this one included) hears it on one LISTEN connection, then its
// streams read the events from the database by id, as with one process. The ids come from the
// database, so a client can resume with Last-Event-ID on any process.
import { sql, type Transaction } from 'kysely';
import type pg from 'pg';
import type { Database } from './db/schema';
import type { RealtimeHub } from './realtime';
import { createLocalRealtimeHub } from './realtime';

export const REALTIME_CHANNEL = 'confab_realtime';

/** The news of a commit, sent from inside its transaction (StoreOptions.announce): delivered at commit. */
export async function announceInTransaction(
  trx: Transaction<Database>,
  appId: string,
  personId: string,
): Promise<void> {
  await sql`SELECT pg_notify(${REALTIME_CHANNEL}, ${JSON.stringify([appId, personId])})`.execute(trx);
}

/** How long to wait before listening again after the LISTEN connection broke. */
const RELISTEN_MS = 1_000;

export async function createPostgresRealtimeHub(
  pool: pg.Pool,
  log: (message: string, error?: unknown) => void = () => {},
): Promise<RealtimeHub> {
  const local = createLocalRealtimeHub();
  let client: pg.PoolClient | null = null;
  let releaseClient: (broken: boolean) => void = () => {};
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const onNotification = (message: pg.Notification) => {
    if (message.channel !== REALTIME_CHANNEL || !message.payload) return;
    // Anyone with access to the database may NOTIFY on the channel: a throw here would escape
    // into pg's connection handling.
    let news: unknown;
    try {
      news = JSON.parse(message.payload);
    } catch {
      news = undefined;
    }
    if (!Array.isArray(news) || news.length !== 2 || typeof news[0] !== 'string' || typeof news[1] !== 'string') {
      log(`realtime NOTIFY ignored: not [app_id, person_id]: ${message.payload.slice(0, 200)}`);
      return;
    }
    local.notify(news[0], news[1]);
  };

  async function listen(): Promise<void> {
    const next = await pool.connect();
    let released = false;
    const release = (broken: boolean) => {
      if (released) return;
      released = true;
      next.removeListener('notification', onNotification);
      next.release(broken);
    };
    next.on('notification', onNotification);
    // Errors of a connection already handed back (at close) are the pool's to handle.
    next.on('error', (error) => {
      if (released) return;
      release(true);
      if (client !== next) return;
      client = null;
      log('realtime LISTEN connection lost; listening again', error);
      schedule();
    });
    try {
      await next.query(`LISTEN ${REALTIME_CHANNEL}`);
    } catch (error) {
      release(true);
      throw error;
    }
    client = next;
    releaseClient = release;
  }

  function schedule() {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      listen().then(
        // NOTIFYs sent while nobody listened are gone: every stream reads what it may have missed.
        () => local.notifyAll(),
        (error: unknown) => {
          log('realtime LISTEN failed; retrying', error);
          schedule();
        },
      );
    }, RELISTEN_MS);
  }

  await listen();

  return {
    // For news from outside a write transaction; the store announces its own (announceInTransaction).
    notify(appId, personId) {
      pool
        .query('SELECT pg_notify($1, $2)', [REALTIME_CHANNEL, JSON.stringify([appId, personId])])
        .catch((error: unknown) => {
          // The events are committed; a lost notice only delays them until the stream's next news.
          log('realtime NOTIFY failed', error);
          local.notify(appId, personId);
        });
    },
    listen: local.listen,
    notifyAll: local.notifyAll,
    listenerCount: local.listenerCount,
    async close() {
      closed = true;
      clearTimeout(retry);
      const current = client;
      client = null;
      if (current) {
        await current.query(`UNLISTEN ${REALTIME_CHANNEL}`).catch(() => {});
        releaseClient(false);
      }
      await local.close();
    },
  };
}
