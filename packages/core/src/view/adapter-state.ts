import { COMMAND_NAMES, HOOKS, type Unsubscribe } from '../commands/commands';
import type { View } from '../machine/messenger.types';
import type { MessengerSnapshot } from '../machine/selectors';
import type { Messenger, MessengerCommands } from '../messenger';

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

// Per snapshot: every ref or store that reads the state on a change shares one read.
const stateBySnapshot = new WeakMap<MessengerSnapshot, AdapterState>();
// The visitor id lives in Storage (a cookie on a page): read again only when the app, the
// lifecycle or the session changes (boot and shutdown are what make or replace it).
const visitorIdBy = new WeakMap<Messenger, { key: string; visitorId: string | undefined }>();

/** Read off the messenger's current snapshot through its view-model; adapters call it on every change. */
export function adapterStateOf(messenger: Messenger): AdapterState {
  const snapshot = messenger.getSnapshot();
  const cached = stateBySnapshot.get(snapshot);
  if (cached) return cached;
  const view = messenger.getView();
  const key = `${snapshot.context.appId ?? ''}|${view.lifecycle}|${snapshot.context.session?.token ?? ''}`;
  let visitor = visitorIdBy.get(messenger);
  if (!visitor || visitor.key !== key) {
    visitor = { key, visitorId: messenger.commands.getVisitorId() };
    visitorIdBy.set(messenger, visitor);
  }
  const state: AdapterState = {
    isBooted: view.booted,
    isOpen: view.open,
    view: view.view,
    unreadCount: view.unreadCount,
    visitorId: visitor.visitorId,
    isThrottled: view.throttled,
  };
  stateBySnapshot.set(snapshot, state);
  return state;
}

const HOOK_NAMES = new Set<string>(HOOKS);

/**
 * The commands an adapter hands its users: the messenger's, or, where there is none (a server
 * render, no plugin), ones that do nothing (hooks still return an unsubscribe). `onHook` sees
 * each hook registration's unsubscribe, so an adapter can end it with the calling component.
 */
export function adapterCommands(
  messenger: Messenger | null,
  onHook?: (unsubscribe: Unsubscribe) => void,
): MessengerCommands {
  const source = messenger?.commands as Record<string, (...args: unknown[]) => unknown> | undefined;
  return Object.fromEntries(
    COMMAND_NAMES.map((name) => [
      name,
      (...args: unknown[]) => {
        const isHook = HOOK_NAMES.has(name);
        if (!source) return isHook ? () => {} : undefined;
        const result = source[name]!(...args);
        if (isHook && onHook && typeof result === 'function') onHook(result as Unsubscribe);
        return result;
      },
    ]),
  ) as unknown as MessengerCommands;
}
