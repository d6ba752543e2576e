// Core runs in any JS runtime: Node, Deno, Bun, a worker. This file runs under vitest's node
// environment, where no DOM globals exist; importing and using core must not need them.
import { describe, expect, it } from 'vitest';

describe('core without a DOM', () => {
  it('the environment really has no window, document or navigator.sendBeacon', () => {
    expect(typeof (globalThis as Record<string, unknown>).window).toBe('undefined');
    expect(typeof (globalThis as Record<string, unknown>).document).toBe('undefined');
    expect(typeof (globalThis as Record<string, unknown>).localStorage).toBe('undefined');
  });

  it('imports, boots, tracks and shuts down with the default system clock', async () => {
    const core = await import('../src');
    const { createMemoryServer } = await import('../src/testing');
    const server = createMemoryServer();
    const messenger = core.createMessenger({
      transport: server.transport,
      storage: core.createMemoryStorage(),
      logger: {
        warn: (message) => {
          throw new Error(message);
        },
      },
    });
    messenger.Intercom('boot', { app_id: 'worker-app', email: 'ada@example.com' });
    await expect.poll(() => messenger.getView().lifecycle).toBe('booted');
    messenger.Intercom('trackEvent', 'from-node', { runtime: 'node' });
    await expect.poll(() => server.events().map((e) => e.name), { timeout: 5_000 }).toEqual(['from-node']);
    messenger.Intercom('shutdown');
    await expect.poll(() => messenger.getView().lifecycle).toBe('shutDown');
    messenger.stop();
  });
});
