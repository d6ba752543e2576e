// Graceful shutdown: what a process does between SIGTERM and its exit.
// Fastify's close stops accepting connections, answers new requests on open ones with a 503 and
// waits for the requests under way (the writes among them commit and are acknowledged); the open
// realtime streams, which never end by themselves, are ended first, each with an SSE `retry:` so
// its client reconnects (with Last-Event-ID) a little later, to another process or to this one
// restarted. Then the database closes.
import type { FastifyInstance } from 'fastify';
import type { StreamRegistry } from './stream-caps';

/**
 * The least wait before a stream's client reconnects, drawn per stream from this range, so that
 * the clients of a process that stops do not all reconnect in the same instant.
 */
export const SHUTDOWN_RETRY_MS = { min: 1_000, max: 5_000 };

function endStreamsForShutdown(streams: StreamRegistry, random: () => number): void {
  for (const stream of [...streams.all()]) {
    const retryMs = SHUTDOWN_RETRY_MS.min + Math.floor(random() * (SHUTDOWN_RETRY_MS.max - SHUTDOWN_RETRY_MS.min));
    stream.end('this server is shutting down: reconnect with Last-Event-ID', retryMs);
  }
}

/**
 * What `app.close()` does beyond Fastify's own: ends the streams with their retry hint, and
 * answers the requests still under way with `Connection: close`, so their keep-alive connections
 * do not hold the close for their idle timeout once answered.
 */
export function drainOnClose(app: FastifyInstance, streams: StreamRegistry, random: () => number = Math.random): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    endStreamsForShutdown(streams, random);
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
}

/**
 * Closes the server on SIGTERM or SIGINT (once), then exits: 0 once everything closed, 1 if
 * closing failed. A second signal while closing is ignored; SIGKILL loses nothing acknowledged.
 */
export function closeOnSignals(close: () => Promise<void>, say: (line: string) => void = console.log): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    say(`confab-server: ${signal}, closing (open streams end, requests under way finish)`);
    close().then(
      () => {
        say('confab-server: closed');
        process.exit(0);
      },
      (error: unknown) => {
        console.error('confab-server: close failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
