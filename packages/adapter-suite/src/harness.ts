import type { AdapterState, IntercomApi, Logger, MessengerView, Transport } from '@confab/core';
import { createMemoryServer, createSimulatedClock, type MemoryServer, type SimulatedClock } from '@confab/core/testing';

/** What the suite hands an adapter to mount with: core's in-memory server and a simulated clock. */
export interface AdapterMountOptions {
  /** Settings to boot with as the adapter mounts (its auto-boot); absent: nothing boots until asked. */
  boot?: Record<string, unknown>;
  transport: Transport;
  clock: SimulatedClock;
  logger: Logger;
  random: () => number;
  /**
   * Draw the launcher's content and each message the app's own way, through the adapter's slots
   * or snippets: `<b class="my-launcher">Chat (0)</b>` (`Close` while open, the unread count) and
   * `<p class="my-message">{author}: {body, links as [text]}</p>`.
   */
  customized?: boolean;
  /** Mount next to the messenger already on the page, not on a blank page. */
  alongside?: boolean;
}

/** One mounted adapter, as the suite sees it: its command surface and where it rendered. */
export interface MountedAdapter {
  /** The adapter's own commands, called as `Intercom(command, ...args)`. */
  Intercom: IntercomApi;
  /** The view-model the rendered UI is bound to (the throttle has nothing on screen). */
  view(): MessengerView;
  /** The subtree that holds the messenger: a shadow root, or the element the component rendered into. */
  container(): ParentNode;
  /** The focused element, looked up where the adapter renders (a shadow root has its own). */
  activeElement(): Element | null;
  /** Lets the framework apply what changed (a scheduler tick); the DOM adapter renders synchronously. */
  flush(): Promise<void>;
  /** A custom property the launcher settings set, as rendered: `customProperty('--confab-h')`. */
  customProperty(name: string): string | undefined;
  /** The state as the adapter hands it to apps (Vue's refs, Svelte's stores); absent where there is none. */
  state?(): AdapterState;
  /** Ends the adapter as an app does (unmount, destroy): the messenger stops with it. */
  unmount(): void | Promise<void>;
}

export interface AdapterHarness {
  /** Names the describe blocks: "dom", "vue", ... */
  name: string;
  /** The adapter draws the launcher and messages through the app's slots or snippets (`customized`). */
  customizable?: boolean;
  mount(options: AdapterMountOptions): MountedAdapter | Promise<MountedAdapter>;
}

/** A mounted adapter with the suite's server, clock and element lookups. */
export interface MountedUI extends MountedAdapter {
  server: MemoryServer;
  clock: SimulatedClock;
  warnings: string[];
  part<T extends HTMLElement = HTMLElement>(name: string): T | null;
  parts(name: string): HTMLElement[];
  query<T extends HTMLElement = HTMLElement>(selector: string): T | null;
  click(element: Element | null | undefined): Promise<void>;
  /** Runs every timer and promise that is due, then lets the framework render. */
  settle(): Promise<void>;
}

/**
 * What every adapter test runs a messenger with: core's in-memory server (optionally behind a
 * transport of the test's), a simulated clock, a logger that records, a fixed random.
 */
export function createTestWorld(transport?: (base: Transport) => Transport) {
  const clock = createSimulatedClock(Date.now());
  const server = createMemoryServer({ clock });
  const warnings: string[] = [];
  const options = {
    transport: transport ? transport(server.transport) : server.transport,
    clock,
    logger: { warn: (message: string) => warnings.push(message) } satisfies Logger,
    random: () => 0.5,
  };
  return { clock, server, warnings, options };
}

export async function mountUI(
  harness: AdapterHarness,
  options: {
    boot?: Record<string, unknown>;
    transport?: (base: Transport) => Transport;
    customized?: boolean;
    alongside?: boolean;
  } = {},
): Promise<MountedUI> {
  const { clock, server, warnings, options: world } = createTestWorld(options.transport);
  const mounted = await harness.mount({
    ...(options.boot ? { boot: options.boot } : {}),
    ...world,
    ...(options.customized ? { customized: true } : {}),
    ...(options.alongside ? { alongside: true } : {}),
  });
  const settle = async () => {
    await clock.settle();
    await mounted.flush();
  };
  const query = <T extends HTMLElement = HTMLElement>(selector: string) =>
    mounted.container().querySelector<T>(selector);
  return {
    ...mounted,
    server,
    clock,
    warnings,
    part: (name) => query(`[data-scope="confab"][data-part="${name}"]`),
    parts: (name) => [
      ...mounted.container().querySelectorAll<HTMLElement>(`[data-scope="confab"][data-part="${name}"]`),
    ],
    query,
    async click(element) {
      if (!(element instanceof HTMLElement)) throw new Error('nothing to click');
      element.click();
      await settle();
    },
    settle,
  };
}
