import type { Transport } from '../delivery/transport';
import { createMessenger } from '../messenger';
import type { Logger } from '../platform/logger';
import { createMemoryStorage } from '../platform/memory-storage';
import { createMemoryServer } from './memory-transport';
import { createSimulatedClock } from './simulated-clock';

/** A real core wired to the in-memory server, a simulated clock and a logger that records. */
export function createHarness(
  options: { appId?: string; transport?: (base: Transport) => Transport; random?: () => number } = {},
) {
  const clock = createSimulatedClock();
  const server = createMemoryServer({ clock });
  const storage = createMemoryStorage(clock);
  const warnings: string[] = [];
  const logger: Logger = { warn: (message) => warnings.push(message) };
  const transport = options.transport ? options.transport(server.transport) : server.transport;
  const messenger = createMessenger({
    transport,
    storage,
    clock,
    logger,
    appId: options.appId,
    random: options.random ?? (() => 0.5),
    page: () => ({ url: 'https://shop.example/pricing', title: 'Pricing' }),
  });
  return { clock, server, storage, warnings, messenger, Intercom: messenger.Intercom, view: () => messenger.getView() };
}

export type Harness = ReturnType<typeof createHarness>;

/** Page loads on one device: each a new messenger on the same cookies and storage, one server. */
export function createPageLoads() {
  const clock = createSimulatedClock();
  const server = createMemoryServer({ clock });
  const storage = createMemoryStorage(clock);
  const pageLoad = () =>
    createMessenger({ transport: server.transport, storage, clock, logger: { warn: () => {} }, random: () => 0.5 });
  return { clock, server, storage, pageLoad };
}
