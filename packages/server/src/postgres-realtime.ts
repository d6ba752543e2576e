// The realtime hub for several server processes on one PostgreSQL: news of a commit goes out with
// NOTIFY and every process (this one included) hears it on one LISTEN connection, then its
// streams read the events from the database by id, as with one process. The ids come from the
// database, so a client can resume with Last-Event-ID on any process. Three channels: a person's
// news ([app_id, person_id]), an app's team news (the app id), and ephemeral events (typing),
// which are never stored, so their NOTIFY carries the event itself.
import { sql, type Transaction } from 'kysely';
import type pg from 'pg';
import type { Database } from './db/schema';
import type { EphemeralTarget, RealtimeHub } from './realtime';
import { createLocalRealtimeHub } from './realtime';
import type { AnnouncedNews } from './store/transaction';

export const REALTIME_CHANNEL = 'confab_realtime';
export const TEAM_CHANNEL = 'confab_team';
export const EPHEMERAL_CHANNEL = 'confab_ephemeral';
/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
export const NOTIFY_PAYLOAD_MAX_BYTES = 7_999;
const APP_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The news of a commit, sent from inside its transaction (StoreOptions.announce): delivered at
 * commit. One statement for every person and app the write touched: each is a round trip, inside
 * a transaction that holds its locks until it commits.
 */
export async function announceInTransaction(trx: Transaction<Database>, news: AnnouncedNews): Promise<void> {
  const channels: string[] = [];
  const payloads: string[] = [];
  for (const [personId, appId] of news.people) {
    channels.push(REALTIME_CHANNEL);
    payloads.push(JSON.stringify([appId, personId]));
  }
  for (const appId of news.apps) {
    channels.push(TEAM_CHANNEL);
    payloads.push(appId);
  }
  if (channels.length === 0) return;
  await sql`SELECT pg_notify(news.channel, news.payload) FROM unnest(${channels}::text[], ${payloads}::text[]) AS news(channel, payload)`.execute(
    trx,
  );
}

/**
 * An ephemeral event as a NOTIFY payload, under PostgreSQL's limit: without the avatar URL if that
 * makes it fit (the client shows initials), undefined if even that does not.
 */
export function ephemeralPayload(target: EphemeralTarget): string | undefined {
  const fits = (text: string) => Buffer.byteLength(text) <= NOTIFY_PAYLOAD_MAX_BYTES;
  const whole = JSON.stringify(target);
  if (fits(whole)) return whole;
  const { author_avatar_url: _dropped, ...event } = target.event as typeof target.event & {
    author_avatar_url?: string;
  };
  const smaller = JSON.stringify({ ...target, event });
  return fits(smaller) ? smaller : undefined;
}

/** A NOTIFY payload of the ephemeral channel read back, or undefined when it is not one this server sends. */
function parseEphemeral(payload: string): EphemeralTarget | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const target = value as Record<string, unknown>;
  const event = target.event as Record<string, unknown> | null | undefined;
  if (typeof target.app_id !== 'string' || typeof event !== 'object' || event === null) return undefined;
  if (event.type !== 'typing' || typeof event.conversation_id !== 'string') return undefined;
  if (target.team === true || typeof target.person_id === 'string') return target as unknown as EphemeralTarget;
  return undefined;
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
    if (!message.payload) return;
    if (message.channel === TEAM_CHANNEL) {
      if (APP_ID.test(message.payload)) local.notifyTeam(message.payload);
      else log(`team NOTIFY ignored: not an app id: ${message.payload.slice(0, 200)}`);
      return;
    }
    if (message.channel === EPHEMERAL_CHANNEL) {
      const target = parseEphemeral(message.payload);
      if (target) local.sendEphemeral(target);
      else log(`ephemeral NOTIFY ignored: not an event this server sends: ${message.payload.slice(0, 200)}`);
      return;
    }
    if (message.channel !== REALTIME_CHANNEL) return;
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
      await next.query(`LISTEN ${REALTIME_CHANNEL}; LISTEN ${TEAM_CHANNEL}; LISTEN ${EPHEMERAL_CHANNEL}`);
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
    notifyTeam(appId) {
      pool.query('SELECT pg_notify($1, $2)', [TEAM_CHANNEL, appId]).catch((error: unknown) => {
        log('team NOTIFY failed', error);
        local.notifyTeam(appId);
      });
    },
    listenTeam: local.listenTeam,
    sendEphemeral(target) {
      const payload = ephemeralPayload(target);
      // Too large to cross processes: this process's streams still get it.
      if (payload === undefined) {
        log('ephemeral event too large for NOTIFY: delivered on this process only');
        local.sendEphemeral(target);
        return;
      }
      pool.query('SELECT pg_notify($1, $2)', [EPHEMERAL_CHANNEL, payload]).catch((error: unknown) => {
        // Typing is worth a moment only: this process's streams get it, the others miss it.
        log('ephemeral NOTIFY failed', error);
        local.sendEphemeral(target);
      });
    },
    notifyAll: local.notifyAll,
    listenerCount: local.listenerCount,
    async close() {
      closed = true;
      clearTimeout(retry);
      const current = client;
      client = null;
      if (current) {
        await current.query('UNLISTEN *').catch(() => {});
        releaseClient(false);
      }
      await local.close();
    },
  };
}
