// @confab/core/testing: the test doubles (an in-memory server, a clock the test moves), a real core
// wired to them (the test world), and the abstract lifecycle model whose paths drive the core's
// tests and every adapter's (packages/adapter-suite).

export type {
  BootGate,
  ExpectedView,
  LifecycleEventType,
  LifecycleHarness,
  LifecycleModelContext,
  LifecycleModelEvent,
  LifecycleModelSnapshot,
  PanelPlace,
  PanelView,
} from './lifecycle.model';
export {
  APP_ID,
  BURST,
  createBootGate,
  currentPerson,
  drive,
  expectedViewOf,
  lifecycleEventTypes,
  lifecycleModel,
  PEOPLE,
  START_MESSAGE,
  serializeModelState,
  WINDOW_MS,
} from './lifecycle.model';
export type { MemoryServer, StoredEvent } from './memory-transport';
export { createMemoryServer } from './memory-transport';
export type { SimulatedClock } from './simulated-clock';
export { createSimulatedClock } from './simulated-clock';
export type { Harness } from './test-world';
export { createHarness, createPageLoads } from './test-world';
