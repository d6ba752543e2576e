import { applyLauncherSettings, defaultLauncherSettings, type NormalizedSettings } from '../commands/settings';
import { toTransportError } from '../delivery/transport';
import { randomId } from '../platform/ids';
import { mergeAttributes } from '../protocol/attributes';
import type { BootResponse, Session, UpdateResponse } from '../protocol/wire';
import { appendMessage, realtimeChanges } from './conversation-data';
import type { MessengerEffects } from './effects';
import { appIdOf, lossesSince } from './guards';
import type { MessengerSetup } from './messenger.setup';
import { COMMAND_OF, type MessengerContext, type MessengerEvent, type ThreadMessage } from './messenger.types';
import { mergePatch } from './patch';
import { admitUpdate } from './throttle';

/** What a boot's answer changes: who is booted, their inbox, the server's colours. */
export const bootResponseChanges = (context: MessengerContext, response: BootResponse): Partial<MessengerContext> => ({
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

/** Tells the machine what the server answered to an update of `session`. */
const personUpdated =
  (session: Session, self: { send(event: MessengerEvent): void }) =>
  (response: UpdateResponse): void =>
    self.send({ type: 'PERSON_UPDATED', sessionToken: session.token, person: response.person, unreadCount: response.unread_count });

/** The machine's named actions; `base` types them, `effects` does their I/O. */
export function messengerActions(effects: MessengerEffects, base: MessengerSetup) {
  const { clock, transport, logger } = effects;
  const { assign, enqueueActions } = base;

  return {
    defer: assign({ deferred: ({ context, event }) => [...context.deferred, event] }),
    warnNoAppId: () =>
      logger.warn("[Confab] Intercom('boot'): settings.app_id is required (no app id was configured). The call was ignored."),
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
        logger.warn('[Confab] the server keeps refusing new sessions; the messenger stops booting again until the page is reloaded');
      }
    },
    warnBootFailure: (_: unknown, { error }: { error: unknown }) => {
      const failure = toTransportError(error);
      logger.warn(`[Confab] Intercom('boot') failed${failure.status ? ` (${failure.status})` : ''}: ${failure.message}`);
    },
    startSession: enqueueActions(({ context, enqueue, self }) => {
      const { session, person } = context;
      if (!session) return;
      enqueue(() => effects.sessionStarted(session, person?.id, () => self.send({ type: 'SESSION_LOST', sessionToken: session.token })));
      // What the last page's throttle still held goes out now, through this page's window.
      const carried = effects.takeCarriedPatch(session, person?.id);
      if (carried) enqueue.raise({ type: 'UPDATE', patch: carried, launcher: {} });
    }),
    replayDeferred: enqueueActions(({ context, enqueue }) => {
      for (const deferred of context.deferred) enqueue.raise(deferred);
      enqueue.assign({ deferred: [] });
    }),
    endSession: ({ context }: { context: MessengerContext }) => effects.sessionEnded(context.session, appIdOf(context)),
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
        logger.warn(`[Confab] Intercom('shutdown') discarded ${context.deferred.length} call(s) that were waiting for boot`);
      }
    },
    forgetSession: assign({ session: null, person: null }),
    clearUserData: assign({
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
      pendingPatch: null,
      error: null,
    }),
    updateAsBoot: enqueueActions(({ event, enqueue }) => {
      if (event.type !== 'BOOT') return;
      const { settings } = event;
      enqueue.raise({ type: 'UPDATE', patch: { identity: settings.identity, attributes: settings.attributes }, launcher: settings.launcher });
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
    admitAndSendUpdate: enqueueActions(({ context, event, enqueue, self }) => {
      if (event.type !== 'UPDATE' || !context.session) return;
      enqueue.assign({ updateWindow: admitUpdate(context.updateWindow, clock.now()) });
      const { session } = context;
      enqueue(() => effects.sendUpdate(session, event.patch, personUpdated(session, self)));
    }),
    holdPatch: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'UPDATE') return;
      const pendingPatch = mergePatch(context.pendingPatch, event.patch);
      enqueue.assign({ pendingPatch });
      const { session, person } = context;
      if (session) enqueue(() => effects.patchHeld(session, pendingPatch, person?.id, person?.role === 'lead'));
    }),
    releasePendingPatch: enqueueActions(({ context, enqueue, self }) => {
      if (!context.pendingPatch || !context.session) return;
      enqueue.assign({ updateWindow: admitUpdate(context.updateWindow, clock.now()), pendingPatch: null });
      const { session, pendingPatch } = context;
      enqueue(() => {
        effects.patchHeld(session, null);
        effects.sendUpdate(session, pendingPatch, personUpdated(session, self));
      });
    }),
    assignPerson: assign(({ event }) =>
      event.type === 'PERSON_UPDATED' ? { person: event.person, unreadCount: Math.max(0, event.unreadCount) } : {},
    ),
    assignUnread: assign(({ event }) => (event.type === 'UNREAD_COUNT' ? { unreadCount: Math.max(0, event.unreadCount) } : {})),
    // News came through, so the session works: a later refusal starts the count of losses afresh.
    applyRealtime: assign(({ context, event }) =>
      event.type === 'REALTIME' ? { ...realtimeChanges(context, event.event, false), sessionLosses: 0 } : {},
    ),
    // In the conversation on screen a team reply is read as it arrives (markRead confirms it).
    applyRealtimeOnScreen: assign(({ context, event }) =>
      event.type === 'REALTIME' ? { ...realtimeChanges(context, event.event, true), sessionLosses: 0 } : {},
    ),
    markThreadReadIfTeamReplied: ({ context, event, self }: { context: MessengerContext; event: MessengerEvent; self: { send(event: MessengerEvent): void } }) => {
      if (event.type !== 'REALTIME' || event.event.type !== 'message' || !event.event.message || !context.session || !context.thread) return;
      const { message } = event.event;
      if (message.author !== 'team' || message.conversation_id !== context.thread.conversationId) return;
      transport.markRead(context.session, message.conversation_id).then(
        (read) => self.send({ type: 'UNREAD_COUNT', unreadCount: read.unread_count }),
        () => {
          // Unread stays as the server counts it; the next open marks it read.
        },
      );
    },
    assignDraft: assign({
      draft: ({ event }) => (event.type === 'SHOW_NEW_MESSAGE' ? event.prefill : event.type === 'START_CONVERSATION' ? event.body : ''),
      draftClientId: null,
    }),
    openThread: assign({
      thread: ({ context, event }) => {
        if (event.type !== 'SHOW_CONVERSATION') return context.thread;
        if (context.thread?.conversationId === event.conversationId) return context.thread;
        return { conversationId: event.conversationId, messages: [], loading: true };
      },
    }),
    postMessage: enqueueActions(({ context, event, enqueue, self }) => {
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
            messages: context.thread.messages.map((m) => (m.id === clientId ? { ...m, status: 'sending' as const } : m)),
          },
        });
      } else return;
      const { session, thread } = context;
      enqueue(() =>
        transport.postMessage(session, thread.conversationId, body, clientId).then(
          (message) => self.send({ type: 'MESSAGE_SENT', clientId, message }),
          () => self.send({ type: 'MESSAGE_FAILED', clientId }),
        ),
      );
    }),
    confirmMessage: assign({
      thread: ({ context, event }) => {
        if (event.type !== 'MESSAGE_SENT' || !context.thread) return context.thread;
        if (event.message.conversation_id !== context.thread.conversationId) return context.thread;
        return { ...context.thread, messages: appendMessage(context.thread.messages, { ...event.message, client_id: event.clientId }) };
      },
    }),
    failMessage: assign({
      thread: ({ context, event }) => {
        if (event.type !== 'MESSAGE_FAILED' || !context.thread) return context.thread;
        return {
          ...context.thread,
          messages: context.thread.messages.map((m) => (m.id === event.clientId ? { ...m, status: 'failed' as const } : m)),
        };
      },
    }),
    supplyEmail: enqueueActions(({ event, enqueue }) => {
      if (event.type !== 'SUPPLY_EMAIL') return;
      enqueue.raise({ type: 'UPDATE', patch: { identity: { email: event.email }, attributes: {} }, launcher: {} });
      enqueue.emit({ type: 'userEmailSupplied', email: event.email });
    }),
  };
}
