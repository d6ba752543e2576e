'use client';

import { type AdapterState, consoleLogger, INITIAL_ADAPTER_STATE, type MessengerView } from '@confab/core';
import { useContext, useMemo, useSyncExternalStore } from 'react';
import { ConfabContext, type ConfabContextValue, detachedContext } from './confab-context';
import type { IntercomFunctions } from './intercom-functions';

/** react-use-intercom's `useIntercom()`, and the state Confab adds. */
export type UseIntercom = IntercomFunctions & AdapterState;

const getServerState = () => INITIAL_ADAPTER_STATE;
const getServerView = () => null;

let detached: ConfabContextValue | undefined;

function useConfabContext(): ConfabContextValue {
  const context = useContext(ConfabContext);
  if (context) return context;
  // Never thrown into the app (react-use-intercom throws here): said once, and the commands do nothing.
  if (!detached) {
    consoleLogger.warn(
      '[Confab] useIntercom() found no <ConfabProvider> above it: wrap the app in <ConfabProvider appId="…">. Its commands do nothing.',
    );
    detached = detachedContext(consoleLogger);
  }
  return detached;
}

/**
 * Every command as a function, named as react-use-intercom's, and the messenger's state
 * (`isOpen`, `isBooted`, `unreadCount`, `view`, `visitorId`, `isThrottled`) as React state, read
 * through core's subscribe/getSnapshot with useSyncExternalStore: this hook keeps no state of its
 * own. A server render and hydration read the initial state. A hook registered here (`onShow`)
 * returns its unsubscribe: return it from the effect that registered it.
 */
export function useIntercom(): UseIntercom {
  const context = useConfabContext();
  const state = useSyncExternalStore(context.subscribe, context.getState, getServerState);
  return useMemo(() => ({ ...context.functions, ...state }), [context.functions, state]);
}

/** The view-model `<ConfabMessenger>` renders; null before the messenger starts and on a server render. */
export function useMessengerView(): MessengerView | null {
  const context = useConfabContext();
  return useSyncExternalStore(context.subscribe, context.getView, getServerView);
}
