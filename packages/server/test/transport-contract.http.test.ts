// The Transport contract against the real server over HTTP (transport-contract.ts), on SQLite and
// on PostgreSQL (the two test projects).
import { createHttpTransport } from '@confab/core';
import { call, startTestServer, TEAM_TOKEN, team } from './server-harness';
import { describeTransportContract } from './transport-contract';

describeTransportContract('createHttpTransport and the server', async () => {
  const server = await startTestServer();
  const teamCall = async (path: string, body?: unknown) => {
    const answer = await call(server, 'POST', `${team()}${path}`, {
      token: TEAM_TOKEN,
      ...(body !== undefined ? { body } : {}),
    });
    if (answer.status !== 200) throw new Error(`team ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  return {
    transport: createHttpTransport({ apiBase: server.url }),
    reply: async (conversationId, body) => void (await teamCall(`/conversations/${conversationId}/reply`, { body })),
    close: async (conversationId) => void (await teamCall(`/conversations/${conversationId}/close`)),
    eventIds: async (personId) => {
      const answer = await call(server, 'GET', `${team()}/contacts/${personId}/events`, { token: TEAM_TOKEN });
      return (answer.body.events as Array<{ id: string }>).map((event) => event.id);
    },
    stop: () => server.stop(),
  };
});
