// @confab/core/protocol: what a Confab client and server agree on (the wire shapes, the limits,
// how attributes merge). Imports nothing, so a server depends on it alone.

export { mergeAttributes } from './attributes';
export {
  BEACON_MAX_BYTES,
  EVENT_NAME_MAX,
  EVENTS_PER_REQUEST_MAX,
  MESSAGE_MAX,
  METADATA_MAX_BYTES,
  METADATA_MAX_KEYS,
  REQUEST_BODY_MAX_BYTES,
  SESSION_LIFETIME_MS,
} from './limits';
export type * from './wire';
