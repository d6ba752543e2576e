/**
 * Where the messenger keeps what must outlive a page load. Synchronous because cookies and
 * localStorage are; the DOM adapter maps Intercom's cookie names onto cookies.
 */
export interface Storage {
  get(key: string): string | undefined;
  /** `expiresAt` is epoch milliseconds; after it the value reads as absent. */
  set(key: string, value: string, options?: { expiresAt?: number }): void;
  remove(key: string): void;
  /** Every key present now (used to prove a shutdown left no user data). */
  keys(): string[];
}

/** Intercom's cookie names, kept so a site's existing cookie policy stays true. */
export function storageKeys(appId: string) {
  return {
    /** The anonymous visitor id; replaced by shutdown. */
    visitorId: `intercom-id-${appId}`,
    /** The session token, for one week; cleared by shutdown. */
    session: `intercom-session-${appId}`,
    deviceId: `intercom-device-id-${appId}`,
    /** Tracked events not yet acknowledged by the server. */
    eventQueue: `confab-events-${appId}`,
    /** Whose those events are (a person id): the next page load may boot someone else. */
    eventOwner: `confab-events-owner-${appId}`,
    /** Updates held by the throttle, so a page change does not lose them: sent after the next boot. */
    heldUpdate: `confab-held-update-${appId}`,
  } as const;
}

/** The keys that hold a person's data (as opposed to the anonymous device). */
export function userDataKeys(appId: string): string[] {
  const keys = storageKeys(appId);
  return [keys.session, keys.eventQueue, keys.eventOwner, keys.heldUpdate];
}
