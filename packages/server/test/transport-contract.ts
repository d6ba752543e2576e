// One behavioural suite for core's Transport, run against the in-memory server core ships
// (transport-contract.memory.test.ts) and the real server over HTTP on both databases
// (transport-contract.http.test.ts): what a messenger can observe is the same on both.
import { type Transport, TransportError } from '@confab/core';
import type { BootRequest, EphemeralEvent, RealtimeEvent, Session } from '@confab/core/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A server behind a Transport, with what the team does and what the store holds. */
export interface ContractBackend {
  transport: Transport;
  /** The team replies in a conversation. */
  reply(conversationId: string, body: string): Promise<void>;
  /** The team closes a conversation. */
  close(conversationId: string): Promise<void>;
  /** Ids of the events stored for a person. */
  eventIds(personId: string): Promise<string[]>;
  stop(): Promise<void>;
}

let visitors = 0;
function bootRequest(overrides: Partial<BootRequest> = {}): BootRequest {
  visitors++;
  return {
    app_id: 'acme',
    visitor_id: `contract-visitor-${visitors}-${Date.now()}`,
    device_id: `contract-device-${visitors}`,
    identity: {},
    attributes: {},
    ...overrides,
  };
}

/** Everything a stream delivers and every error it reports, until the test closes it. */
function listen(transport: Transport, session: Session, lastEventId?: string) {
  const events: (RealtimeEvent | EphemeralEvent)[] = [];
  const errors: TransportError[] = [];
  const close = transport.subscribe(
    session,
    { onEvent: (event) => events.push(event), onError: (error) => errors.push(error) },
    lastEventId,
  );
  return { events, errors, close };
}

async function statusOf(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(TransportError);
    return (error as TransportError).status;
  }
}

export function describeTransportContract(name: string, start: () => Promise<ContractBackend>) {
  describe(`the Transport contract: ${name}`, () => {
    let backend: ContractBackend;
    let transport: Transport;
    const streams: Array<() => void> = [];
    beforeAll(async () => {
      backend = await start();
      transport = backend.transport;
    });
    afterAll(async () => {
      for (const close of streams) close();
      await backend?.stop();
    });
    const open = (session: Session, lastEventId?: string) => {
      const stream = listen(transport, session, lastEventId);
      streams.push(stream.close);
      return stream;
    };

    it('boots a lead, a user, and resumes a lead by its session token but not by its visitor id alone', async () => {
      const request = bootRequest({ attributes: { name: 'Lea' } });
      const lead = await transport.boot(request);
      expect(lead.session).toMatchObject({ app_id: 'acme', token: expect.any(String) });
      expect(lead.session.expires_at).toBeGreaterThan(Date.now());
      expect(lead.person).toMatchObject({ role: 'lead', visitor_id: request.visitor_id, name: 'Lea' });
      expect(lead.unread_count).toBe(0);
      expect(lead.conversations).toEqual([]);

      const resumed = await transport.boot({ ...request, session_token: lead.session.token });
      expect(resumed.person.id).toBe(lead.person.id);
      expect(resumed.session.token).not.toBe(lead.session.token);
      const sameDevice = await transport.boot(request);
      expect(sameDevice.person.id).toBe(lead.person.id);
      const otherDevice = await transport.boot({ ...request, device_id: `${request.device_id}-elsewhere` });
      expect(otherDevice.person.id).not.toBe(lead.person.id);

      const userId = `contract-user-${visitors}-${Date.now()}`;
      const user = await transport.boot(bootRequest({ identity: { user_id: userId, email: 'ada@example.com' } }));
      expect(user.person).toMatchObject({ role: 'user', user_id: userId, email: 'ada@example.com' });
      const again = await transport.boot(bootRequest({ identity: { user_id: userId } }));
      expect(again.person.id).toBe(user.person.id);
    });

    it('updates merge attributes; a lead naming a user_id becomes that user', async () => {
      const booted = await transport.boot(bootRequest());
      const first = await transport.update(booted.session, {
        attributes: { name: 'Bo', custom_attributes: { plan: 'trial' } },
      });
      expect(first.person).toMatchObject({
        id: booted.person.id,
        name: 'Bo',
        attributes: { custom_attributes: { plan: 'trial' } },
      });
      const second = await transport.update(booted.session, { attributes: { custom_attributes: { seats: 3 } } });
      expect(second.person.attributes.custom_attributes).toEqual({ plan: 'trial', seats: 3 });
      expect(second.unread_count).toBe(0);

      const userId = `contract-login-${visitors}-${Date.now()}`;
      const login = await transport.update(booted.session, { identity: { user_id: userId }, attributes: {} });
      expect(login.person).toMatchObject({ id: booted.person.id, role: 'user', user_id: userId, name: 'Bo' });
    });

    it('a lead giving only an email (the messenger asking how to reach them) stays a lead with that email', async () => {
      const lead = await transport.boot(bootRequest());
      const reached = await transport.update(lead.session, { identity: { email: 'lea@example.com' }, attributes: {} });
      expect(reached.person).toMatchObject({ id: lead.person.id, role: 'lead', email: 'lea@example.com' });
    });

    it('a user cannot update as another user (403), and nothing of that update is written', async () => {
      const userId = `contract-self-${visitors}-${Date.now()}`;
      const user = await transport.boot(bootRequest({ identity: { user_id: userId } }));
      expect(
        await statusOf(
          transport.update(user.session, { identity: { user_id: `${userId}-other` }, attributes: { name: 'Mallory' } }),
        ),
      ).toBe(403);
      const unchanged = await transport.update(user.session, { attributes: {} });
      expect(unchanged.person).toMatchObject({ id: user.person.id, user_id: userId });
      expect(unchanged.person.name).toBeUndefined();
    });

    it('stores an event once per person: a retry once, another person with the same id their own', async () => {
      const ada = await transport.boot(bootRequest());
      const bo = await transport.boot(bootRequest());
      const event = { id: `evt-${visitors}-${Date.now()}`, name: 'viewed-pricing', created_at: Date.now() };
      expect(await transport.trackEvents(ada.session, [event])).toEqual({ accepted: [event.id] });
      expect(await transport.trackEvents(ada.session, [event, event])).toEqual({ accepted: [event.id, event.id] });
      expect(await transport.trackEvents(bo.session, [event])).toEqual({ accepted: [event.id] });
      expect(await backend.eventIds(ada.person.id)).toEqual([event.id]);
      expect(await backend.eventIds(bo.person.id)).toEqual([event.id]);
    });

    it('starts, retries, posts, reads, lists and threads a conversation', async () => {
      const { session } = await transport.boot(bootRequest());
      const started = await transport.startConversation(session, 'Hello?', 'client-1');
      expect(started.message).toMatchObject({
        conversation_id: started.conversation.id,
        author: 'person',
        body: 'Hello?',
        client_id: 'client-1',
      });
      expect(started.conversation).toMatchObject({ state: 'open', unread_count: 0, last_message: started.message });

      const retried = await transport.startConversation(session, 'Hello?', 'client-1');
      expect(retried.conversation.id).toBe(started.conversation.id);
      expect(retried.message).toEqual(started.message);

      const posted = await transport.postMessage(session, started.conversation.id, 'Anyone there?', 'client-2');
      expect(posted).toMatchObject({
        conversation_id: started.conversation.id,
        author: 'person',
        body: 'Anyone there?',
        client_id: 'client-2',
      });
      expect(await transport.postMessage(session, started.conversation.id, 'Anyone there?', 'client-2')).toEqual(
        posted,
      );

      const thread = await transport.getConversation(session, started.conversation.id);
      expect(thread.messages).toEqual([started.message, posted]);
      expect(thread.conversation).toMatchObject({ id: started.conversation.id, state: 'open', last_message: posted });

      const list = await transport.listConversations(session);
      expect(list.map((c) => c.id)).toEqual([started.conversation.id]);
      expect(await transport.markRead(session, started.conversation.id)).toEqual({ unread_count: 0 });

      // Someone else's conversation is as unknown as none at all.
      const other = await transport.boot(bootRequest());
      expect(await statusOf(transport.getConversation(other.session, started.conversation.id))).toBe(404);
      expect(
        await statusOf(transport.postMessage(other.session, started.conversation.id, 'mine now', 'client-3')),
      ).toBe(404);
    });

    it('streams a team reply live, with the unread count, and marking it read streams the new count', async () => {
      const { session } = await transport.boot(bootRequest());
      const { conversation } = await transport.startConversation(session, 'Help', 'client-1');
      const stream = open(session);
      await expect.poll(() => stream.events.map((e) => e.type)).toContain('message');

      await backend.reply(conversation.id, 'How can we help?');
      await expect
        .poll(() => stream.events.filter((e) => e.type === 'message' && e.message.author === 'team').length)
        .toBe(1);
      const reply = stream.events.find((e) => e.type === 'message' && e.message.author === 'team');
      expect(reply).toMatchObject({
        type: 'message',
        message: { body: 'How can we help?', conversation_id: conversation.id },
        unread_count: 1,
        conversation: { unread_count: 1 },
      });

      expect(await transport.markRead(session, conversation.id)).toEqual({ unread_count: 0 });
      await expect
        .poll(() => stream.events.filter((e) => e.type === 'unread'))
        .toEqual([expect.objectContaining({ type: 'unread', unread_count: 0 })]);
      expect(stream.errors).toEqual([]);
    });

    it('a fresh stream starts where its session did; one resumed with an event id gets only what came after it', async () => {
      const { session } = await transport.boot(bootRequest());
      const { conversation } = await transport.startConversation(session, 'First', 'client-1');
      await backend.reply(conversation.id, 'Second');
      const fresh = open(session);
      await expect
        .poll(() => fresh.events.map((e) => e.type === 'message' && e.message.body))
        .toEqual(['First', 'Second']);
      const resumed = open(session, (fresh.events[0] as RealtimeEvent).id);
      await expect.poll(() => resumed.events.map((e) => e.type === 'message' && e.message.body)).toEqual(['Second']);
    });

    it('a closed conversation streams its state, and a new message reopens it', async () => {
      const { session } = await transport.boot(bootRequest());
      const { conversation } = await transport.startConversation(session, 'Thanks, bye', 'client-1');
      const stream = open(session);
      await backend.close(conversation.id);
      await expect
        .poll(() => stream.events.filter((e) => e.type === 'conversation'))
        .toEqual([
          expect.objectContaining({
            type: 'conversation',
            conversation: expect.objectContaining({ id: conversation.id, state: 'closed' }),
          }),
        ]);
      expect((await transport.getConversation(session, conversation.id)).conversation.state).toBe('closed');

      await transport.postMessage(session, conversation.id, 'One more thing', 'client-2');
      expect((await transport.getConversation(session, conversation.id)).conversation.state).toBe('open');
      expect((await transport.listConversations(session))[0]).toMatchObject({ id: conversation.id, state: 'open' });
    });

    it('after endSession the session is refused (401), its stream too, and the lead is not resumed by its device', async () => {
      const request = bootRequest();
      const { session, person } = await transport.boot(request);
      const stream = open(session);
      await transport.endSession(session);
      expect(await statusOf(transport.listConversations(session))).toBe(401);
      expect(
        await statusOf(transport.trackEvents(session, [{ id: 'late', name: 'late', created_at: Date.now() }])),
      ).toBe(401);
      await expect.poll(() => stream.errors.map((error) => error.status)).toContain(401);
      const later = open(session);
      await expect.poll(() => later.errors.map((error) => error.status)).toContain(401);

      const rebooted = await transport.boot(request);
      expect(rebooted.person.id).not.toBe(person.id);
    });
  });
}
