import type { AdapterHarness } from './harness';
import { appSuite } from './app.suite';
import { lifecycleSuite } from './lifecycle.suite';
import { uiSuite } from './ui.suite';

export type { AdapterHarness, AdapterMountOptions, MountedAdapter, MountedUI } from './harness';
export { createTestWorld, mountUI } from './harness';
export { xssCorpus } from './xss-corpus';
export { clearPage } from './page';

/** Every adapter runs this: the lifecycle model's paths, the UI scenarios and an app's needs, through its harness. */
export function runAdapterSuite(harness: AdapterHarness): void {
  lifecycleSuite(harness);
  uiSuite(harness);
  appSuite(harness);
}
