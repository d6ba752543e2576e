import { applyLauncherSettings, defaultLauncherSettings, type NormalizedSettings } from '../commands/settings';
import { toTransportError } from '../delivery/transport';
import { randomId } from '../platform/ids';
import { mergeAttributes } from '../protocol/attributes';
import type { BootResult } from './actors';
import { appendMessage, realtimeChanges, TEAM_TYPING_SHOWN_MS, TYPING_SENT_EVERY_MS } from './conversation-data';
import type { MessengerEffects } from './effects';
import { appIdOf, lossesSince } from './guards';
import type { MessengerSetup } from './messenger.setup';
import { COMMAND_OF, type MessengerContext, type MessengerEvent, type ThreadMessage } from './messenger.types';
import { mergePatch } from './patch';
import { admitUpdate } from './throttle';

/**
 * What a boot's answer changes: who is booted, their inbox, the server's colours. An update the
 * last page's throttle held goes first among the calls that waited for the boot.
 */
export const bootResponseChanges = (
  context: MessengerContext,
  { response, resumedToken, carried }: BootResult,
): Partial<MessengerContext> => ({
  resumedToken,
  deferred: carried ? [{ type: 'UPDATE', patch: carried, launcher: {} }, ...context.deferred] : context.deferred,
  session: response.session,
  person: response.person,
  unreadCount: Math.max(0, response.unread_count),
  conversations: [...response.conversations].sort((a, b) => b.updated_at - a.updated_at),
  serverSettings: response.settings,
  launcher: {
    ...context.launcher,
    actionColor: context.launcher.actionColor ?? response.settings.action_color,
    backgroundColor: context.launcher.backgroundColor ?? response.settings.background_color,
  },
  bootAttempt: 0,
});

/** The context of nobody booted: what a logout clears, and where the messenger starts. */
export const noUserData = {
  settings: null,
  launcher: defaultLauncherSettings,
  session: null,
  person: null,
  unreadCount: 0,
  conversations: [],
  thread: null,
  draft: '',
  draftClientId: null,
  deferred: [],
  resumedToken: undefined,
  pendingPatch: null,
  teamTyping: null,
  typingQuietUntil: 0,
  error: null,
} satisfies Partial<MessengerContext>;

/** The machine's named actions; `base` types them, `effects` does their I/O. */
export function messengerActions(effects: MessengerEffects, base: MessengerSetup) {
  const { clock, logger } = effects;
  const { assign, enqueueActions } = base;

  // A logout stops the session's sends (the children whose id starts with `send`): no answer of theirs arrives after it.
  const stopSends = enqueueActions(({ self, enqueue }) => {
    for (const id in self.getSnapshot().children) if (id.startsWith('send')) enqueue.stopChild(id);
  });

  const applyRealtime = (onScreen: boolean) =>
    enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'REALTIME') return;
      enqueue.assign({ ...realtimeChanges(context, event.event, onScreen, clock.now()), sessionLosses: 0 });
      if (event.event.type === 'typing') enqueue.raise({ type: 'TEAM_TYPING_LAPSED' }, { delay: TEAM_TYPING_SHOWN_MS });
    });

  return {
    defer: assign({ deferred: ({ context, event }) => [...context.deferred, event] }),
    warnNoAppId: () =>
      logger.warn(
        "[Confab] Intercom('boot'): settings.app_id is required (no app id was configured). The call was ignored.",
      ),
    assignBootSettings: assign(({ context, event }) => {
      if (event.type !== 'BOOT') return {};
      const settings: NormalizedSettings = { ...event.settings, app_id: event.settings.app_id ?? appIdOf(context) };
      return {
        settings,
        appId: settings.app_id,
        // Launcher settings belong to a boot: the last person's (hidden launcher, custom
        // selector) must not leave the next one without a way to open the messenger.
        launcher: applyLauncherSettings(defaultLauncherSettings, event.settings.launcher),
        bootAttempt: 0,
        error: null,
      };
    }),
    countBootAttempt: assign({ bootAttempt: ({ context }) => context.bootAttempt + 1 }),
    countSessionLoss: assign(({ context }) => {
      const losses = lossesSince(context, clock.now()) + 1;
      return { sessionLosses: losses, sessionLostAt: clock.now(), bootAttempt: losses };
    }),
    warnSessionRefused: ({ context, event }: { context: MessengerContext; event: MessengerEvent }) => {
      if (event.type === 'SESSION_LOST' && context.session?.token === event.sessionToken) {
        logger.warn(
          '[Confab] the server keeps refusing new sessions; the messenger stops booting again until the page is reloaded',
        );
      }
    },
    warnBootFailure: (_: unknown, { error }: { error: unknown }) => {
      const failure = toTransportError(error);
      logger.warn(
        `[Confab] Intercom('boot') failed${failure.status ? ` (${failure.status})` : ''}: ${failure.message}`,
      );
    },
    startSession: enqueueActions(({ context, enqueue, self }) => {
      const { session, person, resumedToken } = context;
      if (!session) return;
      enqueue(() =>
        effects.sessionStarted(session, person?.id, resumedToken, () =>
          self.send({ type: 'SESSION_LOST', sessionToken: session.token }),
        ),
      );
    }),
    replayDeferred: enqueueActions(({ context, enqueue }) => {
      for (const deferred of context.deferred) enqueue.raise(deferred);
      enqueue.assign({ deferred: [] });
    }),
    // Outside booted (no update sender runs there).
    endSession: enqueueActions(({ context, enqueue }) => {
      enqueue(stopSends);
      enqueue(() => effects.sessionEnded(context.session, appIdOf(context)));
    }),
    // Leaving booted for a shutdown or another person's boot is a logout; a refused session is
    // booted again as the same person. The update sender ends the session (it has the last updates).
    logOut: enqueueActions(({ event, enqueue }) => {
      if (event.type === 'SESSION_LOST') return;
      enqueue(stopSends);
      enqueue.sendTo('updateSender', { type: 'LOG_OUT' });
    }),
    warnIgnoredAfterShutdown: ({ event }: { event: MessengerEvent }) =>
      logger.warn(
        `[Confab] Intercom('${COMMAND_OF[event.type]}') after shutdown was ignored: it would have reached whoever boots next. Call boot first.`,
      ),
    // Calls waiting for one person's boot are not the next person's to receive.
    dropDeferredOfAnotherPerson: enqueueActions(({ context, enqueue }) => {
      if (context.deferred.length === 0) return;
      logger.warn(
        `[Confab] Intercom('boot') as another person discarded ${context.deferred.length} call(s) that were waiting for the previous boot`,
      );
      enqueue.assign({ deferred: [] });
    }),
    warnUpdateOfAnotherPerson: ({ context, event }: { context: MessengerContext; event: MessengerEvent }) => {
      if (event.type !== 'UPDATE' || !context.settings) return;
      const named = event.patch.identity.user_id ?? event.patch.identity.email;
      logger.warn(
        `[Confab] Intercom('update') names ${JSON.stringify(named)}, not the person booted: the call was ignored. To change users, call shutdown, then boot.`,
      );
    },
    warnDroppedDeferred: ({ context }: { context: MessengerContext }) => {
      if (context.deferred.length > 0) {
        logger.warn(
          `[Confab] Intercom('shutdown') discarded ${context.deferred.length} call(s) that were waiting for boot`,
        );
      }
    },
    forgetSession: assign({ session: null, person: null }),
    clearUserData: assign(noUserData),
    updateAsBoot: enqueueActions(({ event, enqueue }) => {
      if (event.type !== 'BOOT') return;
      const { settings } = event;
      enqueue.raise({
        type: 'UPDATE',
        patch: { identity: settings.identity, attributes: settings.attributes },
        launcher: settings.launcher,
      });
    }),
    enqueueEvent: ({ context, event }: { context: MessengerContext; event: MessengerEvent }) => {
      const appId = appIdOf(context);
      if (event.type === 'TRACK_EVENT' && appId) effects.trackEvent(appId, event.event);
    },
    applyUpdateLocally: assign(({ context, event }) => {
      if (event.type !== 'UPDATE' || !context.settings) return {};
      return {
        launcher: applyLauncherSettings(context.launcher, event.launcher),
        settings: {
          ...context.settings,
          identity: { ...context.settings.identity, ...event.patch.identity },
          attributes: mergeAttributes(context.settings.attributes, event.patch.attributes),
        },
      };
    }),
    admitAndSendUpdate: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'UPDATE') return;
      enqueue.assign({ updateWindow: admitUpdate(context.updateWindow, clock.now()) });
      enqueue.sendTo('updateSender', { type: 'SEND', patch: event.patch });
    }),
    holdPatch: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'UPDATE') return;
      const pendingPatch = mergePatch(context.pendingPatch, event.patch);
      enqueue.assign({ pendingPatch });
      const { session, person } = context;
      if (session) enqueue(() => effects.patchHeld(session, pendingPatch, person?.id, person?.role === 'lead'));
    }),
    releasePendingPatch: enqueueActions(({ context, enqueue }) => {
      const { session, pendingPatch } = context;
      if (!pendingPatch || !session) return;
      enqueue.assign({ updateWindow: admitUpdate(context.updateWindow, clock.now()), pendingPatch: null });
      enqueue(() => effects.patchHeld(session, null));
      enqueue.sendTo('updateSender', { type: 'SEND', patch: pendingPatch });
    }),
    assignPerson: assign(({ event }) =>
      event.type === 'PERSON_UPDATED' ? { person: event.person, unreadCount: Math.max(0, event.unreadCount) } : {},
    ),
    assignUnread: assign(({ event }) =>
      event.type === 'UNREAD_COUNT' ? { unreadCount: Math.max(0, event.unreadCount) } : {},
    ),
    // News came through, so the session works: a later refusal starts the count of losses afresh.
    // In the conversation on screen (`onScreen`) a team reply is read as it arrives (markRead confirms it).
    applyRealtime: applyRealtime(false),
    applyRealtimeOnScreen: applyRealtime(true),
    // Each typing heard raised one of these: the last one heard goes if its time is up by now.
    dropLapsedTyping: assign({
      teamTyping: ({ context: { teamTyping } }) => (teamTyping && teamTyping.until > clock.now() ? teamTyping : null),
    }),
    // Something typed (an emptied composer is not typing), and the last typing sent long enough
    // ago. Best effort: one request, its failure silent, never retried or kept.
    sendTyping: enqueueActions(({ context: { session, thread, typingQuietUntil }, event, enqueue }) => {
      if (event.type !== 'PERSON_TYPING' || !event.text.trim() || clock.now() < typingQuietUntil || !session || !thread)
        return;
      enqueue.assign({ typingQuietUntil: clock.now() + TYPING_SENT_EVERY_MS });
      enqueue(() => {
        Promise.resolve()
          .then(() => effects.transport.typing?.(session, thread.conversationId))
          .catch(() => {});
      });
    }),
    // One read mark at a time: a newer one replaces it (its count is the newer).
    markThreadReadIfTeamReplied: enqueueActions(({ context, event, enqueue }) => {
      if (
        event.type !== 'REALTIME' ||
        event.event.type !== 'message' ||
        !event.event.message ||
        !context.session ||
        !context.thread
      )
        return;
      const { message } = event.event;
      if (message.author !== 'team' || message.conversation_id !== context.thread.conversationId) return;
      enqueue.stopChild('send:read');
      enqueue.spawnChild('markRead', {
        id: 'send:read',
        input: { session: context.session, conversationId: message.conversation_id },
      });
    }),
    assignDraft: assign({
      draft: ({ event }) =>
        event.type === 'SHOW_NEW_MESSAGE' ? event.prefill : event.type === 'START_CONVERSATION' ? event.body : '',
      draftClientId: null,
    }),
    openThread: assign({
      thread: ({ context, event }) => {
        if (event.type !== 'SHOW_CONVERSATION') return context.thread;
        if (context.thread?.conversationId === event.conversationId) return context.thread;
        return { conversationId: event.conversationId, messages: [], loading: true };
      },
    }),
    postMessage: enqueueActions(({ context, event, enqueue }) => {
      if (!context.session || !context.thread) return;
      let body: string;
      let clientId: string;
      if (event.type === 'SEND_MESSAGE') {
        body = event.body.trim();
        if (!body) return;
        clientId = randomId();
        const pending: ThreadMessage = {
          id: clientId,
          client_id: clientId,
          conversation_id: context.thread.conversationId,
          author: 'person',
          body,
          created_at: clock.now(),
          status: 'sending',
        };
        enqueue.assign({ thread: { ...context.thread, messages: [...context.thread.messages, pending] } });
      } else if (event.type === 'RETRY_MESSAGE') {
        const failed = context.thread.messages.find((m) => m.id === event.clientId && m.status === 'failed');
        if (!failed) return;
        body = failed.body;
        clientId = failed.id;
        enqueue.assign({
          thread: {
            ...context.thread,
            messages: context.thread.messages.map((m) =>
              m.id === clientId ? { ...m, status: 'sending' as const } : m,
            ),
          },
        });
      } else return;
      enqueue.spawnChild('postMessage', {
        id: `send:${clientId}`,
        input: { session: context.session, conversationId: context.thread.conversationId, body, clientId },
      });
    }),
    // A send answered: its message is confirmed (if its thread is still the one open) or marked
    // failed, and the send is done (no longer kept among the machine's children).
    settleSend: enqueueActions(({ context: { thread }, event, enqueue }) => {
      if (event.type !== 'MESSAGE_SENT' && event.type !== 'MESSAGE_FAILED') return;
      const { clientId } = event;
      enqueue.stopChild(`send:${clientId}`);
      if (!thread) return;
      if (event.type === 'MESSAGE_FAILED') {
        enqueue.assign({
          thread: {
            ...thread,
            messages: thread.messages.map((m) => (m.id === clientId ? { ...m, status: 'failed' as const } : m)),
          },
        });
      } else if (event.message.conversation_id === thread.conversationId) {
        enqueue.assign({
          thread: { ...thread, messages: appendMessage(thread.messages, { ...event.message, client_id: clientId }) },
        });
      }
    }),
    supplyEmail: enqueueActions(({ event, enqueue }) => {
      if (event.type !== 'SUPPLY_EMAIL') return;
      enqueue.raise({ type: 'UPDATE', patch: { identity: { email: event.email }, attributes: {} }, launcher: {} });
      enqueue.emit({ type: 'userEmailSupplied', email: event.email });
    }),
  };
}
