import { describeError } from '../platform/logger';
import type {
  BootRequest,
  BootResponse,
  ConversationSummary,
  ConversationThread,
  EphemeralEvent,
  EventsAck,
  MarkReadResponse,
  Message,
  RealtimeEvent,
  Session,
  StartConversationResponse,
  TrackedEvent,
  UpdateRequest,
  UpdateResponse,
} from '../protocol/wire';

export interface RealtimeHandlers {
  /** A stored event (it has an id), or an ephemeral one (a teammate typing: no id, never replayed). */
  onEvent(event: RealtimeEvent | EphemeralEvent): void;
  /** The stream broke; the transport reconnects by itself, this only informs. */
  onError?(error: TransportError): void;
}

/**
 * How core reaches a Confab server. Injected, so the same core runs against the HTTP server, an
 * in-memory server in tests, or anything else that keeps these promises.
 */
export interface Transport {
  boot(request: BootRequest): Promise<BootResponse>;
  update(session: Session, request: UpdateRequest): Promise<UpdateResponse>;
  trackEvents(session: Session, events: TrackedEvent[]): Promise<EventsAck>;
  listConversations(session: Session): Promise<ConversationSummary[]>;
  getConversation(session: Session, conversationId: string): Promise<ConversationThread>;
  startConversation(session: Session, body: string, clientId: string): Promise<StartConversationResponse>;
  postMessage(session: Session, conversationId: string, body: string, clientId: string): Promise<Message>;
  markRead(session: Session, conversationId: string): Promise<MarkReadResponse>;
  /**
   * Tells the team the person is typing in a conversation. Best effort: the caller ignores its
   * failure. Optional: a transport without it sends no typing.
   */
  typing?(session: Session, conversationId: string): Promise<void>;
  /** Revokes the session on the server, so a copied session token is useless after logout. */
  endSession(session: Session): Promise<void>;
  /** Opens the realtime stream; returns a function that closes it. */
  subscribe(session: Session, handlers: RealtimeHandlers, lastEventId?: string): () => void;
  /**
   * Hands events to a request that outlives the page (the browser's sendBeacon), for page hide.
   * Returns whether all of them were queued. Optional: runtimes without a beacon leave it out.
   */
  beacon?(session: Session, events: TrackedEvent[]): boolean;
}

/**
 * A failed transport call. `retryable` separates what waiting can fix (network, 5xx, 429) from
 * what it cannot (4xx: the request itself is wrong or refused).
 */
export class TransportError extends Error {
  // Declared, not class fields: the constructor sets them, and the es2020 widget build would
  // otherwise carry a helper that defines each field before that.
  declare readonly status: number | undefined;
  declare readonly retryable: boolean;
  declare readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    options: { status?: number; retryable: boolean; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = 'TransportError';
    this.status = options.status;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** Network failures and 5xx/408/429 are worth retrying; other 4xx are final. */
  static fromStatus(status: number, message: string, retryAfterMs?: number): TransportError {
    const retryable = status >= 500 || status === 408 || status === 429;
    return new TransportError(message, { status, retryable, retryAfterMs });
  }
}

/** Anything thrown by a transport, as a TransportError (an unknown throw counts as a network fault). */
export function toTransportError(error: unknown): TransportError {
  if (error instanceof TransportError) return error;
  const message = describeError(error);
  return new TransportError(message, { retryable: true, cause: error });
}

const encoder = new TextEncoder();
/** Bytes of a text as UTF-8: what a request body weighs against the server's limit. */
export const utf8Length = (text: string): number => encoder.encode(text).length;
