import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSseParser, readSseStream, type SseMessage } from '../src/delivery/sse-reader';

const bytes = (text: string) => new TextEncoder().encode(text);

function parseAll(chunks: Array<Uint8Array | string>) {
  const parser = createSseParser();
  const events: SseMessage[] = [];
  for (const chunk of chunks) events.push(...parser.feed(chunk));
  return { events, parser };
}

/** Every way of cutting `input` into two byte chunks gives the same events as one chunk. */
function splitsAgree(input: Uint8Array) {
  const whole = parseAll([input]);
  for (let at = 0; at <= input.length; at++) {
    const split = parseAll([input.slice(0, at), input.slice(at)]);
    expect(split.events, `split at byte ${at}`).toEqual(whole.events);
    expect(split.parser.lastEventId).toBe(whole.parser.lastEventId);
  }
  return whole;
}

describe('the SSE parser', () => {
  it('dispatches an event on a blank line, with its type, data and id', () => {
    const { events, parser } = parseAll(['id: 42\nevent: message\ndata: {"id":"42"}\n\n']);
    expect(events).toEqual([{ event: 'message', data: '{"id":"42"}', lastEventId: '42' }]);
    expect(parser.lastEventId).toBe('42');
  });

  it('names an event "message" when the server gave no type, and forgets the type after dispatch', () => {
    const { events } = parseAll(['event: unread\ndata: 1\n\ndata: 2\n\n']);
    expect(events.map((e) => e.event)).toEqual(['unread', 'message']);
  });

  it('joins multi-line data with \\n and strips exactly one space after the colon', () => {
    const { events } = parseAll(['data: one\ndata:two\ndata:  three\ndata\n\n']);
    expect(events).toEqual([{ event: 'message', data: 'one\ntwo\n three\n', lastEventId: '' }]);
  });

  it('accepts \\n, \\r\\n and \\r as line endings, mixed in one stream', () => {
    const { events } = parseAll(['data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\r']);
    expect(events.map((e) => e.data)).toEqual(['a\nb\nc', 'd']);
  });

  it('treats \\r and \\n split across chunks as one line break', () => {
    const { events } = parseAll(['data: a\r', '\ndata: b\r', '\n\r', '\n']);
    expect(events.map((e) => e.data)).toEqual(['a\nb']);
    // …while a \r that ends a chunk still ends its line at once (a lone \r is a line break too).
    const lone = parseAll(['data: a\r', '\r']);
    expect(lone.events.map((e) => e.data)).toEqual(['a']);
  });

  it('ignores comments (keep-alives) and unknown fields', () => {
    const { events } = parseAll([': keep-alive\n\n:\ndata: x\nfoo: bar\n: another\n\n']);
    expect(events).toEqual([{ event: 'message', data: 'x', lastEventId: '' }]);
  });

  it('keeps an id sent without data as the last event id, without dispatching anything', () => {
    const parser = createSseParser();
    expect(parser.feed('id: 7\n\n')).toEqual([]);
    expect(parser.lastEventId).toBe('7');
    expect(parser.feed('data: next\n\n')).toEqual([{ event: 'message', data: 'next', lastEventId: '7' }]);
    expect(parser.lastEventId).toBe('7');
    // An empty id resets it; an id with NUL is ignored.
    parser.feed('id\n\n');
    expect(parser.lastEventId).toBe('');
    parser.feed('id: a\0b\ndata: z\n\n');
    expect(parser.lastEventId).toBe('');
  });

  it('starts from a known last event id (a reconnect) and keeps it until the server sends another', () => {
    const parser = createSseParser({ lastEventId: '41' });
    expect(parser.feed('data: no id\n\n')).toEqual([{ event: 'message', data: 'no id', lastEventId: '41' }]);
    expect(parser.lastEventId).toBe('41');
  });

  it('commits the id only when the event is complete, so a cut mid-event is fetched again', () => {
    const parser = createSseParser({ lastEventId: '1' });
    parser.feed('id: 2\ndata: half');
    parser.end();
    expect(parser.lastEventId).toBe('1');
    // What was half-received is discarded, not glued to the next event.
    expect(parser.feed('data: whole\n\n')).toEqual([{ event: 'message', data: 'whole', lastEventId: '1' }]);
  });

  it('reads retry only when it is all digits', () => {
    const parser = createSseParser();
    parser.feed('retry: 1500\n');
    expect(parser.retry).toBe(1500);
    parser.feed('retry: 20x\nretry: -1\nretry:\n');
    expect(parser.retry).toBe(1500);
    parser.feed('retry:250\n\n');
    expect(parser.retry).toBe(250);
  });

  it('decodes UTF-8 split anywhere, inside a multi-byte character included', () => {
    const input = bytes('id: 1\r\ndata: café ☕ 😀\r\n\r\n: ping\rid: 2\revent: message\rdata: ü\r\rdata: 末\n\n');
    const whole = splitsAgree(input);
    expect(whole.events.map((e) => e.data)).toEqual(['café ☕ 😀', 'ü', '末']);
    expect(whole.events.map((e) => e.lastEventId)).toEqual(['1', '2', '2']);
  });

  it('gives the same events however the bytes are chunked (any number of cuts)', () => {
    const input = bytes(
      'retry: 10\n: hi\r\nid: 1\nevent: message\ndata: {"a":"é"}\n\ndata: x\r\ndata: y\r\r\nid: 3\n\nevent: unread\ndata: 😀\n\n',
    );
    const whole = parseAll([input]);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: input.length }), { maxLength: 12 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), input.length];
        const chunks = points.slice(1).map((end, i) => input.slice(points[i], end));
        const split = parseAll(chunks);
        expect(split.events).toEqual(whole.events);
        expect(split.parser.lastEventId).toBe('3');
        expect(split.parser.retry).toBe(10);
      }),
      { numRuns: 300 },
    );
  });

  it('drops a UTF-8 byte order mark at the start of the stream', () => {
    const input = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('data: x\n\n')]);
    expect(parseAll([input.slice(0, 2), input.slice(2)]).events).toEqual([
      { event: 'message', data: 'x', lastEventId: '' },
    ]);
  });
});

describe('readSseStream', () => {
  it('reads a byte stream to its end, reporting every chunk and every event in order', async () => {
    const chunks = ['id: 1\ndata: a', '\n\n: keep-alive\n', 'id: 2\ndata: b\n\ndata: tail-without-blank-line'];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(bytes(chunk));
        controller.close();
      },
    });
    const parser = createSseParser();
    const seen: string[] = [];
    let chunkCount = 0;
    await readSseStream(
      body,
      parser,
      (m) => seen.push(`${m.lastEventId}:${m.data}`),
      () => chunkCount++,
    );
    expect(seen).toEqual(['1:a', '2:b']);
    expect(chunkCount).toBe(3);
    expect(parser.lastEventId).toBe('2');
  });

  it('rejects when the stream errors', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes('data: a\n\n'));
        controller.error(new Error('connection reset'));
      },
    });
    const seen: string[] = [];
    await expect(readSseStream(body, createSseParser(), (m) => seen.push(m.data))).rejects.toThrow('connection reset');
  });
});
