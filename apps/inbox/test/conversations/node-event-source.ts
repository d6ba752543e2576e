// happy-dom has no EventSource: this one reads the real team stream over Node's HTTP, signed with
// a teammate's API token, and dispatches its events by name as a browser's EventSource does.
import { type ClientRequest, request } from 'node:http';

type Listener = (message: MessageEvent) => void;

export class NodeEventSource {
  readyState = 0;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #request: ClientRequest;

  constructor(url: string, token: string) {
    this.#request = request(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } });
    this.#request.on('response', (response) => {
      if (response.statusCode !== 200) {
        this.readyState = 2;
        this.onerror?.();
        response.resume();
        return;
      }
      this.readyState = 1;
      this.onopen?.();
      let buffer = '';
      response.setEncoding('utf8');
      response.on('error', () => {});
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          this.#dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
        }
      });
    });
    this.#request.on('error', () => {
      if (this.readyState === 2) return;
      this.readyState = 2;
      this.onerror?.();
    });
    this.#request.end();
  }

  #dispatch(block: string): void {
    let name = 'message';
    let id = '';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) name = line.slice(6).trim();
      else if (line.startsWith('id:')) id = line.slice(3).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (data.length === 0) return;
    const message = { data: data.join('\n'), lastEventId: id } as MessageEvent;
    for (const listener of this.#listeners.get(name) ?? []) listener(message);
  }

  addEventListener(name: string, listener: Listener): void {
    if (!this.#listeners.has(name)) this.#listeners.set(name, new Set());
    this.#listeners.get(name)!.add(listener);
  }

  close(): void {
    this.readyState = 2;
    this.#request.destroy();
  }
}
