import {
  adapterCommands,
  adapterStateOf,
  consoleLogger,
  INITIAL_ADAPTER_STATE,
  type AdapterState,
  type MessengerCommands,
  type MessengerView,
} from '@confab/core';
import { computed, getCurrentScope, inject, onScopeDispose, readonly, shallowRef, type Ref, type ShallowRef } from 'vue';
import { confabKey, type ConfabContext } from './plugin';

export type UseIntercom = MessengerCommands & { [K in keyof AdapterState]: Readonly<Ref<AdapterState[K]>> };

function useConfabContext(): ConfabContext {
  const context = inject(confabKey, null);
  if (context) return context;
  // Never thrown into the app: said once per call site, and the commands do nothing.
  consoleLogger.warn('[Confab] useIntercom() found no Confab plugin: add app.use(createConfab({ app_id })) before mounting. Its commands do nothing.');
  return { messenger: null, logger: consoleLogger };
}

/**
 * Binds to the messenger through its subscribe/getSnapshot seam and nothing else (TanStack's
 * way): one shallowRef follows the snapshot for the life of the calling scope.
 */
function useSnapshot<T>(context: ConfabContext, read: () => T, fallback: T): ShallowRef<T> {
  const { messenger } = context;
  const value = shallowRef(messenger ? read() : fallback);
  if (messenger) {
    const unsubscribe = messenger.subscribe(() => {
      value.value = read();
    });
    if (getCurrentScope()) onScopeDispose(unsubscribe);
  }
  return value;
}

/**
 * Every command as a function, and the state as read-only refs. Hook registrations made inside a
 * component end with it; on a server render the commands do nothing (the page will run them).
 */
export function useIntercom(): UseIntercom {
  const context = useConfabContext();
  const { messenger } = context;
  const state = useSnapshot(context, () => adapterStateOf(messenger!), INITIAL_ADAPTER_STATE);

  // A hook registered while a component sets up ends with that component.
  const commands = adapterCommands(messenger, (unsubscribe) => {
    if (getCurrentScope()) onScopeDispose(unsubscribe);
  });
  const refs = Object.fromEntries(
    (Object.keys(INITIAL_ADAPTER_STATE) as Array<keyof AdapterState>).map((key) => [key, readonly(computed(() => state.value[key]))]),
  );
  return { ...commands, ...(refs as unknown as { [K in keyof AdapterState]: Readonly<Ref<AdapterState[K]>> }) };
}

/** The view-model the components render, as a ref; null on a server render. */
export function useMessengerView(): Readonly<ShallowRef<MessengerView | null>> {
  const context = useConfabContext();
  return useSnapshot<MessengerView | null>(context, () => context.messenger!.getView(), null);
}
