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
}

export const DEFAULT_RATE_LIMITS: RateLimits = { perIp: 1200, perSession: 300, windowMs: 60_000 };

export interface RateLimiters {
  perIp: RateLimiterAbstract;
  perSession: RateLimiterAbstract;
}

export function memoryRateLimiters(limits: RateLimits): RateLimiters {
  const duration = Math.max(1, Math.round(limits.windowMs / 1000));
  return {
    perIp: new RateLimiterMemory({ keyPrefix: 'ip', points: limits.perIp, duration }),
    perSession: new RateLimiterMemory({ keyPrefix: 'session', points: limits.perSession, duration }),
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
