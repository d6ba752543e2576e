// A test's view of a Server-Sent Events stream as written on the wire: each message with the id
// line it carried (or none), so "written without an id" is checkable.
import { expect } from 'vitest';

export interface SseBlock {
  /** The message's `id:` field, undefined when it had none. */
  id: string | undefined;
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: a test reads each event by the shape it expects.
  data: any;
}

export interface RawStream {
  status: number;
  blocks: SseBlock[];
  /** Everything received so far, comments included. */
  text(): string;
  /** Resolves once the server has ended the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens a stream and parses its messages as they arrive; resolves once the response headers are in. */
export async function openRawStream(url: string, headers: Record<string, string>): Promise<RawStream> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  const blocks: SseBlock[] = [];
  let text = '';
  let parsedUpTo = 0;
  const ended = (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body) {
        text += decoder.decode(chunk as Uint8Array, { stream: true });
        for (;;) {
          const end = text.indexOf('\n\n', parsedUpTo);
          if (end === -1) break;
          const lines = text.slice(parsedUpTo, end).split('\n');
          parsedUpTo = end + 2;
          const fields = new Map<string, string>();
          for (const line of lines) {
            if (line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            fields.set(line.slice(0, colon), line.slice(colon + 1).replace(/^ /, ''));
          }
          if (!fields.has('data')) continue;
          blocks.push({
            id: fields.get('id'),
            event: fields.get('event') ?? 'message',
            data: JSON.parse(fields.get('data')!),
          });
        }
      }
    } catch {
      // Cut by us (close) or by the other side (a process killed): the stream has ended either way.
    }
  })();
  return {
    status: response.status,
    blocks,
    text: () => text,
    ended,
    close: () => controller.abort(),
  };
}

/** Waits until the stream has received `count` messages (polled, with a generous timeout). */
export async function received(stream: RawStream, count: number): Promise<SseBlock[]> {
  await expect.poll(() => stream.blocks.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(count);
  return stream.blocks;
}
