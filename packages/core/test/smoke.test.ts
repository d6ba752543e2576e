import { describe, expect, it } from 'vitest';
import { createHarness } from './harness';

describe('smoke', () => {
  it('boots, opens, replies arrive', async () => {
    const h = createHarness();
    h.Intercom('boot', { app_id: 'acme', email: 'ada@example.com', name: 'Ada' });
    expect(h.view().lifecycle).toBe('booting');
    await h.clock.settle();
    expect(h.view().lifecycle).toBe('booted');
    h.Intercom('startConversation', 'hello');
    await h.clock.settle();
    expect(h.view().view).toBe('conversation');
    const convId = h.view().thread!.conversationId;
    h.server.team.reply(convId, 'hi Ada');
    await h.clock.settle();
    expect(h.view().thread!.messages.map((m) => m.body)).toEqual(['hello', 'hi Ada']);
    expect(h.warnings).toEqual([]);
  });
});
