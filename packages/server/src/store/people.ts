// People and their identity: boot finds or makes the person a browser is, a lead who identifies
// becomes (or joins) the user, attributes and pages are recorded, and an email keeps its proof.
import { randomUUID } from 'node:crypto';
import type {
  BootRequest,
  ConversationSummary,
  Identity,
  Page,
  Person,
  PersonAttributes,
  UpdateRequest,
} from '@confab/core/protocol';
import { mergeAttributes } from '@confab/core/protocol';
import type { PersonRow } from '../db/schema';
import { IdentityConflictError, LimitError, NotFoundError } from '../domain-errors';
import { conversationsOf, unreadOf } from './conversations';
import { locking, lockKeys } from './locks';
import { type Db, type EmailTrust, hashToken, parse, type SessionRecord, toPerson } from './rows';
import { currentSession, endOtherLeadSessions, lockLeadSessions, openSession } from './sessions';
import type { Publish, RunTransaction } from './transaction';

/** Custom attributes one person (and one company) may hold; a call sends at most 100 (schemas.ts). */
export const CUSTOM_ATTRIBUTES_MAX = 250;

/** Refuses a merge that grows custom attributes past the cap. Only growth: a person already past it
 *  (a lead merged into a user at login) can still change the values they hold. */
function checkCustomAttributes(before: object | undefined, after: object | undefined, holder: LimitError['holder']) {
  const had = Object.keys(before ?? {}).length;
  const has = Object.keys(after ?? {}).length;
  if (has > CUSTOM_ATTRIBUTES_MAX && has > had) throw new LimitError(holder, CUSTOM_ATTRIBUTES_MAX, has);
}

export async function personById(trx: Db, id: string): Promise<PersonRow> {
  const row = await trx.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('contact');
  return row;
}

/**
 * The person as it is now, locked until the write commits (locks.ts): their attributes, email and
 * role are read to be merged into and written back, and no other write changes them meanwhile.
 * Undefined when they are gone (a lead that another login merged into its user).
 */
async function lockedPerson(trx: Db, id: string): Promise<PersonRow | undefined> {
  return locking(trx, trx.selectFrom('people').selectAll().where('id', '=', id), 'noKeyUpdate').executeTakeFirst();
}

/**
 * What a boot or a login may make that no row holds yet: the user its user_id or email names, or
 * a browser's first lead. Locked first (locks.ts), so two requests naming one of them run one
 * after the other and the second finds what the first made.
 */
function identityKeys(
  appId: string,
  identity: Identity,
  browser?: { visitor_id: string; device_id: string },
): string[] {
  return [
    ...(identity.user_id !== undefined ? [JSON.stringify(['user_id', appId, identity.user_id])] : []),
    ...(identity.email !== undefined ? [JSON.stringify(['email', appId, identity.email])] : []),
    ...(browser ? [JSON.stringify(['browser', appId, browser.visitor_id, hashToken(browser.device_id)])] : []),
  ];
}

/**
 * The user an identity names. The user_id decides when there is one; an email only when it may
 * be a key: with a secret, a signed email finds only a record whose email was signed too, so an
 * email someone stored unsigned beside their own user_id never hands them another's requests.
 */
async function findUser(
  trx: Db,
  appId: string,
  identity: Identity,
  emailTrust: EmailTrust,
): Promise<PersonRow | undefined> {
  if (identity.user_id !== undefined) {
    return trx
      .selectFrom('people')
      .selectAll()
      .where('app_id', '=', appId)
      .where('user_id', '=', identity.user_id)
      .executeTakeFirst();
  }
  if (identity.email !== undefined && emailTrust !== 'unsigned') {
    let query = trx
      .selectFrom('people')
      .selectAll()
      .where('app_id', '=', appId)
      .where('role', '=', 'user')
      .where('email', '=', identity.email);
    if (emailTrust === 'signed') query = query.where('email_verified', '=', 1);
    return query.orderBy('created_at').executeTakeFirst();
  }
  return undefined;
}

/** Stores the email a request names with whether it was proven; the same email again keeps its proof. */
async function recordEmail(
  trx: Db,
  person: PersonRow,
  email: string | undefined,
  emailTrust: EmailTrust,
): Promise<PersonRow> {
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
async function provenLead(
  trx: Db,
  request: BootRequest,
  now: number,
  identified: boolean,
): Promise<{ lead: PersonRow; tokenHash?: string } | undefined> {
  const appId = request.app_id;
  const deviceHash = hashToken(request.device_id);
  if (request.session_token) {
    const tokenHash = hashToken(request.session_token);
    if (identified) await lockLeadSessions(trx, tokenHash);
    // Only a live session: a logged-out or expired token opens nobody's conversations. Locked as
    // currentSession locks it (sessions.ts): a login moves it, so one that logs in locks it whole.
    const previous = await locking(
      trx,
      trx
        .selectFrom('sessions')
        .select('person_id')
        .where('token_hash', '=', tokenHash)
        .where('app_id', '=', appId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now),
      identified ? 'update' : 'share',
    ).executeTakeFirst();
    const lead = previous
      ? await trx
          .selectFrom('people')
          .selectAll()
          .where('id', '=', previous.person_id)
          .where('role', '=', 'lead')
          .executeTakeFirst()
      : undefined;
    if (lead) {
      // A lead from before devices were bound is bound to the browser that still holds its session
      // (a login makes it a user, or merges it away: no device resumes it as a lead then).
      if (lead.device_hash === null && !identified) {
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
 * A lead who identifies becomes the user, or joins the existing one with everything they have;
 * undefined when the lead is gone (another login of it, on another device, merged it first).
 * The caller has locked the identity's keys and ended the lead's other sessions.
 */
async function identify(
  trx: Db,
  publish: Publish,
  proven: PersonRow,
  identity: Identity,
  emailTrust: EmailTrust,
  now: number,
): Promise<PersonRow | undefined> {
  const found = await findUser(trx, proven.app_id, identity, emailTrust);
  const existing = found && found.id !== proven.id ? await lockedPerson(trx, found.id) : undefined;
  if (existing) {
    // The lead's sessions first: every write of the lead holds its session until it commits
    // (sessions.ts), so once they are the user's, no write of the lead is under way and every row
    // it wrote is there to be moved below; a write that comes after acts for the user.
    await trx.updateTable('sessions').set({ person_id: existing.id }).where('person_id', '=', proven.id).execute();
    // Its conversations before the lead itself: a write on one locks the conversation, then its
    // person (conversations.ts, lockUnreadOf).
    await trx.updateTable('conversations').set({ person_id: existing.id }).where('person_id', '=', proven.id).execute();
    const lead = await lockedPerson(trx, proven.id);
    if (!lead) return undefined;
    // The lead's open streams hear of it, and follow their session to the user.
    publish(lead.app_id, lead.id);
    // An event both hold (the same client id, sent before and after the login) is kept once.
    await trx
      .deleteFrom('events')
      .where('person_id', '=', lead.id)
      .where('id', 'in', (eb) => eb.selectFrom('events').select('id').where('person_id', '=', existing.id))
      .execute();
    // Sessions again: a boot that found the lead by its device alone held the lead, not a session,
    // and may have opened one since.
    for (const table of ['sessions', 'events', 'page_views', 'realtime_events'] as const) {
      await trx.updateTable(table).set({ person_id: existing.id }).where('person_id', '=', lead.id).execute();
    }
    const attributes = mergeAttributes(
      parse<PersonAttributes>(lead.attributes) ?? {},
      parse<PersonAttributes>(existing.attributes) ?? {},
    );
    await trx
      .updateTable('people')
      .set({ attributes: JSON.stringify(attributes), updated_at: now })
      .where('id', '=', existing.id)
      .execute();
    await trx.deleteFrom('people').where('id', '=', lead.id).execute();
    return personById(trx, existing.id);
  }
  if (!(await lockedPerson(trx, proven.id))) return undefined;
  await trx
    .updateTable('people')
    .set({ role: 'user', ...(identity.user_id !== undefined ? { user_id: identity.user_id } : {}), updated_at: now })
    .where('id', '=', proven.id)
    .execute();
  return personById(trx, proven.id);
}

async function applyAttributes(
  trx: Db,
  person: PersonRow,
  attributes: PersonAttributes,
  page: Page | undefined,
  now: number,
): Promise<PersonRow> {
  const stored = parse<PersonAttributes>(person.attributes) ?? {};
  const merged = mergeAttributes(stored, attributes);
  checkCustomAttributes(stored.custom_attributes, merged.custom_attributes, 'person');
  checkCustomAttributes(stored.company?.custom_attributes, merged.company?.custom_attributes, 'company');
  await trx
    .updateTable('people')
    .set({
      attributes: JSON.stringify(merged),
      updated_at: now,
      ...(attributes.name !== undefined ? { name: attributes.name } : {}),
    })
    .where('id', '=', person.id)
    .execute();
  if (page) {
    await trx
      .insertInto('page_views')
      .values({
        app_id: person.app_id,
        person_id: person.id,
        url: page.url,
        title: page.title ?? null,
        created_at: now,
      })
      .execute();
  }
  return personById(trx, person.id);
}

export interface PeopleStore {
  /** `emailTrust` says whether the identity's email may be a key (services/identity-verification.ts). */
  boot(
    request: BootRequest,
    now: number,
    emailTrust?: EmailTrust,
  ): Promise<{
    token: string;
    expires_at: number;
    person: Person;
    unread_count: number;
    conversations: ConversationSummary[];
  }>;
  update(
    session: SessionRecord,
    request: UpdateRequest,
    now: number,
    emailTrust?: EmailTrust,
  ): Promise<{ person: Person; unread_count: number }>;
}

export function peopleStore(transaction: RunTransaction): PeopleStore {
  return {
    boot: (request, now, emailTrust = 'unchecked') =>
      transaction(async (trx, publish) => {
        const appId = request.app_id;
        const identified = request.identity.user_id !== undefined || request.identity.email !== undefined;
        await lockKeys(trx, identityKeys(appId, request.identity, identified ? undefined : request));
        let person: PersonRow | undefined;
        // Until the person found is locked as found: a lead another login merged away meanwhile is
        // looked for again, as if this boot had come after that login.
        for (let found = false; !found; ) {
          const proven = await provenLead(trx, request, now, identified);
          if (!identified) {
            person = proven && (await lockedPerson(trx, proven.lead.id));
            found = !proven || person !== undefined;
          } else if (proven) {
            await endOtherLeadSessions(trx, publish, proven.lead, proven.tokenHash, now);
            person = await identify(trx, publish, proven.lead, request.identity, emailTrust, now);
            found = person !== undefined;
          } else {
            const user = await findUser(trx, appId, request.identity, emailTrust);
            person = user && (await lockedPerson(trx, user.id));
            found = !user || person !== undefined;
          }
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
        const { token, expires_at } = await openSession(trx, appId, person.id, now);
        return {
          token,
          expires_at,
          person: toPerson(person),
          unread_count: await unreadOf(trx, person.id),
          conversations: await conversationsOf(trx, person.id),
        };
      }),

    update: (asked, request, now, emailTrust = 'unchecked') =>
      transaction(async (trx, publish) => {
        const identity = request.identity;
        if (identity?.user_id !== undefined) {
          await lockKeys(trx, identityKeys(asked.app_id, identity));
          await lockLeadSessions(trx, asked.token_hash);
        }
        // Locked whole: a login through it moves it (sessions.ts).
        const session = await currentSession(trx, asked, now, 'update');
        let person = await personById(trx, session.person_id);
        if (identity?.user_id !== undefined && person.user_id !== null && identity.user_id !== person.user_id) {
          throw new IdentityConflictError(
            `this session is user ${JSON.stringify(person.user_id)}; an update cannot name user ${JSON.stringify(identity.user_id)}: shut down, then boot as them`,
          );
        }
        // A lead becomes a user by a user_id only: an email alone is a lead telling us how to reach them.
        // Its other sessions end before the lead is locked: every write locks a session before a person.
        if (identity?.user_id !== undefined && person.role === 'lead') {
          await endOtherLeadSessions(trx, publish, person, session.token_hash, now);
          // The lead cannot be gone: a login elsewhere would have moved this session, which is held.
          person =
            (await identify(trx, publish, person, identity, emailTrust, now)) ?? (await personById(trx, person.id));
        } else {
          person = (await lockedPerson(trx, person.id)) ?? (await personById(trx, person.id));
        }
        person = await recordEmail(trx, person, identity?.email, emailTrust);
        person = await applyAttributes(trx, person, request.attributes, request.page, now);
        return { person: toPerson(person), unread_count: await unreadOf(trx, person.id) };
      }),
  };
}
