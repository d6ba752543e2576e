// Prometheus metrics (prom-client), per process: scrape every process. GET /metrics, behind its
// own bearer token (--metrics-token), so a monitor holds no key to the team's data.
import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { requireBearerToken } from './auth';

export interface ServerMetrics {
  registry: Registry;
  /** Runs one write, counted while it runs or waits (for the write lock, or queued for a group commit), its time observed (StoreOptions.measureWrite). */
  measureWrite<T>(write: () => Promise<T>): Promise<T>;
  /** One SQLite commit made `writes` writes durable together (group commit, StoreOptions.groupCommit). */
  observeCommit(writes: number): void;
  /** A gauge read when scraped. */
  watch(name: string, help: string, read: () => number): void;
}

/** Seconds: a SQLite commit with synchronous=FULL is a few ms; past a second, something waits. */
const WRITE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Writes per commit, up to group commit's bound (DEFAULT_MAX_BATCH). */
const COMMIT_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];

export function createMetrics(): ServerMetrics {
  const registry = new Registry();
  // The process's own: CPU, memory, event loop delay, open file descriptors, garbage collection.
  collectDefaultMetrics({ register: registry });
  const writeSeconds = new Histogram({
    name: 'confab_write_duration_seconds',
    help: 'Time of a write, from its start (waiting for the write lock, or in the group commit queue, included) to its durable commit or failure',
    labelNames: ['outcome'],
    buckets: WRITE_BUCKETS,
    registers: [registry],
  });
  const writesInFlight = new Gauge({
    name: 'confab_writes_in_flight',
    help: 'Writes running or queued for the database (the write lock, the connection, the group commit queue)',
    registers: [registry],
  });
  const commitWrites = new Histogram({
    name: 'confab_commit_writes',
    help: 'Writes made durable by one SQLite commit (group commit: the writes that arrive together share a transaction and its disk sync)',
    buckets: COMMIT_BUCKETS,
    registers: [registry],
  });
  return {
    registry,
    observeCommit: (writes) => commitWrites.observe(writes),
    async measureWrite(write) {
      const stop = writeSeconds.startTimer();
      writesInFlight.inc();
      try {
        const result = await write();
        stop({ outcome: 'committed' });
        return result;
      } catch (error) {
        stop({ outcome: 'failed' });
        throw error;
      } finally {
        writesInFlight.dec();
      }
    },
    watch(name, help, read) {
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(read());
        },
      });
    },
  };
}

/** Counts every request by method, route (the route's pattern, not its path: ids stay out) and status, once done. */
export function countRequests(app: FastifyInstance, metrics: ServerMetrics) {
  const requests = new Counter({
    name: 'confab_http_requests_total',
    help: 'HTTP requests by method, route pattern and status, counted when done (a stream when it ends; "aborted": the client left before an answer)',
    labelNames: ['method', 'route', 'status'],
    registers: [metrics.registry],
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.raw.once('close', () => {
      const status = reply.raw.headersSent ? String(reply.raw.statusCode) : 'aborted';
      requests.inc({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status });
    });
  });
}

/** GET /metrics in Prometheus's text format, for requests that carry `token`. */
export async function metricsRoute(app: FastifyInstance, metrics: ServerMetrics, token: string) {
  await app.register(async (scrape) => {
    scrape.addHook(
      'onRequest',
      requireBearerToken(token, 'GET /metrics needs Authorization: Bearer <metrics token> (--metrics-token)'),
    );
    scrape.get('/metrics', async (_request, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  });
}
