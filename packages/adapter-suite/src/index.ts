import type { AdapterHarness } from './harness';
import { appSuite } from './app.suite';
import { lifecycleSuite } from './lifecycle.suite';
import { twoMessengersSuite } from './two-messengers.suite';
import { uiSuite } from './ui.suite';

export type { AdapterHarness, AdapterMountOptions, MountedAdapter, MountedUI } from './harness';
export { createTestWorld, mountUI } from './harness';
export { xssCorpus } from './xss-corpus';
export { clearPage } from './page';

/** Every adapter runs this: the lifecycle model's paths, the UI scenarios, an app's needs and two messengers on one page, through its harness. */
export function runAdapterSuite(harness: AdapterHarness): void {
  lifecycleSuite(harness);
  uiSuite(harness);
  appSuite(harness);
  twoMessengersSuite(harness);
}
