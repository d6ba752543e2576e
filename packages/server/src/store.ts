// The server's storage: every read and write the routes need, as one interface. Written once with
// Kysely so SQLite (embedded) and PostgreSQL (scale-out) run the same queries. Each operation is
// one transaction: it is acknowledged only once committed, and a failure writes nothing.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mergeAttributes, SESSION_LIFETIME_MS } from '@confab/core/protocol';
import type {
  BootRequest,
  ConversationSummary,
  ConversationThread,
  Identity,
  Message,
  Page,
  Person,
  PersonAttributes,
  RealtimeEvent,
  TrackedEvent,
  UpdateRequest,
} from '@confab/core/protocol';
import type { Kysely, Transaction } from 'kysely';
import type { ConversationRow, Database, MessageRow, PersonRow } from './db/schema';
import type { EmailTrust } from './identity-verification';

type Db = Kysely<Database> | Transaction<Database>;
type RealtimeEventBody = RealtimeEvent extends infer E ? (E extends RealtimeEvent ? Omit<E, 'id'> : never) : never;

/** A person's realtime events were written: the stream of that person should read them. */
export type PublishHook = (appId: string, personId: string) => void;
type Publish = PublishHook;

export interface Contact extends Person {
  app_id: string;
  /** Whether a signature proved the email (see EmailTrust); an unproven one is never a key. */
  email_verified: boolean;
  created_at: number;
  updated_at: number;
}

export interface TeamConversation extends ConversationSummary {
  contact: { id: string; role: 'user' | 'lead'; name?: string; email?: string; user_id?: string };
}

export interface StoredEventView {
  id: string;
  name: string;
  metadata?: Record<string, string | number | boolean | null>;
  created_at: number;
  received_at: number;
}

export interface PageView extends Page {
  created_at: number;
}

export interface SessionRecord {
  /** Which session: the sha-256 of its token (the token itself is never stored). */
  token_hash: string;
  app_id: string;
  person_id: string;
  expires_at: number;
  /** The realtime event id a fresh stream of this session starts after. */
  stream_from: number;
}

/** The session ended (logout, expiry) while a request of it was under way: nothing was written. */
export class SessionEndedError extends Error {
  constructor() {
    super('the session is unknown, expired or revoked: boot again');
    this.name = 'SessionEndedError';
  }
}

export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} not found`);
    this.name = 'NotFoundError';
  }
}

/** A write would take a person past a limit on what they may hold: nothing was written. */
export class LimitError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'LimitError';
  }
}

/** An update named a user other than the session's: it would write one person's proof on another. */
export class IdentityConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdentityConflictError';
  }
}

/** Custom attributes one person (and one company) may hold; a call sends at most 100 (schemas.ts). */
export const CUSTOM_ATTRIBUTES_MAX = 250;

/** Refuses a merge that grows custom attributes past the cap. Only growth: a person already past it
 *  (a lead merged into a user at login) can still change the values they hold. */
function checkCustomAttributes(before: object | undefined, after: object | undefined, field: string, holder: string) {
  const had = Object.keys(before ?? {}).length;
  const has = Object.keys(after ?? {}).length;
  if (has > CUSTOM_ATTRIBUTES_MAX && has > had) {
    throw new LimitError(`${field}: a ${holder} may have at most ${CUSTOM_ATTRIBUTES_MAX} custom attributes; this call would make ${has}`, field);
  }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A shut-down lead's device_hash: no sha-256 in hex equals it, so no device resumes that lead. */
const LEAD_DEVICE_REVOKED = 'revoked';

const parse = <T>(json: string | null): T | undefined => (json === null ? undefined : (JSON.parse(json) as T));

function toPerson(row: PersonRow): Person {
  return {
    id: row.id,
    role: row.role,
    visitor_id: row.visitor_id,
    ...(row.user_id !== null ? { user_id: row.user_id } : {}),
    ...(row.email !== null ? { email: row.email } : {}),
    ...(row.name !== null ? { name: row.name } : {}),
    attributes: parse<PersonAttributes>(row.attributes) ?? {},
  };
}

function toContact(row: PersonRow): Contact {
  return { ...toPerson(row), app_id: row.app_id, email_verified: row.email !== null && Number(row.email_verified) === 1, created_at: Number(row.created_at), updated_at: Number(row.updated_at) };
}

function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversation_id: row.conversation_id,
    author: row.author,
    ...(row.author_name !== null ? { author_name: row.author_name } : {}),
    body: row.body,
    created_at: Number(row.created_at),
    ...(row.client_id !== null ? { client_id: row.client_id } : {}),
  };
}

export interface Store {
  /** `emailTrust` says whether the identity's email may be a key (identity-verification.ts). */
  boot(request: BootRequest, now: number, emailTrust?: EmailTrust): Promise<{ token: string; expires_at: number; person: Person; unread_count: number; conversations: ConversationSummary[] }>;
  session(appId: string, token: string, now: number): Promise<SessionRecord | null>;
  endSession(appId: string, token: string, now: number): Promise<void>;
  update(session: SessionRecord, request: UpdateRequest, now: number, emailTrust?: EmailTrust): Promise<{ person: Person; unread_count: number }>;
  trackEvents(session: SessionRecord, events: TrackedEvent[], now: number): Promise<string[]>;
  listConversations(session: SessionRecord): Promise<ConversationSummary[]>;
  getConversation(session: SessionRecord, conversationId: string): Promise<ConversationThread>;
  startConversation(session: SessionRecord, body: string, clientId: string, now: number): Promise<{ conversation: ConversationSummary; message: Message }>;
  postMessage(session: SessionRecord, conversationId: string, body: string, clientId: string, now: number): Promise<Message>;
  markRead(session: SessionRecord, conversationId: string, now: number): Promise<number>;
  /** Realtime events of a person after an id, oldest first. */
  realtimeAfter(personId: string, afterId: number, limit: number): Promise<RealtimeEvent[]>;
  /** The newest realtime event id of a person, or of the whole database without one (0 when none). */
  latestRealtimeId(personId?: string): Promise<number>;

  findContacts(appId: string, by: { user_id?: string; email?: string; visitor_id?: string }): Promise<Contact[]>;
  getContact(appId: string, contactId: string): Promise<Contact>;
  contactEvents(appId: string, contactId: string): Promise<StoredEventView[]>;
  contactPageViews(appId: string, contactId: string): Promise<PageView[]>;
  teamConversations(appId: string, state?: 'open' | 'closed'): Promise<TeamConversation[]>;
  teamConversation(appId: string, conversationId: string): Promise<{ conversation: TeamConversation; messages: Message[] }>;
  reply(appId: string, conversationId: string, body: string, authorName: string, now: number): Promise<Message>;
  close(appId: string, conversationId: string, now: number): Promise<TeamConversation>;
  /** Quick liveness probe of the database. */
  ping(): Promise<void>;
}

export interface StoreOptions {
  /**
   * Runs first in every write transaction. On PostgreSQL it takes one transaction-scoped lock, so
   * writes commit one at a time, as SQLite's do: realtime event ids then become visible in
   * increasing order (a stream that has read id n never later finds a smaller one committed),
   * and no two processes race to create the same person.
   */
  beginWrite?: (trx: Transaction<Database>) => Promise<void>;
  /**
   * Announces a person's new realtime events inside the transaction that wrote them, instead of
   * calling the publish hook after the commit: PostgreSQL's NOTIFY is delivered exactly at commit,
   * to every process (this one included), and never for a transaction that rolled back.
   */
  announce?: (trx: Transaction<Database>, appId: string, personId: string) => Promise<void>;
}

export function createStore(db: Kysely<Database>, onPublish: PublishHook, options: StoreOptions = {}): Store {
  // Realtime events are written inside the transaction that causes them; subscribers hear of
  // them only after the commit, so a stream never announces what could still roll back.
  async function transaction<T>(work: (trx: Transaction<Database>, publish: (appId: string, personId: string) => void) => Promise<T>): Promise<T> {
    const touched = new Map<string, string>();
    const { announce } = options;
    const result = await db.transaction().execute(async (trx) => {
      await options.beginWrite?.(trx);
      const value = await work(trx, (appId, personId) => touched.set(personId, appId));
      if (announce) for (const [personId, appId] of touched) await announce(trx, appId, personId);
      return value;
    });
    if (!announce) for (const [personId, appId] of touched) onPublish(appId, personId);
    return result;
  }

  async function personById(trx: Db, id: string): Promise<PersonRow> {
    const row = await trx.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('contact');
    return row;
  }

  /**
   * The session as it is now, read inside the caller's transaction. The request's session was read
   * before its body arrived: meanwhile a lead may have logged in as an existing user (its session
   * now names the user and the lead is gone), or the session may have ended. Writing with the
   * stale person would fail or land on a deleted row.
   */
  async function currentSession(trx: Db, session: SessionRecord, now: number): Promise<SessionRecord> {
    const row = await trx
      .selectFrom('sessions')
      .select(['person_id', 'revoked_at', 'expires_at'])
      .where('token_hash', '=', session.token_hash)
      .executeTakeFirst();
    if (!row || row.revoked_at !== null || Number(row.expires_at) <= now) throw new SessionEndedError();
    return row.person_id === session.person_id ? session : { ...session, person_id: row.person_id };
  }

  /**
   * The user an identity names. The user_id decides when there is one; an email only when it may
   * be a key: with a secret, a signed email finds only a record whose email was signed too, so an
   * email someone stored unsigned beside their own user_id never hands them another's requests.
   */
  async function findUser(trx: Db, appId: string, identity: Identity, emailTrust: EmailTrust): Promise<PersonRow | undefined> {
    if (identity.user_id !== undefined) {
      return trx.selectFrom('people').selectAll().where('app_id', '=', appId).where('user_id', '=', identity.user_id).executeTakeFirst();
    }
    if (identity.email !== undefined && emailTrust !== 'unsigned') {
      let query = trx.selectFrom('people').selectAll().where('app_id', '=', appId).where('role', '=', 'user').where('email', '=', identity.email);
      if (emailTrust === 'signed') query = query.where('email_verified', '=', 1);
      return query.orderBy('created_at').executeTakeFirst();
    }
    return undefined;
  }

  /** Stores the email a request names with whether it was proven; the same email again keeps its proof. */
  async function recordEmail(trx: Db, person: PersonRow, email: string | undefined, emailTrust: EmailTrust): Promise<PersonRow> {
    if (email === undefined) return person;
    const verified = emailTrust === 'signed' || (person.email === email && Number(person.email_verified) === 1) ? 1 : 0;
    if (person.email === email && Number(person.email_verified) === verified) return person;
    await trx.updateTable('people').set({ email, email_verified: verified }).where('id', '=', person.id).execute();
    return personById(trx, person.id);
  }

  /**
   * The lead this browser proves it holds, and the session that proves it: its live session token
   * (a lead's), or else its visitor id together with the device id of the browser that made that
   * lead. The visitor id alone is a name, not a key: it opens nobody's conversations.
   */
  async function provenLead(trx: Db, request: BootRequest, now: number): Promise<{ lead: PersonRow; tokenHash?: string } | undefined> {
    const appId = request.app_id;
    const deviceHash = hashToken(request.device_id);
    if (request.session_token) {
      const tokenHash = hashToken(request.session_token);
      // Only a live session: a logged-out or expired token opens nobody's conversations.
      const previous = await trx
        .selectFrom('sessions')
        .select('person_id')
        .where('token_hash', '=', tokenHash)
        .where('app_id', '=', appId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      const lead = previous ? await trx.selectFrom('people').selectAll().where('id', '=', previous.person_id).where('role', '=', 'lead').executeTakeFirst() : undefined;
      if (lead) {
        // A lead from before devices were bound is bound to the browser that still holds its session.
        if (lead.device_hash === null) {
          await trx.updateTable('people').set({ device_hash: deviceHash }).where('id', '=', lead.id).execute();
          return { lead: { ...lead, device_hash: deviceHash }, tokenHash };
        }
        return { lead, tokenHash };
      }
    }
    const lead = await trx
      .selectFrom('people')
      .selectAll()
      .where('app_id', '=', appId)
      .where('role', '=', 'lead')
      .where('visitor_id', '=', request.visitor_id)
      .where('device_hash', '=', deviceHash)
      .executeTakeFirst();
    return lead ? { lead } : undefined;
  }

  /**
   * A lead is logging in: every session of it ends but the one making the login (`keep`, a token
   * hash; none at a boot that proved the lead by its device), so a session opened elsewhere as the
   * lead never reads the user's history. Their open streams hear of it and close.
   */
  async function endOtherLeadSessions(trx: Db, publish: Publish, lead: PersonRow, keep: string | undefined, now: number): Promise<void> {
    let query = trx.updateTable('sessions').set({ revoked_at: now }).where('person_id', '=', lead.id).where('revoked_at', 'is', null);
    if (keep !== undefined) query = query.where('token_hash', '!=', keep);
    const ended = await query.executeTakeFirst();
    if (Number(ended.numUpdatedRows) > 0) publish(lead.app_id, lead.id);
  }

  /** A lead who identifies becomes the user, or joins the existing one with everything they have. */
  async function identify(trx: Db, publish: Publish, lead: PersonRow, identity: Identity, emailTrust: EmailTrust, now: number): Promise<PersonRow> {
    const existing = await findUser(trx, lead.app_id, identity, emailTrust);
    if (existing && existing.id !== lead.id) {
      // The lead's open streams hear of it, and follow their session to the user.
      publish(lead.app_id, lead.id);
      // An event both hold (the same client id, sent before and after the login) is kept once.
      await trx
        .deleteFrom('events')
        .where('person_id', '=', lead.id)
        .where('id', 'in', (eb) => eb.selectFrom('events').select('id').where('person_id', '=', existing.id))
        .execute();
      for (const table of ['conversations', 'events', 'page_views', 'sessions', 'realtime_events'] as const) {
        await trx.updateTable(table).set({ person_id: existing.id }).where('person_id', '=', lead.id).execute();
      }
      const attributes = mergeAttributes(parse<PersonAttributes>(lead.attributes) ?? {}, parse<PersonAttributes>(existing.attributes) ?? {});
      await trx.updateTable('people').set({ attributes: JSON.stringify(attributes), updated_at: now }).where('id', '=', existing.id).execute();
      await trx.deleteFrom('people').where('id', '=', lead.id).execute();
      return personById(trx, existing.id);
    }
    await trx
      .updateTable('people')
      .set({ role: 'user', ...(identity.user_id !== undefined ? { user_id: identity.user_id } : {}), updated_at: now })
      .where('id', '=', lead.id)
      .execute();
    return personById(trx, lead.id);
  }

  async function applyAttributes(trx: Db, person: PersonRow, attributes: PersonAttributes, page: Page | undefined, now: number): Promise<PersonRow> {
    const stored = parse<PersonAttributes>(person.attributes) ?? {};
    const merged = mergeAttributes(stored, attributes);
    checkCustomAttributes(stored.custom_attributes, merged.custom_attributes, 'body.attributes.custom_attributes', 'person');
    checkCustomAttributes(stored.company?.custom_attributes, merged.company?.custom_attributes, 'body.attributes.company.custom_attributes', 'company');
    await trx
      .updateTable('people')
      .set({ attributes: JSON.stringify(merged), updated_at: now, ...(attributes.name !== undefined ? { name: attributes.name } : {}) })
      .where('id', '=', person.id)
      .execute();
    if (page) {
      await trx.insertInto('page_views').values({ app_id: person.app_id, person_id: person.id, url: page.url, title: page.title ?? null, created_at: now }).execute();
    }
    return personById(trx, person.id);
  }

  async function unreadOf(trx: Db, personId: string): Promise<number> {
    const row = await trx
      .selectFrom('conversations')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('person_unread'), eb.lit(0)).as('total'))
      .where('person_id', '=', personId)
      .executeTakeFirst();
    return Number(row?.total ?? 0);
  }

  async function lastMessages(trx: Db, conversationIds: string[]): Promise<Map<string, Message>> {
    if (conversationIds.length === 0) return new Map();
    const rows = await trx
      .selectFrom('messages')
      .selectAll()
      .where('seq', 'in', (eb) =>
        eb.selectFrom('messages').select((e) => e.fn.max('seq').as('seq')).where('conversation_id', 'in', conversationIds).groupBy('conversation_id'),
      )
      .execute();
    return new Map(rows.map((row) => [row.conversation_id, toMessage(row)]));
  }

  function toSummary(row: ConversationRow, last: Message | undefined): ConversationSummary {
    return {
      id: row.id,
      state: row.state,
      created_at: Number(row.created_at),
      updated_at: Number(row.updated_at),
      unread_count: Number(row.person_unread),
      ...(last ? { last_message: last } : {}),
    };
  }

  async function summaries(trx: Db, rows: ConversationRow[]): Promise<ConversationSummary[]> {
    const last = await lastMessages(trx, rows.map((row) => row.id));
    return rows.map((row) => toSummary(row, last.get(row.id)));
  }

  async function conversationsOf(trx: Db, personId: string): Promise<ConversationSummary[]> {
    const rows = await trx.selectFrom('conversations').selectAll().where('person_id', '=', personId).orderBy('updated_at', 'desc').orderBy('id').execute();
    return summaries(trx, rows);
  }

  async function ownConversation(trx: Db, session: SessionRecord, conversationId: string): Promise<ConversationRow> {
    const row = await trx.selectFrom('conversations').selectAll().where('id', '=', conversationId).executeTakeFirst();
    // Someone else's conversation is indistinguishable from none at all.
    if (!row || row.person_id !== session.person_id) throw new NotFoundError(`conversation ${conversationId}`);
    return row;
  }

  async function teamConversationRow(trx: Db, appId: string, conversationId: string): Promise<ConversationRow> {
    const row = await trx.selectFrom('conversations').selectAll().where('id', '=', conversationId).where('app_id', '=', appId).executeTakeFirst();
    if (!row) throw new NotFoundError(`conversation ${conversationId}`);
    return row;
  }

  async function recordRealtime(trx: Db, publish: (appId: string, personId: string) => void, appId: string, personId: string, event: RealtimeEventBody, now: number) {
    await trx.insertInto('realtime_events').values({ app_id: appId, person_id: personId, payload: JSON.stringify(event), created_at: now }).execute();
    publish(appId, personId);
  }

  async function addMessage(
    trx: Db,
    publish: (appId: string, personId: string) => void,
    conversation: ConversationRow,
    author: Message['author'],
    body: string,
    clientId: string | null,
    authorName: string | null,
    now: number,
  ): Promise<Message> {
    const row: MessageRow = {
      seq: 0,
      id: randomUUID(),
      conversation_id: conversation.id,
      author,
      author_name: authorName,
      body,
      created_at: now,
      client_id: clientId,
    };
    const { seq: _seq, ...values } = row;
    await trx.insertInto('messages').values(values).execute();
    await trx
      .updateTable('conversations')
      // Any new message reopens a closed conversation: a visitor writing again is waiting for an
      // answer, and the team's "open" list is where it is seen (as in Intercom and Chatwoot).
      .set((eb) => ({
        updated_at: now,
        state: 'open' as const,
        ...(author === 'team' ? { person_unread: eb('person_unread', '+', 1) } : {}),
      }))
      .where('id', '=', conversation.id)
      .execute();
    const message = toMessage(row);
    const updated = await trx.selectFrom('conversations').selectAll().where('id', '=', conversation.id).executeTakeFirstOrThrow();
    const unread = await unreadOf(trx, conversation.person_id);
    await recordRealtime(trx, publish, conversation.app_id, conversation.person_id, { type: 'message', message, conversation: toSummary(updated, message), unread_count: unread }, now);
    return message;
  }

  async function teamSummary(trx: Db, rows: ConversationRow[]): Promise<TeamConversation[]> {
    const list = await summaries(trx, rows);
    const personIds = [...new Set(rows.map((row) => row.person_id))];
    const people = personIds.length === 0 ? [] : await trx.selectFrom('people').selectAll().where('id', 'in', personIds).execute();
    const byId = new Map(people.map((p) => [p.id, p]));
    return list.map((summary, index) => {
      const person = byId.get(rows[index]!.person_id);
      return {
        ...summary,
        contact: {
          id: rows[index]!.person_id,
          role: person?.role ?? 'lead',
          ...(person?.name ? { name: person.name } : {}),
          ...(person?.email ? { email: person.email } : {}),
          ...(person?.user_id ? { user_id: person.user_id } : {}),
        },
      };
    });
  }

  return {
    boot: (request, now, emailTrust = 'unchecked') =>
      transaction(async (trx, publish) => {
        const appId = request.app_id;
        const identified = request.identity.user_id !== undefined || request.identity.email !== undefined;
        const proven = await provenLead(trx, request, now);
        let person: PersonRow | undefined;
        if (!identified) {
          person = proven?.lead;
        } else if (proven) {
          await endOtherLeadSessions(trx, publish, proven.lead, proven.tokenHash, now);
          person = await identify(trx, publish, proven.lead, request.identity, emailTrust, now);
        } else {
          person = await findUser(trx, appId, request.identity, emailTrust);
        }
        if (!person) {
          const id = randomUUID();
          await trx
            .insertInto('people')
            .values({
              id,
              app_id: appId,
              role: identified ? 'user' : 'lead',
              visitor_id: request.visitor_id,
              device_hash: identified ? null : hashToken(request.device_id),
              user_id: request.identity.user_id ?? null,
              email: request.identity.email ?? null,
              email_verified: request.identity.email !== undefined && emailTrust === 'signed' ? 1 : 0,
              name: null,
              attributes: '{}',
              created_at: now,
              updated_at: now,
            })
            .execute();
          person = await personById(trx, id);
        } else if (identified) {
          person = await recordEmail(trx, person, request.identity.email, emailTrust);
        }
        person = await applyAttributes(trx, person, request.attributes, request.page, now);
        const token = randomBytes(32).toString('base64url');
        const expires_at = now + SESSION_LIFETIME_MS;
        const newest = await trx.selectFrom('realtime_events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
        await trx
          .insertInto('sessions')
          .values({ token_hash: hashToken(token), app_id: appId, person_id: person.id, created_at: now, expires_at, revoked_at: null, stream_from: Number(newest?.id ?? 0) })
          .execute();
        return { token, expires_at, person: toPerson(person), unread_count: await unreadOf(trx, person.id), conversations: await conversationsOf(trx, person.id) };
      }),

    async session(appId, token, now) {
      const row = await db.selectFrom('sessions').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirst();
      if (!row || row.app_id !== appId || row.revoked_at !== null || Number(row.expires_at) <= now) return null;
      return { token_hash: row.token_hash, app_id: row.app_id, person_id: row.person_id, expires_at: Number(row.expires_at), stream_from: Number(row.stream_from) };
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
        await trx.updateTable('people').set({ device_hash: LEAD_DEVICE_REVOKED }).where('id', '=', ended.person_id).where('role', '=', 'lead').execute();
        // The session's open streams hear of it and close.
        publish(appId, ended.person_id);
      }),

    update: (asked, request, now, emailTrust = 'unchecked') =>
      transaction(async (trx, publish) => {
        const session = await currentSession(trx, asked, now);
        let person = await personById(trx, session.person_id);
        const identity = request.identity;
        if (identity?.user_id !== undefined && person.user_id !== null && identity.user_id !== person.user_id) {
          throw new IdentityConflictError(`this session is user ${JSON.stringify(person.user_id)}; an update cannot name user ${JSON.stringify(identity.user_id)}: shut down, then boot as them`);
        }
        // A lead becomes a user by a user_id only: an email alone is a lead telling us how to reach them.
        if (identity?.user_id !== undefined && person.role === 'lead') {
          await endOtherLeadSessions(trx, publish, person, session.token_hash, now);
          person = await identify(trx, publish, person, identity, emailTrust, now);
        }
        person = await recordEmail(trx, person, identity?.email, emailTrust);
        person = await applyAttributes(trx, person, request.attributes, request.page, now);
        return { person: toPerson(person), unread_count: await unreadOf(trx, person.id) };
      }),

    trackEvents: (asked, events, now) =>
      transaction(async (trx) => {
        const session = await currentSession(trx, asked, now);
        // Deduplicated per person (migration 0007's unique key): another person's event with the
        // same id is theirs, not this one; a retry, or an id repeated in a batch, is stored once.
        await trx
          .insertInto('events')
          .values(
            events.map((event) => ({
              app_id: session.app_id,
              id: event.id,
              person_id: session.person_id,
              name: event.name,
              metadata: event.metadata ? JSON.stringify(event.metadata) : null,
              created_at: event.created_at,
              received_at: now,
            })),
          )
          .onConflict((oc) => oc.columns(['person_id', 'id']).doNothing())
          .execute();
        return events.map((event) => event.id);
      }),

    // Reads: the session was read as the request arrived, with no body to wait for since.
    listConversations: (session) => conversationsOf(db, session.person_id),

    async getConversation(session, conversationId) {
      const row = await ownConversation(db, session, conversationId);
      const messages = await db.selectFrom('messages').selectAll().where('conversation_id', '=', row.id).orderBy('seq').execute();
      const list = messages.map(toMessage);
      return { conversation: toSummary(row, list[list.length - 1]), messages: list };
    },

    startConversation: (asked, body, clientId, now) =>
      transaction(async (trx, publish) => {
        const session = await currentSession(trx, asked, now);
        // A retried start (same client id) returns the conversation it already made. Only starts
        // count: a later message elsewhere may reuse the id without hijacking a new conversation.
        const earlier = await trx
          .selectFrom('conversations')
          .selectAll()
          .where('person_id', '=', session.person_id)
          .where('start_client_id', '=', clientId)
          .orderBy('created_at')
          .executeTakeFirst();
        if (earlier) {
          const first = await trx.selectFrom('messages').selectAll().where('conversation_id', '=', earlier.id).orderBy('seq').executeTakeFirstOrThrow();
          const [summary] = await summaries(trx, [earlier]);
          return { conversation: summary!, message: toMessage(first) };
        }
        const row: ConversationRow = {
          id: randomUUID(),
          app_id: session.app_id,
          person_id: session.person_id,
          state: 'open',
          created_at: now,
          updated_at: now,
          person_unread: 0,
          start_client_id: clientId,
        };
        await trx.insertInto('conversations').values(row).execute();
        const message = await addMessage(trx, publish, row, 'person', body, clientId, null, now);
        const stored = await trx.selectFrom('conversations').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
        return { conversation: toSummary(stored, message), message };
      }),

    postMessage: (asked, conversationId, body, clientId, now) =>
      transaction(async (trx, publish) => {
        const session = await currentSession(trx, asked, now);
        const conversation = await ownConversation(trx, session, conversationId);
        const earlier = await trx.selectFrom('messages').selectAll().where('conversation_id', '=', conversation.id).where('client_id', '=', clientId).executeTakeFirst();
        if (earlier) return toMessage(earlier);
        return addMessage(trx, publish, conversation, 'person', body, clientId, null, now);
      }),

    markRead: (asked, conversationId, now) =>
      transaction(async (trx, publish) => {
        const session = await currentSession(trx, asked, now);
        const conversation = await ownConversation(trx, session, conversationId);
        if (Number(conversation.person_unread) > 0) {
          await trx.updateTable('conversations').set({ person_unread: 0 }).where('id', '=', conversation.id).execute();
          const unread = await unreadOf(trx, session.person_id);
          await recordRealtime(trx, publish, session.app_id, session.person_id, { type: 'unread', unread_count: unread }, now);
          return unread;
        }
        return unreadOf(trx, session.person_id);
      }),

    async realtimeAfter(personId, afterId, limit) {
      const rows = await db.selectFrom('realtime_events').selectAll().where('person_id', '=', personId).where('id', '>', afterId).orderBy('id').limit(limit).execute();
      return rows.map((row) => ({ ...(JSON.parse(row.payload) as RealtimeEventBody), id: String(row.id) }) as RealtimeEvent);
    },

    async latestRealtimeId(personId) {
      let query = db.selectFrom('realtime_events').select((eb) => eb.fn.max('id').as('id'));
      if (personId !== undefined) query = query.where('person_id', '=', personId);
      const row = await query.executeTakeFirst();
      return Number(row?.id ?? 0);
    },

    async findContacts(appId, by) {
      let query = db.selectFrom('people').selectAll().where('app_id', '=', appId);
      if (by.user_id !== undefined) query = query.where('user_id', '=', by.user_id);
      if (by.email !== undefined) query = query.where('email', '=', by.email);
      if (by.visitor_id !== undefined) query = query.where('visitor_id', '=', by.visitor_id);
      const rows = await query.orderBy('created_at').limit(100).execute();
      return rows.map(toContact);
    },

    async getContact(appId, contactId) {
      const row = await db.selectFrom('people').selectAll().where('id', '=', contactId).where('app_id', '=', appId).executeTakeFirst();
      if (!row) throw new NotFoundError(`contact ${contactId}`);
      return toContact(row);
    },

    async contactEvents(appId, contactId) {
      await this.getContact(appId, contactId);
      const rows = await db.selectFrom('events').selectAll().where('person_id', '=', contactId).orderBy('created_at').orderBy('id').execute();
      return rows.map((row) => ({
        id: row.id,
        name: row.name,
        ...(row.metadata !== null ? { metadata: JSON.parse(row.metadata) as StoredEventView['metadata'] } : {}),
        created_at: Number(row.created_at),
        received_at: Number(row.received_at),
      }));
    },

    async contactPageViews(appId, contactId) {
      await this.getContact(appId, contactId);
      const rows = await db.selectFrom('page_views').selectAll().where('person_id', '=', contactId).orderBy('id').execute();
      return rows.map((row) => ({ url: row.url, ...(row.title !== null ? { title: row.title } : {}), created_at: Number(row.created_at) }));
    },

    async teamConversations(appId, state) {
      let query = db.selectFrom('conversations').selectAll().where('app_id', '=', appId);
      if (state) query = query.where('state', '=', state);
      const rows = await query.orderBy('updated_at', 'desc').orderBy('id').limit(200).execute();
      return teamSummary(db, rows);
    },

    async teamConversation(appId, conversationId) {
      const row = await teamConversationRow(db, appId, conversationId);
      const [conversation] = await teamSummary(db, [row]);
      const messages = await db.selectFrom('messages').selectAll().where('conversation_id', '=', row.id).orderBy('seq').execute();
      return { conversation: conversation!, messages: messages.map(toMessage) };
    },

    reply: (appId, conversationId, body, authorName, now) =>
      transaction(async (trx, publish) => {
        const conversation = await teamConversationRow(trx, appId, conversationId);
        return addMessage(trx, publish, conversation, 'team', body, null, authorName, now);
      }),

    close: (appId, conversationId, now) =>
      transaction(async (trx, publish) => {
        const conversation = await teamConversationRow(trx, appId, conversationId);
        // Already closed: nothing changes, so nothing is written or announced.
        if (conversation.state === 'closed') return (await teamSummary(trx, [conversation]))[0]!;
        await trx.updateTable('conversations').set({ state: 'closed', updated_at: now }).where('id', '=', conversation.id).execute();
        const updated = await trx.selectFrom('conversations').selectAll().where('id', '=', conversation.id).executeTakeFirstOrThrow();
        const [summary] = await teamSummary(trx, [updated]);
        const { contact: _contact, ...plain } = summary!;
        await recordRealtime(trx, publish, appId, conversation.person_id, { type: 'conversation', conversation: plain }, now);
        return summary!;
      }),

    async ping() {
      await db.selectFrom('people').select('id').limit(1).execute();
    },
  };
}
