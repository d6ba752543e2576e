/*
 * The messenger's effects: I/O only, run by the machine's actions after a transition and by its
 * child actors. They keep no state of the messenger's: the session, the token a boot resumed and
 * the held update are the machine's context; the update sender and the sends are its children
 * (actors.ts), and the refusal of a session is heard by whoever made the request. What this holds
 * is the event queues, one per app: each is the one owner of its Storage key (two queues on one key
 * would send the same events twice), so it lives as long as the messenger, across sessions, and a
 * logout in any state hands its events to the farewell.
 */

import type { NormalizedSettings } from '../commands/settings';
import { createEventQueue, type EventQueue } from '../delivery/event-queue';
import { type Transport, toTransportError } from '../delivery/transport';
import type { UpdateSender } from '../delivery/update-sender';
import { type Clock, systemClock } from '../platform/clock';
import { randomId } from '../platform/ids';
import { consoleLogger, describeError, type Logger } from '../platform/logger';
import { createMemoryStorage } from '../platform/memory-storage';
import { type Storage, storageKeys } from '../platform/storage';
import { SESSION_LIFETIME_MS } from '../protocol/limits';
import type { BootRequest, Page, Session, TrackedEvent } from '../protocol/wire';
import type { UpdatePatch } from './patch';

/** Everything the messenger needs from its runtime, injected (floating-ui's "platform"). */
export interface MessengerPlatform {
  transport: Transport;
  storage: Storage;
  clock?: Clock;
  logger?: Logger;
  random?: () => number;
  /** The page the visitor is on, for page impressions; absent outside a browser. */
  page?: () => Page | undefined;
}

/** How long a logged-out session may keep delivering its last events before it is revoked anyway. */
export const FAREWELL_LIMIT_MS = 30_000;

/**
 * The I/O the lifecycle machine asks for by name. The machine decides *when*; this decides
 * *how*, against the injected transport and storage.
 */
export interface MessengerEffects {
  readonly clock: Clock;
  readonly transport: Transport;
  readonly logger: Logger;
  readonly random: () => number;
  page(): Page | undefined;
  visitorId(appId: string): string | undefined;
  bootRequest(appId: string, settings: NormalizedSettings): BootRequest;
  /**
   * Saves the session and starts its events. `resumedToken`: the stored session the boot request
   * carried; `refused`: called when the server answers this session's events with 401.
   */
  sessionStarted(
    session: Session,
    personId: string | undefined,
    resumedToken: string | undefined,
    refused: () => void,
  ): void;
  /**
   * Logout: deliver what the person left (their events, and what `updates`, their session's update
   * sender, has not delivered yet), revoke the session, wipe their data, new visitor id.
   */
  sessionEnded(session: Session | null, appId: string | undefined, updates?: UpdateSender): void;
  trackEvent(appId: string, event: TrackedEvent): void;
  /**
   * The page is being hidden (and may never come back): unsent events go out by beacon. They stay
   * in the durable queue until acknowledged, so a beacon that is lost costs nothing, and one that
   * lands is deduplicated by the events' ids when the queue sends them again.
   */
  pageHidden(session: Session): void;
  /**
   * The throttle holds `patch` for `session` (null: it was sent). Kept in Storage, so that when
   * the page changes before the window opens, the next page load (whose window is fresh) sends it.
   */
  patchHeld(session: Session, patch: UpdatePatch | null, personId?: string, lead?: boolean): void;
  /** The patch a previous page held for the session this boot resumed (`resumedToken`), taken out of Storage. */
  takeCarriedPatch(
    session: Session,
    personId: string | undefined,
    resumedToken: string | undefined,
  ): UpdatePatch | null;
  /** Ends the event queues' retries: the messenger was stopped (its children end their own). */
  stop(): void;
}

/** `request`, with the server's refusal of its session (a 401) told to `refused`. */
export const heardRefusal = <T>(request: Promise<T>, refused: () => void): Promise<T> =>
  request.catch((error: unknown) => {
    if (toTransportError(error).status === 401) refused();
    throw error;
  });

/** The session token a held update was saved by (undefined when none or unreadable). */
function heldBy(raw: string | undefined): unknown {
  try {
    return raw === undefined ? undefined : (JSON.parse(raw) as { token?: unknown }).token;
  } catch {
    return undefined;
  }
}

export function createMessengerEffects(platform: MessengerPlatform): MessengerEffects {
  const clock = platform.clock ?? systemClock;
  const logger = platform.logger ?? consoleLogger;
  const random = platform.random ?? Math.random;
  const { storage, transport } = platform;
  const queues = new Map<string, EventQueue>();

  function queueFor(appId: string): EventQueue {
    let queue = queues.get(appId);
    if (!queue) {
      queue = createEventQueue({ storage, key: storageKeys(appId).eventQueue, clock, logger, random });
      queues.set(appId, queue);
    }
    return queue;
  }

  function ensure(key: string): string {
    const existing = storage.get(key);
    if (existing) return existing;
    const id = randomId();
    storage.set(key, id);
    return id;
  }

  /** Sends a person's last events and updates, then (`end`) ends their session on the server. */
  function farewell(session: Session, events: TrackedEvent[], sender?: UpdateSender, end = true) {
    const delivered: Promise<unknown>[] = [];
    if (sender) delivered.push(sender.idle());
    let queue: EventQueue | undefined;
    if (events.length > 0) {
      // In memory only: after logout nothing of the person stays in the device's storage.
      queue = createEventQueue({ storage: createMemoryStorage(clock), key: 'farewell', clock, logger, random });
      for (const event of events) queue.enqueue(event);
      queue.start((batch) => transport.trackEvents(session, batch));
      delivered.push(queue.idle());
    }
    let limit: unknown;
    const deadline = new Promise<void>((resolve) => {
      limit = clock.setTimeout(resolve, FAREWELL_LIMIT_MS);
    });
    void Promise.race([Promise.all(delivered), deadline])
      .then(() => {
        clock.clearTimeout(limit);
        // Past the deadline (a server that is down) the farewell gives up: no retry outlives it.
        queue?.stop();
        sender?.cancel();
        return end ? transport.endSession(session) : undefined;
      })
      .catch(() => {
        // The session expires on the server by itself; the device holds nothing of it already.
      });
  }

  // An effect runs inside a machine step: if it threw (a storage the page broke, a bug), xstate
  // would stop the messenger and rethrow into the page. It warns and the messenger goes on.
  function guarded<A extends unknown[], R>(what: string, effect: (...args: A) => R): (...args: A) => R | undefined;
  function guarded<A extends unknown[], R>(what: string, effect: (...args: A) => R, fallback: R): (...args: A) => R;
  function guarded<A extends unknown[], R>(
    what: string,
    effect: (...args: A) => R,
    fallback?: R,
  ): (...args: A) => R | undefined {
    return (...args) => {
      try {
        return effect(...args);
      } catch (error) {
        logger.warn(`[Confab] ${what} failed: ${describeError(error)}`);
        return fallback;
      }
    };
  }

  return {
    clock,
    transport,
    logger,
    random,
    page: () => platform.page?.(),
    visitorId: guarded('reading the visitor id', (appId: string) => storage.get(storageKeys(appId).visitorId)),
    bootRequest(appId, settings) {
      const keys = storageKeys(appId);
      const token = storage.get(keys.session);
      const page = platform.page?.();
      return {
        app_id: appId,
        visitor_id: ensure(keys.visitorId),
        device_id: ensure(keys.deviceId),
        ...(token ? { session_token: token } : {}),
        identity: settings.identity,
        attributes: settings.attributes,
        ...(page ? { page } : {}),
      };
    },
    sessionStarted: guarded('saving the session', (session, personId, theirToken, refused) => {
      const keys = storageKeys(session.app_id);
      storage.set(keys.session, session.token, {
        expiresAt: Math.min(session.expires_at, clock.now() + SESSION_LIFETIME_MS),
      });
      const queue = queueFor(session.app_id);
      // Events a page load left unsent belong to the person who tracked them: when this boot is
      // someone else's (a site that logged out without shutdown), they go out under that
      // person's own session, the one the boot resumed, never under this one.
      const owner = storage.get(keys.eventOwner);
      if (owner !== undefined && personId !== undefined && owner !== personId) {
        const theirs = queue.drain();
        if (theirs.length > 0 && theirToken && theirToken !== session.token) {
          // Sent only: that session may be alive in another tab of the site, so it is not ended.
          farewell({ app_id: session.app_id, token: theirToken, expires_at: 0 }, theirs, undefined, false);
        } else if (theirs.length > 0) {
          logger.warn(
            `[Confab] ${theirs.length} unsent event(s) of the previous person were discarded: their session is gone`,
          );
        }
      }
      if (personId !== undefined && personId !== owner) storage.set(keys.eventOwner, personId);
      queue.start((batch) => heardRefusal(transport.trackEvents(session, batch), refused));
    }),
    sessionEnded: guarded('ending the session', (session, appId, updates) => {
      const id = session?.app_id ?? appId;
      if (!id) return;
      const keys = storageKeys(id);
      const queue = queueFor(id);
      queue.stop();
      const unsent = queue.drain();
      storage.remove(keys.session);
      storage.remove(keys.eventOwner);
      storage.remove(keys.heldUpdate);
      storage.set(keys.visitorId, randomId());
      if (session) farewell(session, unsent, updates);
    }),
    trackEvent: guarded('queueing an event', (appId: string, event: TrackedEvent) => queueFor(appId).enqueue(event)),
    patchHeld: guarded('keeping a held update', (session, patch, personId, lead) => {
      const key = storageKeys(session.app_id).heldUpdate;
      if (patch)
        storage.set(key, JSON.stringify({ token: session.token, person: personId, lead, patch }), {
          expiresAt: session.expires_at,
        });
      // Released: removed only if it is still this session's (another tab may have held one since).
      else if (heldBy(storage.get(key)) === session.token) storage.remove(key);
    }),
    takeCarriedPatch: guarded(
      'reading a held update',
      (session: Session, personId: string | undefined, resumed: string | undefined): UpdatePatch | null => {
        const key = storageKeys(session.app_id).heldUpdate;
        const raw = storage.get(key);
        if (raw === undefined) return null;
        storage.remove(key);
        try {
          const held = JSON.parse(raw) as { token?: unknown; person?: unknown; lead?: unknown; patch?: UpdatePatch };
          // Only the same person's: the boot resumed the session that held it, and the server
          // answered with the person who held it (a boot naming someone else sends the old token
          // too, and the server finds that other person by their identity). A lead's goes to whoever
          // that visitor logs in as: the server merges the lead into them as well.
          const samePerson = held.person === personId || held.lead === true;
          return resumed !== undefined && held.token === resumed && samePerson && held.patch ? held.patch : null;
        } catch {
          return null;
        }
      },
      null,
    ),
    pageHidden: guarded('sending events on page hide', (session) => {
      const pending = queues.get(session.app_id)?.pending() ?? [];
      if (pending.length > 0) transport.beacon?.(session, [...pending]);
    }),
    stop() {
      // What is queued stays in storage for the next page; only the retries here end.
      for (const queue of queues.values()) queue.stop();
    },
  };
}
