// The HTTP transport against a real HTTP server on 127.0.0.1 (node:http), not a mocked fetch:
// status mapping, the shape of every request, and the realtime stream's resume and shutdown.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Clock,
  createHttpTransport,
  parseRetryAfter,
  sendEventsBeacon,
  systemClock,
  TransportError,
} from '../src';
import {
  BEACON_MAX_BYTES,
  type EphemeralEvent,
  EVENTS_PER_REQUEST_MAX,
  type RealtimeEvent,
  type Session,
  type TrackedEvent,
} from '../src/protocol';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Route = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server;
let base: string;
let route: Route = (_req, res) => res.writeHead(500).end();
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      route(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`; // a trailing slash on purpose
});

afterEach(() => {
  seen.length = 0;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const session: Session = { app_id: 'app/1 é', token: 'tok-123', expires_at: 0 };
const APP = '/messenger/v1/apps/app%2F1%20%C3%A9';
const quiet = { warn: () => {} };
const fast = { baseMs: 20, maxMs: 80 };

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

const apiError = (status: number, code: string, message: string) => ({ error: { status, code, message } });

async function until(check: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function failure(promise: Promise<unknown>): Promise<TransportError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TransportError);
    return error as TransportError;
  }
  throw new Error('expected the call to fail');
}

describe('the HTTP transport: requests', () => {
  it('boots with a POST of the BootRequest to the app encoded in the path, without a token', async () => {
    const answer = {
      session: { ...session, token: 'new' },
      person: { id: 'p' },
      unread_count: 0,
      conversations: [],
      settings: {},
    };
    route = (_req, res) => json(res, 200, answer);
    const transport = createHttpTransport({ apiBase: base });
    const request = {
      app_id: session.app_id,
      visitor_id: 'v',
      device_id: 'd',
      identity: {},
      attributes: { name: 'Ann' },
    };
    expect(await transport.boot(request)).toEqual(answer);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.url).toBe(`${APP}/boot`);
    expect(seen[0]!.headers.authorization).toBeUndefined();
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen[0]!.body)).toEqual(request);
  });

  it('asks an apiBase function at every request, so a later boot can name the server', async () => {
    route = (_req, res) => json(res, 200, { accepted: [] });
    const origin = base.replace(/\/+$/, '');
    let current = `${origin}/first`;
    const transport = createHttpTransport({ apiBase: () => current });
    await transport.trackEvents(session, [{ id: 'e1', name: 'x', created_at: 1 }]);
    current = `${origin}/second/`;
    await transport.trackEvents(session, [{ id: 'e1', name: 'x', created_at: 1 }]);
    expect(seen.map((s) => s.url)).toEqual([`/first${APP}/events`, `/second${APP}/events`]);
  });

  it('maps every messenger call onto its route, with the bearer token and the documented body', async () => {
    route = (req, res) => (req.method === 'DELETE' ? res.writeHead(204).end() : json(res, 200, { ok: req.url }));
    const t = createHttpTransport({ apiBase: base });
    const event: TrackedEvent = { id: 'e1', name: 'clicked', created_at: 1, metadata: { a: 1 } };
    await t.update(session, { attributes: { name: 'B' }, page: { url: 'https://x' } });
    await t.trackEvents(session, [event]);
    await t.listConversations(session);
    await t.getConversation(session, 'c/1');
    await t.startConversation(session, 'hello', 'cid-1');
    await t.postMessage(session, 'c/1', 'again', 'cid-2');
    expect(await t.markRead(session, 'c/1')).toEqual({ ok: `${APP}/conversations/c%2F1/read` });
    await t.typing!(session, 'c/1');
    expect(await t.endSession(session)).toBeUndefined();

    expect(seen.map((s) => `${s.method} ${s.url.slice(APP.length)}`)).toEqual([
      'POST /update',
      'POST /events',
      'GET /conversations',
      'GET /conversations/c%2F1',
      'POST /conversations',
      'POST /conversations/c%2F1/messages',
      'POST /conversations/c%2F1/read',
      'POST /conversations/c%2F1/typing',
      'DELETE /session',
    ]);
    for (const s of seen) expect(s.headers.authorization).toBe('Bearer tok-123');
    expect(seen.map((s) => (s.body === '' ? undefined : JSON.parse(s.body)))).toEqual([
      { attributes: { name: 'B' }, page: { url: 'https://x' } },
      { events: [event] },
      undefined,
      undefined,
      { body: 'hello', client_id: 'cid-1' },
      { body: 'again', client_id: 'cid-2' },
      undefined,
      undefined,
      undefined,
    ]);
    // No content-type where there is no body: a JSON server refuses an empty JSON body.
    expect(seen.filter((s) => s.body === '').every((s) => s.headers['content-type'] === undefined)).toBe(true);
  });

  it('turns a 400 into a final TransportError carrying the server message', async () => {
    route = (_req, res) => json(res, 400, apiError(400, 'invalid_request', 'body.events.0.name: too long'));
    const error = await failure(createHttpTransport({ apiBase: base }).trackEvents(session, []));
    expect(error).toMatchObject({ status: 400, retryable: false, message: 'body.events.0.name: too long' });
  });

  it('turns a 401 into a final TransportError', async () => {
    route = (_req, res) => json(res, 401, apiError(401, 'unauthorized', 'the session is revoked'));
    const error = await failure(createHttpTransport({ apiBase: base }).listConversations(session));
    expect(error).toMatchObject({ status: 401, retryable: false, message: 'the session is revoked' });
  });

  it('turns a 429 into a retryable TransportError that waits at least Retry-After', async () => {
    route = (_req, res) => json(res, 429, apiError(429, 'rate_limited', 'slow down'), { 'retry-after': '3' });
    const error = await failure(createHttpTransport({ apiBase: base }).trackEvents(session, []));
    expect(error).toMatchObject({ status: 429, retryable: true, retryAfterMs: 3_000, message: 'slow down' });
  });

  it('turns a 503 without a JSON body into a retryable TransportError', async () => {
    route = (_req, res) => res.writeHead(503, { 'content-type': 'text/html' }).end('<h1>down</h1>');
    const error = await failure(createHttpTransport({ apiBase: base }).update(session, { attributes: {} }));
    expect(error.status).toBe(503);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('503');
  });

  it('turns a refused connection into a retryable TransportError without a status', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(
      createHttpTransport({ apiBase: `http://127.0.0.1:${port}` }).listConversations(session),
    );
    expect(error).toMatchObject({ status: undefined, retryable: true });
  });

  it('gives up on a request with no answer after timeoutMs, retryably', async () => {
    route = () => {}; // never answers
    const error = await failure(createHttpTransport({ apiBase: base, timeoutMs: 100 }).listConversations(session));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('100 ms');
  });

  it('treats a 2xx that is not JSON as retryable', async () => {
    route = (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>portal</html>');
    const error = await failure(createHttpTransport({ apiBase: base }).listConversations(session));
    expect(error).toMatchObject({ status: 200, retryable: true });
  });

  it('ends a session that is already revoked (401) without an error, but reports a 503', async () => {
    route = (_req, res) => json(res, 401, apiError(401, 'unauthorized', 'revoked'));
    await expect(createHttpTransport({ apiBase: base }).endSession(session)).resolves.toBeUndefined();
    route = (_req, res) => json(res, 503, apiError(503, 'internal', 'later'));
    expect((await failure(createHttpTransport({ apiBase: base }).endSession(session))).retryable).toBe(true);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
  });
});

// ---- the realtime stream -------------------------------------------------------------------

/** A stored event's id ('' for an ephemeral one). */
const idOf = (event: RealtimeEvent | EphemeralEvent): string => ('id' in event ? event.id : '');
const message = (id: number): RealtimeEvent => ({ id: String(id), type: 'unread', unread_count: id });
const frame = (id: number) => `id: ${id}\nevent: unread\ndata: ${JSON.stringify(message(id))}\n\n`;

function openStream(res: ServerResponse) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
}
const write = (res: ServerResponse, text: string) => new Promise<void>((resolve) => res.write(text, () => resolve()));
const streamRequests = () => seen.filter((s) => s.url === `${APP}/stream`);

describe('the HTTP transport: realtime stream', () => {
  it('resumes with Last-Event-ID after the server ends or cuts the stream; each event arrives once, in order', async () => {
    const live = new Set<ServerResponse>();
    let connection = 0;
    route = async (_req, res) => {
      connection += 1;
      openStream(res);
      live.add(res);
      res.on('close', () => live.delete(res));
      if (connection === 1) {
        await write(res, `: keep-alive\n\n${frame(1)}${frame(2)}`);
        res.end(); // a clean end (a proxy's timeout, a deploy)
      } else if (connection === 2) {
        await write(res, `${frame(3)}id: 4\nevent: unread\ndata: {"id":"4",`);
        await sleep(20);
        res.socket?.destroy(); // cut mid-event: event 4 must come again, whole
      } else {
        await write(res, frame(4) + frame(5));
      }
    };
    const events: string[] = [];
    const errors: TransportError[] = [];
    const t = createHttpTransport({ apiBase: base, reconnect: fast, logger: quiet });
    const stop = t.subscribe(session, { onEvent: (e) => events.push(idOf(e)), onError: (e) => errors.push(e) }, '0');
    await until(() => events.length === 5);
    expect(events).toEqual(['1', '2', '3', '4', '5']);
    const requests = streamRequests();
    expect(requests.map((r) => r.headers['last-event-id'])).toEqual(['0', '2', '3']);
    for (const r of requests) {
      expect(r.method).toBe('GET');
      expect(r.headers.authorization).toBe('Bearer tok-123');
      expect(r.headers.accept).toBe('text/event-stream');
    }
    expect(errors).toHaveLength(2);
    expect(errors.every((e) => e instanceof TransportError && e.retryable)).toBe(true);

    // Unsubscribing closes the open stream and nothing reaches the handlers afterwards.
    stop();
    await until(() => live.size === 0);
    await sleep(200);
    expect(streamRequests()).toHaveLength(3);
    expect(events).toHaveLength(5);
    expect(errors).toHaveLength(2);
  });

  it('a typing event without an SSE id arrives without one and leaves Last-Event-ID at the stored event before it', async () => {
    let connection = 0;
    route = async (_req, res) => {
      openStream(res);
      connection += 1;
      if (connection === 1) {
        const typing = { type: 'typing', conversation_id: 'c1', author_name: 'Sam' };
        await write(res, `${frame(7)}event: typing\ndata: ${JSON.stringify(typing)}\n\n`);
        res.end();
      }
    };
    const events: Array<RealtimeEvent | EphemeralEvent> = [];
    const stop = createHttpTransport({ apiBase: base, reconnect: fast, logger: quiet }).subscribe(session, {
      onEvent: (e) => events.push(e),
    });
    await until(() => streamRequests().length === 2);
    stop();
    expect(events).toEqual([message(7), { type: 'typing', conversation_id: 'c1', author_name: 'Sam' }]);
    expect(streamRequests()[1]!.headers['last-event-id']).toBe('7');
  });

  it('opens without Last-Event-ID when none is known, and fills an event id from the SSE id when data lacks it', async () => {
    route = async (_req, res) => {
      openStream(res);
      await write(res, 'id: 9\nevent: unread\ndata: {"type":"unread","unread_count":2}\n\n');
    };
    const events: Array<RealtimeEvent | EphemeralEvent> = [];
    const stop = createHttpTransport({ apiBase: base, reconnect: fast }).subscribe(session, {
      onEvent: (e) => events.push(e),
    });
    await until(() => events.length === 1);
    stop();
    expect(events).toEqual([{ id: '9', type: 'unread', unread_count: 2 }]);
    expect(streamRequests()[0]!.headers['last-event-id']).toBeUndefined();
  });

  it('stops for good on a 401 (revoked session) and says so once', async () => {
    route = (_req, res) => json(res, 401, apiError(401, 'unauthorized', 'revoked'));
    const errors: TransportError[] = [];
    createHttpTransport({ apiBase: base, reconnect: fast }).subscribe(session, {
      onEvent: () => {},
      onError: (e) => errors.push(e),
    });
    await until(() => errors.length === 1);
    await sleep(200);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ status: 401, retryable: false, message: 'revoked' });
    expect(streamRequests()).toHaveLength(1);
  });

  it('backs off and retries on 503 until the stream opens; a 429 waits Retry-After', async () => {
    let connection = 0;
    const opened: number[] = [];
    route = async (_req, res) => {
      connection += 1;
      opened.push(Date.now());
      if (connection === 1) return json(res, 503, apiError(503, 'internal', 'busy'));
      if (connection === 2) return json(res, 429, apiError(429, 'rate_limited', 'wait'), { 'retry-after': '0.3' });
      openStream(res);
      return write(res, frame(1));
    };
    const events: string[] = [];
    const errors: TransportError[] = [];
    // maxMs above the Retry-After: a delay never exceeds maxMs.
    const stop = createHttpTransport({ apiBase: base, reconnect: { baseMs: 20, maxMs: 1_000 } }).subscribe(session, {
      onEvent: (e) => events.push(idOf(e)),
      onError: (e) => errors.push(e),
    });
    await until(() => events.length === 1);
    stop();
    expect(errors.map((e) => [e.status, e.retryable])).toEqual([
      [503, true],
      [429, true],
    ]);
    expect(opened[2]! - opened[1]!).toBeGreaterThanOrEqual(290);
  });

  it('reopens a stream that has gone silent for idleTimeoutMs', async () => {
    let connection = 0;
    route = async (_req, res) => {
      connection += 1;
      openStream(res); // …and then nothing, not even a keep-alive
      if (connection === 2) await write(res, frame(1));
    };
    const events: string[] = [];
    const errors: TransportError[] = [];
    const stop = createHttpTransport({ apiBase: base, reconnect: fast, idleTimeoutMs: 150 }).subscribe(session, {
      onEvent: (e) => events.push(idOf(e)),
      onError: (e) => errors.push(e),
    });
    await until(() => events.length === 1);
    stop();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain('silent');
  });

  it('cancels a pending reconnect when unsubscribed, even from inside onError', async () => {
    route = (_req, res) => json(res, 503, apiError(503, 'internal', 'busy'));
    const errors: TransportError[] = [];
    // The system clock, counting the timers it holds.
    const pending = new Set<unknown>();
    const clock: Clock = {
      now: () => systemClock.now(),
      setTimeout(callback, ms) {
        const handle: unknown = systemClock.setTimeout(() => {
          pending.delete(handle);
          callback();
        }, ms);
        pending.add(handle);
        return handle;
      },
      clearTimeout(handle) {
        pending.delete(handle);
        systemClock.clearTimeout(handle);
      },
    };
    // Reconnects exactly 300 ms after an error (no jitter): wide enough that polling sees the
    // first error before a second one, even on a loaded machine.
    const t = createHttpTransport({ apiBase: base, clock, reconnect: { baseMs: 300, maxMs: 300 }, random: () => 1 });
    const stop = t.subscribe(session, { onEvent: () => {}, onError: (e) => errors.push(e) });
    await until(() => errors.length >= 1);
    expect(errors).toHaveLength(1);
    expect(pending.size).toBe(1); // the reconnect, and no idle watchdog left behind
    stop();
    expect(pending.size).toBe(0);
    await sleep(450);
    expect(streamRequests()).toHaveLength(1);
    expect(errors).toHaveLength(1);

    const stopInside: { fn?: () => void } = {};
    let count = 0;
    stopInside.fn = t.subscribe(session, {
      onEvent: () => {},
      onError: () => {
        count += 1;
        stopInside.fn?.();
      },
    });
    await until(() => count === 1);
    await sleep(450);
    expect(count).toBe(1);
    expect(streamRequests()).toHaveLength(2);
  });

  it('survives a handler that throws, logging it, and skips data that is not JSON', async () => {
    route = async (_req, res) => {
      openStream(res);
      await write(res, `${frame(1)}id: 2\ndata: not json\n\n${frame(3)}`);
    };
    const warnings: string[] = [];
    const events: string[] = [];
    const stop = createHttpTransport({
      apiBase: base,
      reconnect: fast,
      logger: { warn: (m) => warnings.push(m) },
    }).subscribe(session, {
      onEvent: (e) => {
        events.push(idOf(e));
        if (idOf(e) === '1') throw new Error('host bug');
      },
    });
    await until(() => events.length === 2);
    stop();
    expect(events).toEqual(['1', '3']);
    expect(warnings).toHaveLength(2);
  });

  it('asks a function apiBase at every connection: a reconnect may go to another server', async () => {
    route = (_req, res) => {
      openStream(res);
      res.end(); // the server goes away: the client reconnects
    };
    const asked: number[] = [];
    const stop = createHttpTransport({
      apiBase: () => {
        asked.push(asked.length);
        return base;
      },
      reconnect: fast,
    }).subscribe(session, { onEvent: () => {}, onError: () => {} });
    try {
      await until(() => streamRequests().length >= 3);
      expect(asked.length).toBeGreaterThanOrEqual(3);
    } finally {
      stop();
    }
  });

  it('unsubscribing while the stream is being opened calls nothing afterwards', async () => {
    route = async (_req, res) => {
      await sleep(50);
      openStream(res);
      await write(res, frame(1));
    };
    const calls: string[] = [];
    const stop = createHttpTransport({ apiBase: base, reconnect: fast }).subscribe(session, {
      onEvent: () => calls.push('event'),
      onError: () => calls.push('error'),
    });
    await until(() => streamRequests().length === 1);
    stop();
    await sleep(150);
    expect(calls).toEqual([]);
    expect(streamRequests()).toHaveLength(1);
  });
});

// ---- page hide ---------------------------------------------------------------------------

describe('sendEventsBeacon', () => {
  const big = (n: number, kb: number): TrackedEvent => ({
    id: `e${n}`,
    name: 'scrolled',
    created_at: n,
    metadata: { blob: 'é'.repeat(kb * 512) },
  });

  it('sends text/plain JSON { session_token, events } to /events/beacon in chunks under 64 KB and 100 events', () => {
    const sent: Array<{ url: string; body: string }> = [];
    const events = [
      ...Array.from({ length: 150 }, (_, n) => ({ id: `s${n}`, name: 'tick', created_at: n })),
      ...Array.from({ length: 10 }, (_, n) => big(n, 20)),
    ];
    expect(
      sendEventsBeacon(base, session, events, (url, body) => {
        sent.push({ url, body });
        return true;
      }),
    ).toBe(true);
    expect(sent.length).toBeGreaterThan(3);
    const parsed = sent.map((s) => JSON.parse(s.body) as { session_token: string; events: TrackedEvent[] });
    for (const [i, s] of sent.entries()) {
      expect(s.url).toBe(`${base.slice(0, -1)}${APP}/events/beacon`);
      expect(new TextEncoder().encode(s.body).length).toBeLessThanOrEqual(BEACON_MAX_BYTES);
      expect(parsed[i]!.session_token).toBe('tok-123');
      expect(Object.keys(parsed[i]!)).toEqual(['session_token', 'events']);
      expect(parsed[i]!.events.length).toBeGreaterThan(0);
      expect(parsed[i]!.events.length).toBeLessThanOrEqual(EVENTS_PER_REQUEST_MAX);
    }
    expect(parsed.flatMap((p) => p.events)).toEqual(events);
  });

  it('reports false when the browser refuses a chunk, and skips an event too big for any beacon', () => {
    let calls = 0;
    const events = [big(1, 40), big(2, 40), big(3, 40)];
    expect(sendEventsBeacon(base, session, events, () => ++calls < 2)).toBe(false);
    expect(calls).toBe(2); // stops at the first refusal

    const sent: string[] = [];
    expect(
      sendEventsBeacon(base, session, [big(1, 1), big(2, 80), big(3, 1)], (_u, b) => {
        sent.push(b);
        return true;
      }),
    ).toBe(false);
    expect(sent.flatMap((b) => (JSON.parse(b) as { events: TrackedEvent[] }).events.map((e) => e.id))).toEqual([
      'e1',
      'e3',
    ]);
    expect(sendEventsBeacon(base, session, [], () => true)).toBe(true);
  });

  it('is reachable from the transport, which finds no beacon in Node unless one is given', async () => {
    const events = [{ id: 'x', name: 'n', created_at: 1 }];
    expect(createHttpTransport({ apiBase: base }).beacon(session, events)).toBe(false);
    // Through a real request, as a browser's sendBeacon would send it.
    route = (_req, res) => res.writeHead(204).end();
    const requests: Promise<unknown>[] = [];
    const t = createHttpTransport({
      apiBase: base,
      beacon: (url, body) => {
        requests.push(fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body }));
        return true;
      },
    });
    expect(t.beacon(session, events)).toBe(true);
    await Promise.all(requests);
    expect(seen[0]).toMatchObject({ method: 'POST', url: `${APP}/events/beacon` });
    expect(seen[0]!.headers.authorization).toBeUndefined();
    expect(JSON.parse(seen[0]!.body)).toEqual({ session_token: 'tok-123', events });
  });
});
