// One app's team streams on this process share their reads: every teammate's stream of the app
// hears the same news and reads the same events, so one database read (and one serialization, see
// event-stream.ts) serves all the streams at the same place, instead of one per teammate.
import type { RealtimeHub } from './realtime';
import type { Store } from './store';
import type { StreamPage, StreamPosition } from './store/stream-position';
import type { TeamEvent, TeamTypingEvent } from './team-events';

interface Feed {
  listeners: Set<{ onNews: () => void; onEphemeral: (event: TeamTypingEvent) => void }>;
  /** Reads under way since the last news, by where they start: a read that begins after news never joins one from before it. */
  reads: Map<string, Promise<StreamPage<TeamEvent>>>;
  stop: () => void;
}

export interface TeamFeeds {
  listen(appId: string, onNews: () => void, onEphemeral: (event: TeamTypingEvent) => void): () => void;
  read(appId: string, after: StreamPosition, limit: number): Promise<StreamPage<TeamEvent>>;
}

export function createTeamFeeds(hub: RealtimeHub, store: Pick<Store, 'teamEventsAfter'>): TeamFeeds {
  const feeds = new Map<string, Feed>();
  return {
    listen(appId, onNews, onEphemeral) {
      let feed = feeds.get(appId);
      if (!feed) {
        const made: Feed = { listeners: new Set(), reads: new Map(), stop: () => {} };
        // News first forgets the reads under way, then tells the streams: their next read is a new one.
        made.stop = hub.listenTeam(
          appId,
          () => {
            made.reads.clear();
            for (const listener of made.listeners) listener.onNews();
          },
          (event) => {
            for (const listener of made.listeners) listener.onEphemeral(event);
          },
        );
        feeds.set(appId, made);
        feed = made;
      }
      const entry = { onNews, onEphemeral };
      const own = feed;
      own.listeners.add(entry);
      return () => {
        own.listeners.delete(entry);
        if (own.listeners.size === 0 && feeds.get(appId) === own) {
          own.stop();
          feeds.delete(appId);
        }
      };
    },

    read(appId, after, limit) {
      const feed = feeds.get(appId);
      if (!feed) return store.teamEventsAfter(appId, after, limit);
      const key = `${after.tx}:${after.id}:${limit}`;
      let reading = feed.reads.get(key);
      if (!reading) {
        const started = store.teamEventsAfter(appId, after, limit);
        reading = started;
        feed.reads.set(key, started);
        // A failed read is not shared with later readers; one that found events held is shared
        // until they can be read, when the streams read again with no news in between.
        const forget = () => {
          if (feed.reads.get(key) === started) feed.reads.delete(key);
        };
        started.then((page) => page.held?.then(forget), forget);
      }
      return reading;
    },
  };
}
