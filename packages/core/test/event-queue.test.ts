import { describe, expect, it } from 'vitest';
import {
  createEventQueue,
  createMemoryStorage,
  createMessenger,
  storageKeys,
  type Transport,
  TransportError,
} from '../src';
import type { TrackedEvent } from '../src/protocol';
import { createHarness, createMemoryServer, createSimulatedClock } from '../src/testing';

const event = (n: number): TrackedEvent => ({ id: `id-${n}`, name: `e${n}`, created_at: n });
const bodyBytes = (batch: TrackedEvent[]) => new TextEncoder().encode(JSON.stringify({ events: batch })).length;

/**
 * The memory server behind the real server's /events rules: a body over `limit` bytes is a 413,
 * and a batch holding an event named `bad…` is a 400 naming it. Records each request's event names.
 */
function strictEvents(requests: string[][], limit = 64 * 1024) {
  return (base: Transport): Transport => ({
    ...base,
    trackEvents: async (session, batch) => {
      requests.push(batch.map((e) => e.name));
      if (bodyBytes(batch) > limit)
        throw TransportError.fromStatus(413, `the body is larger than the ${limit} bytes this route accepts`);
      const bad = batch.findIndex((e) => e.name.startsWith('bad'));
      if (bad >= 0) throw TransportError.fromStatus(400, `body.events.${bad}.name: refused`);
      return base.trackEvents(session, batch);
    },
  });
}

describe('the durable event queue', () => {
  it('persists before sending and batches (up to 20 per request, or after a second)', async () => {
    const clock = createSimulatedClock();
    const storage = createMemoryStorage(clock);
    const batches: string[][] = [];
    const queue = createEventQueue({ storage, key: 'q', clock, logger: { warn: () => {} } });
    queue.start(async (batch) => {
      batches.push(batch.map((e) => e.id));
      return { accepted: batch.map((e) => e.id) };
    });
    queue.enqueue(event(1));
    expect(JSON.parse(storage.get('q')!)).toEqual([event(1)]);
    await clock.advance(999);
    expect(batches).toEqual([]);
    await clock.advance(1);
    expect(batches).toEqual([['id-1']]);
    expect(storage.get('q')).toBeUndefined();

    for (let i = 2; i <= 46; i++) queue.enqueue(event(i));
    await clock.advance(1_000);
    expect(batches.slice(1).map((b) => b.length)).toEqual([20, 20, 5]);
  });

  it("a new session's events go out as soon as the last session's slow batch returns", async () => {
    const clock = createSimulatedClock();
    const queue = createEventQueue({
      storage: createMemoryStorage(clock),
      key: 'q',
      clock,
      logger: { warn: () => {} },
      flushDelayMs: 0,
    });
    const sent: Array<[string, string[]]> = [];
    const slowOld = (batch: TrackedEvent[]) =>
      new Promise<{ accepted: string[] }>((resolve) => {
        sent.push(['old', batch.map((e) => e.id)]);
        clock.setTimeout(() => resolve({ accepted: batch.map((e) => e.id) }), 5_000);
      });
    queue.start(slowOld);
    queue.enqueue(event(1));
    await clock.advance(0);
    // Logout while the batch is out: its events go to the farewell, a new session starts.
    queue.stop();
    expect(queue.drain().map((e) => e.id)).toEqual(['id-1']);
    queue.start(async (batch) => {
      sent.push(['new', batch.map((e) => e.id)]);
      return { accepted: batch.map((e) => e.id) };
    });
    queue.enqueue(event(2));
    await clock.advance(1_000);
    expect(sent).toEqual([['old', ['id-1']]]);
    await clock.advance(4_000);
    expect(sent).toEqual([
      ['old', ['id-1']],
      ['new', ['id-2']],
    ]);
    expect(queue.pending()).toEqual([]);
  });

  it('retries 5xx, 429 and network faults with growing jittered delays, honouring Retry-After', async () => {
    const clock = createSimulatedClock();
    const attempts: number[] = [];
    const failures = [
      new TypeError('fetch failed'),
      TransportError.fromStatus(503, 'unavailable'),
      TransportError.fromStatus(429, 'slow down', 30_000),
    ];
    const queue = createEventQueue({
      storage: createMemoryStorage(clock),
      key: 'q',
      clock,
      logger: { warn: () => {} },
      random: () => 1,
      flushDelayMs: 0,
    });
    queue.start(async (batch) => {
      attempts.push(clock.now());
      const failure = failures.shift();
      if (failure) throw failure;
      return { accepted: batch.map((e) => e.id) };
    });
    const start = clock.now();
    queue.enqueue(event(1));
    await clock.advance(120_000);
    expect(attempts.map((t) => t - start)).toEqual([0, 2_000, 2_000 + 4_000, 2_000 + 4_000 + 30_000]);
    expect(queue.pending()).toEqual([]);
  });

  it('drops a batch the server refuses as malformed (4xx) and says so; keeps it on 401 for the next session', async () => {
    const clock = createSimulatedClock();
    const warnings: string[] = [];
    const queue = createEventQueue({
      storage: createMemoryStorage(clock),
      key: 'q',
      clock,
      logger: { warn: (m) => warnings.push(m) },
      flushDelayMs: 0,
    });
    queue.start(async () => {
      throw TransportError.fromStatus(401, 'session revoked');
    });
    queue.enqueue(event(1));
    await clock.advance(100_000);
    expect(queue.pending()).toHaveLength(1);
    queue.start(async () => {
      throw TransportError.fromStatus(400, 'metadata.a is invalid');
    });
    await clock.advance(100);
    expect(queue.pending()).toHaveLength(0);
    expect(warnings).toEqual(['[Confab] the server refused 1 tracked event(s): metadata.a is invalid']);
  });

  it('caps each batch below 64,000 bytes, so events of a few KB are not refused as too large (413)', async () => {
    const requests: string[][] = [];
    const h = createHarness({ transport: strictEvents(requests) });
    h.Intercom('boot', { app_id: 'acme', user_id: 'u1' });
    await h.clock.settle();
    const metadata = Object.fromEntries(Array.from({ length: 20 }, (_, k) => [`k${k}`, 'x'.repeat(250)]));
    h.Intercom('trackEvent', 'small');
    for (let i = 0; i < 14; i++) h.Intercom('trackEvent', `big-${i}`, metadata);
    await h.clock.advance(5_000);
    expect(h.server.events().map((e) => e.name)).toEqual([
      'small',
      ...Array.from({ length: 14 }, (_, i) => `big-${i}`),
    ]);
    expect(requests.length).toBe(2); // no 413, no split
    expect(h.warnings).toEqual([]);
  });

  it('splits a batch refused as too large (413) and drops only an event no request can carry', async () => {
    const clock = createSimulatedClock();
    const warnings: string[] = [];
    const sent: TrackedEvent[][] = [];
    const huge: TrackedEvent = { id: 'id-huge', name: 'huge', created_at: 0, metadata: { blob: 'é'.repeat(33_000) } };
    const fat = (n: number): TrackedEvent => ({ ...event(n), metadata: { blob: 'x'.repeat(6_000) } });
    // A proxy in front of the server that caps bodies at 16 KB.
    const queue = createEventQueue({
      storage: createMemoryStorage(clock),
      key: 'q',
      clock,
      logger: { warn: (m) => warnings.push(m) },
      flushDelayMs: 0,
    });
    queue.start(async (batch) => {
      sent.push(batch);
      if (bodyBytes(batch) > 16 * 1024) throw TransportError.fromStatus(413, 'too large');
      return { accepted: batch.map((e) => e.id) };
    });
    for (const e of [fat(1), fat(2), huge, fat(3), fat(4), { ...event(5), metadata: { blob: 'y'.repeat(20_000) } }])
      queue.enqueue(e);
    // Refusals in a row wait longer each time (backoff): a minute covers them.
    await clock.advance(60_000);
    expect(queue.pending()).toEqual([]);
    const delivered = sent.filter((b) => bodyBytes(b) <= 16 * 1024).flatMap((b) => b.map((e) => e.id));
    expect(delivered).toEqual(['id-1', 'id-2', 'id-3', 'id-4']);
    expect(sent.some((b) => b.includes(huge))).toBe(false);
    expect(sent.every((b) => bodyBytes(b) < 64_000)).toBe(true);
    expect(warnings).toEqual([
      `[Confab] the tracked event "huge" (${bodyBytes([huge]) - 13} bytes) is too large to send and was dropped`,
      '[Confab] the server refused 1 tracked event(s): too large',
    ]);
  });

  it('splits a batch the server refuses (400) so that only the refused event is dropped, in a few requests', async () => {
    const requests: string[][] = [];
    const h = createHarness({ transport: strictEvents(requests) });
    h.Intercom('boot', { app_id: 'acme', user_id: 'u1' });
    await h.clock.settle();
    for (const name of ['good-1', 'good-2', 'bad', 'good-3']) h.Intercom('trackEvent', name);
    await h.clock.advance(5_000);
    expect(h.server.events().map((e) => e.name)).toEqual(['good-1', 'good-2', 'good-3']);
    // The server names the event it refuses (body.events.2): that one goes, the rest are sent again.
    expect(h.warnings).toEqual(['[Confab] the server refused 1 tracked event(s): body.events.2.name: refused']);
    expect(requests).toEqual([
      ['good-1', 'good-2', 'bad', 'good-3'],
      ['good-1', 'good-2', 'good-3'],
    ]);
  });

  it('a refusal that names no event is found by halving the batch; refusals in a row wait longer and longer', async () => {
    const requests: string[][] = [];
    const h = createHarness({
      transport: (base) => ({
        ...base,
        trackEvents: async (session, batch) => {
          requests.push(batch.map((e) => e.name));
          if (batch.some((e) => e.name.startsWith('bad'))) throw TransportError.fromStatus(400, 'refused');
          return base.trackEvents(session, batch);
        },
      }),
    });
    h.Intercom('boot', { app_id: 'acme', user_id: 'u1' });
    await h.clock.settle();
    // Sixteen events with one refused: a binary search, about log2(16) requests more than one.
    const names = Array.from({ length: 16 }, (_, i) => (i === 12 ? 'bad-12' : `ok-${i}`));
    for (const name of names) h.Intercom('trackEvent', name);
    await h.clock.advance(60_000);
    expect(h.server.events().map((e) => e.name)).toEqual(names.filter((n) => n !== 'bad-12'));
    expect(requests.length).toBeLessThanOrEqual(2 + Math.log2(16));

    // A server that refuses everything: not asked again at once for each event, nor each time
    // the page tracks another one during the wait.
    requests.length = 0;
    for (let i = 0; i < 40; i++) h.Intercom('trackEvent', `bad-${i}`);
    await h.clock.advance(60_000);
    expect(requests.length).toBeLessThan(40);
    requests.length = 0;
    for (let second = 0; second < 60; second++) {
      h.Intercom('trackEvent', `bad-late-${second}`);
      await h.clock.advance(1_000);
    }
    expect(requests.length).toBeLessThan(30);
  });

  it('is kept across a reload until acknowledged, and each event is stored once', async () => {
    const clock = createSimulatedClock();
    const storage = createMemoryStorage(clock);
    const server = createMemoryServer({ clock });
    let online = false;
    const transport = {
      ...server.transport,
      trackEvents: (...args: Parameters<typeof server.transport.trackEvents>) =>
        online ? server.transport.trackEvents(...args) : Promise.reject(new TypeError('offline')),
    };
    const first = createMessenger({ transport, storage, clock, logger: { warn: () => {} } });
    first.Intercom('boot', { app_id: 'acme', user_id: 'u1' });
    await clock.settle();
    first.Intercom('trackEvent', 'checkout', { total: 42 });
    first.Intercom('trackEvent', 'coupon');
    await clock.advance(10_000);
    expect(server.events()).toEqual([]);
    expect(JSON.parse(storage.get(storageKeys('acme').eventQueue)!)).toHaveLength(2);

    // The page reloads: a new messenger on the same storage.
    first.stop();
    online = true;
    const second = createMessenger({ transport, storage, clock, logger: { warn: () => {} } });
    second.Intercom('boot', { app_id: 'acme', user_id: 'u1' });
    await clock.advance(5_000);
    expect(server.events().map((e) => [e.name, e.metadata])).toEqual([
      ['checkout', { total: 42 }],
      ['coupon', undefined],
    ]);
    expect(storage.get(storageKeys('acme').eventQueue)).toBeUndefined();
  });

  it('a lost acknowledgement makes the client resend, and the server still stores the event once', async () => {
    let dropNext = true;
    const h = createHarness({
      transport: (base) => ({
        ...base,
        trackEvents: async (session, batch) => {
          const ack = await base.trackEvents(session, batch);
          if (dropNext) {
            dropNext = false;
            throw new TypeError('connection reset after the server answered');
          }
          return ack;
        },
      }),
    });
    h.Intercom('boot', { app_id: 'acme' });
    await h.clock.settle();
    h.Intercom('trackEvent', 'signup');
    await h.clock.advance(30_000);
    expect(h.server.calls().trackEvents).toBe(2);
    expect(h.server.events().map((e) => e.name)).toEqual(['signup']);
  });
});

describe('page hide', () => {
  it('sends the unsent events by beacon and keeps them queued until the server acknowledges them', async () => {
    const beaconed: string[][] = [];
    const h = createHarness({
      transport: (base) => ({
        ...base,
        beacon: (_session, events) => {
          beaconed.push(events.map((e) => e.name));
          return true;
        },
      }),
    });
    h.messenger.pageHidden(); // before boot: nothing to send, nothing thrown
    h.Intercom('boot', { app_id: 'acme', user_id: 'u1' });
    await h.clock.settle();
    for (const name of ['a', 'b', 'c']) h.Intercom('trackEvent', name);
    h.messenger.pageHidden();
    expect(beaconed).toEqual([['a', 'b', 'c']]);
    expect(JSON.parse(h.storage.get(storageKeys('acme').eventQueue)!).map((e: TrackedEvent) => e.name)).toEqual([
      'a',
      'b',
      'c',
    ]);
    // The page stayed after all (a tab switch): the queue still delivers, each event once.
    await h.clock.advance(1_000);
    expect(h.server.events().map((e) => e.name)).toEqual(['a', 'b', 'c']);
    h.messenger.pageHidden();
    expect(beaconed).toHaveLength(1);
  });
});
