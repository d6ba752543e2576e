// The app's team stream (GET /api/v1/apps/:app_id/stream) as one EventSource per app, shared by
// every screen that subscribes: each event parsed once and handed to every listener. The browser
// resends Last-Event-ID on its own reconnections; after a refusal (the EventSource closes) the
// stream reopens with a backoff from the last id it saw (`?last_event_id=`), once the session is
// checked: a 401 there signs the inbox out, which closes every stream.
import type { TeamEvent, TeamTypingEvent } from '@confab/server';
import { session } from '../session.svelte';
import { teamPath } from './client';

export type TeamStreamEvent = TeamEvent | TeamTypingEvent;
export type TeamStreamListener = (event: TeamStreamEvent) => void;

export interface TeamStream {
  /** Calls `listener` with every event from now on; returns its removal. */
  subscribe(listener: TeamStreamListener): () => void;
  /** This holder is done with the stream; the connection closes when the last one is. */
  close(): void;
  /** Whether the connection is open right now. */
  readonly connected: boolean;
}

/** The event names the server writes (`event:` lines); EventSource dispatches each by its name. */
export const TEAM_EVENT_NAMES = [
  'conversation.created',
  'message',
  'note',
  'state',
  'assignment',
  'read',
  'typing',
] as const satisfies readonly TeamStreamEvent['type'][];

/** The constructor the stream uses; tests may hand another (happy-dom has no EventSource). */
export type EventSourceFactory = (url: string) => EventSource;
let makeEventSource: EventSourceFactory = (url) => new EventSource(url);
export function useEventSourceFactory(factory: EventSourceFactory): void {
  makeEventSource = factory;
}

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30_000;

class SharedStream {
  readonly listeners = new Set<TeamStreamListener>();
  holders = 0;
  connected = false;
  #source: EventSource | undefined;
  #lastEventId: string | undefined;
  #retryMs = RETRY_MIN_MS;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(readonly appId: string) {
    this.#open();
  }

  #open(): void {
    const base = teamPath(this.appId, 'stream');
    const url =
      this.#lastEventId === undefined ? base : `${base}?last_event_id=${encodeURIComponent(this.#lastEventId)}`;
    const source = makeEventSource(url);
    this.#source = source;
    source.onopen = () => {
      this.connected = true;
      this.#retryMs = RETRY_MIN_MS;
    };
    source.onerror = () => {
      this.connected = false;
      // CONNECTING: the browser reconnects by itself, with Last-Event-ID. CLOSED: it gave up (a
      // refusal); reopen later, if the session still holds.
      if (source.readyState === 2) this.#reopenLater();
    };
    for (const name of TEAM_EVENT_NAMES) source.addEventListener(name, (message) => this.#deliver(message));
  }

  #deliver(message: MessageEvent): void {
    let event: TeamStreamEvent;
    try {
      event = JSON.parse(String(message.data)) as TeamStreamEvent;
    } catch {
      console.warn('[Confab] a team stream event is not JSON; it is skipped');
      return;
    }
    if (message.lastEventId) this.#lastEventId = message.lastEventId;
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        // One screen's failure must not starve the others of the event.
        console.warn('[Confab] a team stream listener failed', error);
      }
    }
  }

  #reopenLater(): void {
    this.#source?.close();
    if (this.#closed || this.#retryTimer !== undefined) return;
    const delay = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, RETRY_MAX_MS);
    this.#retryTimer = setTimeout(async () => {
      this.#retryTimer = undefined;
      if (this.#closed) return;
      // A refusal is most often an ended session: asking /me signs the inbox out on a 401.
      await session.load();
      if (!this.#closed && session.status === 'signed-in') this.#open();
    }, delay);
  }

  close(): void {
    this.#closed = true;
    this.connected = false;
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#source?.close();
    this.listeners.clear();
  }
}

const streams = new Map<string, SharedStream>();

/** The app's team stream, opened on the first call and shared with every later one until all have closed it. */
export function openTeamStream(appId: string): TeamStream {
  let shared = streams.get(appId);
  if (!shared) {
    shared = new SharedStream(appId);
    streams.set(appId, shared);
  }
  const stream = shared;
  stream.holders++;
  const mine = new Set<TeamStreamListener>();
  let closed = false;
  return {
    subscribe(listener) {
      if (closed) return () => {};
      // A wrapper per subscription: the same function subscribed twice is called twice, removed once each.
      const wrapper: TeamStreamListener = (event) => listener(event);
      mine.add(wrapper);
      stream.listeners.add(wrapper);
      return () => {
        mine.delete(wrapper);
        stream.listeners.delete(wrapper);
      };
    },
    close() {
      if (closed) return;
      closed = true;
      for (const wrapper of mine) stream.listeners.delete(wrapper);
      stream.holders--;
      if (stream.holders === 0) {
        stream.close();
        if (streams.get(stream.appId) === stream) streams.delete(stream.appId);
      }
    },
    get connected() {
      return !closed && stream.connected;
    },
  };
}

/** Closes every team stream: the session is over, nothing may keep listening. */
export function closeAllTeamStreams(): void {
  for (const stream of streams.values()) stream.close();
  streams.clear();
}

session.onEnd(closeAllTeamStreams);
