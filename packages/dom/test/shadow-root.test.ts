import { afterEach, describe, expect, it } from 'vitest';
import { createPage, type Page } from './page-harness';

let current: Page | null = null;
async function booted(settings: Record<string, unknown> = {}) {
  const p = createPage({ settings: { app_id: 'acme', user_id: 'u1', ...settings } });
  current = p;
  await p.settle();
  return p;
}
afterEach(() => {
  current?.page.destroy();
  current = null;
});

// What only the DOM adapter does; the behaviour every adapter shares is in @confab/adapter-suite.
describe('the DOM adapter on a page', () => {
  it('renders into a shadow root: page styles do not reach in, its own do not leak out', async () => {
    const p = await booted();
    const host = document.querySelector('[data-confab-host]')!;
    expect(host.shadowRoot).toBe(p.shadow());
    expect(document.querySelector('[data-part]'), 'no part in the light DOM').toBeNull();
    expect(p.shadow().adoptedStyleSheets.length, 'constructed sheets, no <style> element').toBe(2);
    expect(p.shadow().querySelector('style')).toBeNull();
    expect(p.shadow().querySelector('[style]'), 'no inline style attribute anywhere').toBeNull();
  });
});
