// What <ConfabProvider> hands down: the functions of useIntercom() (stable) and the messenger
// running now (null before the provider's effect has started it, on a server render, and after
// unmount), with the subscribe/getSnapshot pair React's useSyncExternalStore binds to.
import {
  type AdapterState,
  adapterCommands,
  adapterStateOf,
  INITIAL_ADAPTER_STATE,
  type Logger,
  type Messenger,
  type MessengerView,
} from '@confab/core';
import { createContext } from 'react';
import { type IntercomFunctions, intercomFunctions } from './intercom-functions';

export interface ConfabContextValue {
  /** What useIntercom() returns besides the state: stable for the provider's life. */
  functions: IntercomFunctions;
  messenger: Messenger | null;
  subscribe(onChange: () => void): () => void;
  getState(): AdapterState;
  getView(): MessengerView | null;
}

const noSubscription = () => () => {};

export function contextValue(functions: IntercomFunctions, messenger: Messenger | null): ConfabContextValue {
  if (!messenger)
    return {
      functions,
      messenger,
      subscribe: noSubscription,
      getState: () => INITIAL_ADAPTER_STATE,
      getView: () => null,
    };
  return {
    functions,
    messenger,
    subscribe: (onChange) => messenger.subscribe(onChange),
    // Both memoised per snapshot by core: the same object until something changed.
    getState: () => adapterStateOf(messenger),
    getView: () => messenger.getView(),
  };
}

/** Outside a provider: commands that do nothing, and the initial state for good. */
export function detachedContext(logger: Logger): ConfabContextValue {
  return contextValue(intercomFunctions(adapterCommands(null), logger), null);
}

export const ConfabContext = createContext<ConfabContextValue | null>(null);
