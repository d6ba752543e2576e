/*
 * The messenger's lifecycle (DESIGN.md):
 *
 *   unbooted ──BOOT──▶ booting ──────────────────────▶ booted (parallel) ──SHUTDOWN──▶ shutDown
 *   (calls wait)       requesting ⇄ waiting (retry)     ├─ panel: closed | open
 *                        └─ fails ──▶ unbooted          │    open: home | messages | conversation
 *                                                       │          | newMessage (composing ⇄ sending)
 *                                                       └─ updates: ready ⇄ throttled
 *   BOOT as another person: booting again; SESSION_LOST while booted: booting.waiting.
 *
 * booted's children live exactly as long as it: the realtime stream and the update sender
 * (invoked), and the sends (a message, a read mark: spawned, each its own). Leaving booted for a
 * shutdown or another person is a logout: the sends are stopped, and the update sender, told
 * before it stops, ends the session with its last updates.
 *
 * The machine decides what happens when; every piece of I/O runs in a child actor (actors.ts) or
 * is asked of the injected effects (effects.ts) by an action run after the transition, never
 * while it is computed, so the same machine runs in any runtime and in tests. Guards are in
 * guards.ts, actions in actions.ts, the data they compute in conversation-data.ts.
 */
import { assign } from 'xstate';
import { toTransportError } from '../delivery/transport';
import { randomId } from '../platform/ids';
import { bootResponseChanges, messengerActions, noUserData } from './actions';
import { mergeLoadedThread, upsertConversation } from './conversation-data';
import type { MessengerEffects } from './effects';
import { appIdOf, isRetryableBootFailure, messengerGuards } from './guards';
import { messengerSetup } from './messenger.setup';
import { DEFERRED_BEFORE_BOOT } from './messenger.types';
import { freshUpdateWindow } from './throttle';

export type { MessengerEmitted, MessengerInput } from './messenger.setup';

export function createMessengerMachine(effects: MessengerEffects) {
  const base = messengerSetup(effects);
  return base.extend({ guards: messengerGuards(effects), actions: messengerActions(effects, base) }).createMachine({
    id: 'messenger',
    context: ({ input }) => ({
      ...noUserData,
      appId: input.appId,
      serverSettings: {},
      updateWindow: freshUpdateWindow,
      bootAttempt: 0,
      sessionLosses: 0,
      sessionLostAt: 0,
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
              onDone: {
                target: '#messenger.booted',
                actions: assign(({ context, event }) => bootResponseChanges(context, event.output)),
              },
              onError: [
                {
                  guard: ({ context, event }) => isRetryableBootFailure(context, event.error),
                  target: 'waiting',
                  actions: 'countBootAttempt',
                },
                {
                  target: '#messenger.unbooted',
                  actions: [
                    { type: 'warnBootFailure', params: ({ event }) => ({ error: event.error }) },
                    assign({ error: ({ event }) => toTransportError(event.error).message, settings: null }),
                  ],
                },
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
            {
              guard: 'sameAppAndPersonElsewhere',
              target: '.',
              reenter: true,
              actions: ['endSession', 'forgetSession', 'assignBootSettings'],
            },
            // Another person: as in booted, a logout first (a session may be held while waiting to boot again).
            {
              target: '.',
              reenter: true,
              actions: ['dropDeferredOfAnotherPerson', 'endSession', 'clearUserData', 'assignBootSettings'],
            },
          ],
          SHUTDOWN: { target: 'shutDown', actions: ['warnDroppedDeferred', 'endSession', 'clearUserData'] },
          ...Object.fromEntries(DEFERRED_BEFORE_BOOT.map((type) => [type, { actions: 'defer' }])),
        },
      },
      booted: {
        type: 'parallel',
        entry: ['startSession', 'replayDeferred'],
        // The session's children: they live exactly as long as this state.
        invoke: [
          { src: 'realtime', input: ({ context }) => ({ session: context.session! }) },
          { id: 'updateSender', src: 'updateSender', input: ({ context }) => ({ session: context.session! }) },
        ],
        // Runs before the children stop: a logout ends the session through the update sender.
        exit: 'logOut',
        on: {
          BOOT: [
            { guard: 'bootRepeatsSettings' },
            { guard: 'sameAppAndPerson', actions: 'updateAsBoot' },
            { guard: 'hasAppId', target: 'booting', actions: ['clearUserData', 'assignBootSettings'] },
          ],
          SHUTDOWN: { target: 'shutDown', actions: 'clearUserData' },
          TRACK_EVENT: { actions: 'enqueueEvent' },
          // A week-old tab, or a logout in another: the page still shows this person, so the
          // messenger boots them again with the same settings rather than going silently deaf.
          SESSION_LOST: [
            { guard: 'mayBootAgain', target: '#messenger.booting.waiting', actions: 'countSessionLoss' },
            { actions: 'warnSessionRefused' },
          ],
          REALTIME: { actions: 'applyRealtime' },
          TEAM_TYPING_LAPSED: { actions: 'dropLapsedTyping' },
          // An answer to an update of a session that has since ended (logout, another person) is
          // about someone who is no longer here.
          PERSON_UPDATED: { guard: 'forCurrentSession', actions: 'assignPerson' },
          UNREAD_COUNT: { actions: 'assignUnread' },
          SUPPLY_EMAIL: { actions: 'supplyEmail' },
          // Heard wherever the panel is: a send that ends after the panel closed or moved on
          // must not stay "sending" in the thread kept for its return.
          MESSAGE_SENT: { actions: 'settleSend' },
          MESSAGE_FAILED: { actions: 'settleSend' },
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
                        actions: assign(({ context, event }) => mergeLoadedThread(context, event.output)),
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
                      PERSON_TYPING: { actions: 'sendTyping' },
                      BACK: 'messages',
                    },
                  },
                  newMessage: {
                    initial: 'composing',
                    states: {
                      composing: {
                        on: {
                          SEND_MESSAGE: {
                            guard: ({ event }) => event.body.trim().length > 0,
                            target: 'sending',
                            // Edited after a failed send: another message, so another client id.
                            actions: assign(({ context, event }) => {
                              const draft = event.body.trim();
                              return { draft, draftClientId: draft === context.draft ? context.draftClientId : null };
                            }),
                          },
                        },
                      },
                      sending: {
                        entry: assign({ draftClientId: ({ context }) => context.draftClientId ?? randomId() }),
                        invoke: {
                          src: 'startConversation',
                          input: ({ context }) => ({
                            session: context.session!,
                            body: context.draft,
                            clientId: context.draftClientId!,
                          }),
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
