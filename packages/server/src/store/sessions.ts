// Sessions: opened at boot, read on every request, ended at shutdown or when a lead logs in.
import { randomBytes } from 'node:crypto';
import { SESSION_LIFETIME_MS } from '@confab/core/protocol';
import type { Kysely } from 'kysely';
import type { Database, PersonRow } from '../db/schema';
import { SessionEndedError } from '../domain-errors';
import { isPostgres, locking, type RowLock } from './locks';
import { type Db, hashToken, type SessionRecord } from './rows';
import { streamStart } from './stream-position';
import type { Publish, RunTransaction } from './transaction';

/** A shut-down lead's device_hash: no sha-256 in hex equals it, so no device resumes that lead. */
export const LEAD_DEVICE_REVOKED = 'revoked';

/** A new session of a person; its fresh streams start where nothing committed from now on is missed (stream-position.ts). */
export async function openSession(
  trx: Db,
  appId: string,
  personId: string,
  now: number,
): Promise<{ token: string; expires_at: number }> {
  const token = randomBytes(32).toString('base64url');
  const expires_at = now + SESSION_LIFETIME_MS;
  const start = await streamStart(trx, 'realtime_events');
  await trx
    .insertInto('sessions')
    .values({
      token_hash: hashToken(token),
      app_id: appId,
      person_id: personId,
      created_at: now,
      expires_at,
      revoked_at: null,
      stream_from: start.id,
      stream_from_tx: start.tx,
    })
    .execute();
  return { token, expires_at };
}

/**
 * The session as it is now, read inside the caller's transaction. The request's session was read
 * before its body arrived: meanwhile a lead may have logged in as an existing user (its session
 * now names the user and the lead is gone), or the session may have ended. Writing with the
 * stale person would fail or land on a deleted row.
 *
 * Locked until the write commits (locks.ts), so it keeps naming that person: a lead's login,
 * which moves the lead's sessions to the user before it moves anything else, waits for a write
 * that holds one, or the write waits and reads the user. `update` where the write decides on it
 * alone (one start per client id), `share` otherwise.
 */
export async function currentSession(
  trx: Db,
  session: SessionRecord,
  now: number,
  lock: Exclude<RowLock, 'noKeyUpdate'>,
): Promise<SessionRecord> {
  const row = await locking(
    trx,
    trx
      .selectFrom('sessions')
      .select(['person_id', 'revoked_at', 'expires_at'])
      .where('token_hash', '=', session.token_hash),
    lock,
  ).executeTakeFirst();
  if (!row || row.revoked_at !== null || Number(row.expires_at) <= now) throw new SessionEndedError();
  return row.person_id === session.person_id ? session : { ...session, person_id: row.person_id };
}

/**
 * A login of a lead ends and moves every session of the lead: it locks them all first, in one
 * order (by token hash), before any of them alone, so two logins of one lead through two of its
 * sessions wait for each other in turn, not in a circle. `tokenHash` names one of them; a user's
 * sessions are left alone.
 */
export async function lockLeadSessions(trx: Db, tokenHash: string): Promise<void> {
  if (!isPostgres(trx)) return;
  await trx
    .selectFrom('sessions')
    .select('token_hash')
    .where('person_id', '=', (eb) =>
      eb
        .selectFrom('sessions as named')
        .innerJoin('people', 'people.id', 'named.person_id')
        .select('named.person_id')
        .where('named.token_hash', '=', tokenHash)
        .where('people.role', '=', 'lead'),
    )
    .orderBy('token_hash')
    .forUpdate()
    .execute();
}

/**
 * A lead is logging in: every session of it ends but the one making the login (`keep`, a token
 * hash; none at a boot that proved the lead by its device), so a session opened elsewhere as the
 * lead never reads the user's history. Their open streams hear of it and close.
 */
export async function endOtherLeadSessions(
  trx: Db,
  publish: Publish,
  lead: PersonRow,
  keep: string | undefined,
  now: number,
): Promise<void> {
  // In lockLeadSessions' order: a login the lead's device alone proved has locked none yet.
  await locking(
    trx,
    trx.selectFrom('sessions').select('token_hash').where('person_id', '=', lead.id).orderBy('token_hash'),
    'update',
  ).execute();
  let query = trx
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('person_id', '=', lead.id)
    .where('revoked_at', 'is', null);
  if (keep !== undefined) query = query.where('token_hash', '!=', keep);
  const ended = await query.executeTakeFirst();
  if (Number(ended.numUpdatedRows) > 0) publish(lead.app_id, lead.id);
}

export interface SessionStore {
  session(appId: string, token: string, now: number): Promise<SessionRecord | null>;
  endSession(appId: string, token: string, now: number): Promise<void>;
}

export function sessionStore(db: Kysely<Database>, transaction: RunTransaction): SessionStore {
  return {
    async session(appId, token, now) {
      const row = await db
        .selectFrom('sessions')
        .selectAll()
        .where('token_hash', '=', hashToken(token))
        .executeTakeFirst();
      if (!row || row.app_id !== appId || row.revoked_at !== null || Number(row.expires_at) <= now) return null;
      return {
        token_hash: row.token_hash,
        app_id: row.app_id,
        person_id: row.person_id,
        expires_at: Number(row.expires_at),
        stream_from: { tx: Number(row.stream_from_tx), id: Number(row.stream_from) },
      };
    },

    endSession: (appId, token, now) =>
      transaction(async (trx, publish) => {
        const ended = await trx
          .updateTable('sessions')
          .set({ revoked_at: now })
          .where('token_hash', '=', hashToken(token))
          .where('app_id', '=', appId)
          .where('revoked_at', 'is', null)
          .returning('person_id')
          .executeTakeFirst();
        if (!ended) return;
        // A lead's shutdown is the browser forgetting it: no device resumes it any more, so its
        // old visitor id grants nothing (a session of it still alive in another tab keeps working).
        await trx
          .updateTable('people')
          .set({ device_hash: LEAD_DEVICE_REVOKED })
          .where('id', '=', ended.person_id)
          .where('role', '=', 'lead')
          .execute();
        // The session's open streams hear of it and close.
        publish(appId, ended.person_id);
      }),
  };
}
