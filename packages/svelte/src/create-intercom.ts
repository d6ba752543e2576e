import {
  type AdapterState,
  adapterCommands,
  adapterStateOf,
  INITIAL_ADAPTER_STATE,
  type Messenger,
  type MessengerCommands,
  type MessengerView,
} from '@confab/core';
import { type AdapterOptions, type PageWindow, startBrowserMessenger } from '@confab/core/browser';
import { derived, type Readable, readable } from 'svelte/store';

/** Intercom's settings, plus `autoBoot` and, for tests, the injected transport, storage and clock. */
export type IntercomOptions = AdapterOptions;

export type IntercomStores = { [K in keyof AdapterState]: Readable<AdapterState[K]> };

export type ConfabIntercom = MessengerCommands &
  IntercomStores & {
    /** The view-model `<ConfabMessenger>` renders; null on a server render. */
    messengerView: Readable<MessengerView | null>;
    /** Stops the messenger: the realtime stream closes, timers end. The commands do nothing after. */
    destroy(): void;
  };

/**
 * Every command as a function and the state as readable stores, bound to the messenger through
 * its subscribe/getSnapshot seam only (a store subscribes while something reads it). Works from
 * plain TypeScript (`isOpen.subscribe(...)`) and from components (`$isOpen`, also with runes).
 * On a server (no window) nothing is created: the commands do nothing and the stores hold the
 * initial state, so a server render touches neither the network nor the document.
 */
export function createIntercom(options: IntercomOptions = {}): ConfabIntercom {
  // The page's window, read here: core never reaches for globals. None on a server.
  const win =
    typeof window !== 'undefined' && typeof document !== 'undefined' ? (window as unknown as PageWindow) : undefined;
  const running = win ? startBrowserMessenger(win, options) : null;
  const messenger: Messenger | null = running?.messenger ?? null;

  const follow = <T>(read: (m: Messenger) => T, fallback: T): Readable<T> =>
    readable(messenger ? read(messenger) : fallback, (set) => {
      if (!messenger) return undefined;
      set(read(messenger));
      return messenger.subscribe(() => set(read(messenger)));
    });

  const state = follow(adapterStateOf, INITIAL_ADAPTER_STATE);
  const stores = Object.fromEntries(
    (Object.keys(INITIAL_ADAPTER_STATE) as Array<keyof AdapterState>).map((key) => [
      key,
      derived(state, (s) => s[key]),
    ]),
  ) as unknown as IntercomStores;

  // After destroy() the messenger itself makes every command do nothing.
  const commands = adapterCommands(messenger);

  return {
    ...commands,
    ...stores,
    messengerView: follow((m) => m.getView(), null),
    destroy: () => running?.stop(),
  };
}
