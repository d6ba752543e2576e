import {
  type AdapterState,
  adapterStateOf,
  consoleLogger,
  INITIAL_ADAPTER_STATE,
  type Logger,
  type Messenger,
  type MessengerView,
} from '@confab/core';
import { type AdapterOptions, type PageWindow, startBrowserMessenger } from '@confab/core/browser';
import { type App, computed, type InjectionKey, type Plugin, type Ref, readonly, shallowRef } from 'vue';

/** Intercom's settings, plus `autoBoot` and, for tests, the injected transport, storage and clock. */
export type ConfabOptions = AdapterOptions;

export type StateRefs = { [K in keyof AdapterState]: Readonly<Ref<AdapterState[K]>> };

/**
 * What the plugin provides: the messenger on a page; null during a server render, where nothing
 * may touch the network or the document, and the messenger only exists once the page hydrates.
 * `state`, `refs` and `view` follow it once for the whole app: the composables only wrap them.
 */
export interface ConfabContext {
  messenger: Messenger | null;
  logger: Logger;
  state: Readonly<Ref<AdapterState>>;
  refs: StateRefs;
  view: Readonly<Ref<MessengerView | null>>;
  /** Set once the app's first component using it has mounted: hydration is over, state is live. */
  hydrated: { value: boolean };
}

/** One read-only ref per state key, read from `state`. */
export function stateRefs(state: () => AdapterState): StateRefs {
  const keys = Object.keys(INITIAL_ADAPTER_STATE) as Array<keyof AdapterState>;
  return Object.fromEntries(keys.map((key) => [key, readonly(computed(() => state()[key]))])) as unknown as StateRefs;
}

export const confabKey: InjectionKey<ConfabContext> = Symbol('confab');

/** The context of a page with no messenger (a server render, or no plugin): the initial state, for good. */
export function inertContext(logger: Logger = consoleLogger): ConfabContext {
  return {
    messenger: null,
    logger,
    state: shallowRef(INITIAL_ADAPTER_STATE),
    refs: stateRefs(() => INITIAL_ADAPTER_STATE),
    view: shallowRef(null),
    hydrated: { value: false },
  };
}

/** `app.use(createConfab({ app_id, api_base, autoBoot, ...settings }))`. */
export function createConfab(options: ConfabOptions = {}): Plugin {
  return {
    install(app: App) {
      const logger = options.logger ?? consoleLogger;
      // The page's window, read here: core never reaches for globals. None on a server.
      const win =
        typeof window !== 'undefined' && typeof document !== 'undefined'
          ? (window as unknown as PageWindow)
          : undefined;
      if (!win) {
        app.provide(confabKey, inertContext(logger));
        return;
      }
      const running = startBrowserMessenger(win, options);
      const { messenger } = running;
      // One subscription per app, however many components and guards call the composables;
      // the computeds read the messenger only when something reads them.
      const changes = shallowRef(0);
      const unsubscribe = messenger.subscribe(() => changes.value++);
      // Each reads `changes` so that Vue recomputes it when the messenger changes.
      const state = computed(() => {
        void changes.value;
        return adapterStateOf(messenger);
      });
      const view = computed(() => {
        void changes.value;
        return messenger.getView();
      });
      app.provide(confabKey, {
        messenger,
        logger,
        state,
        refs: stateRefs(() => state.value),
        view,
        hydrated: { value: false },
      });
      // Unmounting the app stops the actor: the realtime stream closes and every timer ends.
      app.onUnmount(() => {
        unsubscribe();
        running.stop();
      });
    },
  };
}
