import { assign, enqueueActions, fromCallback, fromPromise, raise, setup } from 'xstate';
import { confabServer } from '../commands/api-base';
import { backoffDelay } from '../delivery/backoff';
import type { MessengerEffects } from './effects';
import { randomId } from '../platform/ids';
import { isSamePerson, withClaimedUserId } from './identity';
import type { MessengerContext, MessengerEvent, ThreadMessage } from './messenger.types';
import { DEFERRED_BEFORE_BOOT } from './messenger.types';
import { mergeAttributes } from '../protocol/attributes';
import { mergePatch } from './patch';
import type {
  BootResponse,
  ConversationSummary,
  ConversationThread,
  Message,
  Session,
  StartConversationResponse,
} from '../protocol/wire';
import { applyLauncherSettings, defaultLauncherSettings, type NormalizedSettings } from '../commands/settings';
import { admitUpdate, canAdmitUpdate, freshUpdateWindow, msUntilReset } from './throttle';
import { toTransportError } from '../delivery/transport';

/** What the machine announces beside its state (hooks that are not a state change). */
export type MessengerEmitted = { type: 'userEmailSupplied'; email: string };

export interface MessengerInput {
  appId?: string;
}

const BOOT_RETRY_LIMIT = 8;

/**
 * Sessions refused in a row: the count starts afresh after an hour without one (a quiet tab open
 * for weeks loses its session once a week, legitimately), as it does when news comes through.
 */
const SESSION_LOSS_MEMORY_MS = 60 * 60 * 1000;
const lossesSince = (context: MessengerContext, now: number) =>
  now - context.sessionLostAt > SESSION_LOSS_MEMORY_MS ? 0 : context.sessionLosses;

type DeferredType = (typeof DEFERRED_BEFORE_BOOT)[number];
/** The call a deferred event came from, for warnings. */
const COMMAND_OF: Record<DeferredType, string> = {
  UPDATE: 'update',
  SHOW: 'show',
  HIDE: 'hide',
  TOGGLE: 'custom_launcher_selector',
  SHOW_HOME: 'showSpace',
  SHOW_MESSAGES: 'showMessages',
  SHOW_NEW_MESSAGE: 'showNewMessage',
  SHOW_CONVERSATION: 'showConversation',
  START_CONVERSATION: 'startConversation',
  TRACK_EVENT: 'trackEvent',
};

function upsertConversation(list: ConversationSummary[], summary: ConversationSummary): ConversationSummary[] {
  const rest = list.filter((c) => c.id !== summary.id);
  return [summary, ...rest].sort((a, b) => b.updated_at - a.updated_at);
}

function appendMessage(messages: ThreadMessage[], message: Message): ThreadMessage[] {
  const known = messages.findIndex(
    (m) => m.id === message.id || (message.client_id !== undefined && m.id === message.client_id),
  );
  const sent: ThreadMessage = { ...message, status: 'sent' };
  if (known === -1) return [...messages, sent];
  return messages.map((m, i) => (i === known ? sent : m));
}

const appIdOf = (context: MessengerContext): string | undefined => context.settings?.app_id ?? context.appId;

/** A boot naming no server keeps the current one; naming Intercom's host names none (api-base.ts). */
function keepsServer(current: NormalizedSettings, next: NormalizedSettings): boolean {
  const named = confabServer(next.api_base);
  return named === undefined || named === confabServer(current.api_base);
}

function isSameAppAndPerson(context: MessengerContext, event: MessengerEvent): boolean {
  if (event.type !== 'BOOT' || !context.settings) return false;
  const nextApp = event.settings.app_id ?? appIdOf(context);
  return nextApp === appIdOf(context) && isSamePerson(context.settings.identity, event.settings.identity);
}

/**
 * The messenger's lifecycle, as DESIGN.md describes it: unbooted, booting, booted (panel and
 * updates side by side), shutDown. The machine decides what happens when; every piece of I/O is
 * asked of the injected effects, so the same machine runs in any runtime and in tests.
 */
export function createMessengerMachine(effects: MessengerEffects) {
  const { clock, transport } = effects;

  return setup({
    types: {
      context: {} as MessengerContext,
      events: {} as MessengerEvent,
      input: {} as MessengerInput,
      emitted: {} as MessengerEmitted,
    },
    actors: {
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
      loadThread: fromPromise<ConversationThread & { unread_count: number }, { session: Session; id: string }>(
        async ({ input, signal }) => {
          const thread = await transport.getConversation(input.session, input.id);
          // Left meanwhile (another thread, a logout): marking read would use a session that may be gone.
          if (signal.aborted) throw new Error('the thread was left before it loaded');
          // The thread is there even if marking it read failed: it stays unread on the server
          // (the next open marks it), and the count is the one the server gave last (-1: keep it).
          const read = await transport.markRead(input.session, input.id).catch(() => ({ unread_count: -1 }));
          return { ...thread, unread_count: read.unread_count };
        },
      ),
      startConversation: fromPromise<StartConversationResponse, { session: Session; body: string; clientId: string }>(
        ({ input }) => transport.startConversation(input.session, input.body, input.clientId),
      ),
    },
    guards: {
      retryableBootFailure: ({ context, event }) =>
        toTransportError((event as { error?: unknown }).error).retryable && context.bootAttempt < BOOT_RETRY_LIMIT,
      // The same settings again (intercomSettings booted on load, then the page's own
      // `boot(intercomSettings)`): nothing to send, and no update spent from the window of 20.
      bootRepeatsSettings: ({ context, event }) => {
        if (event.type !== 'BOOT' || !context.settings) return false;
        const next = event.settings;
        const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
        return (
          (next.app_id ?? appIdOf(context)) === appIdOf(context) &&
          keepsServer(context.settings, next) &&
          same(next.identity, context.settings.identity) &&
          same(next.attributes, context.settings.attributes) &&
          same(applyLauncherSettings(context.launcher, next.launcher), context.launcher)
        );
      },
      // The same person on the same server: a boot naming another server is a boot there.
      sameAppAndPerson: ({ context, event }) =>
        isSameAppAndPerson(context, event) && keepsServer(context.settings!, (event as { settings: NormalizedSettings }).settings),
      sameAppAndPersonElsewhere: ({ context, event }) => isSameAppAndPerson(context, event),
      forCurrentSession: ({ context, event }) =>
        event.type === 'PERSON_UPDATED' && context.session?.token === event.sessionToken,
      canAdmitUpdate: ({ context }) => canAdmitUpdate(context.updateWindow, clock.now()),
      // The session of now, and not refused three times already (a proxy that strips
      // Authorization would otherwise have every new session refused, in a loop).
      mayBootAgain: ({ context, event }) =>
        event.type === 'SESSION_LOST' &&
        context.session?.token === event.sessionToken &&
        (lossesSince(context, clock.now()) < 3),
      // Intercom changes users only through shutdown and boot: an update naming someone else
      // would otherwise rename the person booted and carry the other's attributes to them.
      // Only two different user_ids prove it: an email may change, and a lead (even one who gave
      // an email in the prompt) logging in is who they were all along.
      updateNamesAnotherPerson: ({ context, event }) => {
        if (event.type !== 'UPDATE' || !context.settings) return false;
        const current = withClaimedUserId(context.settings.identity).user_id;
        const named = withClaimedUserId(event.patch.identity).user_id;
        return current !== undefined && named !== undefined && named !== current;
      },
      hasAppId: ({ context, event }) => event.type === 'BOOT' && (event.settings.app_id ?? appIdOf(context)) !== undefined,
    },
    delays: {
      bootRetry: ({ context }) => backoffDelay(context.bootAttempt, undefined, effects.random),
      untilWindowResets: ({ context }) => msUntilReset(context.updateWindow, clock.now()),
    },
    actions: {
      defer: assign({ deferred: ({ context, event }) => [...context.deferred, event] }),
      warnNoAppId: () =>
        effects.logger.warn("[Confab] Intercom('boot'): settings.app_id is required (no app id was configured). The call was ignored."),
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
      warnSessionRefused: ({ context, event }) => {
        if (event.type === 'SESSION_LOST' && context.session?.token === event.sessionToken) {
          effects.logger.warn('[Confab] the server keeps refusing new sessions; the messenger stops booting again until the page is reloaded');
        }
      },
      reportBootFailure: enqueueActions(({ enqueue, event }) => {
        const failure = toTransportError((event as { error?: unknown }).error);
        const message = `[Confab] Intercom('boot') failed${failure.status ? ` (${failure.status})` : ''}: ${failure.message}`;
        effects.logger.warn(message);
        enqueue.assign({ error: failure.message, settings: null });
      }),
      assignBootResponse: assign(({ context, event }) => {
        const response = (event as unknown as { output: BootResponse }).output;
        return {
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
        };
      }),
      startSession: enqueueActions(({ context, enqueue, self }) => {
        if (!context.session) return;
        const { token } = context.session;
        effects.sessionStarted(context.session, context.person?.id, () => self.send({ type: 'SESSION_LOST', sessionToken: token }));
        // What the last page's throttle still held goes out now, through this page's window.
        const carried = effects.takeCarriedPatch(context.session, context.person?.id);
        if (carried) enqueue.raise({ type: 'UPDATE', patch: carried, launcher: {} });
      }),
      replayDeferred: enqueueActions(({ context, enqueue }) => {
        for (const deferred of context.deferred) enqueue.raise(deferred);
        enqueue.assign({ deferred: [] });
      }),
      endSession: ({ context }) => effects.sessionEnded(context.session, appIdOf(context)),
      warnIgnoredAfterShutdown: ({ event }) =>
        effects.logger.warn(
          `[Confab] Intercom('${COMMAND_OF[event.type as DeferredType]}') after shutdown was ignored: it would have reached whoever boots next. Call boot first.`,
        ),
      // Calls waiting for one person's boot are not the next person's to receive.
      dropDeferredOfAnotherPerson: enqueueActions(({ context, enqueue }) => {
        if (context.deferred.length === 0) return;
        effects.logger.warn(
          `[Confab] Intercom('boot') as another person discarded ${context.deferred.length} call(s) that were waiting for the previous boot`,
        );
        enqueue.assign({ deferred: [] });
      }),
      warnUpdateOfAnotherPerson: ({ context, event }) => {
        if (event.type !== 'UPDATE' || !context.settings) return;
        const named = event.patch.identity.user_id ?? event.patch.identity.email;
        effects.logger.warn(
          `[Confab] Intercom('update') names ${JSON.stringify(named)}, not the person booted: the call was ignored. To change users, call shutdown, then boot.`,
        );
      },
      warnDroppedDeferred: ({ context }) => {
        if (context.deferred.length > 0) {
          effects.logger.warn(
            `[Confab] Intercom('shutdown') discarded ${context.deferred.length} call(s) that were waiting for boot`,
          );
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
      updateAsBoot: raise(({ event }) => {
        const settings = (event as Extract<MessengerEvent, { type: 'BOOT' }>).settings;
        return { type: 'UPDATE' as const, patch: { identity: settings.identity, attributes: settings.attributes }, launcher: settings.launcher };
      }),
      enqueueEvent: ({ context, event }) => {
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
        const session = context.session;
        effects.sendUpdate(session, event.patch, (response) =>
          self.send({ type: 'PERSON_UPDATED', sessionToken: session.token, person: response.person, unreadCount: response.unread_count }),
        );
      }),
      holdPatch: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== 'UPDATE') return;
        const pendingPatch = mergePatch(context.pendingPatch, event.patch);
        enqueue.assign({ pendingPatch });
        if (context.session) effects.patchHeld(context.session, pendingPatch, context.person?.id, context.person?.role === 'lead');
      }),
      releasePendingPatch: enqueueActions(({ context, enqueue, self }) => {
        if (!context.pendingPatch || !context.session) return;
        enqueue.assign({ updateWindow: admitUpdate(context.updateWindow, clock.now()), pendingPatch: null });
        const session = context.session;
        effects.patchHeld(session, null);
        effects.sendUpdate(session, context.pendingPatch, (response) =>
          self.send({ type: 'PERSON_UPDATED', sessionToken: session.token, person: response.person, unreadCount: response.unread_count }),
        );
      }),
      assignPerson: assign(({ event }) =>
        event.type === 'PERSON_UPDATED' ? { person: event.person, unreadCount: Math.max(0, event.unreadCount) } : {},
      ),
      assignUnread: assign(({ event }) =>
        event.type === 'UNREAD_COUNT' ? { unreadCount: Math.max(0, event.unreadCount) } : {},
      ),
      // News came through, so the session works: a later refusal starts the count of losses afresh.
      applyRealtime: assign(({ context, event }) => ({ ...realtimeChanges(context, event, false), sessionLosses: 0 })),
      // In the conversation on screen a team reply is read as it arrives (markRead confirms it).
      applyRealtimeOnScreen: assign(({ context, event }) => ({ ...realtimeChanges(context, event, true), sessionLosses: 0 })),
      markThreadReadIfTeamReplied: ({ context, event, self }) => {
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
        transport.postMessage(context.session, context.thread.conversationId, body, clientId).then(
          (message) => self.send({ type: 'MESSAGE_SENT', clientId, message }),
          () => self.send({ type: 'MESSAGE_FAILED', clientId }),
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
    },
  }).createMachine({
    id: 'messenger',
    context: ({ input }) => ({
      appId: input.appId,
      settings: null,
      launcher: defaultLauncherSettings,
      serverSettings: {},
      session: null,
      person: null,
      unreadCount: 0,
      conversations: [],
      thread: null,
      draft: '',
      draftClientId: null,
      deferred: [],
      updateWindow: freshUpdateWindow,
      pendingPatch: null,
      bootAttempt: 0,
      sessionLosses: 0,
      sessionLostAt: 0,
      error: null,
    }),
    initial: 'unbooted',
    states: {
      unbooted: {
        on: {
          BOOT: [{ guard: 'hasAppId', target: 'booting', actions: 'assignBootSettings' }, { actions: 'warnNoAppId' }],
          SHUTDOWN: { target: 'shutDown', actions: ['warnDroppedDeferred', 'endSession', 'clearUserData'] },
          ...Object.fromEntries(DEFERRED_BEFORE_BOOT.map((type) => [type, { actions: 'defer' }])),
        },
      },
      booting: {
        initial: 'requesting',
        states: {
          requesting: {
            invoke: {
              src: 'boot',
              input: ({ context }) => ({ appId: appIdOf(context)!, settings: context.settings! }),
              onDone: { target: '#messenger.booted', actions: 'assignBootResponse' },
              onError: [
                { guard: 'retryableBootFailure', target: 'waiting', actions: 'countBootAttempt' },
                { target: '#messenger.unbooted', actions: 'reportBootFailure' },
              ],
            },
          },
          waiting: {
            after: { bootRetry: 'requesting' },
          },
        },
        on: {
          BOOT: [
            { guard: 'bootRepeatsSettings' },
            // The same person again while the first boot is in flight: it is an update.
            { guard: 'sameAppAndPerson', actions: ['updateAsBoot'] },
            // The same person, another server (the first was wrong or unreachable): boot there,
            // keeping the calls that wait for this person.
            { guard: 'sameAppAndPersonElsewhere', target: '.', reenter: true, actions: ['endSession', 'forgetSession', 'assignBootSettings'] },
            // Another person: as in booted, a logout first (a session may be held while waiting to boot again).
            { target: '.', reenter: true, actions: ['dropDeferredOfAnotherPerson', 'endSession', 'clearUserData', 'assignBootSettings'] },
          ],
          SHUTDOWN: { target: 'shutDown', actions: ['warnDroppedDeferred', 'endSession', 'clearUserData'] },
          ...Object.fromEntries(DEFERRED_BEFORE_BOOT.map((type) => [type, { actions: 'defer' }])),
        },
      },
      booted: {
        type: 'parallel',
        entry: ['startSession', 'replayDeferred'],
        invoke: { src: 'realtime', input: ({ context }) => ({ session: context.session! }) },
        on: {
          BOOT: [
            { guard: 'bootRepeatsSettings' },
            { guard: 'sameAppAndPerson', actions: 'updateAsBoot' },
            { guard: 'hasAppId', target: 'booting', actions: ['endSession', 'clearUserData', 'assignBootSettings'] },
          ],
          SHUTDOWN: { target: 'shutDown', actions: ['endSession', 'clearUserData'] },
          TRACK_EVENT: { actions: 'enqueueEvent' },
          // A week-old tab, or a logout in another: the page still shows this person, so the
          // messenger boots them again with the same settings rather than going silently deaf.
          SESSION_LOST: [
            { guard: 'mayBootAgain', target: '#messenger.booting.waiting', actions: 'countSessionLoss' },
            { actions: 'warnSessionRefused' },
          ],
          REALTIME: { actions: 'applyRealtime' },
          // An answer to an update of a session that has since ended (logout, another person) is
          // about someone who is no longer here.
          PERSON_UPDATED: { guard: 'forCurrentSession', actions: 'assignPerson' },
          UNREAD_COUNT: { actions: 'assignUnread' },
          SUPPLY_EMAIL: { actions: 'supplyEmail' },
          // Heard wherever the panel is: a send that ends after the panel closed or moved on
          // must not stay "sending" in the thread kept for its return.
          MESSAGE_SENT: { actions: 'confirmMessage' },
          MESSAGE_FAILED: { actions: 'failMessage' },
        },
        states: {
          panel: {
            initial: 'closed',
            states: {
              closed: {
                on: {
                  SHOW: 'open',
                  TOGGLE: 'open',
                  SHOW_HOME: 'open.home',
                  SHOW_MESSAGES: 'open.messages',
                  SHOW_NEW_MESSAGE: { target: 'open.newMessage', actions: 'assignDraft' },
                  SHOW_CONVERSATION: { target: 'open.conversation', actions: 'openThread' },
                  START_CONVERSATION: { target: 'open.newMessage.sending', actions: 'assignDraft' },
                },
              },
              open: {
                initial: 'home',
                on: {
                  HIDE: 'closed',
                  TOGGLE: 'closed',
                  SHOW_HOME: '.home',
                  SHOW_MESSAGES: '.messages',
                  SHOW_NEW_MESSAGE: { target: '.newMessage', actions: 'assignDraft' },
                  // Re-entered so that switching threads loads the new one.
                  SHOW_CONVERSATION: { target: '.conversation', reenter: true, actions: 'openThread' },
                  START_CONVERSATION: { target: '.newMessage.sending', actions: 'assignDraft' },
                },
                states: {
                  home: {
                    on: { BACK: '#messenger.booted.panel.closed' },
                  },
                  messages: {
                    invoke: {
                      src: 'listConversations',
                      input: ({ context }) => ({ session: context.session! }),
                      onDone: {
                        actions: assign({
                          conversations: ({ event }) => [...event.output].sort((a, b) => b.updated_at - a.updated_at),
                        }),
                      },
                      onError: { actions: assign({ error: ({ event }) => toTransportError(event.error).message }) },
                    },
                    on: { BACK: 'home' },
                  },
                  conversation: {
                    invoke: {
                      src: 'loadThread',
                      input: ({ context }) => ({ session: context.session!, id: context.thread!.conversationId }),
                      onDone: {
                        actions: assign(({ context, event }) => {
                          const fetched: ThreadMessage[] = event.output.messages.map((m) => ({ ...m, status: 'sent' as const }));
                          // What arrived live while the thread was loading (or is still being sent)
                          // is newer than the answer: kept after it, never dropped.
                          const kept = context.thread?.conversationId === event.output.conversation.id ? context.thread.messages : [];
                          const messages = kept.reduce(
                            (all, m) => (all.some((x) => x.id === m.id || (x.client_id !== undefined && x.client_id === m.id)) ? all : [...all, m]),
                            fetched,
                          );
                          return {
                            thread: { conversationId: event.output.conversation.id, messages, loading: false },
                            conversations: upsertConversation(context.conversations, {
                              ...event.output.conversation,
                              unread_count: event.output.unread_count < 0 ? event.output.conversation.unread_count : 0,
                            }),
                            unreadCount: event.output.unread_count < 0 ? context.unreadCount : event.output.unread_count,
                          };
                        }),
                      },
                      onError: {
                        actions: assign(({ context, event }) => ({
                          thread: context.thread ? { ...context.thread, loading: false } : null,
                          error: toTransportError(event.error).message,
                        })),
                      },
                    },
                    on: {
                      SEND_MESSAGE: { actions: 'postMessage' },
                      RETRY_MESSAGE: { actions: 'postMessage' },
                      REALTIME: { actions: ['applyRealtimeOnScreen', 'markThreadReadIfTeamReplied'] },
                      BACK: 'messages',
                    },
                  },
                  newMessage: {
                    initial: 'composing',
                    states: {
                      composing: {
                        on: {
                          SEND_MESSAGE: {
                            guard: ({ event }) => event.type === 'SEND_MESSAGE' && event.body.trim().length > 0,
                            target: 'sending',
                            actions: assign(({ context, event }) => {
                              const draft = event.type === 'SEND_MESSAGE' ? event.body.trim() : '';
                              // Edited after a failed send: another message, so another client id.
                              return { draft, draftClientId: draft === context.draft ? context.draftClientId : null };
                            }),
                          },
                        },
                      },
                      sending: {
                        entry: assign({ draftClientId: ({ context }) => context.draftClientId ?? randomId() }),
                        invoke: {
                          src: 'startConversation',
                          input: ({ context }) => ({ session: context.session!, body: context.draft, clientId: context.draftClientId! }),
                          onDone: {
                            target: '#messenger.booted.panel.open.conversation',
                            actions: assign(({ context, event }) => ({
                              draft: '',
                              draftClientId: null,
                              error: null,
                              conversations: upsertConversation(context.conversations, event.output.conversation),
                              thread: {
                                conversationId: event.output.conversation.id,
                                messages: [{ ...event.output.message, status: 'sent' as const }],
                                loading: true,
                              },
                            })),
                          },
                          // The draft stays in the composer: nothing the person typed is lost.
                          onError: {
                            target: 'composing',
                            actions: assign({ error: ({ event }) => toTransportError(event.error).message }),
                          },
                        },
                      },
                    },
                    on: { BACK: 'home' },
                  },
                },
              },
            },
          },
          updates: {
            initial: 'ready',
            states: {
              // `throttled` means an update is being held. The window itself is per page load, not
              // per person: after a new boot, an update that finds it full is held at once.
              ready: {
                on: {
                  UPDATE: [
                    { guard: 'updateNamesAnotherPerson', actions: 'warnUpdateOfAnotherPerson' },
                    { guard: 'canAdmitUpdate', actions: ['applyUpdateLocally', 'admitAndSendUpdate'] },
                    { target: 'throttled', actions: ['applyUpdateLocally', 'holdPatch'] },
                  ],
                },
              },
              throttled: {
                after: { untilWindowResets: { target: 'ready', actions: 'releasePendingPatch' } },
                on: {
                  UPDATE: [
                    { guard: 'updateNamesAnotherPerson', actions: 'warnUpdateOfAnotherPerson' },
                    { actions: ['applyUpdateLocally', 'holdPatch'] },
                  ],
                },
              },
            },
          },
        },
      },
      shutDown: {
        on: {
          BOOT: [{ guard: 'hasAppId', target: 'booting', actions: 'assignBootSettings' }, { actions: 'warnNoAppId' }],
          SHUTDOWN: { actions: ['warnDroppedDeferred', 'endSession', 'clearUserData'] },
          // Before the first boot calls wait for it (the loader snippet's queue); after a logout
          // they are the last person's page still talking, and the next person must not get them.
          ...Object.fromEntries(DEFERRED_BEFORE_BOOT.map((type) => [type, { actions: 'warnIgnoredAfterShutdown' }])),
        },
      },
    },
  });
}

export type MessengerMachine = ReturnType<typeof createMessengerMachine>;

/**
 * What a realtime event changes. `onScreen`: the panel shows this conversation's thread, so a team
 * reply in it never counts as unread.
 */
function realtimeChanges(context: MessengerContext, event: MessengerEvent, onScreen: boolean): Partial<MessengerContext> {
    if (event.type !== 'REALTIME') return {};
    const realtime = event.event;
    if (realtime.type === 'unread') return typeof realtime.unread_count === 'number' ? { unreadCount: Math.max(0, realtime.unread_count) } : {};
    if (realtime.type === 'conversation') {
      return realtime.conversation ? { conversations: upsertConversation(context.conversations, realtime.conversation) } : {};
    }
    // A kind of news this version does not know (a newer server's): ignored, not taken for a message.
    if (realtime.type !== 'message' || !realtime.message || !realtime.conversation) return {};
    const inThread = context.thread !== null && context.thread.conversationId === realtime.conversation.id;
    const thread = inThread ? { ...context.thread!, messages: appendMessage(context.thread!.messages, realtime.message) } : context.thread;
    const readNow = inThread && onScreen;
    return {
      conversations: upsertConversation(context.conversations, readNow ? { ...realtime.conversation, unread_count: 0 } : realtime.conversation),
      unreadCount: Math.max(0, readNow ? realtime.unread_count - realtime.conversation.unread_count : realtime.unread_count),
      thread,
    };
}
