import { assign, type SnapshotFrom, setup } from 'xstate';
import type { IntercomApi } from '../commands/commands';
import { type Transport, TransportError } from '../delivery/transport';
import type { BootRequest, BootResponse } from '../protocol/wire';

/**
 * An abstract model of the messenger's lifecycle, written from DESIGN.md ("The lifecycle",
 * "Commands"), not from messenger.machine.ts: if the two agree, it is because the core does what
 * the design says. No invocations and no timers: the server and the clock are events here
 * (SERVER_ANSWERS, WINDOW_PASSES), so xstate/graph can walk every path.
 *
 * The `drive` map performs each event on a real messenger through a small harness, so the same
 * paths can drive the core (packages/core/test/lifecycle.model.test.ts) and, later, an adapter's
 * rendered UI. No test-runner imports here.
 */

export type PanelView = 'home' | 'messages' | 'conversation' | 'newMessage';
/** Where the panel stands once queued calls have run: closed, or open on a view. */
export type PanelPlace = 'closed' | PanelView;

export const lifecycleEventTypes = [
  'BOOT',
  'SERVER_ANSWERS',
  'SERVER_REFUSES',
  'SHOW',
  'HIDE',
  'TOGGLE',
  'SHOW_HOME',
  'SHOW_MESSAGES',
  'SHOW_NEW_MESSAGE',
  'START_CONVERSATION',
  'BACK',
  'BOOT_SAME',
  'BOOT_OTHER',
  'UPDATE_BURST',
  'WINDOW_PASSES',
  'SHUTDOWN',
] as const;

export type LifecycleEventType = (typeof lifecycleEventTypes)[number];
export type LifecycleModelEvent = { type: LifecycleEventType };

export interface LifecycleModelContext {
  /** What the panel commands called before boot will open once booted (they are kept in order). */
  pendingPanel: PanelPlace;
  /** A burst of `update` calls made before boot, waiting to be replayed. */
  burstQueued: boolean;
  /**
   * The page load's update window has admitted its 20 calls and not reset yet. Per page load, so
   * neither shutdown nor a new person resets it. (Single `update`s below the limit are abstracted
   * away: the paths here never make 20 of them one by one.)
   */
  windowFull: boolean;
}

/** Panel commands that are queued before boot: applied to the place the panel will open at. */
type PanelCommand = 'SHOW' | 'HIDE' | 'SHOW_HOME' | 'SHOW_MESSAGES' | 'SHOW_NEW_MESSAGE' | 'START_CONVERSATION';

function placeAfter(place: PanelPlace, command: PanelCommand): PanelPlace {
  switch (command) {
    case 'SHOW':
      // `show` opens the messenger; it does not move an open panel elsewhere.
      return place === 'closed' ? 'home' : place;
    case 'HIDE':
      return 'closed';
    case 'SHOW_HOME':
      return 'home';
    case 'SHOW_MESSAGES':
      return 'messages';
    case 'SHOW_NEW_MESSAGE':
      return 'newMessage';
    case 'START_CONVERSATION':
      // The composer sends at once; when the server answers, the new thread is on screen.
      return 'conversation';
  }
}

const queue = (command: PanelCommand) => ({ actions: { type: 'queuePanel', params: { command } } }) as const;

/** What every state before boot does with calls: keeps them until boot. Time passes too. */
const keptUntilBoot = {
  SHOW: queue('SHOW'),
  HIDE: queue('HIDE'),
  SHOW_HOME: queue('SHOW_HOME'),
  SHOW_MESSAGES: queue('SHOW_MESSAGES'),
  SHOW_NEW_MESSAGE: queue('SHOW_NEW_MESSAGE'),
  START_CONVERSATION: queue('START_CONVERSATION'),
  UPDATE_BURST: { actions: 'queueBurst' },
  WINDOW_PASSES: { actions: 'resetWindow' },
} as const;

export const lifecycleModel = setup({
  types: {
    context: {} as LifecycleModelContext,
    events: {} as LifecycleModelEvent,
  },
  guards: {
    pendingIs: ({ context }, place: PanelPlace) => context.pendingPanel === place,
    burstQueued: ({ context }) => context.burstQueued,
    windowFull: ({ context }) => context.windowFull,
  },
  actions: {
    queuePanel: assign(({ context }, params: { command: PanelCommand }) => ({
      pendingPanel: placeAfter(context.pendingPanel, params.command),
    })),
    queueBurst: assign({ burstQueued: true }),
    resetWindow: assign({ windowFull: false }),
    fillWindow: assign({ windowFull: true }),
    forgetQueue: assign({ pendingPanel: 'closed' as PanelPlace, burstQueued: false }),
    forgetPendingPanel: assign({ pendingPanel: 'closed' as PanelPlace }),
    forgetBurst: assign({ burstQueued: false }),
  },
}).createMachine({
  id: 'lifecycle',
  context: { pendingPanel: 'closed', burstQueued: false, windowFull: false },
  initial: 'unbooted',
  states: {
    unbooted: {
      on: {
        ...keptUntilBoot,
        BOOT: 'booting',
        SHUTDOWN: { target: 'shutDown', actions: 'forgetQueue' },
      },
    },
    booting: {
      on: {
        ...keptUntilBoot,
        SERVER_ANSWERS: 'booted',
        // A refused boot goes back to unbooted; the calls made so far are still kept.
        SERVER_REFUSES: 'unbooted',
        SHUTDOWN: { target: 'shutDown', actions: 'forgetQueue' },
      },
    },
    booted: {
      type: 'parallel',
      on: {
        // Another person: a shutdown followed by a boot. The panel closes; the update window
        // stays (it is per page load), the held patch does not (it was the last person's).
        BOOT_OTHER: { target: 'booting', actions: 'forgetQueue' },
        SHUTDOWN: { target: 'shutDown', actions: 'forgetQueue' },
      },
      states: {
        panel: {
          initial: 'replaying',
          states: {
            // The panel calls kept until boot run now, in order.
            replaying: {
              always: [
                { guard: { type: 'pendingIs', params: 'home' }, target: 'open.home', actions: 'forgetPendingPanel' },
                {
                  guard: { type: 'pendingIs', params: 'messages' },
                  target: 'open.messages',
                  actions: 'forgetPendingPanel',
                },
                {
                  guard: { type: 'pendingIs', params: 'conversation' },
                  target: 'open.conversation',
                  actions: 'forgetPendingPanel',
                },
                {
                  guard: { type: 'pendingIs', params: 'newMessage' },
                  target: 'open.newMessage',
                  actions: 'forgetPendingPanel',
                },
                { target: 'closed' },
              ],
            },
            closed: {
              on: {
                SHOW: 'open.home',
                TOGGLE: 'open.home',
                SHOW_HOME: 'open.home',
                SHOW_MESSAGES: 'open.messages',
                SHOW_NEW_MESSAGE: 'open.newMessage',
                START_CONVERSATION: 'open.conversation',
                HIDE: { actions: [] },
              },
            },
            open: {
              initial: 'home',
              on: {
                HIDE: 'closed',
                TOGGLE: 'closed',
                SHOW: { actions: [] },
                SHOW_HOME: '.home',
                SHOW_MESSAGES: '.messages',
                SHOW_NEW_MESSAGE: '.newMessage',
                START_CONVERSATION: '.conversation',
              },
              states: {
                home: {},
                messages: { on: { BACK: 'home' } },
                conversation: { on: { BACK: 'messages' } },
                newMessage: { on: { BACK: 'home' } },
              },
            },
          },
        },
        updates: {
          initial: 'replaying',
          states: {
            // 21 updates kept until boot: the 21st (or all of them, if the window is full) is held.
            replaying: {
              always: [
                { guard: 'burstQueued', target: 'throttled', actions: ['forgetBurst', 'fillWindow'] },
                { target: 'ready' },
              ],
            },
            ready: {
              on: {
                UPDATE_BURST: { target: 'throttled', actions: 'fillWindow' },
                // The same person again acts as `update`: it counts against the window.
                BOOT_SAME: [{ guard: 'windowFull', target: 'throttled' }, { actions: [] }],
                WINDOW_PASSES: { actions: 'resetWindow' },
              },
            },
            // Updates are held, merged into one patch, sent when the window resets.
            throttled: {
              on: {
                UPDATE_BURST: { actions: [] },
                BOOT_SAME: { actions: [] },
                WINDOW_PASSES: { target: 'ready', actions: 'resetWindow' },
              },
            },
          },
        },
      },
    },
    shutDown: {
      on: {
        // After a logout, calls are the last person's page still talking: ignored (with a
        // warning), never kept for whoever boots next. Time still passes.
        SHOW: { actions: [] },
        HIDE: { actions: [] },
        SHOW_HOME: { actions: [] },
        SHOW_MESSAGES: { actions: [] },
        SHOW_NEW_MESSAGE: { actions: [] },
        START_CONVERSATION: { actions: [] },
        UPDATE_BURST: { actions: [] },
        WINDOW_PASSES: { actions: 'resetWindow' },
        BOOT: 'booting',
        SHUTDOWN: { actions: 'forgetQueue' },
      },
    },
  },
});

export type LifecycleModelSnapshot = SnapshotFrom<typeof lifecycleModel>;

function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const entries = Object.keys(value as object)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

/**
 * One string per model state. xstate's own serialisation keeps the order in which parallel
 * regions were entered, so the same state could count as two; this one sorts keys.
 */
export function serializeModelState(snapshot: { value: unknown; context: unknown }): string {
  return stableJson({ value: snapshot.value, context: snapshot.context });
}

export interface ExpectedView {
  lifecycle: 'unbooted' | 'booting' | 'booted' | 'shutDown';
  open: boolean;
  /** The view on screen; null while the panel is closed (as connect() reports it). */
  view: PanelView | null;
  throttled: boolean;
}

const PANEL_VIEWS: readonly PanelView[] = ['home', 'messages', 'conversation', 'newMessage'];

/** What the real messenger's view-model should say in this model state. */
export function expectedViewOf(snapshot: LifecycleModelSnapshot): ExpectedView {
  if (snapshot.matches('booted')) {
    const view = PANEL_VIEWS.find((v) => snapshot.matches({ booted: { panel: { open: v } } })) ?? null;
    return {
      lifecycle: 'booted',
      open: view !== null,
      view,
      throttled: snapshot.matches({ booted: { updates: 'throttled' } }),
    };
  }
  const lifecycle = snapshot.matches('booting') ? 'booting' : snapshot.matches('shutDown') ? 'shutDown' : 'unbooted';
  return { lifecycle, open: false, view: null, throttled: false };
}

// ---------------------------------------------------------------------------------------------
// Driving the real thing

/** Holds boot requests until the test lets the server answer or refuse them. */
export interface BootGate {
  /** Wraps a transport so that its `boot` waits for the gate. */
  wrap(base: Transport): Transport;
  /** The server answers the latest boot request (older ones were abandoned by the core). */
  answer(): void;
  /** The server refuses the latest boot request with 401. */
  refuse(): void;
  waiting(): number;
}

export function createBootGate(): BootGate {
  let base: Transport | null = null;
  let waiting: Array<{ request: BootRequest; resolve(r: BootResponse): void; reject(e: unknown): void }> = [];

  function latest() {
    const last = waiting.at(-1);
    if (!last || !base) throw new Error('the model expects a boot request in flight, but none is waiting');
    waiting = [];
    return last;
  }

  return {
    wrap(transport) {
      base = transport;
      return {
        ...transport,
        boot: (request) => new Promise<BootResponse>((resolve, reject) => waiting.push({ request, resolve, reject })),
      };
    },
    answer() {
      const { request, resolve, reject } = latest();
      base!.boot(request).then(resolve, reject);
    },
    refuse() {
      latest().reject(TransportError.fromStatus(401, 'user_hash does not match'));
    },
    waiting: () => waiting.length,
  };
}

/** What the drivers need: the public API, the clock, the boot gate, and the UI's own intents. */
export interface LifecycleHarness {
  Intercom: IntercomApi;
  clock: { advance(ms: number): Promise<void>; settle(): Promise<void> };
  bootGate: BootGate;
  /** Intents only the UI has (the launcher, the back button): the core calls its view-model; an adapter clicks. */
  ui: { toggle(): void | Promise<void>; back(): void | Promise<void> };
  /** Lets everything caused by an action happen (promises, and for an adapter, rendering). Default: clock.settle(). */
  settle?(): Promise<void>;
}

export const APP_ID = 'acme';
export const PEOPLE = ['alice', 'bob'] as const;
export const START_MESSAGE = 'Hello from the model';
export const BURST = 21;
export const WINDOW_MS = 30 * 60 * 1000;

// Who each harness is booted as, so BOOT_SAME and BOOT_OTHER know who "same" is.
const current = new WeakMap<LifecycleHarness, (typeof PEOPLE)[number]>();
const bootCount = new WeakMap<LifecycleHarness, number>();

export function currentPerson(h: LifecycleHarness): (typeof PEOPLE)[number] {
  return current.get(h) ?? 'alice';
}

const settle = (h: LifecycleHarness) => (h.settle ? h.settle() : h.clock.settle());

function bootAs(h: LifecycleHarness, person: (typeof PEOPLE)[number]) {
  const n = (bootCount.get(h) ?? 0) + 1;
  bootCount.set(h, n);
  current.set(h, person);
  h.Intercom('boot', { app_id: APP_ID, user_id: person, name: `${person} #${n}` });
}

export const drive: Record<LifecycleEventType, (h: LifecycleHarness) => Promise<void>> = {
  async BOOT(h) {
    bootAs(h, 'alice');
    await settle(h);
  },
  async SERVER_ANSWERS(h) {
    h.bootGate.answer();
    await settle(h);
  },
  async SERVER_REFUSES(h) {
    h.bootGate.refuse();
    await settle(h);
  },
  async SHOW(h) {
    h.Intercom('show');
    await settle(h);
  },
  async HIDE(h) {
    h.Intercom('hide');
    await settle(h);
  },
  async TOGGLE(h) {
    await h.ui.toggle();
    await settle(h);
  },
  async SHOW_HOME(h) {
    h.Intercom('showSpace', 'home');
    await settle(h);
  },
  async SHOW_MESSAGES(h) {
    h.Intercom('showMessages');
    await settle(h);
  },
  async SHOW_NEW_MESSAGE(h) {
    h.Intercom('showNewMessage', 'prefilled by the model');
    await settle(h);
  },
  async START_CONVERSATION(h) {
    h.Intercom('startConversation', START_MESSAGE);
    await settle(h);
  },
  async BACK(h) {
    await h.ui.back();
    await settle(h);
  },
  async BOOT_SAME(h) {
    bootAs(h, currentPerson(h));
    await settle(h);
  },
  async BOOT_OTHER(h) {
    bootAs(h, currentPerson(h) === 'alice' ? 'bob' : 'alice');
    await settle(h);
  },
  async UPDATE_BURST(h) {
    for (let i = 1; i <= BURST; i++) h.Intercom('update', { burst: i });
    await settle(h);
  },
  async WINDOW_PASSES(h) {
    await h.clock.advance(WINDOW_MS);
    await settle(h);
  },
  async SHUTDOWN(h) {
    h.Intercom('shutdown');
    await settle(h);
  },
};
