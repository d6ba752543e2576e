// Teammates: their accounts and apps, cookie sessions, API tokens and one-time password links.
// Every secret (session token, API token, link token) is random and stored only as its sha-256.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { ApiTokensTable, Database, TeammateRole, TeammateRow } from '../db/schema';
import { locking } from './locks';
import { type Db, hashToken } from './rows';
import type { RunTransaction } from './transaction';

/** Every app: a teammate (or a token) listing it reaches them all. */
export const ALL_APPS = '*';
/** How long a session lasts without being used, and at most in all. */
export const TEAMMATE_SESSION_IDLE_MS = 14 * 24 * 3600_000;
export const TEAMMATE_SESSION_MAX_MS = 90 * 24 * 3600_000;
/** last_seen_at is written at most this often per session (a read per request, a write per minute). */
const SEEN_WRITE_INTERVAL_MS = 60_000;
/** How long a link that sets a password (an invite) stays usable. */
export const PASSWORD_LINK_LIFETIME_MS = 7 * 24 * 3600_000;
/** The built-in teammate `--team-token` authenticates as (API.md, "Authentication"). */
export const SERVICE_TEAMMATE_ID = 'team-token';
const SERVICE_TEAMMATE_EMAIL = 'team-token@confab.invalid';

export interface Teammate {
  id: string;
  email: string;
  name: string;
  role: TeammateRole;
  avatar_url?: string;
  /** The apps the teammate reaches; `["*"]`: every app. */
  apps: string[];
  /** Whether a password is set (an invited teammate has none until they follow their link). */
  has_password: boolean;
  created_at: number;
  updated_at: number;
  deactivated_at?: number;
}

export interface TeammateSession {
  id: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  user_agent?: string;
  ip?: string;
}

export interface ApiToken {
  id: string;
  name: string;
  apps: string[];
  created_at: number;
  last_used_at?: number;
  revoked_at?: number;
}

export interface NewTeammate {
  email: string;
  name: string;
  role: TeammateRole;
  apps: string[];
  avatar_url?: string | null;
}

export interface TeammateChanges {
  name?: string;
  role?: TeammateRole;
  apps?: string[];
  avatar_url?: string | null;
}

/** A one-time secret handed out once: the token (for the link) and when it stops working. */
export interface OneTimeSecret {
  token: string;
  expires_at: number;
}

/** Whether an app is among `apps` (a teammate's, or a token's). */
export function reaches(apps: readonly string[], appId: string): boolean {
  return apps.includes(ALL_APPS) || apps.includes(appId);
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();
const newSecret = () => randomBytes(32).toString('base64url');

async function appsOf(db: Db, teammateId: string): Promise<string[]> {
  const rows = await db.selectFrom('teammate_apps').select('app_id').where('teammate_id', '=', teammateId).execute();
  return rows.map((row) => row.app_id).sort();
}

function toTeammate(row: TeammateRow, apps: string[]): Teammate {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    ...(row.avatar_url !== null ? { avatar_url: row.avatar_url } : {}),
    apps,
    has_password: row.password_hash !== null,
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
    ...(row.deactivated_at !== null ? { deactivated_at: Number(row.deactivated_at) } : {}),
  };
}

async function teammateById(db: Db, id: string): Promise<Teammate | null> {
  const row = await db.selectFrom('teammates').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toTeammate(row, await appsOf(db, id)) : null;
}

async function setApps(trx: Db, teammateId: string, apps: string[]) {
  await trx.deleteFrom('teammate_apps').where('teammate_id', '=', teammateId).execute();
  const unique = [...new Set(apps)];
  if (unique.length > 0)
    await trx
      .insertInto('teammate_apps')
      .values(unique.map((app_id) => ({ teammate_id: teammateId, app_id })))
      .execute();
}

async function newPasswordLink(trx: Db, teammateId: string, now: number): Promise<OneTimeSecret> {
  const token = newSecret();
  const expires_at = now + PASSWORD_LINK_LIFETIME_MS;
  // One live link per teammate: a new one replaces any earlier.
  await trx
    .updateTable('teammate_password_links')
    .set({ used_at: now })
    .where('teammate_id', '=', teammateId)
    .where('used_at', 'is', null)
    .execute();
  await trx
    .insertInto('teammate_password_links')
    .values({ token_hash: hashToken(token), teammate_id: teammateId, created_at: now, expires_at, used_at: null })
    .execute();
  return { token, expires_at };
}

/** Ends every session of a teammate (but `keepSessionId`'s). */
async function endSessions(trx: Db, teammateId: string, now: number, keepSessionId?: string) {
  let query = trx
    .updateTable('teammate_sessions')
    .set({ revoked_at: now })
    .where('teammate_id', '=', teammateId)
    .where('revoked_at', 'is', null);
  if (keepSessionId !== undefined) query = query.where('id', '!=', keepSessionId);
  await query.execute();
}

export interface TeammateStore {
  /** The built-in teammate of `--team-token`, made (or renamed to `name`) on first use. */
  serviceTeammate(name: string, now: number): Promise<Teammate>;
  /** A new teammate and the link that sets their password; null when the email is taken. */
  createTeammate(input: NewTeammate, now: number): Promise<{ teammate: Teammate; link: OneTimeSecret } | null>;
  teammate(id: string): Promise<Teammate | null>;
  /** Teammates in the order they joined (the service teammate is not one). */
  teammates(): Promise<Teammate[]>;
  /** An active teammate by email (any case), with their stored password hash. */
  teammateForLogin(email: string): Promise<{ teammate: Teammate; password_hash: string | null } | null>;
  /** Applies `changes`; null for an unknown teammate. */
  updateTeammate(id: string, changes: TeammateChanges, now: number): Promise<Teammate | null>;
  /** Deactivates a teammate and ends all their sessions, API tokens and links at once; null if unknown. */
  deactivateTeammate(id: string, now: number): Promise<Teammate | null>;
  /**
   * Lets a deactivated teammate sign in again with their password (or a new link); what
   * deactivation ended (sessions, API tokens, links) stays ended. Null if unknown.
   */
  reactivateTeammate(id: string, now: number): Promise<Teammate | null>;
  /** A fresh one-time link for an active teammate (replacing any earlier); null if unknown or deactivated. */
  createPasswordLink(teammateId: string, now: number): Promise<OneTimeSecret | null>;
  /** Whether a link's token is live (unused, unexpired): checked before its password is hashed. */
  passwordLinkLive(token: string, now: number): Promise<boolean>;
  /** Spends a live link: sets the password and ends every session the teammate had. Null: unknown, used or expired. */
  usePasswordLink(token: string, passwordHash: string, now: number): Promise<Teammate | null>;
  /** Sets a teammate's password and ends every other session of theirs. */
  setPassword(teammateId: string, passwordHash: string, keepSessionId: string | undefined, now: number): Promise<void>;
  passwordHash(teammateId: string): Promise<string | null>;

  openTeammateSession(
    teammateId: string,
    client: { user_agent?: string; ip?: string },
    now: number,
  ): Promise<OneTimeSecret & { id: string }>;
  /** The live session a cookie's token names and its active teammate; null otherwise. Marks it seen. */
  teammateSession(token: string, now: number): Promise<{ session: TeammateSession; teammate: Teammate } | null>;
  /** A teammate's live sessions, newest first. */
  teammateSessions(teammateId: string, now: number): Promise<TeammateSession[]>;
  /** Ends one of a teammate's sessions; false when they have no such live session. */
  endTeammateSession(teammateId: string, sessionId: string, now: number): Promise<boolean>;

  /** A new API token for a teammate, reaching `apps` (checked against theirs by the caller). */
  createApiToken(
    teammateId: string,
    name: string,
    apps: string[],
    now: number,
  ): Promise<{ token: string; api_token: ApiToken }>;
  /** The live token and its active teammate; null otherwise. Marks it used. */
  apiToken(token: string, now: number): Promise<{ api_token: ApiToken; teammate: Teammate } | null>;
  /** A teammate's tokens, revoked ones included, newest first (never the secrets). */
  apiTokens(teammateId: string): Promise<ApiToken[]>;
  /** Revokes one of a teammate's tokens; false when they have no such live token. */
  revokeApiToken(teammateId: string, tokenId: string, now: number): Promise<boolean>;
}

function toApiToken(row: Selectable<ApiTokensTable>): ApiToken {
  return {
    id: row.id,
    name: row.name,
    apps: JSON.parse(row.apps) as string[],
    created_at: Number(row.created_at),
    ...(row.last_used_at !== null ? { last_used_at: Number(row.last_used_at) } : {}),
    ...(row.revoked_at !== null ? { revoked_at: Number(row.revoked_at) } : {}),
  };
}

export function teammateStore(db: Kysely<Database>, transaction: RunTransaction): TeammateStore {
  return {
    serviceTeammate: (name, now) =>
      transaction(async (trx) => {
        await trx
          .insertInto('teammates')
          .values({
            id: SERVICE_TEAMMATE_ID,
            email: SERVICE_TEAMMATE_EMAIL,
            name,
            role: 'agent',
            avatar_url: null,
            password_hash: null,
            service: 1,
            created_at: now,
            updated_at: now,
            deactivated_at: null,
          })
          .onConflict((oc) => oc.column('id').doUpdateSet({ name }))
          .execute();
        await trx
          .insertInto('teammate_apps')
          .values({ teammate_id: SERVICE_TEAMMATE_ID, app_id: ALL_APPS })
          .onConflict((oc) => oc.columns(['teammate_id', 'app_id']).doNothing())
          .execute();
        return (await teammateById(trx, SERVICE_TEAMMATE_ID))!;
      }),

    createTeammate: (input, now) =>
      transaction(async (trx) => {
        const email = normalizeEmail(input.email);
        const id = randomUUID();
        // The email's unique key decides: of two invites at once, one inserts and the other finds it taken.
        const inserted = await trx
          .insertInto('teammates')
          .values({
            id,
            email,
            name: input.name,
            role: input.role,
            avatar_url: input.avatar_url ?? null,
            password_hash: null,
            created_at: now,
            updated_at: now,
            deactivated_at: null,
          })
          .onConflict((oc) => oc.column('email').doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!inserted) return null;
        await setApps(trx, id, input.apps);
        const link = await newPasswordLink(trx, id, now);
        return { teammate: (await teammateById(trx, id))!, link };
      }),

    teammate: (id) => teammateById(db, id),

    async teammates() {
      const rows = await db
        .selectFrom('teammates')
        .selectAll()
        .where('service', '=', 0)
        .orderBy('created_at')
        .execute();
      const apps = await db
        .selectFrom('teammate_apps')
        .select(['teammate_id', 'app_id'])
        .where('teammate_id', '!=', SERVICE_TEAMMATE_ID)
        .execute();
      const byTeammate = new Map<string, string[]>();
      for (const { teammate_id, app_id } of apps)
        byTeammate.set(teammate_id, [...(byTeammate.get(teammate_id) ?? []), app_id]);
      return rows.map((row) => toTeammate(row, (byTeammate.get(row.id) ?? []).sort()));
    },

    async teammateForLogin(email) {
      const row = await db
        .selectFrom('teammates')
        .selectAll()
        .where('email', '=', normalizeEmail(email))
        .where('service', '=', 0)
        .where('deactivated_at', 'is', null)
        .executeTakeFirst();
      if (!row) return null;
      return { teammate: toTeammate(row, await appsOf(db, row.id)), password_hash: row.password_hash };
    },

    updateTeammate: (id, changes, now) =>
      transaction(async (trx) => {
        // Locked (locks.ts): two changes of one teammate's apps at once leave one set, not both.
        const row = await locking(
          trx,
          trx.selectFrom('teammates').select('id').where('id', '=', id).where('service', '=', 0),
          'update',
        ).executeTakeFirst();
        if (!row) return null;
        await trx
          .updateTable('teammates')
          .set({
            updated_at: now,
            ...(changes.name !== undefined ? { name: changes.name } : {}),
            ...(changes.role !== undefined ? { role: changes.role } : {}),
            ...(changes.avatar_url !== undefined ? { avatar_url: changes.avatar_url } : {}),
          })
          .where('id', '=', id)
          .execute();
        if (changes.apps !== undefined) await setApps(trx, id, changes.apps);
        return teammateById(trx, id);
      }),

    deactivateTeammate: (id, now) =>
      transaction(async (trx) => {
        const row = await trx
          .updateTable('teammates')
          .set({ deactivated_at: now, updated_at: now })
          .where('id', '=', id)
          .where('service', '=', 0)
          .where('deactivated_at', 'is', null)
          .executeTakeFirst();
        if (Number(row.numUpdatedRows) === 0) return teammateById(trx, id);
        await endSessions(trx, id, now);
        await trx
          .updateTable('api_tokens')
          .set({ revoked_at: now })
          .where('teammate_id', '=', id)
          .where('revoked_at', 'is', null)
          .execute();
        await trx
          .updateTable('teammate_password_links')
          .set({ used_at: now })
          .where('teammate_id', '=', id)
          .where('used_at', 'is', null)
          .execute();
        return teammateById(trx, id);
      }),

    reactivateTeammate: (id, now) =>
      transaction(async (trx) => {
        await trx
          .updateTable('teammates')
          .set({ deactivated_at: null, updated_at: now })
          .where('id', '=', id)
          .where('service', '=', 0)
          .where('deactivated_at', 'is not', null)
          .execute();
        return teammateById(trx, id);
      }),

    createPasswordLink: (teammateId, now) =>
      transaction(async (trx) => {
        // Locked: two links made at once leave one live, and a deactivation meanwhile leaves none.
        const row = await locking(
          trx,
          trx
            .selectFrom('teammates')
            .select('id')
            .where('id', '=', teammateId)
            .where('service', '=', 0)
            .where('deactivated_at', 'is', null),
          'update',
        ).executeTakeFirst();
        return row ? newPasswordLink(trx, teammateId, now) : null;
      }),

    async passwordLinkLive(token, now) {
      const link = await db
        .selectFrom('teammate_password_links')
        .select('teammate_id')
        .where('token_hash', '=', hashToken(token))
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return link !== undefined;
    },

    usePasswordLink: (token, passwordHash, now) =>
      transaction(async (trx) => {
        // Spent by the same statement that checks it: two uses at once cannot both succeed.
        const link = await trx
          .updateTable('teammate_password_links')
          .set({ used_at: now })
          .where('token_hash', '=', hashToken(token))
          .where('used_at', 'is', null)
          .where('expires_at', '>', now)
          .returning('teammate_id')
          .executeTakeFirst();
        if (!link) return null;
        const updated = await trx
          .updateTable('teammates')
          .set({ password_hash: passwordHash, updated_at: now })
          .where('id', '=', link.teammate_id)
          .where('deactivated_at', 'is', null)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) return null;
        await endSessions(trx, link.teammate_id, now);
        return teammateById(trx, link.teammate_id);
      }),

    setPassword: (teammateId, passwordHash, keepSessionId, now) =>
      transaction(async (trx) => {
        await trx
          .updateTable('teammates')
          .set({ password_hash: passwordHash, updated_at: now })
          .where('id', '=', teammateId)
          .execute();
        await endSessions(trx, teammateId, now, keepSessionId);
      }),

    async passwordHash(teammateId) {
      const row = await db
        .selectFrom('teammates')
        .select('password_hash')
        .where('id', '=', teammateId)
        .executeTakeFirst();
      return row?.password_hash ?? null;
    },

    openTeammateSession: (teammateId, client, now) =>
      transaction(async (trx) => {
        const token = newSecret();
        const id = randomUUID();
        const expires_at = now + TEAMMATE_SESSION_IDLE_MS;
        await trx
          .insertInto('teammate_sessions')
          .values({
            id,
            token_hash: hashToken(token),
            teammate_id: teammateId,
            created_at: now,
            last_seen_at: now,
            expires_at,
            revoked_at: null,
            user_agent: client.user_agent?.slice(0, 512) ?? null,
            ip: client.ip ?? null,
          })
          .execute();
        return { id, token, expires_at };
      }),

    async teammateSession(token, now) {
      const row = await db
        .selectFrom('teammate_sessions')
        .selectAll()
        .where('token_hash', '=', hashToken(token))
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      if (!row) return null;
      const teammate = await teammateById(db, row.teammate_id);
      if (!teammate || teammate.deactivated_at !== undefined) return null;
      let { last_seen_at, expires_at } = { last_seen_at: Number(row.last_seen_at), expires_at: Number(row.expires_at) };
      if (now - last_seen_at >= SEEN_WRITE_INTERVAL_MS) {
        // Sliding: each use extends it, up to its maximum age.
        last_seen_at = now;
        expires_at = Math.min(now + TEAMMATE_SESSION_IDLE_MS, Number(row.created_at) + TEAMMATE_SESSION_MAX_MS);
        await db
          .updateTable('teammate_sessions')
          .set({ last_seen_at, expires_at })
          .where('id', '=', row.id)
          .where('revoked_at', 'is', null)
          .execute();
      }
      return {
        session: {
          id: row.id,
          created_at: Number(row.created_at),
          last_seen_at,
          expires_at,
          ...(row.user_agent !== null ? { user_agent: row.user_agent } : {}),
          ...(row.ip !== null ? { ip: row.ip } : {}),
        },
        teammate,
      };
    },

    async teammateSessions(teammateId, now) {
      const rows = await db
        .selectFrom('teammate_sessions')
        .selectAll()
        .where('teammate_id', '=', teammateId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map((row) => ({
        id: row.id,
        created_at: Number(row.created_at),
        last_seen_at: Number(row.last_seen_at),
        expires_at: Number(row.expires_at),
        ...(row.user_agent !== null ? { user_agent: row.user_agent } : {}),
        ...(row.ip !== null ? { ip: row.ip } : {}),
      }));
    },

    async endTeammateSession(teammateId, sessionId, now) {
      const ended = await db
        .updateTable('teammate_sessions')
        .set({ revoked_at: now })
        .where('id', '=', sessionId)
        .where('teammate_id', '=', teammateId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(ended.numUpdatedRows) > 0;
    },

    createApiToken: (teammateId, name, apps, now) =>
      transaction(async (trx) => {
        const token = `confab_${newSecret()}`;
        const id = randomUUID();
        const scope = [...new Set(apps)].sort();
        await trx
          .insertInto('api_tokens')
          .values({
            id,
            token_hash: hashToken(token),
            teammate_id: teammateId,
            name,
            apps: JSON.stringify(scope),
            created_at: now,
            last_used_at: null,
            revoked_at: null,
          })
          .execute();
        return { token, api_token: { id, name, apps: scope, created_at: now } };
      }),

    async apiToken(token, now) {
      const row = await db
        .selectFrom('api_tokens')
        .selectAll()
        .where('token_hash', '=', hashToken(token))
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (!row) return null;
      const teammate = await teammateById(db, row.teammate_id);
      if (!teammate || teammate.deactivated_at !== undefined) return null;
      if (row.last_used_at === null || now - Number(row.last_used_at) >= SEEN_WRITE_INTERVAL_MS) {
        await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
        row.last_used_at = now;
      }
      return { api_token: toApiToken(row), teammate };
    },

    async apiTokens(teammateId) {
      const rows = await db
        .selectFrom('api_tokens')
        .selectAll()
        .where('teammate_id', '=', teammateId)
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map(toApiToken);
    },

    async revokeApiToken(teammateId, tokenId, now) {
      const revoked = await db
        .updateTable('api_tokens')
        .set({ revoked_at: now })
        .where('id', '=', tokenId)
        .where('teammate_id', '=', teammateId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(revoked.numUpdatedRows) > 0;
    },
  };
}
