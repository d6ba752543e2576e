// The Transport that talks to a real Confab server (packages/server/API.md): JSON over fetch, the
// realtime stream as Server-Sent Events read through fetch (so it can carry Authorization and
// Last-Event-ID, and reconnect on our backoff), and a sendBeacon flush for page hide. Only
// standard globals (fetch, AbortController, TextDecoder) and only when called: importing this
// file touches nothing, so core still loads in Node, workers and the rest.

import { type Clock, systemClock } from '../platform/clock';
import { consoleLogger, describeError, type Logger } from '../platform/logger';
import { BEACON_MAX_BYTES, EVENTS_PER_REQUEST_MAX } from '../protocol/limits';
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
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from './backoff';
import { createSseParser, readSseStream, type SseParser } from './sse-reader';
import { type RealtimeHandlers, type Transport, TransportError, toTransportError, utf8Length } from './transport';

/** Queues one request that outlives the page; in a browser, `navigator.sendBeacon` with a text/plain Blob. */
export type BeaconSender = (url: string, body: string) => boolean;

export interface HttpTransportOptions {
  /**
   * The server's origin (and path prefix, if any), e.g. `https://chat.example.com`. A trailing
   * slash is ignored. A function is asked at every request, for a page whose `boot` names the
   * server (Intercom's `api_base`) after the transport was made.
   */
  apiBase: string | (() => string);
  fetch?: typeof fetch;
  clock?: Clock;
  random?: () => number;
  logger?: Logger;
  /** How `beacon()` sends; defaults to `navigator.sendBeacon` where the runtime has it. */
  beacon?: BeaconSender;
  /** Backoff between realtime reconnects (full jitter). Default: 1 s doubling up to 60 s. */
  reconnect?: BackoffPolicy;
  /** A request with no answer by then fails as a retryable TransportError. Default 30 s; 0 turns it off. */
  timeoutMs?: number;
  /**
   * A stream that delivers nothing (not even the server's 15 s keep-alive) for this long is
   * taken for dead (sleeping laptop, dropped NAT entry) and reopened. Default 45 s; 0 turns it off.
   */
  idleTimeoutMs?: number;
}

export interface HttpTransport extends Transport {
  /**
   * Hands unsent events to the beacon for page hide (see `sendEventsBeacon`). Returns whether every
   * chunk was queued; false also where the runtime has no beacon.
   */
  beacon(session: Session, events: TrackedEvent[]): boolean;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_IDLE_TIMEOUT_MS = 45_000;
/** A stream open this long (or that delivered an event) was healthy: its end restarts the backoff. */
const STREAM_STABLE_MS = 30_000;

function trimBase(apiBase: string): string {
  return apiBase.replace(/\/+$/, '');
}

/** `${apiBase}/messenger/v1/apps/${app_id}${path}` with the app id encoded. */
export function messengerUrl(apiBase: string, appId: string, path: string): string {
  return `${trimBase(apiBase)}/messenger/v1/apps/${encodeURIComponent(appId)}${path}`;
}

/** Retry-After as milliseconds: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A non-2xx answer as a TransportError carrying the server's own explanation. */
async function errorFromResponse(response: Response, what: string, now: number): Promise<TransportError> {
  let message = `${what}: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  try {
    const body = JSON.parse(await response.text()) as { error?: { message?: unknown } };
    if (typeof body?.error?.message === 'string' && body.error.message !== '') message = body.error.message;
  } catch {
    // not JSON (a proxy's page, an empty body): the status line says enough
  }
  return TransportError.fromStatus(response.status, message, parseRetryAfter(response.headers.get('retry-after'), now));
}

/**
 * Sends events through a beacon in bodies under 64 KB and 100 events each: text/plain JSON
 * `{ session_token, events }` to POST /events/beacon, the only form sendBeacon can send without a
 * preflight. Returns whether every chunk was queued; it stops at the first refusal (the browser's
 * beacon quota is shared, so the rest would be refused too). What is not sent stays in the
 * durable queue for the next page, and the events' own ids make a double delivery harmless.
 */
export function sendEventsBeacon(
  apiBase: string,
  session: Session,
  events: TrackedEvent[],
  beacon: BeaconSender,
): boolean {
  if (events.length === 0) return true;
  const url = messengerUrl(apiBase, session.app_id, '/events/beacon');
  const head = `{"session_token":${JSON.stringify(session.token)},"events":[`;
  const tail = ']}';
  const frame = utf8Length(head) + utf8Length(tail);
  let allQueued = true;
  let chunk: string[] = [];
  let size = frame;

  const flush = (): boolean => {
    if (chunk.length === 0) return true;
    const body = head + chunk.join(',') + tail;
    chunk = [];
    size = frame;
    return beacon(url, body);
  };

  for (const event of events) {
    const json = JSON.stringify(event);
    const bytes = utf8Length(json);
    if (frame + bytes > BEACON_MAX_BYTES) {
      allQueued = false; // one event alone is too big for any beacon: leave it to the next page's queue
      continue;
    }
    const added = (chunk.length > 0 ? 1 : 0) + bytes;
    if (size + added > BEACON_MAX_BYTES || chunk.length === EVENTS_PER_REQUEST_MAX) {
      if (!flush()) return false;
    }
    size += (chunk.length > 0 ? 1 : 0) + bytes;
    chunk.push(json);
  }
  return flush() && allQueued;
}

/** `navigator.sendBeacon` looked up at call time, never at import. */
function defaultBeacon(): BeaconSender | undefined {
  const nav = (globalThis as { navigator?: { sendBeacon?: (url: string, data?: unknown) => boolean } }).navigator;
  if (typeof nav?.sendBeacon !== 'function' || typeof Blob !== 'function') return undefined;
  return (url, body) => nav.sendBeacon!(url, new Blob([body], { type: 'text/plain' }));
}

export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const apiBase = () => trimBase(typeof options.apiBase === 'function' ? options.apiBase() : options.apiBase);
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const logger = options.logger ?? consoleLogger;
  const policy = options.reconnect ?? DEFAULT_BACKOFF;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  // Looked up per call, so a test (or a polyfill) can install fetch after this transport exists.
  const doFetch: typeof fetch = (input, init) => (options.fetch ?? globalThis.fetch)(input, init);

  const url = (appId: string, path: string) => messengerUrl(apiBase(), appId, path);

  async function request<T>(
    method: string,
    appId: string,
    path: string,
    init: { session?: Session; body?: unknown; okStatuses?: number[] } = {},
  ): Promise<T> {
    const what = `${method} ${path}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init.session) headers.authorization = `Bearer ${init.session.token}`;
    // No content-type without a body: a JSON server refuses an empty JSON body.
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const controller = new AbortController();
    let timedOut = false;
    const timer =
      timeoutMs > 0
        ? clock.setTimeout(() => {
            timedOut = true;
            controller.abort();
          }, timeoutMs)
        : undefined;
    try {
      const response = await doFetch(url(appId, path), {
        method,
        headers,
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        signal: controller.signal,
      });
      if (init.okStatuses?.includes(response.status)) {
        await response.body?.cancel().catch(() => {});
        return undefined as T;
      }
      if (!response.ok) throw await errorFromResponse(response, what, clock.now());
      const text = await response.text();
      if (response.status === 204 || text === '') return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch (error) {
        // A 2xx that is not our JSON is some middlebox's page: worth another try later.
        throw new TransportError(`${what}: the answer is not JSON`, {
          status: response.status,
          retryable: true,
          cause: error,
        });
      }
    } catch (error) {
      if (timedOut)
        throw new TransportError(`${what}: no answer within ${timeoutMs} ms`, { retryable: true, cause: error });
      throw toTransportError(error);
    } finally {
      if (timer !== undefined) clock.clearTimeout(timer);
    }
  }

  function subscribe(session: Session, handlers: RealtimeHandlers, lastEventId?: string): () => void {
    let closed = false;
    let attempt = 0;
    let lastId = lastEventId ?? '';
    let connection: AbortController | undefined;
    let reconnectTimer: unknown;
    let idleTimer: unknown;

    const call = (what: string, fn: () => void) => {
      if (closed) return;
      try {
        fn();
      } catch (error) {
        logger.warn(`[Confab] a realtime ${what} handler threw: ${describeError(error)}`);
      }
    };

    const deliver = (data: string, id: string) => {
      let event: RealtimeEvent | EphemeralEvent;
      try {
        event = JSON.parse(data) as RealtimeEvent | EphemeralEvent;
      } catch {
        logger.warn(`[Confab] ignored a realtime event that is not JSON (id ${id || 'none'})`);
        return;
      }
      if (typeof event !== 'object' || event === null) return;
      // The stream's last id belongs to the stored event before: an ephemeral one (typing) has none of its own.
      if (event.type !== 'typing' && event.id === undefined && id !== '') event = { ...event, id };
      call('onEvent', () => handlers.onEvent(event));
    };

    const clearIdle = () => {
      if (idleTimer !== undefined) clock.clearTimeout(idleTimer);
      idleTimer = undefined;
    };

    async function connect(): Promise<void> {
      reconnectTimer = undefined;
      if (closed) return;
      const controller = new AbortController();
      connection = controller;
      let parser: SseParser | undefined;
      let idle = false;
      let healthy = false;
      let openedAt = Infinity;
      const armIdle = () => {
        clearIdle();
        if (idleTimeoutMs > 0) {
          idleTimer = clock.setTimeout(() => {
            idle = true;
            controller.abort();
          }, idleTimeoutMs);
        }
      };
      let failure: TransportError;
      try {
        // Only headers the server's CORS policy must allow anyway (no cache-control): the stream is not cached by type.
        const headers: Record<string, string> = {
          accept: 'text/event-stream',
          authorization: `Bearer ${session.token}`,
        };
        if (lastId !== '') headers['last-event-id'] = lastId;
        armIdle(); // also bounds the wait for the answer's headers
        // Asked at every connection: after a reconnect the server may be another (api_base changed, a process died).
        const response = await doFetch(url(session.app_id, '/stream'), {
          method: 'GET',
          headers,
          signal: controller.signal,
        });
        if (closed) {
          await response.body?.cancel().catch(() => {});
          return;
        }
        if (!response.ok) throw await errorFromResponse(response, 'GET /stream', clock.now());
        const type = response.headers.get('content-type') ?? '';
        if (!type.toLowerCase().startsWith('text/event-stream') || !response.body) {
          await response.body?.cancel().catch(() => {});
          throw new TransportError(`GET /stream: expected text/event-stream, got ${type || 'no content type'}`, {
            status: response.status,
            retryable: true,
          });
        }
        // Not yet healthy: a server that answers 200 and hangs up at once must still be backed off.
        openedAt = clock.now();
        const opened = createSseParser({ lastEventId: lastId });
        parser = opened;
        await readSseStream(
          response.body,
          opened,
          (message) => {
            if (closed) return;
            lastId = opened.lastEventId;
            healthy = true;
            deliver(message.data, message.lastEventId);
          },
          armIdle,
        );
        failure = new TransportError('the realtime stream ended', { retryable: true });
      } catch (error) {
        if (closed) return;
        failure = idle
          ? new TransportError(`the realtime stream was silent for ${idleTimeoutMs} ms`, {
              retryable: true,
              cause: error,
            })
          : toTransportError(error);
      } finally {
        clearIdle();
        if (parser && !closed) lastId = parser.lastEventId;
        if (connection === controller) connection = undefined;
      }
      if (closed) return;
      call('onError', () => handlers.onError?.(failure));
      // A refused stream (401 revoked session, 403, 404, any other final 4xx) will not get better by asking again.
      if (closed || !failure.retryable) return;
      if (healthy || clock.now() - openedAt >= STREAM_STABLE_MS) attempt = 0;
      const delay = backoffDelay(attempt++, policy, random, Math.max(failure.retryAfterMs ?? 0, parser?.retry ?? 0));
      reconnectTimer = clock.setTimeout(() => void connect(), delay);
    }

    void connect();

    return () => {
      if (closed) return;
      closed = true;
      clearIdle();
      if (reconnectTimer !== undefined) clock.clearTimeout(reconnectTimer);
      reconnectTimer = undefined;
      connection?.abort();
      connection = undefined;
    };
  }

  return {
    boot: (body: BootRequest) => request<BootResponse>('POST', body.app_id, '/boot', { body }),
    update: (session, body: UpdateRequest) =>
      request<UpdateResponse>('POST', session.app_id, '/update', { session, body }),
    trackEvents: (session, events: TrackedEvent[]) =>
      request<EventsAck>('POST', session.app_id, '/events', { session, body: { events } }),
    listConversations: (session) =>
      request<ConversationSummary[]>('GET', session.app_id, '/conversations', { session }),
    getConversation: (session, id) =>
      request<ConversationThread>('GET', session.app_id, `/conversations/${encodeURIComponent(id)}`, { session }),
    startConversation: (session, body, clientId) =>
      request<StartConversationResponse>('POST', session.app_id, '/conversations', {
        session,
        body: { body, client_id: clientId },
      }),
    postMessage: (session, id, body, clientId) =>
      request<Message>('POST', session.app_id, `/conversations/${encodeURIComponent(id)}/messages`, {
        session,
        body: { body, client_id: clientId },
      }),
    markRead: (session, id) =>
      request<MarkReadResponse>('POST', session.app_id, `/conversations/${encodeURIComponent(id)}/read`, { session }),
    typing: (session, id) =>
      request<void>('POST', session.app_id, `/conversations/${encodeURIComponent(id)}/typing`, { session }),
    // A 401 means the token is already revoked or expired: the session is as ended as asked.
    endSession: (session) => request<void>('DELETE', session.app_id, '/session', { session, okStatuses: [401] }),
    subscribe,
    beacon(session, events) {
      const send = options.beacon ?? defaultBeacon();
      if (!send) return false;
      try {
        return sendEventsBeacon(apiBase(), session, events, send);
      } catch (error) {
        logger.warn(`[Confab] sendBeacon failed: ${describeError(error)}`);
        return false;
      }
    },
  };
}
