// The limits client and server agree on: the client refuses or splits what the server would
// refuse, so a limit changes in one place for both.

/** Longest event name `trackEvent` accepts, in characters. */
export const EVENT_NAME_MAX = 255;
/** Most keys an event's metadata may carry. */
export const METADATA_MAX_KEYS = 20;
/** Longest an event's metadata may serialise to. */
export const METADATA_MAX_BYTES = 8 * 1024;
/** Longest message a visitor may send, in characters. */
export const MESSAGE_MAX = 10_000;

/** The server refuses a messenger request body over 64 KiB. */
export const REQUEST_BODY_MAX_BYTES = 64 * 1024;
/** A beacon chunk stays below the body limit whichever KB is meant. */
export const BEACON_MAX_BYTES = 64_000;
/** The server takes 1 to 100 events per request. */
export const EVENTS_PER_REQUEST_MAX = 100;

/** A session token lives one week. */
export const SESSION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
