import type { Logger, Messenger } from '@confab/core';

/**
 * `custom_launcher_selector`: a click on any element matching it toggles the messenger, also on
 * elements the page adds later, so the listener is delegated from the document rather than
 * attached to the elements found at boot.
 */
export function watchCustomLauncher(document: Document, messenger: Messenger, logger: Logger): () => void {
  let warnedFor: string | undefined;
  const onClick = (event: Event) => {
    const view = messenger.getView();
    const selector = view.launcher.customLauncherSelector;
    if (!selector || !view.booted) return;
    const target = event.target;
    if (!target || typeof (target as Element).closest !== 'function') return;
    let match: Element | null;
    try {
      match = (target as Element).closest(selector);
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
