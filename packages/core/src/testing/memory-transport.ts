import { type RealtimeHandlers, type Transport, TransportError } from '../delivery/transport';
import { isLead } from '../machine/identity';
import { type Clock, systemClock } from '../platform/clock';
import { randomId } from '../platform/ids';
import { mergeAttributes } from '../protocol/attributes';
import { SESSION_LIFETIME_MS } from '../protocol/limits';
import type {
  BootRequest,
  ConversationSummary,
  EphemeralEvent,
  Identity,
  Message,
  Page,
  Person,
  RealtimeEvent,
  Session,
  TrackedEvent,
} from '../protocol/wire';

interface StoredConversation {
  id: string;
  personId: string;
  state: 'open' | 'closed';
  created_at: number;
  updated_at: number;
  messages: Message[];
  unread: number;
  teamSeenAt?: number;
}

export interface StoredEvent extends TrackedEvent {
  personId: string;
}

export interface MemoryServer {
  /** The Transport a messenger uses to reach this server. */
  readonly transport: Transport;
  /** What the team does from its inbox. */
  readonly team: {
    reply(conversationId: string, body: string, authorName?: string, avatarUrl?: string): Message;
    close(conversationId: string): void;
    /** A teammate types in the conversation: an ephemeral event to the person's streams (no id, not replayed). */
    typing(conversationId: string, authorName: string, avatarUrl?: string): void;
    /** The team read the person's messages up to `at` (default: now). */
    seen(conversationId: string, at?: number): void;
  };
  /** The conversations the person said they were typing in, one entry per typing request, in order. */
  typingHeard(): string[];
  people(): Person[];
  events(): StoredEvent[];
  conversationsOf(personId: string): ConversationSummary[];
  messagesOf(conversationId: string): Message[];
  pageViews(personId: string): Page[];
  /** Open realtime streams. */
  streamCount(): number;
  sessionCount(): number;
  /** Every request the transport answered, by method: lets tests see what reached the server. */
  calls(): Record<string, number>;
}

const clone = <T>(value: T): T => structuredClone(value);

type RealtimeEventBody = RealtimeEvent extends infer E ? (E extends RealtimeEvent ? Omit<E, 'id'> : never) : never;

/**
 * A Confab server held in memory: the same rules as the real one (sessions, leads that become
 * users, events stored once by id, realtime with replay), for tests and for runtimes that have
 * no server to talk to.
 */
export function createMemoryServer(options: { clock?: Clock } = {}): MemoryServer {
  const clock = options.clock ?? systemClock;
  const people = new Map<string, Person>();
  // stream_from: the last realtime event id at boot; a fresh stream of the session starts after it.
  const sessions = new Map<string, { personId: string; app_id: string; expires_at: number; stream_from: number }>();
  // A lead's proof of its browser: the device id that made it; none once the lead shut down.
  const leadDevices = new Map<string, string>();
  const conversations = new Map<string, StoredConversation>();
  // As the real server: one event per person and id (another person's event with the same id is theirs).
  const events = new Map<string, StoredEvent>();
  const eventKey = (personId: string, id: string) => `${personId}\n${id}`;
  const pages = new Map<string, Page[]>();
  const log: Array<{ personId: string; event: RealtimeEvent }> = [];
  const streams = new Set<{ personId: string; token: string; handlers: RealtimeHandlers }>();
  const calls: Record<string, number> = {};
  const typingHeard: string[] = [];
  let sequence = 0;

  // Every answer arrives asynchronously, as over a network.
  async function answer<T>(method: string, work: () => T): Promise<T> {
    await Promise.resolve();
    calls[method] = (calls[method] ?? 0) + 1;
    return clone(work());
  }

  function personOf(session: Session): Person {
    const stored = sessions.get(session.token);
    if (!stored || stored.expires_at <= clock.now() || stored.app_id !== session.app_id) {
      throw TransportError.fromStatus(401, 'the session is unknown, expired or revoked');
    }
    return people.get(stored.personId)!;
  }

  function liveSession(token: string | undefined, appId: string) {
    const stored = token === undefined ? undefined : sessions.get(token);
    return stored && stored.expires_at > clock.now() && stored.app_id === appId ? stored : undefined;
  }

  /** As the real server: the lead this browser proves it holds (live token, or visitor id with the device that made it). */
  function provenLead(request: BootRequest): { lead: Person; token?: string } | undefined {
    const previous = liveSession(request.session_token, request.app_id);
    const byToken = previous ? people.get(previous.personId) : undefined;
    if (byToken?.role === 'lead')
      return { lead: byToken, ...(request.session_token ? { token: request.session_token } : {}) };
    const lead = find(
      (p) => p.role === 'lead' && p.visitor_id === request.visitor_id && leadDevices.get(p.id) === request.device_id,
    );
    return lead ? { lead } : undefined;
  }

  /** Ends a session, and its streams: reconnecting them is refused. */
  function revoke(token: string) {
    sessions.delete(token);
    for (const stream of [...streams]) {
      if (stream.token !== token) continue;
      streams.delete(stream);
      queueMicrotask(() =>
        stream.handlers.onError?.(TransportError.fromStatus(401, 'the session is unknown, expired or revoked')),
      );
    }
  }

  /** A lead logging in: every session of it ends but the one making the login. */
  function endOtherLeadSessions(lead: Person, keep: string | undefined) {
    for (const [token, stored] of [...sessions]) if (stored.personId === lead.id && token !== keep) revoke(token);
  }

  function find(predicate: (p: Person) => boolean): Person | undefined {
    for (const person of people.values()) if (predicate(person)) return person;
    return undefined;
  }

  function findUser(identity: Identity): Person | undefined {
    if (identity.user_id !== undefined) return find((p) => p.user_id === identity.user_id);
    if (identity.email !== undefined) return find((p) => p.role === 'user' && p.email === identity.email);
    return undefined;
  }

  /** A lead who identifies becomes (or joins) the user; their conversations and events follow. */
  function identify(lead: Person, identity: Identity): Person {
    const existing = findUser(identity);
    if (existing && existing.id !== lead.id) {
      for (const c of conversations.values()) if (c.personId === lead.id) c.personId = existing.id;
      for (const [key, e] of [...events]) {
        if (e.personId !== lead.id) continue;
        events.delete(key);
        // An event both hold is kept once.
        if (!events.has(eventKey(existing.id, e.id)))
          events.set(eventKey(existing.id, e.id), { ...e, personId: existing.id });
      }
      for (const s of sessions.values()) if (s.personId === lead.id) s.personId = existing.id;
      people.delete(lead.id);
      return existing;
    }
    lead.role = 'user';
    if (identity.user_id !== undefined) lead.user_id = identity.user_id;
    if (identity.email !== undefined) lead.email = identity.email;
    return lead;
  }

  function summary(c: StoredConversation): ConversationSummary {
    const last = c.messages[c.messages.length - 1];
    return {
      id: c.id,
      state: c.state,
      created_at: c.created_at,
      updated_at: c.updated_at,
      unread_count: c.unread,
      ...(c.teamSeenAt !== undefined ? { team_seen_at: c.teamSeenAt } : {}),
      ...(last ? { last_message: last } : {}),
    };
  }

  function unreadOf(personId: string): number {
    let total = 0;
    for (const c of conversations.values()) if (c.personId === personId) total += c.unread;
    return total;
  }

  function ownConversation(person: Person, id: string): StoredConversation {
    const c = conversations.get(id);
    // Someone else's conversation is indistinguishable from none at all.
    if (!c || c.personId !== person.id) throw TransportError.fromStatus(404, `conversation ${id} not found`);
    return c;
  }

  function publish(personId: string, event: RealtimeEventBody) {
    const full = { ...event, id: String(++sequence) } as RealtimeEvent;
    log.push({ personId, event: full });
    for (const stream of streams) {
      if (stream.personId === personId) queueMicrotask(() => stream.handlers.onEvent(clone(full)));
    }
  }

  function addMessage(
    c: StoredConversation,
    author: Message['author'],
    body: string,
    clientId?: string,
    authorName?: string,
    avatarUrl?: string,
  ) {
    const message: Message = {
      id: randomId(),
      conversation_id: c.id,
      author,
      body,
      created_at: clock.now(),
      ...(clientId ? { client_id: clientId } : {}),
      ...(authorName ? { author_name: authorName } : {}),
      ...(avatarUrl ? { author_avatar_url: avatarUrl } : {}),
    };
    c.messages.push(message);
    c.updated_at = message.created_at;
    c.state = 'open'; // as the real server: any new message reopens a closed conversation
    if (author === 'team') c.unread += 1;
    publish(c.personId, { type: 'message', message, conversation: summary(c), unread_count: unreadOf(c.personId) });
    return message;
  }

  const transport: Transport = {
    boot: (request) =>
      answer('boot', () => {
        const proven = provenLead(request);
        let person: Person | undefined;
        if (isLead(request.identity)) {
          person = proven?.lead;
        } else if (proven) {
          endOtherLeadSessions(proven.lead, proven.token);
          person = identify(proven.lead, request.identity);
        } else {
          person = findUser(request.identity);
        }
        if (!person) {
          person = {
            id: randomId(),
            role: isLead(request.identity) ? 'lead' : 'user',
            visitor_id: request.visitor_id,
            attributes: {},
            ...(request.identity.user_id !== undefined ? { user_id: request.identity.user_id } : {}),
            ...(request.identity.email !== undefined ? { email: request.identity.email } : {}),
          };
          people.set(person.id, person);
          if (person.role === 'lead') leadDevices.set(person.id, request.device_id);
        }
        person.attributes = mergeAttributes(person.attributes, request.attributes);
        if (request.attributes.name) person.name = request.attributes.name;
        if (request.page) pages.set(person.id, [...(pages.get(person.id) ?? []), request.page]);
        const token = randomId();
        const expires_at = clock.now() + SESSION_LIFETIME_MS;
        sessions.set(token, { personId: person.id, app_id: request.app_id, expires_at, stream_from: sequence });
        const owned = [...conversations.values()].filter((c) => c.personId === person.id).map(summary);
        return {
          session: { app_id: request.app_id, token, expires_at },
          person,
          unread_count: unreadOf(person.id),
          conversations: owned,
          settings: { team_name: 'Confab' },
        };
      }),
    update: (session, request) =>
      answer('update', () => {
        let person = personOf(session);
        // As the real server: a session's user cannot write as another.
        const named = request.identity?.user_id;
        if (named !== undefined && person.user_id !== undefined && named !== person.user_id) {
          throw TransportError.fromStatus(
            403,
            `this session is user ${JSON.stringify(person.user_id)}; an update cannot name user ${JSON.stringify(named)}`,
          );
        }
        // As the real server: a lead becomes a user by a user_id only; an email alone is how to reach them.
        if (request.identity?.user_id !== undefined && person.role === 'lead') {
          endOtherLeadSessions(person, session.token);
          person = identify(person, request.identity);
        } else if (request.identity?.email !== undefined) {
          person.email = request.identity.email;
        }
        person.attributes = mergeAttributes(person.attributes, request.attributes);
        if (request.attributes.name) person.name = request.attributes.name;
        if (request.page) pages.set(person.id, [...(pages.get(person.id) ?? []), request.page]);
        return { person, unread_count: unreadOf(person.id) };
      }),
    trackEvents: (session, batch) =>
      answer('trackEvents', () => {
        const person = personOf(session);
        for (const event of batch) {
          if (!events.has(eventKey(person.id, event.id)))
            events.set(eventKey(person.id, event.id), { ...event, personId: person.id });
        }
        return { accepted: batch.map((event) => event.id) };
      }),
    listConversations: (session) =>
      answer('listConversations', () => {
        const person = personOf(session);
        return [...conversations.values()].filter((c) => c.personId === person.id).map(summary);
      }),
    getConversation: (session, id) =>
      answer('getConversation', () => {
        const c = ownConversation(personOf(session), id);
        return { conversation: summary(c), messages: c.messages };
      }),
    startConversation: (session, body, clientId) =>
      answer('startConversation', () => {
        const person = personOf(session);
        for (const c of conversations.values()) {
          const first = c.messages[0];
          if (c.personId === person.id && first?.client_id === clientId)
            return { conversation: summary(c), message: first };
        }
        const now = clock.now();
        const c: StoredConversation = {
          id: randomId(),
          personId: person.id,
          state: 'open',
          created_at: now,
          updated_at: now,
          messages: [],
          unread: 0,
        };
        conversations.set(c.id, c);
        const message = addMessage(c, 'person', body, clientId);
        return { conversation: summary(c), message };
      }),
    postMessage: (session, id, body, clientId) =>
      answer('postMessage', () => {
        const c = ownConversation(personOf(session), id);
        return c.messages.find((m) => m.client_id === clientId) ?? addMessage(c, 'person', body, clientId);
      }),
    markRead: (session, id) =>
      answer('markRead', () => {
        const person = personOf(session);
        const c = ownConversation(person, id);
        if (c.unread > 0) {
          c.unread = 0;
          publish(person.id, { type: 'unread', unread_count: unreadOf(person.id) });
        }
        return { unread_count: unreadOf(person.id) };
      }),
    typing: (session, id) =>
      answer('typing', () => {
        ownConversation(personOf(session), id);
        typingHeard.push(id);
      }),
    endSession: (session) =>
      answer('endSession', () => {
        const stored = sessions.get(session.token);
        // As the real server: a lead's shutdown leaves its old visitor id granting nothing.
        if (stored && people.get(stored.personId)?.role === 'lead') leadDevices.delete(stored.personId);
        revoke(session.token);
      }),
    subscribe(session, handlers, lastEventId) {
      const stored = sessions.get(session.token);
      if (!stored) {
        queueMicrotask(() =>
          handlers.onError?.(TransportError.fromStatus(401, 'the session is unknown, expired or revoked')),
        );
        return () => {};
      }
      const stream = { personId: stored.personId, token: session.token, handlers };
      streams.add(stream);
      // As the real server: a fresh stream (or one resuming from an id this server never sent)
      // starts where its session did, so nothing since boot is missed.
      const after =
        lastEventId !== undefined && Number(lastEventId) <= sequence ? Number(lastEventId) : stored.stream_from;
      for (const entry of log) {
        if (entry.personId === stored.personId && Number(entry.event.id) > after) {
          const missed = clone(entry.event);
          queueMicrotask(() => handlers.onEvent(missed));
        }
      }
      return () => {
        streams.delete(stream);
      };
    },
  };

  function stored(conversationId: string): StoredConversation {
    const c = conversations.get(conversationId);
    if (!c) throw new Error(`conversation ${conversationId} not found`);
    return c;
  }

  return {
    transport,
    typingHeard: () => [...typingHeard],
    team: {
      reply(conversationId, body, authorName = 'Support', avatarUrl) {
        return clone(addMessage(stored(conversationId), 'team', body, undefined, authorName, avatarUrl));
      },
      typing(conversationId, authorName, avatarUrl) {
        const c = stored(conversationId);
        const event: EphemeralEvent = {
          type: 'typing',
          conversation_id: c.id,
          author_name: authorName,
          ...(avatarUrl ? { author_avatar_url: avatarUrl } : {}),
        };
        for (const stream of streams) {
          if (stream.personId === c.personId) queueMicrotask(() => stream.handlers.onEvent(clone(event)));
        }
      },
      seen(conversationId, at = clock.now()) {
        const c = stored(conversationId);
        c.teamSeenAt = Math.max(c.teamSeenAt ?? 0, at);
        publish(c.personId, { type: 'seen', conversation_id: c.id, seen_at: c.teamSeenAt });
      },
      close(conversationId) {
        const c = conversations.get(conversationId);
        if (!c) throw new Error(`conversation ${conversationId} not found`);
        c.state = 'closed';
        publish(c.personId, { type: 'conversation', conversation: summary(c) });
      },
    },
    people: () => clone([...people.values()]),
    events: () => clone([...events.values()]),
    conversationsOf: (personId) =>
      clone([...conversations.values()].filter((c) => c.personId === personId).map(summary)),
    messagesOf: (conversationId) => clone(conversations.get(conversationId)?.messages ?? []),
    pageViews: (personId) => clone(pages.get(personId) ?? []),
    streamCount: () => streams.size,
    sessionCount: () => sessions.size,
    calls: () => ({ ...calls }),
  };
}
