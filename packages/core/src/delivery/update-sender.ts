import { mergePatch, type UpdatePatch } from '../machine/patch';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { UpdateRequest, UpdateResponse } from '../protocol/wire';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff';
import { toTransportError } from './transport';

export interface UpdateSender {
  send(patch: UpdatePatch): void;
  /** Resolves once every patch given so far has been delivered or given up on. */
  idle(): Promise<void>;
  /** Drops what is unsent and stops retrying. */
  cancel(): void;
}

/**
 * Sends `update` patches (through `update`, bound to one session) in order, one request at a time. Patches that arrive
 * while one is in flight, and a patch whose request failed, fold into the next request, so the
 * server always ends with the last value of every attribute.
 */
export function createUpdateSender(options: {
  update(request: UpdateRequest): Promise<UpdateResponse>;
  clock: Clock;
  logger: Logger;
  random?: () => number;
  onDelivered(response: UpdateResponse, patch: UpdatePatch): void;
}): UpdateSender {
  const { clock, logger } = options;
  const random = options.random ?? Math.random;
  let next: UpdatePatch | null = null;
  let inFlight = false;
  let attempt = 0;
  let timer: unknown = null;
  let cancelled = false;
  let waiters: Array<() => void> = [];

  function settle() {
    if (inFlight || next || timer !== null) return;
    const done = waiters;
    waiters = [];
    for (const resolve of done) resolve();
  }

  function pump() {
    if (cancelled || inFlight || !next || timer !== null) return;
    const patch = next;
    next = null;
    inFlight = true;
    options
      .update({ identity: patch.identity, attributes: patch.attributes, ...(patch.page ? { page: patch.page } : {}) })
      .then(
        (response) => {
          inFlight = false;
          attempt = 0;
          if (!cancelled) options.onDelivered(response, patch);
          pump();
          settle();
        },
        (error: unknown) => {
          inFlight = false;
          const failure = toTransportError(error);
          if (!cancelled && failure.retryable) {
            // The failed patch goes under whatever came since, so later values still win.
            next = next ? mergePatch(patch, next) : patch;
            timer = clock.setTimeout(
              () => {
                timer = null;
                pump();
                settle();
              },
              backoffDelay(++attempt, DEFAULT_BACKOFF, random, failure.retryAfterMs),
            );
          } else if (!cancelled) {
            logger.warn(`[Confab] the server refused an update: ${failure.message}`);
            pump();
          }
          settle();
        },
      );
  }

  return {
    send(patch) {
      if (cancelled) return;
      next = mergePatch(next, patch);
      pump();
    },
    idle() {
      if (!inFlight && !next && timer === null) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    cancel() {
      cancelled = true;
      next = null;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      settle();
    },
  };
}
