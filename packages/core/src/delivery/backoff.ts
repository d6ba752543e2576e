export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 60_000 };

/**
 * Exponential backoff with "full jitter": a uniform pick in [0, base * 2^attempt], capped, so
 * many clients that failed together do not retry together. A server's Retry-After is a floor,
 * but never beyond maxMs: a far date would also overflow setTimeout (2^31-1 ms) into a hot loop.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
  retryAfterMs = 0,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  const jittered = Math.round(random() * ceiling);
  return Math.max(Math.min(Math.max(jittered, retryAfterMs), policy.maxMs, 2 ** 31 - 1), 1);
}
