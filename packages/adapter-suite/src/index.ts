import { appSuite } from './app.suite';
import type { AdapterHarness } from './harness';
import { lifecycleSuite } from './lifecycle.suite';
import { teamPresenceSuite } from './team-presence.suite';
import { twoMessengersSuite } from './two-messengers.suite';
import { uiSuite } from './ui.suite';

export type { AdapterHarness, AdapterMountOptions, MountedAdapter, MountedUI } from './harness';
export { createTestWorld, mountUI } from './harness';
export { clearPage } from './page';
export { xssCorpus } from './xss-corpus';

/** Every adapter runs this: the lifecycle model's paths, the UI scenarios, an app's needs and two messengers on one page, through its harness. */
export function runAdapterSuite(harness: AdapterHarness): void {
  lifecycleSuite(harness);
  uiSuite(harness);
  teamPresenceSuite(harness);
  appSuite(harness);
  twoMessengersSuite(harness);
}
