import { clearPage } from '@confab/adapter-suite/page';
import type { Transport } from '@confab/core';
import { createMemoryServer, createSimulatedClock } from '@confab/core/testing';
import { type ConfabPage, type InstalledIntercom, installIntercom } from '../src';

type TestWindow = Window & typeof globalThis & { Intercom?: unknown; intercomSettings?: unknown };

/** The standard loader snippet's stub, with calls already queued. */
export function snippetStub(calls: unknown[][]) {
  const stub = ((...args: unknown[]) => {
    stub.q.push(args);
  }) as ((...args: unknown[]) => void) & { q: unknown[] };
  // As the snippet does: each queued entry is the stub's `arguments` object.
  stub.q = calls.map((call) =>
    (function (..._args: unknown[]) {
      // biome-ignore lint/complexity/noArguments: the snippet queues real `arguments` objects, which is what this reproduces.
      return arguments;
    })(...call),
  );
  return stub;
}

/**
 * A page with Confab installed as a site would have it: the real DOM adapter with its cookie
 * storage, rendered into happy-dom, and core's in-memory server in place of the network.
 */
export function createPage(
  options: {
    settings?: Record<string, unknown>;
    queued?: unknown[][];
    transport?: (base: Transport) => Transport;
    keep?: boolean;
  } = {},
) {
  if (!options.keep) clearPage();
  const win = window as TestWindow;
  if (options.settings) win.intercomSettings = options.settings;
  if (options.queued) win.Intercom = snippetStub(options.queued);
  const clock = createSimulatedClock(Date.now());
  const server = createMemoryServer({ clock });
  const warnings: string[] = [];
  const page: ConfabPage = installIntercom({
    window: win,
    transport: options.transport ? options.transport(server.transport) : server.transport,
    clock,
    logger: { warn: (message) => warnings.push(message) },
    random: () => 0.5,
  });
  const shadow = () => page.mounted()!.shadowRoot;
  const part = <T extends HTMLElement = HTMLElement>(name: string) =>
    shadow().querySelector<T>(`[data-part="${name}"]`);
  return {
    page,
    server,
    clock,
    warnings,
    Intercom: win.Intercom as InstalledIntercom,
    shadow,
    part,
    parts: (name: string) => [...shadow().querySelectorAll<HTMLElement>(`[data-part="${name}"]`)],
    settle: () => clock.settle(),
  };
}

export type Page = ReturnType<typeof createPage>;
