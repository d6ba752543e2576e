// What the server benchmarks share: the HTTP and SSE client (node:http, the same for Confab and
// the baselines), a worker pool, percentiles and number formats.
import http, { type IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createSseParser } from '@confab/core';
import type { RealtimeEvent } from '@confab/core/protocol';

// ---------------------------------------------------------------------------------------------
// Small helpers.

export const format = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const ms = (n: number) => `${format(n, n < 10 ? 2 : 1)} ms`;
export const seconds = (milliseconds: number) => `${format(milliseconds / 1000, 2)} s`;

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Runs `work(0..count-1)` with at most `limit` in flight; resolves when all are done. */
export async function pool(count: number, limit: number, work: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

export function timed<T>(work: () => Promise<T>): Promise<{ value: T; elapsed: number }> {
  const start = performance.now();
  return work().then((value) => ({ value, elapsed: performance.now() - start }));
}

// ---------------------------------------------------------------------------------------------
// HTTP client: node:http with keep-alive agents, shared by Confab and the baseline.

export interface Answer {
  status: number;
  text: string;
}

export function post(
  agent: http.Agent,
  base: URL,
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    request.setNoDelay(true);
    request.on('error', reject);
    request.end(body);
  });
}

export async function postJson<T>(
  agent: http.Agent,
  base: URL,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const answer = await post(agent, base, path, JSON.stringify(body), headers);
  if (answer.status !== 200) throw new Error(`POST ${path}: ${answer.status} ${answer.text.slice(0, 300)}`);
  return JSON.parse(answer.text) as T;
}

/** An open SSE stream: the body of every message from the team is handed to `onBody`. */
export interface OpenStream {
  close(): void;
  /** Message events the visitor wrote (a stream may replay the one that started the conversation). */
  readonly ownMessages: number;
  /** Events other than messages (`unread`, `conversation`); comments are not events. */
  readonly otherEvents: number;
  /** The server ended the stream or the connection failed before `close()`. */
  readonly endedEarly: boolean;
}

export function openStream(
  agent: http.Agent,
  base: URL,
  path: string,
  headers: Record<string, string>,
  onBody: (body: string, at: number) => void,
): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    let response: IncomingMessage | undefined;
    let opened = false;
    let ownMessages = 0;
    let otherEvents = 0;
    let closing = false;
    let endedEarly = false;
    const parser = createSseParser();
    const request = http.request({
      agent,
      host: base.hostname,
      port: base.port,
      method: 'GET',
      path,
      headers: { accept: 'text/event-stream', ...headers },
    });
    request.setNoDelay(true);
    const stream: OpenStream = {
      close: () => {
        closing = true;
        response?.destroy();
        request.destroy();
      },
      get ownMessages() {
        return ownMessages;
      },
      get otherEvents() {
        return otherEvents;
      },
      get endedEarly() {
        return endedEarly;
      },
    };
    request.on('error', (error) => {
      if (!opened) reject(error);
    });
    request.on('response', (res) => {
      response = res;
      if (res.statusCode !== 200) {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          reject(new Error(`GET ${path}: ${res.statusCode} ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`)),
        );
        return;
      }
      res.on('error', () => {});
      res.on('close', () => {
        if (!closing) endedEarly = true;
      });
      res.on('data', (chunk: Buffer) => {
        const at = performance.now();
        // Both servers open with a comment line: the first bytes mean the stream is live.
        if (!opened) {
          opened = true;
          resolve(stream);
        }
        for (const message of parser.feed(chunk)) {
          const event = JSON.parse(message.data) as RealtimeEvent;
          if (event.type !== 'message') otherEvents++;
          else if (event.message.author !== 'team') ownMessages++;
          else onBody(event.message.body, at);
        }
      });
    });
    request.end();
  });
}

/** A numeric option: its environment variable, default and help line. */
export interface CountOption {
  env: string;
  fallback: number;
  help: string;
}

/** Each option from its flag, else its environment variable, else its default: a positive integer. */
export function readCounts<Name extends string>(
  options: Record<Name, CountOption>,
  values: Record<string, unknown>,
): Record<Name, number> {
  const result = {} as Record<Name, number>;
  for (const [name, option] of Object.entries(options) as Array<[Name, CountOption]>) {
    const raw = (values[name] as string | undefined) ?? process.env[option.env];
    const n = raw === undefined || raw === '' ? option.fallback : Number(raw);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`--${name} (${option.env}) must be a positive integer, got ${JSON.stringify(raw)}`);
    result[name] = n;
  }
  return result;
}

/** The --help lines of the numeric options. */
export function countsHelp(options: Record<string, CountOption>): string[] {
  return Object.entries(options).map(
    ([name, option]) => `  --${name} <n>  ${option.env}  ${option.help} (default ${option.fallback})`,
  );
}
