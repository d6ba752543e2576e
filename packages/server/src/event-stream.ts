// What the visitor's stream and the team's stream share: Server-Sent Events of stored events read
// from the database in order after news from the hub, and again once events held behind a running
// transaction can be read (store/stream-position.ts); resumable by Last-Event-ID; ephemeral events
// written as they come (no id: never replayed), counted against the stream caps, paced by a client
// that reads slowly and cut when it stalls, kept alive, and ended with a retry hint on shutdown.
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { ServerContext } from './context';
import { ApiError } from './errors';
import type { StreamPage, StreamPosition } from './store/stream-position';
import type { OpenStream } from './stream-caps';

const KEEP_ALIVE_MS = 15_000;
const REPLAY_PAGE = 500;

export const EVENT_STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
};

/** A stream's query: where EventSource cannot send Last-Event-ID as a header. */
export const StreamQuery = Type.Object(
  { last_event_id: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })) },
  { additionalProperties: false },
);

/** The id a client resumes from (Last-Event-ID header, else ?last_event_id=), or undefined; a 400 when malformed. */
export function resumeFrom(request: FastifyRequest, queryValue: string | undefined): string | undefined {
  const header = request.headers['last-event-id'];
  const value = (Array.isArray(header) ? header[0] : header) ?? queryValue;
  if (value !== undefined && !/^[0-9]{1,18}$/.test(value)) {
    throw new ApiError(400, 'Last-Event-ID must be an event id this stream sent (digits)', 'last-event-id');
  }
  return value;
}

/**
 * An event as an SSE message, made once per event object: streams that share their reads (the
 * team streams of one app, team-feed.ts) share the text too.
 */
const frames = new WeakMap<object, string>();
function frameOf(event: { id: string; type: string }): string {
  let frame = frames.get(event);
  if (frame === undefined) {
    frame = `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
    frames.set(event, frame);
  }
  return frame;
}

/** Resolves true once `raw` has written out its buffer, false if it has not within `ms` or closed. */
function drained(raw: NodeJS.WritableStream & { writableLength: number }, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      raw.removeListener('drain', onDrain);
      raw.removeListener('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    const timer = setTimeout(() => done(false), ms);
    raw.on('drain', onDrain);
    raw.on('close', onClose);
  });
}

export interface EventStreamSpec {
  /** What the stream caps count it under: a session's token hash, or a teammate's key. */
  capsKey: string;
  /** Where the first read starts after. */
  cursor: StreamPosition;
  /** Epoch ms when the stream ends by itself (its session expires), if ever. */
  endsAt?: number;
  /** Subscribes to the hub: news of stored events, and ephemeral events. Returns the unsubscribe. */
  listen(onNews: () => void, onEphemeral: (event: { type: string }) => void): () => void;
  /**
   * Runs before each read: `end` ends the stream (its session ended), `relisten` subscribes again
   * (whom it follows changed), `read` goes on.
   */
  beforeRead?(): Promise<'read' | 'end' | 'relisten'>;
  /** Stored events after a position, oldest first. */
  read(after: StreamPosition, limit: number): Promise<StreamPage<{ id: string; type: string }>>;
}

/** Takes over the reply and serves the stream until the client leaves or the server ends it. */
export function serveEventStream(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  spec: EventStreamSpec,
): void {
  const { capsKey } = spec;
  let cursor = spec.cursor;
  // Checked and counted with no await in between, so concurrent connections cannot all slip under
  // a cap. Over its address's cap, a 429 the client backs off from; over its key's, its oldest
  // stream ends.
  context.streams.admit(capsKey, request.ip);
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    ...EVENT_STREAM_HEADERS,
    connection: 'keep-alive',
  });
  raw.write(': confab stream\n\n');

  let closed = false;
  let pumping = false;
  let again = false;
  // One reader at a time per stream: news that arrives while reading triggers one more read.
  async function pump() {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    let held: Promise<void> | undefined;
    try {
      do {
        again = false;
        const next = spec.beforeRead ? await spec.beforeRead() : 'read';
        if (closed) return;
        if (next === 'end') {
          raw.end();
          return;
        }
        if (next === 'relisten') {
          stopListening();
          stopListening = spec.listen(() => void pump(), writeEphemeral);
        }
        for (;;) {
          const page = await spec.read(cursor, REPLAY_PAGE);
          if (closed) return;
          const { events } = page;
          held = page.held;
          for (const event of events) {
            raw.write(frameOf(event));
            if (raw.writableNeedDrain && context.streams.buffered(capsKey) > context.streamBufferLimit) {
              const buffered = raw.writableLength;
              if (!(await drained(raw, context.streamStallMs))) {
                if (!closed) request.log.warn({ buffered }, 'stream client stopped reading, disconnected');
                raw.destroy();
                return;
              }
              if (closed) return;
            }
          }
          cursor = page.next;
          if (events.length < REPLAY_PAGE) break;
        }
      } while (again && !closed);
    } catch (error) {
      request.log.error({ err: error }, 'stream read failed');
      raw.destroy();
      return;
    } finally {
      pumping = false;
    }
    // Held events are committed, and their news has come and gone: the stream reads again once
    // the older transaction has ended.
    held?.then(() => {
      if (!closed) void pump();
    });
  }

  // Typing lasts a moment: a client that is not reading what it was sent misses it rather than
  // having it queued behind the rest.
  function writeEphemeral(event: { type: string }) {
    if (closed || raw.writableEnded || raw.writableNeedDrain) return;
    raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  }

  let stopListening = spec.listen(() => void pump(), writeEphemeral);
  const keepAlive = setInterval(() => {
    if (!raw.writableEnded) raw.write(': keep-alive\n\n');
  }, KEEP_ALIVE_MS);
  // A quiet stream ends when its session expires, so the client's reconnect hears the 401.
  const expiry =
    spec.endsAt === undefined
      ? undefined
      : setTimeout(
          () => {
            if (!raw.writableEnded) raw.end();
          },
          Math.min(Math.max(0, spec.endsAt - context.now()), 2 ** 31 - 1),
        );
  const open: OpenStream = {
    raw,
    session: capsKey,
    ip: request.ip,
    get behind() {
      return pumping || again;
    },
    end(reason, retryMs) {
      if (closed) return;
      closed = true;
      raw.end(`${retryMs === undefined ? '' : `retry: ${retryMs}\n`}: ${reason}\n\n`);
      // One that still has unread bytes would hold them until its client reads: let it go now.
      if (raw.writableLength > 0) raw.destroy();
    },
  };
  context.streams.add(open);
  raw.on('close', () => {
    closed = true;
    stopListening();
    clearInterval(keepAlive);
    clearTimeout(expiry);
    context.streams.remove(open);
  });
  void pump();
}
