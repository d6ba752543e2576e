// GET /metrics: Prometheus's text format, behind its own token, off without one.
import { afterEach, describe, expect, it } from 'vitest';
import { BACKEND } from './backend';
import { boot, call, messenger, startTestServer, TEAM_TOKEN, type TestServer } from './server-harness';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** The value of one sample (`name{labels} value`), or undefined when it is not there. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function scrape(target: TestServer): Promise<string> {
  const answer = await call(target, 'GET', '/metrics', { token: METRICS_TOKEN });
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return answer.body as string;
}

describe('metrics', () => {
  it('without --metrics-token there is no /metrics', async () => {
    server = await startTestServer();
    expect((await call(server, 'GET', '/metrics')).status).toBe(404);
    expect((await call(server, 'GET', '/metrics', { token: METRICS_TOKEN })).status).toBe(404);
  });

  it('refuses a scrape without the metrics token, with a wrong one or with the team token (401 naming authorization)', async () => {
    server = await startTestServer({ metricsToken: METRICS_TOKEN });
    for (const token of [undefined, 'not-the-metrics-token-0123456789', TEAM_TOKEN]) {
      const answer = await call(server, 'GET', '/metrics', token === undefined ? {} : { token });
      expect([answer.status, answer.body.error.field]).toEqual([401, 'authorization']);
      expect(answer.body.error.message).toMatch(/--metrics-token/);
    }
  });

  it('counts requests by route pattern and status, times the writes, and watches the open streams and the queues', async () => {
    server = await startTestServer({ metricsToken: METRICS_TOKEN });
    const { session } = await boot(server);
    const token = session.token;
    const started = await call(server, 'POST', `${messenger()}/conversations`, {
      token,
      body: { body: 'hello', client_id: 'c1' },
    });
    const conversationId = started.body.conversation.id as string;
    await call(server, 'POST', `${messenger()}/conversations/${conversationId}/messages`, {
      token,
      body: { body: 'again', client_id: 'c2' },
    });
    await call(server, 'POST', `${messenger()}/conversations`, {
      token: 'not-a-session-token',
      body: { body: 'x', client_id: 'c3' },
    });
    await call(server, 'GET', '/no/such/path');

    const controller = new AbortController();
    const stream = await fetch(`${server.url}${messenger()}/stream`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    const reader = stream.body!.getReader();
    await reader.read();

    const open = await scrape(server);
    expect(sample(open, 'confab_realtime_streams_open')).toBe(1);
    expect(sample(open, 'confab_realtime_streams_behind')).toBeGreaterThanOrEqual(0);
    expect(sample(open, 'confab_realtime_stream_buffered_bytes')).toBeGreaterThanOrEqual(0);
    expect(sample(open, 'confab_writes_in_flight')).toBe(0);
    expect(
      sample(open, 'confab_http_requests_total{method="POST",route="/messenger/v1/apps/:app_id/boot",status="200"}'),
    ).toBe(1);
    expect(
      sample(
        open,
        'confab_http_requests_total{method="POST",route="/messenger/v1/apps/:app_id/conversations",status="200"}',
      ),
    ).toBe(1);
    expect(
      sample(
        open,
        'confab_http_requests_total{method="POST",route="/messenger/v1/apps/:app_id/conversations",status="401"}',
      ),
    ).toBe(1);
    expect(
      sample(
        open,
        'confab_http_requests_total{method="POST",route="/messenger/v1/apps/:app_id/conversations/:conversation_id/messages",status="200"}',
      ),
    ).toBe(1);
    expect(sample(open, 'confab_http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(1);
    // Boot, the conversation, the message: three committed writes (at least: a boot may write more than once).
    expect(sample(open, 'confab_write_duration_seconds_count{outcome="committed"}')).toBeGreaterThanOrEqual(3);
    expect(sample(open, 'confab_write_duration_seconds_bucket{le="+Inf",outcome="committed"}')).toBe(
      sample(open, 'confab_write_duration_seconds_count{outcome="committed"}'),
    );
    // The process's own: CPU, memory, event loop.
    expect(sample(open, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(open).toMatch(/^nodejs_eventloop_lag_seconds /m);
    if (BACKEND === 'postgres') expect(sample(open, 'confab_db_pool_waiting')).toBe(0);
    // Ids and tokens are no labels.
    expect(open).not.toContain(conversationId);
    expect(open).not.toContain(token);

    controller.abort();
    await expect
      .poll(async () => sample(await scrape(server!), 'confab_realtime_streams_open'), { timeout: 5_000 })
      .toBe(0);
    const closed = await scrape(server);
    expect(
      sample(closed, 'confab_http_requests_total{method="GET",route="/messenger/v1/apps/:app_id/stream",status="200"}'),
    ).toBe(1);
  });
});
