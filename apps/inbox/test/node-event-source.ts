// An EventSource for the inbox's tests: happy-dom (and Node 20) have none. It reads the real
// server's text/event-stream over a real socket, as the standard's parser does (id:, event:,
// data: lines, dispatched at a blank line; Last-Event-ID kept and resent on reconnection is not
// needed here), with the session cookie a browser would send. Chromium's own EventSource is
// exercised end to end by the e2e suite.
import { type ClientRequest, request } from 'node:http';

export const openedUrls: string[] = [];

export class NodeEventSource extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  #request: ClientRequest;

  constructor(
    readonly url: string,
    cookie: string,
  ) {
    super();
    openedUrls.push(url);
    this.#request = request(url, { headers: { cookie, accept: 'text/event-stream' } }, (response) => {
      if (response.statusCode !== 200) {
        this.readyState = 2;
        response.resume();
        this.onerror?.(new Event('error'));
        return;
      }
      this.readyState = 1;
      this.onopen?.(new Event('open'));
      let buffer = '';
      let id = '';
      let name = '';
      let data: string[] = [];
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let newline = buffer.indexOf('\n');
        while (newline >= 0) {
          const line = buffer.slice(0, newline).replace(/\r$/, '');
          buffer = buffer.slice(newline + 1);
          newline = buffer.indexOf('\n');
          if (line === '') {
            if (data.length > 0 && this.readyState !== 2) {
              this.dispatchEvent(new MessageEvent(name || 'message', { data: data.join('\n'), lastEventId: id }));
            }
            name = '';
            data = [];
            continue;
          }
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'id') id = value;
          else if (field === 'event') name = value;
          else if (field === 'data') data.push(value);
        }
      });
      response.on('end', () => {
        if (this.readyState === 2) return;
        this.readyState = 2;
        this.onerror?.(new Event('error'));
      });
    });
    this.#request.on('error', () => {
      if (this.readyState === 2) return;
      this.readyState = 2;
      this.onerror?.(new Event('error'));
    });
    this.#request.end();
  }

  close(): void {
    this.readyState = 2;
    this.#request.destroy();
  }
}
