import type { Logger } from './logger';
import type { Messenger } from './messenger';

/** The click events of a page's `document` (injected: core reads no globals). */
export interface ClickSource {
  addEventListener(type: 'click', listener: (event: { target: unknown; preventDefault(): void }) => void): void;
  removeEventListener(type: 'click', listener: (event: { target: unknown; preventDefault(): void }) => void): void;
}

/**
 * `custom_launcher_selector` (every browser adapter): a click on any element matching it toggles the messenger, also on
 * elements the page adds later, so the listener is delegated from the document rather than
 * attached to the elements found at boot.
 */
export function watchCustomLauncher(document: ClickSource, messenger: Messenger, logger: Logger): () => void {
  let warnedFor: string | undefined;
  const onClick = (event: { target: unknown; preventDefault(): void }) => {
    const view = messenger.getView();
    const selector = view.launcher.customLauncherSelector;
    if (!selector || !view.booted) return;
    const target = event.target as { closest?: (selector: string) => unknown } | null;
    if (!target || typeof target.closest !== 'function') return;
    let match: unknown;
    try {
      match = target.closest(selector);
    } catch {
      if (warnedFor !== selector) {
        warnedFor = selector;
        logger.warn(`[Confab] custom_launcher_selector ${JSON.stringify(selector)} is not a valid CSS selector`);
      }
      return;
    }
    if (!match) return;
    event.preventDefault();
    view.toggle();
  };
  document.addEventListener('click', onClick);
  return () => document.removeEventListener('click', onClick);
}
