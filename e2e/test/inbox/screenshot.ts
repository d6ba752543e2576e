import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SCREENSHOTS } from '../browser';

/** Saves what the page shows as e2e/output/screenshots/inbox-<name>.png, to be looked at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `inbox-${name}.png`) });
}
