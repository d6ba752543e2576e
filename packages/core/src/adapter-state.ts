import type { Messenger } from './messenger';
import type { View } from './messenger.types';

/** The state every framework adapter exposes to its users (Vue refs, Svelte stores), read-only. */
export interface AdapterState {
  isBooted: boolean;
  isOpen: boolean;
  view: View | null;
  unreadCount: number;
  /** The persistent anonymous id (`getVisitorId()`), once an app id is known. */
  visitorId: string | undefined;
  /** `update` calls are being held by Intercom's 20-per-30-minutes limit. */
  isThrottled: boolean;
}

/** Before anything runs, and on a server render, where no messenger exists. */
export const INITIAL_ADAPTER_STATE: AdapterState = Object.freeze({
  isBooted: false,
  isOpen: false,
  view: null,
  unreadCount: 0,
  visitorId: undefined,
  isThrottled: false,
});

/** Read off the messenger's current snapshot through its view-model; adapters call it on every change. */
export function adapterStateOf(messenger: Messenger): AdapterState {
  const view = messenger.getView();
  return {
    isBooted: view.booted,
    isOpen: view.open,
    view: view.view,
    unreadCount: view.unreadCount,
    visitorId: messenger.commands.getVisitorId(),
    isThrottled: view.throttled,
  };
}
