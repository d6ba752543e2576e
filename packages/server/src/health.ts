// Liveness and readiness, for a load balancer, an orchestrator or a monitor.
// GET /healthz: the process answers (restart it if not). GET /readyz: it can serve (send it
// traffic if so): the database answers and has every migration this code needs. While the server
// shuts down every request, these included, is a 503 (Fastify's return503OnClosing).
import type { FastifyInstance } from 'fastify';

/** Why the server cannot serve now, or undefined when it can; throws when the database does not answer. */
export type ReadinessCheck = () => Promise<string | undefined>;

/** Past this a readiness probe answers "not ready" rather than hang with a database that does not answer. */
export const READINESS_TIMEOUT_MS = 5_000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export async function healthRoutes(app: FastifyInstance, checkReadiness: ReadinessCheck) {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (request, reply) => {
    let reason: string | undefined;
    try {
      reason = await withTimeout(checkReadiness(), READINESS_TIMEOUT_MS);
    } catch (error) {
      // The probe is public: the database's address and error stay in the log.
      request.log.warn({ err: error }, 'readiness: database unreachable');
      reason = 'database unreachable';
    }
    if (reason !== undefined) return reply.status(503).send({ status: 'not_ready', reason });
    return { status: 'ready' };
  });
}
