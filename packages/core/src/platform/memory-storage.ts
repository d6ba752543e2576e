import { type Clock, systemClock } from './clock';
import type { Storage } from './storage';

/** Storage kept in a Map: for tests and for runtimes without cookies or localStorage. */
export function createMemoryStorage(clock: Pick<Clock, 'now'> = systemClock): Storage {
  const entries = new Map<string, { value: string; expiresAt: number | undefined }>();

  function live(key: string) {
    const entry = entries.get(key);
    if (entry && entry.expiresAt !== undefined && entry.expiresAt <= clock.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  }

  return {
    get: (key) => live(key)?.value,
    set(key, value, options) {
      entries.set(key, { value, expiresAt: options?.expiresAt });
    },
    remove(key) {
      entries.delete(key);
    },
    keys: () => [...entries.keys()].filter((key) => live(key) !== undefined),
  };
}
