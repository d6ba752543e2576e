// The open realtime streams of this process, counted per session and per client address, so one
// visitor (or one address) cannot hold an unbounded number of them and their buffers.
import type { ServerResponse } from 'node:http';
import { ApiError } from './errors';

export interface StreamCaps {
  /** Streams one session may hold open; a newer one ends its oldest. */
  perSession: number;
  /** Streams one client address may hold open; past that a new one is refused (429). */
  perIp: number;
}

/**
 * A browser tab holds one stream (two for a moment, when a network change leaves a dead
 * connection the server has not noticed yet); a session serves one page load, so 8 is a visitor
 * with several tabs on one session, twice over. An address is shared by everyone behind one NAT
 * (an office, a mobile carrier): 64 is a dozen visitors with several tabs each. Each open stream
 * costs memory (BENCHMARKS.md, server-idle-streams) and up to the stream buffer limit while its
 * client does not read.
 */
export const DEFAULT_STREAM_CAPS: StreamCaps = { perSession: 8, perIp: 64 };

/**
 * A client that reads slower than it is written to (a stalled tab, a congested link) would make
 * the server buffer without bound. Past this many bytes waiting in one session's streams
 * together, a stream that has more than the socket's own buffer waiting stops writing until its
 * client has read it (a long replay is paced by the reader this way); a client that does not read
 * within STREAM_STALL_MS is disconnected: it reconnects with its Last-Event-ID and is replayed
 * from the database, which already holds everything.
 */
export const STREAM_BUFFER_LIMIT = 1024 * 1024;
export const STREAM_STALL_MS = 10_000;

/** How long a client refused for its address's streams waits before it asks again. */
export const STREAM_CAP_RETRY_SECONDS = 30;

export interface OpenStream {
  raw: ServerResponse;
  /** The session's token hash. */
  session: string;
  ip: string;
  /**
   * Ends the stream with an SSE comment saying why (the client reconnects after its backoff); with
   * `retryMs`, an SSE `retry:` field first, the least time the client waits before it reconnects.
   */
  end(reason: string, retryMs?: number): void;
  /** True while the stream has news it has not written out yet: reading the realtime outbox, or told of more. */
  readonly behind: boolean;
}

export interface StreamRegistry {
  /**
   * Makes room for a new stream of `session` from `ip`: ends the session's oldest streams past its
   * cap, or throws a 429 when the address holds its cap already. Call `add` right after.
   */
  admit(session: string, ip: string): void;
  add(stream: OpenStream): void;
  remove(stream: OpenStream): void;
  /** Bytes the session's streams have written that their clients have not read yet. */
  buffered(session: string): number;
  all(): Iterable<OpenStream>;
  readonly size: number;
}

export function createStreamRegistry(caps: StreamCaps): StreamRegistry {
  // Sets keep insertion order: the first of a session's set is its oldest stream.
  const bySession = new Map<string, Set<OpenStream>>();
  const byIp = new Map<string, Set<OpenStream>>();
  const all = new Set<OpenStream>();

  const addTo = (map: Map<string, Set<OpenStream>>, key: string, stream: OpenStream) => {
    let set = map.get(key);
    if (!set) {
      set = new Set();
      map.set(key, set);
    }
    set.add(stream);
  };
  const removeFrom = (map: Map<string, Set<OpenStream>>, key: string, stream: OpenStream) => {
    const set = map.get(key);
    if (!set) return;
    set.delete(stream);
    if (set.size === 0) map.delete(key);
  };

  const registry: StreamRegistry = {
    admit(session, ip) {
      const ofSession = [...(bySession.get(session) ?? [])];
      const evicted = ofSession.slice(0, Math.max(0, ofSession.length - caps.perSession + 1));
      const fromIp = (byIp.get(ip)?.size ?? 0) - evicted.filter((s) => s.ip === ip).length;
      if (fromIp >= caps.perIp) {
        throw new ApiError(
          429,
          `this address has ${caps.perIp} realtime streams open, the most it may (--max-streams-per-ip); close one or retry in ${STREAM_CAP_RETRY_SECONDS} s`,
          undefined,
          STREAM_CAP_RETRY_SECONDS,
        );
      }
      for (const stream of evicted) {
        registry.remove(stream);
        stream.end(
          `this session has ${caps.perSession} streams open, the most it may (--max-streams-per-session): this oldest one ends`,
        );
      }
    },
    add(stream) {
      all.add(stream);
      addTo(bySession, stream.session, stream);
      addTo(byIp, stream.ip, stream);
    },
    remove(stream) {
      all.delete(stream);
      removeFrom(bySession, stream.session, stream);
      removeFrom(byIp, stream.ip, stream);
    },
    buffered(session) {
      let bytes = 0;
      for (const stream of bySession.get(session) ?? []) bytes += stream.raw.writableLength;
      return bytes;
    },
    all: () => all,
    get size() {
      return all.size;
    },
  };
  return registry;
}
