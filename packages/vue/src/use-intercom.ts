import {
  adapterCommands,
  consoleLogger,
  INITIAL_ADAPTER_STATE,
  type MessengerCommands,
  type MessengerView,
} from '@confab/core';
import {
  getCurrentInstance,
  getCurrentScope,
  inject,
  onMounted,
  onScopeDispose,
  type ShallowRef,
  shallowRef,
} from 'vue';
import { type ConfabContext, confabKey, inertContext, type StateRefs, stateRefs } from './plugin';

export type UseIntercom = MessengerCommands & StateRefs;

function useConfabContext(): ConfabContext {
  const context = inject(confabKey, null);
  if (context) return context;
  // Never thrown into the app: said once per call site, and the commands do nothing.
  consoleLogger.warn(
    '[Confab] useIntercom() found no Confab plugin: add app.use(createConfab({ app_id })) before mounting. Its commands do nothing.',
  );
  return inertContext();
}

/**
 * Every command as a function, and the state as read-only refs over the app's one shared state.
 * Hook registrations made inside a component end with it; on a server render the commands do
 * nothing (the page will run them).
 */
export function useIntercom(): UseIntercom {
  const context = useConfabContext();
  // A hook registered while a component sets up ends with that component.
  const commands = adapterCommands(context.messenger, (unsubscribe) => {
    if (getCurrentScope()) onScopeDispose(unsubscribe);
  });
  // While the app hydrates, a component shows the server's state until it is mounted, so
  // hydration sees what the server rendered; components mounted later show the live state at once.
  if (!getCurrentInstance() || context.hydrated.value) return { ...commands, ...context.refs };
  const mounted = shallowRef(false);
  onMounted(() => {
    mounted.value = true;
    context.hydrated.value = true;
  });
  return { ...commands, ...stateRefs(() => (mounted.value ? context.state.value : INITIAL_ADAPTER_STATE)) };
}

/** The view-model the components render, as a ref; null on a server render. */
export function useMessengerView(): Readonly<ShallowRef<MessengerView | null>> {
  return useConfabContext().view as Readonly<ShallowRef<MessengerView | null>>;
}
