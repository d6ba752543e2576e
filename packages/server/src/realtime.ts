// Who listens for what. The store says "person P has new events" (or "app A has new team events")
// after a commit; each open stream of P (or each team stream of A) then reads them from the
// database by id. Ephemeral events (typing) are never stored: the hub hands them to the open
// streams as they are. This in-process hub serves one server; several processes on one
// PostgreSQL share news and ephemeral events through LISTEN/NOTIFY instead (postgres-realtime.ts).
import type { EphemeralEvent } from '@confab/core/protocol';
import type { TeamTypingEvent } from './team-events';

/** Where an ephemeral event goes: one person's streams, or an app's team streams. */
export type EphemeralTarget =
  | { app_id: string; person_id: string; event: EphemeralEvent }
  | { app_id: string; team: true; event: TeamTypingEvent };

export interface RealtimeHub {
  notify(appId: string, personId: string): void;
  listen(personId: string, onNews: () => void, onEphemeral?: (event: EphemeralEvent) => void): () => void;
  /** The app's team events were written. */
  notifyTeam(appId: string): void;
  listenTeam(appId: string, onNews: () => void, onEphemeral?: (event: TeamTypingEvent) => void): () => void;
  /** Hands an ephemeral event to the open streams it is for, on every process; nothing is stored. */
  sendEphemeral(target: EphemeralTarget): void;
  /** Every stream rereads from the database (after news may have been lost). */
  notifyAll(): void;
  listenerCount(): number;
  close(): Promise<void>;
}

interface Listener {
  onNews: () => void;
  onEphemeral: ((event: never) => void) | undefined;
}

const personKey = (personId: string) => `person:${personId}`;
const teamKey = (appId: string) => `team:${appId}`;

export function createLocalRealtimeHub(): RealtimeHub {
  const listeners = new Map<string, Set<Listener>>();
  let count = 0;

  function listenOn(key: string, listener: Listener): () => void {
    let set = listeners.get(key);
    if (!set) {
      set = new Set();
      listeners.set(key, set);
    }
    // A listener is its own object, so the same function may listen twice and leave twice.
    const entry = { ...listener };
    set.add(entry);
    count++;
    return () => {
      if (set.delete(entry)) count--;
      if (set.size === 0 && listeners.get(key) === set) listeners.delete(key);
    };
  }

  function news(key: string) {
    for (const listener of listeners.get(key) ?? []) listener.onNews();
  }

  return {
    notify: (_appId, personId) => news(personKey(personId)),
    listen: (personId, onNews, onEphemeral) =>
      listenOn(personKey(personId), { onNews, onEphemeral: onEphemeral as Listener['onEphemeral'] }),
    notifyTeam: (appId) => news(teamKey(appId)),
    listenTeam: (appId, onNews, onEphemeral) =>
      listenOn(teamKey(appId), { onNews, onEphemeral: onEphemeral as Listener['onEphemeral'] }),
    sendEphemeral(target) {
      const key = 'team' in target ? teamKey(target.app_id) : personKey(target.person_id);
      for (const listener of listeners.get(key) ?? [])
        (listener.onEphemeral as (event: unknown) => void)?.(target.event);
    },
    notifyAll() {
      for (const set of listeners.values()) for (const listener of set) listener.onNews();
    },
    listenerCount: () => count,
    close: async () => listeners.clear(),
  };
}
