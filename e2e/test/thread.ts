import type { Page } from 'playwright-core';

/**
 * Each message of the open thread as its author and body read, without the avatar, the time and
 * "seen" beside them (those are checked on their own). Reaches into the DOM adapter's shadow root too.
 */
export function messageTexts(page: Page): Promise<string[]> {
  return page.locator('[data-scope="confab"][data-part="message"]').evaluateAll((messages) =>
    messages.map((message) => {
      const copy = message.cloneNode(true) as Element;
      for (const part of copy.querySelectorAll('[data-part="avatar"], [data-part="time"], [data-part="seen"]'))
        part.remove();
      return copy.textContent ?? '';
    }),
  );
}
