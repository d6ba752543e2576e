import type { Clock } from '../platform/clock';

export interface SimulatedClock extends Clock {
  /** Moves time forward, firing every timer that falls due, in order, letting promises settle between. */
  advance(ms: number): Promise<void>;
  /** Settles pending promise callbacks without moving time. */
  settle(): Promise<void>;
  /** How many timers are waiting. */
  pendingTimers(): number;
}

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

// setImmediate where the runtime has it (Node, Bun): it is much cheaper than a 0 ms timeout.
const nextMacrotask: (resolve: () => void) => void =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function'
    ? (resolve) => (globalThis as unknown as { setImmediate(fn: () => void): void }).setImmediate(resolve)
    : (resolve) => globalThis.setTimeout(resolve, 0);

// Promise chains in core are a few hops deep; a handful of macrotask turns settles them all.
async function settlePromises(): Promise<void> {
  for (let turn = 0; turn < 5; turn++) {
    await new Promise<void>(nextMacrotask);
  }
}

/** A clock that only moves when told: throttle windows and backoff run in milliseconds of real time. */
export function createSimulatedClock(startAt = 1_700_000_000_000): SimulatedClock {
  let now = startAt;
  let nextId = 1;
  const timers = new Map<number, Timer>();

  function nextDue(until: number): Timer | undefined {
    let due: Timer | undefined;
    for (const timer of timers.values()) {
      if (timer.at <= until && (!due || timer.at < due.at || (timer.at === due.at && timer.id < due.id))) {
        due = timer;
      }
    }
    return due;
  }

  return {
    now: () => now,
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { id, at: now + Math.max(0, ms), callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    async advance(ms) {
      const until = now + ms;
      await settlePromises();
      for (let timer = nextDue(until); timer; timer = nextDue(until)) {
        timers.delete(timer.id);
        now = Math.max(now, timer.at);
        timer.callback();
        await settlePromises();
      }
      now = until;
      await settlePromises();
    },
    settle: settlePromises,
    pendingTimers: () => timers.size,
  };
}
