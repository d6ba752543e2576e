import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { Storage } from '../platform/storage';
import { BEACON_MAX_BYTES } from '../protocol/limits';
import type { EventsAck, TrackedEvent } from '../protocol/wire';
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from './backoff';
import { TransportError, toTransportError, utf8Length } from './transport';

export type SendEvents = (batch: TrackedEvent[]) => Promise<EventsAck>;

// The body is `{"events":[...]}`: 13 bytes around the events.
const FRAME_BYTES = 13;

export interface EventQueueOptions {
  storage: Storage;
  /** The Storage key that holds the queue, so it outlives a reload. */
  key: string;
  clock: Clock;
  logger: Logger;
  random?: () => number;
  /** Events per request. */
  batchSize?: number;
  /** Bytes per request body (the server caps bodies at 64 KB). */
  maxBytes?: number;
  /** How long a lone event waits for company before it is sent. */
  flushDelayMs?: number;
  /** Beyond this many unsent events the oldest are dropped (and said so), so storage stays bounded. */
  maxQueued?: number;
  backoff?: BackoffPolicy;
}

export interface EventQueue {
  enqueue(event: TrackedEvent): void;
  /** Starts sending through `send` (bound to a session); events wait while there is none. */
  start(send: SendEvents): void;
  /** Stops sending; what is queued stays queued. */
  stop(): void;
  /** Sends without waiting for the batch delay. */
  flush(): void;
  pending(): readonly TrackedEvent[];
  /** Takes every queued event out, storage included (shutdown hands them to a farewell sender). */
  drain(): TrackedEvent[];
  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void>;
}

/**
 * The durable queue behind `trackEvent`: persisted before anything is sent, sent in batches,
 * retried with jittered exponential backoff until acknowledged. Each event carries the id its
 * client made, so resending after a lost acknowledgement is harmless: the server stores it once.
 */
export function createEventQueue(options: EventQueueOptions): EventQueue {
  const { storage, key, clock, logger } = options;
  const random = options.random ?? Math.random;
  const batchSize = options.batchSize ?? 20;
  const maxBytes = options.maxBytes ?? BEACON_MAX_BYTES;
  const flushDelayMs = options.flushDelayMs ?? 1_000;
  const maxQueued = options.maxQueued ?? 1_000;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;

  let events: TrackedEvent[] = load();
  let sender: SendEvents | null = null;
  let inFlight = false;
  let attempt = 0;
  // How many events at the head hold one the server refused (400, 413): sent in halves until found.
  let suspect = 0;
  let refusedInARow = 0;
  let timer: unknown = null;
  let timerAt = Infinity;
  let idleWaiters: Array<() => void> = [];

  function load(): TrackedEvent[] {
    const raw = storage.get(key);
    if (!raw) return [];
    try {
      const parsed: unknown = JSON.parse(raw);
      return Array.isArray(parsed) ? (parsed as TrackedEvent[]) : [];
    } catch {
      logger.warn(`[Confab] the saved event queue (${key}) was unreadable and has been reset`);
      return [];
    }
  }

  // Every tab of the site keeps its queue under the same key. A save keeps what other tabs saved
  // there and removes only what this one wrote last and no longer holds (sent, or dropped):
  // writing this tab's list alone would erase events another tab has not sent yet.
  // What this queue loaded at start counts as written by it: it sends those now.
  let written = new Set(events.map((event) => event.id));
  function save() {
    const ours = new Set(events.map((event) => event.id));
    const others = load().filter((event) => !ours.has(event.id) && !written.has(event.id));
    const all = [...others, ...events];
    written = ours;
    if (all.length === 0) storage.remove(key);
    else storage.set(key, JSON.stringify(all));
  }

  function settleIdle() {
    if (events.length > 0 || inFlight) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  function clearTimer() {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    timerAt = Infinity;
  }

  // A backoff after a failure is not cut short by events the page tracks meanwhile.
  let notBefore = 0;
  function schedule(delayMs: number) {
    const at = Math.max(clock.now() + delayMs, notBefore);
    if (timer !== null && timerAt <= at) return;
    clearTimer();
    timerAt = at;
    timer = clock.setTimeout(() => {
      timer = null;
      timerAt = Infinity;
      pump();
    }, at - clock.now());
  }

  /** The next batch: up to `batchSize` events (half the suspects while splitting) and `maxBytes`. */
  function nextBatch(): TrackedEvent[] {
    const limit = suspect > 1 ? Math.ceil(suspect / 2) : suspect || batchSize;
    const batch: TrackedEvent[] = [];
    let size = FRAME_BYTES - 1; // each event counts a comma; the first one has none
    const tooLarge = new Set<TrackedEvent>();
    for (const event of events) {
      const bytes = utf8Length(JSON.stringify(event));
      if (FRAME_BYTES + bytes > maxBytes) {
        // No request can carry it, and waiting would hold up every event behind it.
        tooLarge.add(event);
        logger.warn(`[Confab] the tracked event "${event.name}" (${bytes} bytes) is too large to send and was dropped`);
        continue;
      }
      size += bytes + 1;
      if (batch.length === limit || size > maxBytes) break;
      batch.push(event);
    }
    if (tooLarge.size > 0) {
      events = events.filter((event) => !tooLarge.has(event));
      save();
    }
    return batch;
  }

  function pump() {
    if (!sender || inFlight || events.length === 0) return;
    clearTimer();
    const batch = nextBatch();
    if (batch.length === 0) return settleIdle();
    const send = sender;
    inFlight = true;
    const failed = (error: unknown) => {
      inFlight = false;
      const failure = toTransportError(error);
      if (failure.retryable) {
        resume(send, backoffDelay(send === sender ? ++attempt : 1, backoff, random, failure.retryAfterMs));
      } else if (failure.status === 401 || failure.status === 403) {
        // The session is gone; the events wait for the next one.
        if (send === sender) sender = null;
        resume(send, 0);
      } else {
        // Refusals in a row wait longer each time: a server that refuses everything is not
        // asked again at once for each event (or each half of a batch).
        // The server names the event it refuses (`body.events.3.name: …`): that one is dropped,
        // which is progress, so the next try goes at once.
        const named = failure.status === 400 ? /^body\.events\.(\d+)\./.exec(failure.message) : null;
        const refused = named && batch.length > 1 ? batch[Number(named[1])] : undefined;
        const pause = refused ? 0 : backoffDelay(refusedInARow++, backoff, random);
        if (!refused && (failure.status === 400 || failure.status === 413) && batch.length > 1) {
          // Perhaps one event (or the size) is refused, not all: halve until only that is dropped.
          suspect = batch.length;
        } else {
          const dropped = refused ? [refused] : batch;
          suspect = refused ? Math.max(0, suspect - 1) : 0; // the refused one is found; any other starts a split of its own
          const ids = new Set(dropped.map((event) => event.id));
          events = events.filter((event) => !ids.has(event.id));
          save();
          logger.warn(`[Confab] the server refused ${dropped.length} tracked event(s): ${failure.message}`);
        }
        resume(send, pause);
      }
      settleIdle();
    };
    send(batch).then((ack) => {
      // A 2xx without our acknowledgement (an empty body, a proxy's page): a resend is harmless.
      if (!Array.isArray(ack?.accepted)) {
        return failed(new TransportError('the events were answered without an acknowledgement', { retryable: true }));
      }
      inFlight = false;
      refusedInARow = 0;
      suspect = Math.max(0, suspect - batch.length);
      const accepted = new Set(ack.accepted);
      events = events.filter((event) => !accepted.has(event.id));
      save();
      // Anything in the batch the server did not accept is retried, but not hot.
      const progressed = batch.some((event) => accepted.has(event.id));
      if (send === sender) attempt = progressed ? 0 : attempt + 1;
      resume(send, progressed ? 0 : backoffDelay(attempt, backoff, random));
      settleIdle();
    }, failed);
  }

  /**
   * After a request ends, sending goes on with whichever sender is current. When the session
   * changed while the request was out, the new session's events were held back by it and go now.
   */
  function resume(finished: SendEvents, delayMs: number) {
    const delay = finished === sender ? delayMs : 0;
    notBefore = clock.now() + delay;
    if (!sender || events.length === 0) return;
    schedule(delay);
  }

  return {
    enqueue(event) {
      events.push(event);
      if (events.length > maxQueued) {
        const dropped = events.length - maxQueued;
        events = events.slice(dropped);
        logger.warn(
          `[Confab] more than ${maxQueued} events were waiting to be sent; the ${dropped} oldest were dropped`,
        );
      }
      save();
      if (events.length >= batchSize) schedule(0);
      else schedule(flushDelayMs);
    },
    start(send) {
      sender = send;
      attempt = 0;
      if (events.length > 0) schedule(0);
    },
    stop() {
      sender = null;
      clearTimer();
    },
    flush() {
      pump();
    },
    pending: () => events,
    drain() {
      const taken = events;
      events = [];
      suspect = 0;
      // A logout (or another person's boot) takes the whole saved queue, other tabs' too: nothing
      // of the person may stay on the device, and what is left would go out as the next person.
      storage.remove(key);
      written = new Set();
      clearTimer();
      settleIdle();
      return taken;
    },
    idle() {
      if (events.length === 0 && !inFlight) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
