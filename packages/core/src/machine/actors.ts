import { fromCallback, fromPromise } from 'xstate';
import type { NormalizedSettings } from '../commands/settings';
import { toTransportError } from '../delivery/transport';
import { createUpdateSender } from '../delivery/update-sender';
import type { BootResponse, ConversationSummary, Session, StartConversationResponse } from '../protocol/wire';
import type { LoadedThread } from './conversation-data';
import { heardRefusal, type MessengerEffects } from './effects';
import type { MessengerEvent } from './messenger.types';
import type { UpdatePatch } from './patch';

/** A boot's answer, with what this page's Storage held for the session it resumed. */
export interface BootResult {
  response: BootResponse;
  /** The stored session token the request carried: its owner's unsent events go out under it. */
  resumedToken: string | undefined;
  /** What the last page's throttle still held for this person, to go out first. */
  carried: UpdatePatch | null;
}

/**
 * A send: a child spawned per request that tells the machine its answer (if any). xstate drops
 * what a stopped callback actor sends back, so once a logout has stopped it no answer arrives for
 * the session it was part of. (A callback, not a promise actor: the transport takes no abort
 * signal, so stopping can only silence the answer, which this does in fewer bytes.) The machine
 * stops a message's send once answered; the read mark's lasts until the next one or the logout.
 */
const answering = <Input>(ask: (input: Input) => Promise<MessengerEvent | null>) =>
  fromCallback<MessengerEvent, Input>(({ input, sendBack }) => {
    ask(input).then((answer) => answer && sendBack(answer));
  });

/** What the machine asks of the update sender (messenger.machine.ts, `booted`). */
export type UpdateSenderEvent = { type: 'SEND'; patch: UpdatePatch } | { type: 'LOG_OUT' };

/**
 * The machine's I/O that takes time, each a child actor: a request invoked by a state is stopped
 * (and its answer ignored) when the state is left; a send is spawned, and stopped by a logout.
 */
export function messengerActors(effects: MessengerEffects) {
  const { transport, clock, logger, random } = effects;
  return {
    boot: fromPromise<BootResult, { appId: string; settings: NormalizedSettings }>(async ({ input, signal }) => {
      const request = effects.bootRequest(input.appId, input.settings);
      const response = await transport.boot(request);
      const resumedToken = request.session_token;
      // Replaced while in flight (another person booted, a shutdown): the session it made is
      // nobody's, and is ended rather than left valid for a week.
      if (signal.aborted) transport.endSession(response.session).catch(() => {});
      const carried = signal.aborted
        ? null
        : effects.takeCarriedPatch(response.session, response.person.id, resumedToken);
      return { response, resumedToken, carried };
    }),
    realtime: fromCallback<MessengerEvent, { session: Session }>(({ sendBack, input }) =>
      transport.subscribe(input.session, {
        onEvent: (event) => sendBack({ type: 'REALTIME', event }),
        onError: (error) => {
          if (toTransportError(error).status === 401)
            sendBack({ type: 'SESSION_LOST', sessionToken: input.session.token });
        },
      }),
    ),
    // One per booted session: updates go out in order, the last value of each attribute winning.
    updateSender: fromCallback<UpdateSenderEvent, { session: Session }>(({ sendBack, receive, input: { session } }) => {
      const sender = createUpdateSender({
        clock,
        logger,
        random,
        update: (request) =>
          heardRefusal(transport.update(session, request), () =>
            sendBack({ type: 'SESSION_LOST', sessionToken: session.token }),
          ),
        onDelivered: (response) =>
          sendBack({
            type: 'PERSON_UPDATED',
            sessionToken: session.token,
            person: response.person,
            unreadCount: response.unread_count,
          }),
      });
      let handedOver = false;
      receive((event) => {
        if (event.type === 'SEND') sender.send(event.patch);
        // A logout: what is not delivered yet goes out with the farewell, before the session is revoked.
        else {
          handedOver = true;
          effects.sessionEnded(session, session.app_id, sender);
        }
      });
      // Otherwise (a refused session, the messenger stopped) nothing of it is sent on.
      return () => handedOver || sender.cancel();
    }),
    listConversations: fromPromise<ConversationSummary[], { session: Session }>(({ input }) =>
      transport.listConversations(input.session),
    ),
    loadThread: fromPromise<LoadedThread, { session: Session; id: string }>(async ({ input, signal }) => {
      const thread = await transport.getConversation(input.session, input.id);
      // Left meanwhile (another thread, a logout): marking read would use a session that may be gone.
      if (signal.aborted) throw new Error('the thread was left before it loaded');
      // The thread is there even if marking it read failed: it stays unread on the server
      // (the next open marks it), and the count is the one the server gave last (-1: keep it).
      const read = await transport.markRead(input.session, input.id).catch(() => ({ unread_count: -1 }));
      return { ...thread, unread_count: read.unread_count };
    }),
    startConversation: fromPromise<StartConversationResponse, { session: Session; body: string; clientId: string }>(
      ({ input }) => transport.startConversation(input.session, input.body, input.clientId),
    ),
    postMessage: answering<{ session: Session; conversationId: string; body: string; clientId: string }>(
      ({ session, conversationId, body, clientId }) =>
        transport.postMessage(session, conversationId, body, clientId).then(
          (message) => ({ type: 'MESSAGE_SENT', clientId, message }),
          () => ({ type: 'MESSAGE_FAILED', clientId }),
        ),
    ),
    // When it fails, unread stays as the server counts it; the next open marks it.
    markRead: answering<{ session: Session; conversationId: string }>(({ session, conversationId }) =>
      transport.markRead(session, conversationId).then(
        (read) => ({ type: 'UNREAD_COUNT', unreadCount: read.unread_count }),
        () => null,
      ),
    ),
  };
}
