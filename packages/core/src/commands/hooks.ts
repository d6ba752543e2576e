import { describeError, type Logger } from '../platform/logger';
import type { HookCallbacks, HookName, Unsubscribe } from './commands';

/**
 * The host page's callbacks. Kept outside the machine so a registration survives shutdown and
 * a later boot; a callback that throws is reported, never allowed to break the messenger. Each
 * registration is a listener of its own; `Intercom(hook, fn)` keeps one of them per hook (messenger.ts).
 */
export interface HookRegistry {
  add<H extends HookName>(hook: H, callback: HookCallbacks[H]): Unsubscribe;
  emit<H extends HookName>(hook: H, ...args: Parameters<HookCallbacks[H]>): void;
  count(hook: HookName): number;
}

export function createHookRegistry(logger: Logger): HookRegistry {
  const registry = new Map<HookName, Set<(...args: never[]) => void>>();

  return {
    add(hook, callback) {
      let set = registry.get(hook);
      if (!set) {
        set = new Set();
        registry.set(hook, set);
      }
      // Each registration is its own entry, so registering one function twice needs two unsubscribes.
      const entry = (...args: never[]) => (callback as (...a: never[]) => void)(...args);
      set.add(entry);
      return () => {
        set.delete(entry);
      };
    },
    emit(hook, ...args) {
      for (const callback of [...(registry.get(hook) ?? [])]) {
        try {
          (callback as (...a: unknown[]) => void)(...args);
        } catch (error) {
          logger.warn(`[Confab] an ${hook} callback threw: ${describeError(error)}`);
        }
      }
    },
    count: (hook) => registry.get(hook)?.size ?? 0,
  };
}
