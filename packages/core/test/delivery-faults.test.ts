// Answers a Confab server never gives but a proxy, a broken deploy or a clock can: a fake fetch
// stands in for the network only here.
import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  type Clock,
  createEventQueue,
  createHttpTransport,
  createMemoryStorage,
  DEFAULT_BACKOFF,
  systemClock,
} from '../src';
import type { Session } from '../src/protocol';
import { createSimulatedClock } from '../src/testing';

const session: Session = { app_id: 'acme', token: 'tok', expires_at: 0 };
const quiet = { warn: () => {} };

/** A fetch that answers with `answer(n)` for its n-th call (from 0), recording when it was called. */
function fakeFetch(clock: Clock, answer: (n: number) => Response) {
  const calls: number[] = [];
  const fetch = (async () => answer(calls.push(clock.now()) - 1)) as typeof globalThis.fetch;
  return { fetch, calls };
}

/** An SSE answer that sends `text` and ends `endAfterMs` later on `clock`. */
function stream(clock: Clock, text: string, endAfterMs = 0): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      if (endAfterMs === 0) controller.close();
      else clock.setTimeout(() => controller.close(), endAfterMs);
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

const gaps = (calls: number[]) => calls.slice(1).map((t, i) => t - calls[i]!);

describe('a Retry-After far in the future', () => {
  const busy = () => new Response('busy', { status: 503, headers: { 'retry-after': 'Fri, 31 Dec 2099 23:59:59 GMT' } });

  it('is capped at the backoff maximum and below the 2^31-1 ms a timer can wait', () => {
    expect(backoffDelay(0, DEFAULT_BACKOFF, () => 0, 4e12)).toBe(DEFAULT_BACKOFF.maxMs);
    expect(backoffDelay(60, { baseMs: 1_000, maxMs: 1e13 }, () => 1)).toBe(2 ** 31 - 1);
  });

  it('does not make the event queue retry in a hot loop (real timers)', async () => {
    const { fetch, calls } = fakeFetch(systemClock, busy);
    const transport = createHttpTransport({ apiBase: 'http://confab.test', fetch, logger: quiet });
    const queue = createEventQueue({
      storage: createMemoryStorage(),
      key: 'q',
      clock: systemClock,
      logger: quiet,
      flushDelayMs: 0,
    });
    queue.start((batch) => transport.trackEvents(session, batch));
    queue.enqueue({ id: 'e1', name: 'signup', created_at: 1 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    queue.stop();
    expect(calls).toHaveLength(1);
  });

  it('reopens the realtime stream within the backoff maximum', async () => {
    const clock = createSimulatedClock();
    const { fetch, calls } = fakeFetch(clock, busy);
    const close = createHttpTransport({ apiBase: 'http://confab.test', fetch, clock, random: () => 1 }).subscribe(
      session,
      {
        onEvent: () => {},
        onError: () => {},
      },
    );
    await clock.advance(DEFAULT_BACKOFF.maxMs);
    close();
    expect(gaps(calls)).toEqual([DEFAULT_BACKOFF.maxMs]);
  });
});

describe('a realtime stream that opens and ends', () => {
  const open = (fetch: typeof globalThis.fetch, clock: Clock) =>
    createHttpTransport({ apiBase: 'http://confab.test', fetch, clock, random: () => 0.5, logger: quiet }).subscribe(
      session,
      {
        onEvent: () => {},
        onError: () => {},
      },
    );

  it('at once, even after a keep-alive, is reopened with a growing backoff', async () => {
    const clock = createSimulatedClock();
    const { fetch, calls } = fakeFetch(clock, () => stream(clock, ': keep-alive\n\n'));
    const close = open(fetch, clock);
    await clock.advance(60_000);
    close();
    expect(gaps(calls)).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000]);
  });

  it('after an event, or after 30 s open, is reopened as after a first failure', async () => {
    const clock = createSimulatedClock();
    const answers = [
      () => stream(clock, ''),
      () => stream(clock, ''),
      () => stream(clock, 'id: 1\ndata: {"type":"unread","unread_count":1}\n\n'), // delivered: healthy
      () => stream(clock, ''),
      () => stream(clock, ''),
      () => stream(clock, ': keep-alive\n\n', 30_000), // stayed open: healthy
    ];
    const { fetch, calls } = fakeFetch(clock, (n) => (answers[n] ?? (() => stream(clock, '', 1e9)))());
    const close = open(fetch, clock);
    await clock.advance(60_000);
    close();
    expect(gaps(calls)).toEqual([500, 1_000, 500, 1_000, 2_000, 30_000 + 500]);
  });
});

describe('a 2xx to POST /events without an acknowledgement', () => {
  it('is retried like a network fault: no unhandled rejection, no stalled queue', async () => {
    const clock = createSimulatedClock();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const answers = [
        () => new Response(null, { status: 204 }),
        () => new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } }),
        () => new Response('{"accepted":["e1"]}', { status: 200, headers: { 'content-type': 'application/json' } }),
      ];
      const { fetch, calls } = fakeFetch(clock, (n) => answers[n]!());
      const transport = createHttpTransport({ apiBase: 'http://confab.test', fetch, clock, logger: quiet });
      const queue = createEventQueue({
        storage: createMemoryStorage(clock),
        key: 'q',
        clock,
        logger: quiet,
        random: () => 1,
        flushDelayMs: 0,
      });
      queue.start((batch) => transport.trackEvents(session, batch));
      queue.enqueue({ id: 'e1', name: 'signup', created_at: 1 });
      await clock.advance(10_000);
      expect(gaps(calls)).toEqual([2_000, 4_000]);
      expect(queue.pending()).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
