import { fromCallback, fromPromise } from 'xstate';
import type { NormalizedSettings } from '../commands/settings';
import { toTransportError } from '../delivery/transport';
import type { BootResponse, ConversationSummary, Session, StartConversationResponse } from '../protocol/wire';
import type { LoadedThread } from './conversation-data';
import type { MessengerEffects } from './effects';
import type { MessengerEvent } from './messenger.types';

/** The machine's requests, each a child actor: stopped (and its answer ignored) when its state is left. */
export function messengerActors(effects: MessengerEffects) {
  const { transport } = effects;
  return {
    boot: fromPromise<BootResponse, { appId: string; settings: NormalizedSettings }>(async ({ input, signal }) => {
      const response = await transport.boot(effects.bootRequest(input.appId, input.settings));
      // Replaced while in flight (another person booted, a shutdown): the session it made is
      // nobody's, and is ended rather than left valid for a week.
      if (signal.aborted) transport.endSession(response.session).catch(() => {});
      return response;
    }),
    realtime: fromCallback<MessengerEvent, { session: Session }>(({ sendBack, input }) =>
      transport.subscribe(input.session, {
        onEvent: (event) => sendBack({ type: 'REALTIME', event }),
        onError: (error) => {
          if (toTransportError(error).status === 401) sendBack({ type: 'SESSION_LOST', sessionToken: input.session.token });
        },
      }),
    ),
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
  };
}
