// Who listens for whose realtime events. The store says "person P has new events" after a commit;
// each open stream of P then reads them from the database by id. This in-process hub serves one
// server; several processes on one PostgreSQL share news through LISTEN/NOTIFY instead.
export interface RealtimeHub {
  notify(appId: string, personId: string): void;
  listen(personId: string, onNews: () => void): () => void;
  /** Every stream rereads from the database (after news may have been lost). */
  notifyAll(): void;
  listenerCount(): number;
  close(): Promise<void>;
}

export function createLocalRealtimeHub(): RealtimeHub {
  const listeners = new Map<string, Set<() => void>>();
  let count = 0;
  return {
    notify(_appId, personId) {
      for (const listener of listeners.get(personId) ?? []) listener();
    },
    listen(personId, onNews) {
      let set = listeners.get(personId);
      if (!set) {
        set = new Set();
        listeners.set(personId, set);
      }
      // A listener is its own closure, so the same function may listen twice and leave twice.
      const entry = () => onNews();
      set.add(entry);
      count++;
      return () => {
        if (set.delete(entry)) count--;
        if (set.size === 0) listeners.delete(personId);
      };
    },
    notifyAll() {
      for (const set of listeners.values()) for (const listener of set) listener();
    },
    listenerCount: () => count,
    close: async () => listeners.clear(),
  };
}
