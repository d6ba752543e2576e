// Per-IP and per-session request limits. rate-limiter-flexible because one request must pass two
// independent limits (which @fastify/rate-limit runs at most once per request) and because the
// same limiter API has a PostgreSQL store, so the limits can hold across server processes.
import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { ApiError } from './errors';

export interface RateLimits {
  /** Requests per IP per window, over every route. */
  perIp: number;
  /** Requests per session per window, over the messenger routes. */
  perSession: number;
  windowMs: number;
  /** Sign-in attempts per account (email) per LOGIN_WINDOW_MS; a successful one is given back. */
  loginPerAccount?: number;
  /** Sign-in attempts per client address per LOGIN_WINDOW_MS; a successful one is given back. */
  loginPerIp?: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  perIp: 1200,
  perSession: 300,
  windowMs: 60_000,
  loginPerAccount: 10,
  loginPerIp: 50,
};

/** The window of the sign-in limits: long enough that guessing a password by the thousand takes years. */
export const LOGIN_WINDOW_MS = 15 * 60_000;

export interface RateLimiters {
  perIp: RateLimiterAbstract;
  perSession: RateLimiterAbstract;
  loginPerAccount: RateLimiterAbstract;
  loginPerIp: RateLimiterAbstract;
  /** Typing signals (routes/typing.ts): per messenger session, and per teammate. */
  typing: RateLimiterAbstract;
}

/**
 * Typing signals one session (or one teammate) may send: 10 per 20 s, a client's throttle of one
 * every 2 s or so, with room.
 */
export const TYPING_LIMIT = { points: 10, durationSeconds: 20 };

const loginDuration = LOGIN_WINDOW_MS / 1000;
const loginPoints = (limits: RateLimits) => ({
  account: limits.loginPerAccount ?? DEFAULT_RATE_LIMITS.loginPerAccount!,
  ip: limits.loginPerIp ?? DEFAULT_RATE_LIMITS.loginPerIp!,
});

export function memoryRateLimiters(limits: RateLimits): RateLimiters {
  const duration = Math.max(1, Math.round(limits.windowMs / 1000));
  return {
    perIp: new RateLimiterMemory({ keyPrefix: 'ip', points: limits.perIp, duration }),
    perSession: new RateLimiterMemory({ keyPrefix: 'session', points: limits.perSession, duration }),
    loginPerAccount: new RateLimiterMemory({
      keyPrefix: 'login-account',
      points: loginPoints(limits).account,
      duration: loginDuration,
    }),
    loginPerIp: new RateLimiterMemory({
      keyPrefix: 'login-ip',
      points: loginPoints(limits).ip,
      duration: loginDuration,
    }),
    typing: new RateLimiterMemory({
      keyPrefix: 'typing',
      points: TYPING_LIMIT.points,
      duration: TYPING_LIMIT.durationSeconds,
    }),
  };
}

/** Limits that hold across every process on one PostgreSQL: the counters live in its `rate_limits` table. */
export function postgresRateLimiters(limits: RateLimits, pool: pg.Pool): RateLimiters {
  const duration = Math.max(1, Math.round(limits.windowMs / 1000));
  const shared = {
    storeClient: pool,
    tableName: 'rate_limits',
    tableCreated: true,
    clearExpiredByTimeout: false,
    duration,
  };
  return {
    perIp: new RateLimiterPostgres({ ...shared, keyPrefix: 'ip', points: limits.perIp }),
    perSession: new RateLimiterPostgres({ ...shared, keyPrefix: 'session', points: limits.perSession }),
    loginPerAccount: new RateLimiterPostgres({
      ...shared,
      keyPrefix: 'login-account',
      points: loginPoints(limits).account,
      duration: loginDuration,
    }),
    loginPerIp: new RateLimiterPostgres({
      ...shared,
      keyPrefix: 'login-ip',
      points: loginPoints(limits).ip,
      duration: loginDuration,
    }),
    typing: new RateLimiterPostgres({
      ...shared,
      keyPrefix: 'typing',
      points: TYPING_LIMIT.points,
      duration: TYPING_LIMIT.durationSeconds,
    }),
  };
}

/** Takes one request from `key`'s allowance; over the limit, a 429 that says when to retry. */
export async function consume(
  limiter: RateLimiterAbstract,
  key: string,
  who: string,
  request: FastifyRequest,
): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new ApiError(
        429,
        `too many requests from this ${who}: at most ${limiter.points} per ${limiter.duration} s; retry in ${seconds} s`,
        undefined,
        seconds,
      );
    }
    // A limiter that fails (its store is down) must not take the API down with it.
    request.log.warn({ err: rejection }, 'rate limiter failed; request let through');
  }
}

/**
 * Counts one sign-in attempt against both its account's and its address's allowance, before the
 * password is checked (so a burst of parallel guesses is cut off as surely as a sequence); past
 * either, a 429 with Retry-After. A successful sign-in gives its attempts back (`succeeded`).
 */
export async function countLoginAttempt(
  limiters: RateLimiters,
  accountKey: string,
  request: FastifyRequest,
): Promise<{ succeeded(): Promise<void> }> {
  for (const [limiter, key] of [
    [limiters.loginPerIp, request.ip],
    [limiters.loginPerAccount, accountKey],
  ] as const) {
    try {
      await limiter.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) {
        request.log.warn({ err: rejection }, 'sign-in rate limiter failed; attempt let through');
        continue;
      }
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      const whose = limiter === limiters.loginPerIp ? 'this address' : 'this account';
      throw new ApiError(
        429,
        `too many sign-in attempts for ${whose}: at most ${limiter.points} per ${Math.round(limiter.duration / 60)} min; retry in ${seconds} s`,
        undefined,
        seconds,
      );
    }
  }
  return {
    async succeeded() {
      await Promise.allSettled([
        limiters.loginPerIp.reward(request.ip, 1),
        limiters.loginPerAccount.reward(accountKey, 1),
      ]);
    },
  };
}
