// Server-Sent Events parsing as the WHATWG EventSource spec defines it, over any byte stream. fetch
// lets us set headers (Authorization, Last-Event-ID) and choose our own reconnect policy, which
// EventSource does not; this file keeps EventSource's parsing rules so any SSE server is understood.

/** One dispatched event. */
export interface SseMessage {
  /** The `event:` field; `message` when the server named none. */
  event: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
  /** The stream's last event id when this event was dispatched ('' when none was ever set). */
  lastEventId: string;
}

export interface SseParser {
  /** Feeds the next chunk (bytes are decoded as UTF-8, split characters included); returns the events it completed. */
  feed(chunk: Uint8Array | string): SseMessage[];
  /** The end of the stream: a half-received event is discarded, as the spec says. */
  end(): void;
  /** The last event id: updated when an event is dispatched, so a cut mid-event does not skip it. */
  readonly lastEventId: string;
  /** The reconnection time the server asked for with `retry:`, in milliseconds. */
  readonly retry: number | undefined;
}

/** A small pure parser: chunks in, events out. */
export function createSseParser(options: { lastEventId?: string } = {}): SseParser {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  // A chunk that ended in \r: a \n that starts the next chunk belongs to the same line break.
  let skipLeadingLf = false;
  let data = '';
  let eventType = '';
  let idBuffer = options.lastEventId ?? '';
  let lastEventId = idBuffer;
  let retry: number | undefined;

  function line(text: string, out: SseMessage[]) {
    if (text === '') {
      dispatch(out);
      return;
    }
    if (text.charCodeAt(0) === 0x3a /* : */) return; // a comment (keep-alive)
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    switch (field) {
      case 'event':
        eventType = value;
        break;
      case 'data':
        data += `${value}\n`;
        break;
      case 'id':
        if (!value.includes('\0')) idBuffer = value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) retry = Number(value);
        break;
      default:
        break; // unknown fields are ignored
    }
  }

  function dispatch(out: SseMessage[]) {
    lastEventId = idBuffer;
    if (data === '') {
      eventType = '';
      return;
    }
    out.push({ event: eventType === '' ? 'message' : eventType, data: data.slice(0, -1), lastEventId });
    data = '';
    eventType = '';
  }

  function feedText(text: string): SseMessage[] {
    const out: SseMessage[] = [];
    let start = 0;
    if (skipLeadingLf && text.length > 0) {
      if (text.charCodeAt(0) === 0x0a) start = 1;
      skipLeadingLf = false;
    }
    let buffer = pending + text.slice(start);
    let from = 0;
    for (let i = 0; i < buffer.length; i++) {
      const c = buffer.charCodeAt(i);
      if (c !== 0x0a && c !== 0x0d) continue;
      line(buffer.slice(from, i), out);
      if (c === 0x0d) {
        if (i + 1 === buffer.length) skipLeadingLf = true;
        else if (buffer.charCodeAt(i + 1) === 0x0a) i++;
      }
      from = i + 1;
    }
    pending = buffer.slice(from);
    buffer = '';
    return out;
  }

  return {
    feed: (chunk) => feedText(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })),
    end() {
      decoder.decode();
      pending = '';
      data = '';
      eventType = '';
      idBuffer = lastEventId;
      skipLeadingLf = false;
    },
    get lastEventId() {
      return lastEventId;
    },
    get retry() {
      return retry;
    },
  };
}

/**
 * Reads a fetch body to its end through `parser`, calling `onMessage` for each event in order and
 * `onChunk` whenever bytes arrive (keep-alives included). Resolves when the stream ends; rejects
 * when reading fails (an abort included).
 */
export async function readSseStream(
  body: ReadableStream<Uint8Array>,
  parser: SseParser,
  onMessage: (message: SseMessage) => void,
  onChunk?: () => void,
): Promise<void> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      onChunk?.();
      for (const message of parser.feed(value)) onMessage(message);
    }
  } finally {
    parser.end();
    try {
      reader.releaseLock();
    } catch {
      // a pending read on some runtimes; the body is discarded anyway
    }
  }
}
