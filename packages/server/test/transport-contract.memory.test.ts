// The Transport contract against core's in-memory server (transport-contract.ts).
import { createMemoryServer } from '@confab/core/testing';
import { describe } from 'vitest';
import { BACKEND } from './backend';
import { describeTransportContract } from './transport-contract';

// It holds no database: once, in the SQLite project, is enough.
describe.runIf(BACKEND === 'sqlite')('core in memory', () => {
  describeTransportContract('createMemoryServer', async () => {
    const server = createMemoryServer();
    return {
      transport: server.transport,
      reply: async (conversationId, body) => void server.team.reply(conversationId, body),
      close: async (conversationId) => server.team.close(conversationId),
      eventIds: async (personId) =>
        server
          .events()
          .filter((event) => event.personId === personId)
          .map((event) => event.id),
      stop: async () => {},
    };
  });
});
