import type { AdapterHarness } from './harness';
import { lifecycleSuite } from './lifecycle.suite';
import { uiSuite } from './ui.suite';

export type { AdapterHarness, AdapterMountOptions, MountedAdapter, MountedUI } from './harness';
export { mountUI } from './harness';
export { xssCorpus } from './xss-corpus';
export { clearPage } from './page';

/** Every adapter runs this: the lifecycle model's paths and the UI scenarios, through its harness. */
export function runAdapterSuite(harness: AdapterHarness): void {
  lifecycleSuite(harness);
  uiSuite(harness);
}
