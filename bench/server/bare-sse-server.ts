// The baseline the server benchmarks measure Confab against: a bare node:http server holding SSE
// responses open; POST /send/:n writes the posted body, as a message event, to stream n.
// Run as a file (`tsx bare-sse-server.ts`), it listens on a free port of 127.0.0.1 and prints
// `listening on <url>`, so a benchmark can measure it as a process of its own.
import http, { type ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';

export async function startBareServer(): Promise<{ url: URL; close(): Promise<void> }> {
  const streams = new Map<string, ServerResponse>();
  let lastId = 0;
  const server = http.createServer((request, response) => {
    const [, route, key] = (request.url ?? '').split('/');
    if (request.method === 'GET' && route === 'stream' && key) {
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
      });
      response.write(': bare stream\n\n');
      streams.set(key, response);
      response.on('close', () => streams.delete(key));
      return;
    }
    if (request.method === 'POST' && route === 'send' && key) {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const { body } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { body: string };
        const stream = streams.get(key);
        if (!stream) {
          response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no such stream"}');
          return;
        }
        const id = String(++lastId);
        stream.write(
          `id: ${id}\nevent: message\ndata: ${JSON.stringify({ id, type: 'message', message: { author: 'team', body } })}\n\n`,
        );
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
      });
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the bare server has no port');
  return {
    url: new URL(`http://127.0.0.1:${address.port}`),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const stream of streams.values()) stream.end();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const server = await startBareServer();
  console.log(`listening on ${server.url.href.replace(/\/$/, '')}`);
}
