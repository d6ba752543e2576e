// Where the provider keeps its messenger. React runs a child's effects before its parent's, so a
// component's `useEffect(() => boot(), [])` (react-use-intercom's own example) runs before the
// provider's effect has started the messenger: calls made then wait here and run, in order, once
// it starts, as Intercom's snippet queues calls until its script loads. StrictMode's unmount and
// remount stops one messenger and starts the next: calls wait again in between.
import { COMMAND_NAMES, HOOKS, type Messenger, type MessengerCommands, type Unsubscribe } from '@confab/core';

const HOOK_NAMES: ReadonlySet<string> = new Set(HOOKS);
/** Calls kept while no messenger runs; past this, the oldest are dropped (an app calling in a loop before start). */
const WAITING_MAX = 100;

type Call = { name: string; args: unknown[] };
/** A hook registered while no messenger runs: registered on each messenger that starts, until unsubscribed. */
type WaitingHook = Call & { unsubscribe: Unsubscribe | undefined };

export interface MessengerSlot {
  /** Every command, stable for the slot's life: run now, or once a messenger starts. */
  readonly commands: MessengerCommands;
  current(): Messenger | null;
  /** A messenger started: the waiting calls run on it, then hooks follow it. */
  attach(messenger: Messenger): void;
  /** It stopped: calls wait again for the next one. */
  detach(): void;
}

export function createMessengerSlot(): MessengerSlot {
  let messenger: Messenger | null = null;
  let waiting: Call[] = [];
  // Hooks live as long as their registration: across a StrictMode remount they follow the new messenger.
  const hooks = new Set<WaitingHook>();

  const run = (target: Messenger, { name, args }: Call) =>
    (target.commands as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args);

  function hook(name: string, args: unknown[]): Unsubscribe {
    const entry: WaitingHook = { name, args, unsubscribe: undefined };
    hooks.add(entry);
    if (messenger) entry.unsubscribe = run(messenger, entry) as Unsubscribe;
    return () => {
      hooks.delete(entry);
      entry.unsubscribe?.();
      entry.unsubscribe = undefined;
    };
  }

  const commands = Object.fromEntries(
    COMMAND_NAMES.map((name) => [
      name,
      (...args: unknown[]) => {
        if (HOOK_NAMES.has(name)) return hook(name, args);
        if (messenger) return run(messenger, { name, args });
        if (name === 'getVisitorId') return undefined;
        waiting.push({ name, args });
        if (waiting.length > WAITING_MAX) waiting = waiting.slice(-WAITING_MAX);
        return undefined;
      },
    ]),
  ) as unknown as MessengerCommands;

  return {
    commands,
    current: () => messenger,
    attach(next) {
      messenger = next;
      for (const entry of hooks) entry.unsubscribe = run(next, entry) as Unsubscribe;
      const calls = waiting;
      waiting = [];
      for (const call of calls) run(next, call);
    },
    detach() {
      for (const entry of hooks) {
        entry.unsubscribe?.();
        entry.unsubscribe = undefined;
      }
      messenger = null;
    },
  };
}
