// How long a request may take to arrive. Node's default (300 s) lets a client that trickles its
// body in (a byte every few seconds) hold a connection and a parser for minutes. The timeout covers
// receiving the request only, headers and body: a stream's response, however long, is not cut.
import type { FastifyHttpOptions, RawServerDefault } from 'fastify';

/** A body is at most 64 KB: a slow mobile link sends that in a few seconds. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export function requestTimeoutOptions(
  timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
): Pick<FastifyHttpOptions<RawServerDefault>, 'requestTimeout' | 'http'> {
  return {
    requestTimeout: timeoutMs,
    http: {
      // Headers may not take longer than the whole request (Node refuses that), nor than Node's 60 s.
      headersTimeout: Math.min(timeoutMs, 60_000),
      requestTimeout: timeoutMs,
      // Node looks for late requests this often (30 s by default): a tenth of the timeout keeps
      // the cut close to it.
      connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.round(timeoutMs / 10))),
    },
  };
}
